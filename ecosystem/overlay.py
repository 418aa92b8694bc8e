"""The integrity overlay: what Samen knows about the viewer's partners on the map, and only what the viewer may see.

For each organisation on the map that is linked to a Samen organisation in a current partnership with
the viewer:
- whether it has a current assessment (final, still valid); its tier (the reviewer's rating) only from
  an assessment the viewer may see (`Assessment.objects.visible_to`: its own request, or shared with it
  by an active consent of the assessed organisation);
- the open and overdue actions in action plans the viewer and that partner own together;
- whether an integrity agreement of their partnership is in place (signed, not past its review date);
- whether the partner has an open speak-up channel, its own or its alliance's: existence only.

Nothing here reads cases or reports: the overlay says whether someone can speak up, never whether
anyone did.

"Blind spots" are partners of the viewer's partners, found along the public IATI relations, that have
neither a current assessment nor a speak-up channel (an organisation not on Samen has neither).
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from actions.models import Action, ActionPlan
from agreements.models import Agreement
from assessments.models import Assessment
from ecosystem.graph import Subgraph, nodes_of, samen_links
from ecosystem.models import ImportedOrganisation, Relation
from organisations.models import Alliance, Organisation, Partnership
from speakup.models import Channel

# Blind spots are looked for among at most this many partners of partners.
BLIND_SPOT_CAP = 500


@dataclass
class Integrity:
    """What the viewer may know about one partner."""

    assessed: bool = False
    tier: str = ""  # a Rating value, "" when no assessment the viewer may see gives one
    open_actions: int = 0
    overdue_actions: int = 0
    agreement: bool = False
    channel: bool = False


def current_partner_ids(viewer: Organisation) -> set[int]:
    partnerships = Partnership.objects.current().filter(Q(organisation=viewer) | Q(partner=viewer))
    return {pk for pair in partnerships.values_list("organisation_id", "partner_id") for pk in pair} - {viewer.pk}


def assessed_ids(organisation_ids: set[int]) -> set[int]:
    """Organisations among these with a current (final, still valid) assessment: existence only."""
    today = timezone.localdate()
    return set(
        Assessment.objects.final()
        .filter(organisation_id__in=organisation_ids, valid_until__gte=today)
        .values_list("organisation_id", flat=True)
    )


def channel_ids(organisation_ids: set[int]) -> set[int]:
    """Organisations among these with an open speak-up channel of their own or of an alliance they belong to."""
    own = Channel.objects.filter(organisation_id__in=organisation_ids, is_open=True).values_list(
        "organisation_id", flat=True
    )
    alliances = Alliance.objects.filter(
        speakup_channels__is_open=True, alliance_memberships__organisation_id__in=organisation_ids
    )
    via_alliance = alliances.values_list("alliance_memberships__organisation_id", flat=True)
    return (set(own) | set(via_alliance)) & organisation_ids


def overlay(viewer: Organisation, organisation_ids: set[int]) -> dict[int, Integrity]:
    """The overlay for those of `organisation_ids` (Samen organisations) that are current partners of `viewer`."""
    partners = current_partner_ids(viewer) & organisation_ids
    if not partners:
        return {}
    result = {pk: Integrity() for pk in partners}
    today = timezone.localdate()
    for pk in assessed_ids(partners):
        result[pk].assessed = True
    tiers = (
        Assessment.objects.visible_to(viewer)
        .final()
        .filter(organisation_id__in=partners, valid_until__gte=today)
        .exclude(final_rating="")
        .order_by("organisation_id", "-finalised_at")
        .values_list("organisation_id", "final_rating")
    )
    for pk, rating in tiers:
        result[pk].tier = result[pk].tier or rating
    plans = ActionPlan.objects.filter(
        Q(organisation=viewer, partner_id__in=partners) | Q(partner=viewer, organisation_id__in=partners)
    )
    counts = (
        Action.objects.filter(plan__in=plans)
        .open()
        .values_list("plan__organisation_id", "plan__partner_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    )
    for owner, co_owner, open_count, overdue in counts:
        partner = co_owner if owner == viewer.pk else owner
        result[partner].open_actions += open_count
        result[partner].overdue_actions += overdue
    agreements = (
        Agreement.objects.visible_to(viewer)
        .in_place(today)
        .filter(partnership__isnull=False)
        .filter(
            Q(partnership__organisation=viewer, partnership__partner_id__in=partners)
            | Q(partnership__partner=viewer, partnership__organisation_id__in=partners)
        )
        .values_list("partnership__organisation_id", "partnership__partner_id")
    )
    for owner, partner in agreements:
        result[partner if owner == viewer.pk else owner].agreement = True
    for pk in channel_ids(partners):
        result[pk].channel = True
    return result


def blind_spots(viewer: Organisation, cap: int = BLIND_SPOT_CAP) -> tuple[list[ImportedOrganisation], bool]:
    """Partners of the viewer's partners (along IATI relations) with neither a current assessment nor a channel.

    Returns the organisations (by name) and whether the search stopped at `cap` partners of partners.
    """
    partners = current_partner_ids(viewer)
    mine = set(nodes_of([viewer.pk]).values_list("pk", flat=True))
    partner_nodes = set(nodes_of(partners).values_list("pk", flat=True))
    if not partner_nodes:
        return [], False
    # Each direction read up to the cap in the database: a partner that is a hub has thousands of relations.
    known = partner_nodes | mine
    outgoing = Relation.objects.filter(source_id__in=partner_nodes).exclude(target_id__in=known)
    incoming = Relation.objects.filter(target_id__in=partner_nodes).exclude(source_id__in=known)
    second = set(outgoing.values_list("target_id", flat=True).distinct().order_by("target_id")[: cap + 1])
    second |= set(incoming.values_list("source_id", flat=True).distinct().order_by("source_id")[: cap + 1])
    capped = len(second) > cap
    candidates = list(ImportedOrganisation.objects.filter(pk__in=sorted(second)[:cap]).order_by("name", "pk"))
    links = samen_links(candidates)
    linked = set(links.values()) - partners - {viewer.pk}
    covered = assessed_ids(linked) | channel_ids(linked)
    found = [
        o
        for o in candidates
        if links.get(o.pk) not in partners | {viewer.pk} and (o.pk not in links or links[o.pk] not in covered)
    ]
    return found, capped


def for_graph(viewer: Organisation, graph: Subgraph) -> tuple[dict[int, Integrity], set[int], set[int]]:
    """The overlay by node, the viewer's own nodes and the blind-spot nodes, for the organisations on a map."""
    links = samen_links(node.organisation for node in graph.nodes.values() if node.organisation)
    samen = {samen_pk: pk for pk, samen_pk in links.items()}
    by_samen = overlay(viewer, set(samen))
    by_node = {samen[pk]: integrity for pk, integrity in by_samen.items()}
    mine = {pk for pk, samen_pk in links.items() if samen_pk == viewer.pk}
    adjacency = graph.neighbours()
    second: set[int] = set()
    for pk in by_node:
        second |= adjacency.get(pk, set())
    second -= set(by_node) | mine
    linked = {links[pk] for pk in second if pk in links}
    covered = assessed_ids(linked) | channel_ids(linked)
    spots = {pk for pk in second if pk not in links or links[pk] not in covered}
    return by_node, mine, spots
