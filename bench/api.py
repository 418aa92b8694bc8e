"""Bench of the API's list endpoints: one page of 100 at a tenth of sector scale and at sector scale.

    DEBUG=1 .venv/bin/python bench/api.py [--partners 20000] [--requests 60]

Builds its own throwaway SQLite database as bench/run.py does (migrations and the framework, no demo),
then one organisation with a token holding every scope, and around it, stored directly with
bulk_create (the bench measures reading, not writing):

- `--partners` partner organisations, each with a partnership with it and an assessment it requested
  (20,000 partners of one organisation is the sector's largest; 20,000 assessments is the sector's
  total), the first assessment with 60 answers;
- one action plan per 100 actions, `--partners` × 1.5 actions (30,000 at scale, the sector's total);
- `--partners` / 4 published dilemmas of its own (5,000 at scale) beside the framework's;
- alliances (one per 100 partners, 20 members each), people (one per 40 partners), organisation guide
  pages (one per 100 partners) and health checks (one per 20 partnerships, each with a closed round);
- a synthetic IATI ecosystem of `--relations` relations (200,000 at scale) between `--relations` / 10
  imported organisations, four relations an activity (60 % participation, 40 % transactions), a sector
  and a country on every activity, sources skewed towards a few large funders (as bench/ecosystem_map.py
  builds it); the first 200 imported organisations are linked to the organisation's partners, so the
  Samen links and the integrity overlay are looked up too.

Every list endpoint is asked for its first page of 100 (`limit=100`), and the partnerships also for a
deep page (offset 10,000 at scale) to show what an offset costs. Requests alternate with a trivial
view, as in bench/run.py's `measure`. A query count that differs between the two sizes is an N+1.
Target: p95 ≤ 50 ms per page. Results go to bench/results/api.json.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Organisation

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "api.json"
BUDGET_MS = 50
CHUNK = 2_000


@dataclass
class Bench:
    organisation: "Organisation"
    admin: "User"
    secret: str
    partners: int = 0
    relations: int = 0
    iati_organisations: int = 0
    activities: int = 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partners", type=int, default=20_000, help="partners of the organisation at scale")
    parser.add_argument("--relations", type=int, default=200_000, help="IATI relations at scale")
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 60)))
    return parser.parse_args()


def build() -> Bench:
    from django.conf import settings

    from accounts.models import User
    from api.models import SCOPES, Token
    from organisations.models import Membership, Organisation, Role

    settings.API_RATE_PER_MINUTE = 10_000_000
    org = Organisation.objects.create(slug="bench-api", name="Bench API Funder", kind=Organisation.Kind.MEMBER)
    admin = User.objects.create_user("bench-api-admin@example.org", "bench-api-password", name="Admin")
    Membership.objects.create(user=admin, organisation=org, role=Role.ADMIN)
    _token, secret = Token.issue(organisation=org, name="bench", scopes=list(SCOPES), by=admin)
    return Bench(org, admin, secret)


def grow(bench: Bench, partners: int) -> None:
    """Add partners (and everything that scales with them) until the organisation has `partners`."""
    from django.utils import timezone

    from accounts.models import User
    from actions.models import Action, ActionPlan
    from assessments.models import Answer, Assessment
    from dilemmas.models import Context, Dilemma, Status
    from framework.models import AssessmentLibrary, Requirement
    from guide.models import OrganisationPage
    from health.models import Round, Schedule
    from organisations.models import Alliance, AllianceMember, Membership, Organisation, Partnership, Role

    org, start, now = bench.organisation, bench.partners, timezone.now()
    library = AssessmentLibrary.objects.current().first()
    assert library is not None, "the framework is loaded first"
    for low in range(start, partners, CHUNK):
        high = min(partners, low + CHUNK)
        new = Organisation.objects.bulk_create(
            Organisation(slug=f"bench-api-p{i:06d}", name=f"Partner {i:06d}", country="KE", registered_by=org)
            for i in range(low, high)
        )
        links = Partnership.objects.bulk_create(
            Partnership(organisation=org, partner=p, kind="funding", title=f"Programme {i}")
            for i, p in enumerate(new, low)
        )
        Assessment.objects.bulk_create(
            Assessment(library=library, organisation=p, requester=org, partnership=link, created_at=now)
            for p, link in zip(new, links, strict=True)
        )
        plans = ActionPlan.objects.bulk_create(
            ActionPlan(organisation=org, title=f"Plan {i}", created_by=bench.admin)
            for i in range(low // 67, high // 67)
        )
        Action.objects.bulk_create(
            Action(plan=plan, organisation=org, title=f"Action {n} of {plan.title}", due_on=now.date())
            for plan in plans
            for n in range(100)
        )
        Dilemma.objects.bulk_create(
            Dilemma(
                code=(code := uuid.uuid4()),
                subject=f"dilemma:{code}",
                organisation=org,
                author=bench.admin,
                languages="en",
                context=Context.LOCAL_PARTNER,
                status=Status.PUBLISHED,
                title_en=f"Dilemma {i}",
                situation_en="A partner's director buys from a cousin's shop. " * 5,
                question_en="What do you do?",
                published_at=now,
            )
            for i in range(low // 4, high // 4)
        )
        for a in range(low // 100, high // 100):
            alliance = Alliance.objects.create(name=f"Alliance {a}", lead=org)
            AllianceMember.objects.bulk_create(
                AllianceMember(alliance=alliance, organisation=p) for p in new[(a * 20) % len(new) :][:20]
            )
        users = User.objects.bulk_create(
            User(email=f"bench-api-{i:06d}@example.org", name=f"Person {i}", password="!")  # noqa: S106 -- unusable
            for i in range(low // 40, high // 40)
        )
        Membership.objects.bulk_create(Membership(user=u, organisation=org, role=Role.MEMBER) for u in users)
        OrganisationPage.objects.bulk_create(
            OrganisationPage(organisation=org, title=f"Page {i}", body="Text. " * 50)
            for i in range(low // 100, high // 100)
        )
        schedules = Schedule.objects.bulk_create(
            Schedule(organisation=org, partnership=link, title=f"Check {i}", next_due_on=now.date())
            for i, link in enumerate(links[::20])
        )
        Round.objects.bulk_create(
            Round(schedule=s, organisation=org, number=1, opened_at=now, closed_at=now) for s in schedules
        )
    if start == 0:
        first = Assessment.objects.filter(requester=org).order_by("pk").first()
        assert first is not None
        requirements = list(Requirement.objects.filter(library=library)[:60])
        Answer.objects.bulk_create(
            Answer(assessment=first, requirement=r, organisation=first.organisation, level=3) for r in requirements
        )
    bench.partners = partners


SECTORS = ["15170", "12220", "14030", "11110", "16010", "31120", "43010", "15110"]
COUNTRIES = ["UG", "KE", "TZ", "ET", "ML", "BF", "NE", "BD", "NP", "GT"]
RELATIONS_PER_ACTIVITY = 4


def grow_ecosystem(bench: Bench, relations: int) -> None:
    """Add imported organisations, activities and relations until there are `relations` (10 per organisation)."""
    import random
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
    from organisations.models import Partnership

    rng = random.Random(relations)  # noqa: S311 -- bench data, not secrets
    first = bench.iati_organisations
    wanted = max(first + 2, relations // 10)
    ImportedOrganisation.objects.bulk_create(
        (
            ImportedOrganisation(identifier=f"XM-BENCH-{n:06}", name=f"Organisation {n:06}", type="22")
            for n in range(first, wanted)
        ),
        batch_size=CHUNK,
    )
    pks = list(ImportedOrganisation.objects.order_by("pk").values_list("pk", flat=True))
    if first == 0:
        partners = list(
            Partnership.objects.filter(organisation=bench.organisation).order_by("pk").values_list("partner", flat=True)
        )
        for pk, partner in zip(pks[:200], partners, strict=False):
            ImportedOrganisation.objects.filter(pk=pk).update(samen_organisation=partner)
    start = date(2015, 1, 1)
    activities = Activity.objects.bulk_create(
        (
            Activity(
                iati_identifier=f"XM-BENCH-A{n:07}",
                reporting_organisation_id=pks[int(len(pks) * rng.random() ** 3)],
                digest="0" * 64,
                start=start + timedelta(days=n % 3000),
                end=start + timedelta(days=n % 3000 + 730),
            )
            for n in range(bench.activities, relations // RELATIONS_PER_ACTIVITY + 1)
        ),
        batch_size=CHUNK,
    )
    bench.activities += len(activities)
    ActivitySector.objects.bulk_create(
        (ActivitySector(activity=a, vocabulary="1", code=rng.choice(SECTORS)) for a in activities), batch_size=CHUNK
    )
    ActivityCountry.objects.bulk_create(
        (ActivityCountry(activity=a, country=rng.choice(COUNTRIES)) for a in activities), batch_size=CHUNK
    )
    batch: list[Relation] = []
    made = bench.relations
    while made < relations:
        source, target = pks[int(len(pks) * rng.random() ** 3)], pks[rng.randrange(len(pks))]
        if source == target:
            continue
        activity = activities[(made - bench.relations) // RELATIONS_PER_ACTIVITY]
        if made % 5 < 3:
            batch.append(
                Relation(
                    activity=activity,
                    kind=Relation.Kind.PARTICIPATION,
                    source_id=source,
                    target_id=target,
                    source_role=Role.FUNDING,
                    target_role=Role.IMPLEMENTING,
                    start=activity.start,
                    end=activity.end,
                )
            )
        else:
            batch.append(
                Relation(
                    activity=activity,
                    kind=Relation.Kind.TRANSACTION,
                    source_id=source,
                    target_id=target,
                    transaction_type="3",
                    amount=Decimal(rng.randrange(1_000, 1_000_000)),
                    currency="EUR",
                    start=activity.start,
                    end=activity.start,
                )
            )
        made += 1
        if len(batch) >= CHUNK:
            Relation.objects.bulk_create(batch)
            batch = []
    Relation.objects.bulk_create(batch)
    OrganisationCountry.objects.refresh()  # bulk inserts send no signals: derive it as the importer does
    bench.relations, bench.iati_organisations = made, wanted


def pages(bench: Bench) -> dict[str, str]:
    from assessments.models import Assessment
    from health.models import Schedule

    assessment = Assessment.objects.filter(requester=bench.organisation).order_by("pk").first()
    schedule = Schedule.objects.filter(organisation=bench.organisation).order_by("pk").first()
    assert assessment is not None and schedule is not None
    from ecosystem.models import ImportedOrganisation

    # The largest funder (sources are skewed towards the first organisations), linked to a partner.
    hub = ImportedOrganisation.objects.order_by("pk").first()
    assert hub is not None
    deep = (bench.partners // 2) // 100 * 100
    return {
        "partners": "/api/v1/partners?limit=100",
        "partnerships": "/api/v1/partnerships?limit=100",
        f"partnerships@{deep}": f"/api/v1/partnerships?limit=100&offset={deep}",
        "alliances": "/api/v1/alliances?limit=100",
        "people": "/api/v1/people?limit=100",
        "assessments": "/api/v1/assessments?limit=100",
        "answers": f"/api/v1/assessments/{assessment.code}/answers?limit=100",
        "action-plans": "/api/v1/action-plans?limit=100",
        "actions": "/api/v1/actions?limit=100",
        "actions-open": "/api/v1/actions?limit=100&status=todo",
        "dilemmas": "/api/v1/dilemmas?limit=100",
        "guide-pages": "/api/v1/guide-pages?limit=100",
        "org-pages": "/api/v1/organisation-pages?limit=100",
        "health-checks": "/api/v1/health-checks?limit=100",
        "health-rounds": f"/api/v1/health-checks/{schedule.code}/rounds?limit=100",
        "eco-organisations": "/api/v1/ecosystem/organisations?limit=100",
        "eco-organisations-ug": "/api/v1/ecosystem/organisations?limit=100&country=UG",
        "eco-organisations-q": "/api/v1/ecosystem/organisations?limit=100&q=organisation%200012",
        "eco-organisation": f"/api/v1/ecosystem/organisations/{hub.code}",
        "eco-relations": "/api/v1/ecosystem/relations?limit=100",
        "eco-relations-filtered": "/api/v1/ecosystem/relations?limit=100&country=UG&sector=15170&year_from=2020",
        "eco-relations-hub": f"/api/v1/ecosystem/relations?limit=100&organisation={hub.code}",
    }


def measure_all(bench: Bench, requests: int) -> dict[str, dict[str, Any]]:
    from django.test import Client

    from bench.run import measure

    client = Client(headers={"Authorization": f"Bearer {bench.secret}"})
    trivial = Client()
    results = {"baseline": measure(trivial, "/bench-trivial/", requests)}
    for label, url in pages(bench).items():
        results[label] = measure(client, url, requests, trivial=trivial)
    return results


def print_table(small: dict[str, Any], scaled: dict[str, Any], sizes: tuple[int, int]) -> list[str]:
    print(f"\nAPI bench — a page of 100, {sizes[0]:,} → {sizes[1]:,} partners (and what grows with them)")
    baseline = scaled["baseline"]
    print(f"baseline (trivial view): p50 {baseline['p50_ms']:.2f} ms, p95 {baseline['p95_ms']:.2f} ms")
    print(f"{'endpoint':<22} {'queries':>9} {'p50 ms':>8} {'p95 ms':>8} {'p95 ×':>7}  flags")
    flags = []
    for label, result in scaled.items():
        if label == "baseline":
            continue
        before = small.get(label.split("@")[0]) if "@" in label else small.get(label)
        if result.get("status") != 200:
            print(f"{label:<22} status {result.get('status')}")
            flags.append(f"{label}: status {result.get('status')}")
            continue
        queries = f"{before['queries']}→{result['queries']}" if before and before.get("queries") else result["queries"]
        notes = []
        if before and before.get("queries") is not None and before["queries"] != result["queries"]:
            notes.append("queries grow")
        if result["p95_ms"] > BUDGET_MS:
            notes.append(f"p95 over {BUDGET_MS} ms")
        flags += [f"{label}: {note}" for note in notes]
        print(
            f"{label:<22} {queries!s:>9} {result['p50_ms']:>8.1f} {result['p95_ms']:>8.1f} "
            f"{result['p95_ratio']:>7.1f}  {', '.join(notes)}"
        )
    return flags


def main() -> int:
    args = parse_args()
    # This file is named like the `api` app: the project's folder must come before bench/ on the path.
    sys.path.insert(0, str(ROOT))
    from bench.run import setup_django

    with tempfile.TemporaryDirectory(prefix="samen-bench-api-") as tmp:
        setup_django(Path(tmp))
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_framework", verbosity=0)
        bench = build()
        small_partners = max(100, args.partners // 10)
        small_relations = max(1_000, args.relations // 10)
        grow(bench, small_partners)
        grow_ecosystem(bench, small_relations)
        built = time.perf_counter() - started
        small = measure_all(bench, args.requests)
        started = time.perf_counter()
        grow(bench, args.partners)
        grow_ecosystem(bench, args.relations)
        grown = time.perf_counter() - started
        scaled = measure_all(bench, args.requests)
    print(
        f"\nData: framework, {small_partners:,} partners and {small_relations:,} IATI relations in {built:.1f} s; "
        f"to {args.partners:,} and {args.relations:,} in {grown:.1f} s"
    )
    flags = print_table(small, scaled, (small_partners, args.partners))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "database": "sqlite",
                "requests": args.requests,
                "partners": [small_partners, args.partners],
                "relations": [small_relations, args.relations],
                "small": small,
                "scaled": scaled,
                "flags": flags,
            },
            indent=2,
        )
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
