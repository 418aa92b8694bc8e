"""The IATI ecosystem: imported organisations, activities and funding relations between them.

As bench/ecosystem_map.py builds them: who funds whom follows a power law (a few organisations
publish and fund most activities), four relations per activity, three in five participations (funder
→ implementer) and the rest transactions. The most active imported organisations are the member
organisations on Samen (largest first) and then partners, linked by `samen_organisation`.
"""

from datetime import date, timedelta
from decimal import Decimal

from ecosystem.models import (
    Activity,
    ActivityCountry,
    ActivitySector,
    ImportedOrganisation,
    OrganisationCountry,
    Relation,
    Role,
)
from samen.scale.common import Context, bulk
from samen.scale.organisations import COUNTRIES

RELATIONS_PER_ACTIVITY = 4
RELATIONS_PER_ORGANISATION = 10
SECTORS = ["11110", "12220", "14030", "15160", "15170", "16010", "31120", "72010", "72040", "74020"]
TYPES = ["10", "21", "22", "23", "40", "60", "80"]


def ecosystem(ctx: Context) -> None:
    rng = ctx.rng
    total = ctx.profile.relations
    count = max(10, total // RELATIONS_PER_ORGANISATION)
    linked = (ctx.members + ctx.partners)[: count // 2]
    orgs = bulk(
        ImportedOrganisation,
        (
            ImportedOrganisation(
                code=ctx.uuid(),
                identifier=f"XM-SCALE-{n:06d}",
                name=linked[n].name if n < len(linked) else f"Organisation {n:06d}",
                type=rng.choice(TYPES),
                samen_organisation=linked[n] if n < len(linked) else None,
            )
            for n in range(count)
        ),
    )

    def skewed() -> ImportedOrganisation:
        return orgs[int(count * rng.random() ** 3)]

    start = date(2015, 1, 1)
    activities = bulk(
        Activity,
        (
            Activity(
                code=ctx.uuid(),
                iati_identifier=f"XM-SCALE-A{n:07d}",
                reporting_organisation=skewed(),
                title=f"Programme {n:07d}",
                digest=f"{n:064d}",
                start=start + timedelta(days=n % 3000),
                end=start + timedelta(days=n % 3000 + 730),
            )
            for n in range(total // RELATIONS_PER_ACTIVITY + 1)
        ),
    )
    bulk(ActivitySector, (ActivitySector(activity=a, vocabulary="1", code=rng.choice(SECTORS)) for a in activities))
    bulk(ActivityCountry, (ActivityCountry(activity=a, country=rng.choice(COUNTRIES)) for a in activities))

    def relation(n: int) -> Relation:
        activity = activities[n // RELATIONS_PER_ACTIVITY]
        source = activity.reporting_organisation if n % RELATIONS_PER_ACTIVITY == 0 else skewed()
        target = orgs[rng.randrange(count)]
        while target.pk == source.pk:
            target = orgs[rng.randrange(count)]
        if n % 5 < 3:
            return Relation(
                activity=activity,
                kind=Relation.Kind.PARTICIPATION,
                source=source,
                target=target,
                source_role=Role.FUNDING,
                target_role=Role.IMPLEMENTING,
                start=activity.start,
                end=activity.end,
            )
        return Relation(
            activity=activity,
            kind=Relation.Kind.TRANSACTION,
            source=source,
            target=target,
            transaction_type="3",
            amount=Decimal(rng.randrange(1_000, 1_000_000)),
            currency="EUR",
            start=activity.start,
            end=activity.start,
        )

    bulk(Relation, (relation(n) for n in range(total)), batch_size=5_000)
    OrganisationCountry.objects.refresh()  # bulk inserts send no signals: derive it as the importer does
