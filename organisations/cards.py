"""The overview's own cards: partners by country, alliances, people and pending invitations
(registered in OrganisationsConfig.ready(), shown by organisations/dashboard.py)."""

from collections import Counter
from typing import TypeVar

from django.db.models import Count, Exists, Model, OuterRef, QuerySet, Window
from django.utils.translation import gettext as _
from django_countries import countries

from organisations import dashboard as overview
from organisations.models import Alliance, AllianceMember, Invitation, Membership, Organisation, Partnership

M = TypeVar("M", bound=Model)
SHOWN = 5


def partners_by_country(organisation_id: int) -> list[tuple[str, int]]:
    """How many partnerships the organisation has per country of the other party, most first. One query."""
    counts: Counter[str] = Counter()
    recorded = (
        Partnership.objects.filter(organisation_id=organisation_id)
        .values_list("partner__country")
        .annotate(n=Count("id"))
        .order_by()
    )
    received = (
        Partnership.objects.filter(partner_id=organisation_id)
        .values_list("organisation__country")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Both sides in one round trip; UNION ALL keeps a country that appears on both sides twice.
    for country, n in recorded.union(received, all=True):
        counts[country or ""] += n
    return [
        (countries.name(code) if code else _("Country not recorded"), n)
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def first_and_count(queryset: "QuerySet[M]", shown: int) -> tuple[list[M], int]:
    """The first `shown` rows and how many rows there are in all, in one query (a window count).

    The count is that of the rows the query would return, so `queryset` must not repeat a row.
    """
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[:shown])
    return rows, (rows[0].total_rows if rows else 0)


def partners(organisation: Organisation) -> overview.Context:
    by_country = partners_by_country(organisation.pk)
    return {"count": sum(n for _country, n in by_country), "by_country": by_country[:8]}


def alliances(organisation: Organisation) -> overview.Context:
    # Exists, not a join: each alliance once, so the window count is the number of alliances.
    member = AllianceMember.objects.filter(alliance=OuterRef("pk"), organisation=organisation)
    shown, count = first_and_count(Alliance.objects.filter(Exists(member)).select_related("lead"), SHOWN)
    return {"alliances": shown, "count": count}


def people(organisation: Organisation) -> overview.Context:
    return {"count": Membership.objects.filter(organisation=organisation).count()}


def invitations(organisation: Organisation) -> overview.Context:
    # An invitation that expires while this is cached leaves the card within MAX_AGE.
    shown, count = first_and_count(Invitation.objects.pending().filter(organisation=organisation), SHOWN)
    return {"pending": shown, "count": count}


def for_managers(membership: Membership) -> overview.Context | None:
    return {} if membership.can_manage else None


def register() -> None:
    overview.register("partners", template="organisations/_card_partners.html", shared=partners, order=-40)
    overview.register("alliances", template="organisations/_card_alliances.html", shared=alliances, order=-30)
    overview.register("people", template="organisations/_card_people.html", shared=people, order=-20)
    overview.register(
        "invitations",
        template="organisations/_card_invitations.html",
        shared=invitations,
        live=for_managers,
        order=-10,
    )
    overview.shown_from(Partnership, lambda partnership: (partnership.organisation_id, partnership.partner_id))
    overview.shown_from(Alliance, lambda alliance: [alliance.lead_id, *overview.of_alliance(alliance.pk)])
    overview.shown_from(AllianceMember, lambda member: [member.organisation_id])
    overview.shown_from(Membership, lambda membership: [membership.organisation_id])
    overview.shown_from(Invitation, lambda invitation: [invitation.organisation_id])
    # The organisation's own details (its size decides the roadmap's steps). A partner's new country shows in
    # the partners card within MAX_AGE: bumping every organisation it partners with is not worth it.
    overview.shown_from(Organisation, lambda organisation: [organisation.pk])
