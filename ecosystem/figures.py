"""Network figures of an organisation or an alliance, computed in the worker and cached in NetworkFigures.

What each figure means (the figures page says the same to its readers):
- Partners by role: distinct organisations related to the subject. Along activities: those that fund
  it (role 1 towards it), and those it funds by the role they play (implementing, extending,
  accountable). Along transactions: those that paid it, and those it paid.
- Funding concentration: the share of the largest funder in what the subject received: incoming funds
  and disbursements (IATI transaction types 1 and 3; commitments are left out so that money promised
  and then paid is not counted twice), in the currency most of them use. Without any amounts, the share
  of the largest funder among the activities the subject is funded in.
- Dependency: for each organisation the subject paid, the share of all its recorded incoming funds and
  disbursements (in the currency of the subject's payments to it) that came from the subject.
- Brokers: betweenness centrality (Brandes' algorithm) on the network within two hops of the subject
  (at most BROKER_CAP organisations), counting each pair of organisations once, divided by the number
  of pairs that could pass through a node, so 1 means every shortest path runs through it.
- Overlap between alliances is not cached here: it depends on which alliances the viewer may see, and
  is one query (see views/map.py).

All of it is public IATI data, except an alliance's members, which its lead and members read.
"""

from collections import Counter, defaultdict, deque
from collections.abc import Hashable
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django_tasks import task

from ecosystem.graph import Filters, nodes_of, walk
from ecosystem.models import ImportedOrganisation, NetworkFigures, Relation, Role
from organisations.models import Alliance

FUNDING_TRANSACTIONS = ("1", "3")
BROKER_CAP = 300
TOP = 10
DEPENDENCY_ROWS = 20
# A request for figures that the worker has not answered within this time is asked again.
REQUEST_TIMEOUT_SECONDS = 600


N = TypeVar("N", bound=Hashable)


def betweenness(adjacency: dict[N, set[N]]) -> dict[N, float]:
    """Betweenness centrality of an undirected, unweighted graph (Brandes 2001), each pair of ends counted once."""
    score: dict[N, float] = dict.fromkeys(adjacency, 0.0)
    for source in adjacency:
        stack: list[N] = []
        predecessors: dict[N, list[N]] = defaultdict(list)
        paths: dict[N, int] = dict.fromkeys(adjacency, 0)
        paths[source] = 1
        distance: dict[N, int] = {source: 0}
        queue = deque([source])
        while queue:
            v = queue.popleft()
            stack.append(v)
            for w in adjacency[v]:
                if w not in distance:
                    distance[w] = distance[v] + 1
                    queue.append(w)
                if distance[w] == distance[v] + 1:
                    paths[w] += paths[v]
                    predecessors[w].append(v)
        dependency: dict[N, float] = dict.fromkeys(adjacency, 0.0)
        while stack:
            w = stack.pop()
            for v in predecessors[w]:
                dependency[v] += paths[v] / paths[w] * (1 + dependency[w])
            if w != source:
                score[w] += dependency[w]
    # Every pair was walked from both of its ends.
    return {node: value / 2 for node, value in score.items()}


def _label(organisation: ImportedOrganisation) -> dict[str, str]:
    return {"code": str(organisation.code), "name": organisation.name, "identifier": organisation.identifier}


def _amount(value: Decimal | int) -> str:
    """Amounts with two decimals, whatever the database's sum returns."""
    return f"{Decimal(value):.2f}"


def partners_by_role(subject: set[int]) -> dict[str, int]:
    outside = ~Q(source_id__in=subject) | ~Q(target_id__in=subject)
    relations = Relation.objects.filter(outside)
    counts: dict[str, int] = {}
    participation = relations.filter(kind=Relation.Kind.PARTICIPATION)
    counts["funding"] = (
        participation.filter(target_id__in=subject)
        .exclude(source_id__in=subject)
        .values("source_id")
        .distinct()
        .count()
    )
    funded = (
        participation.filter(source_id__in=subject)
        .exclude(target_id__in=subject)
        .values_list("target_role")
        .annotate(n=Count("target_id", distinct=True))
    )
    for role, n in funded:
        counts[
            {Role.IMPLEMENTING: "implementing", Role.EXTENDING: "extending", Role.ACCOUNTABLE: "accountable"}.get(
                role, "funded"
            )
        ] = n
    transactions = relations.filter(kind=Relation.Kind.TRANSACTION)
    counts["providers"] = (
        transactions.filter(target_id__in=subject).exclude(source_id__in=subject).values("source_id").distinct().count()
    )
    counts["receivers"] = (
        transactions.filter(source_id__in=subject).exclude(target_id__in=subject).values("target_id").distinct().count()
    )
    return counts


def funding_concentration(subject: set[int]) -> dict[str, Any] | None:
    incoming = Relation.objects.filter(target_id__in=subject).exclude(source_id__in=subject)
    paid = (
        incoming.filter(kind=Relation.Kind.TRANSACTION, transaction_type__in=FUNDING_TRANSACTIONS, amount__gt=0)
        .values_list("currency", "source_id")
        .annotate(total=Sum("amount"))
    )
    by_currency: dict[str, Counter[int]] = defaultdict(Counter)
    for currency, source, total in paid:
        by_currency[currency][source] += total
    if by_currency:
        currency = max(by_currency, key=lambda c: (len(by_currency[c]), sum(by_currency[c].values()), c))
        funders = by_currency[currency]
        basis = "amount"
    else:
        funders = Counter(
            dict(
                incoming.filter(kind=Relation.Kind.PARTICIPATION, source_role=Role.FUNDING)
                .values_list("source_id")
                .annotate(n=Count("activity_id", distinct=True))
            )
        )
        currency, basis = "", "activities"
    if not funders:
        return None
    largest, value = max(funders.items(), key=lambda item: (item[1], -item[0]))
    total = sum(funders.values())
    return {
        "basis": basis,
        "currency": currency,
        "share": float(value / total),
        "largest": _label(ImportedOrganisation.objects.get(pk=largest)),
        "largest_value": _amount(value),
        "total": _amount(total),
        "funders": len(funders),
    }


def dependency(subject: set[int]) -> list[dict[str, Any]]:
    funding = Relation.objects.filter(
        kind=Relation.Kind.TRANSACTION, transaction_type__in=FUNDING_TRANSACTIONS, amount__gt=0
    )
    ours = (
        funding.filter(source_id__in=subject)
        .exclude(target_id__in=subject)
        .values_list("target_id", "currency")
        .annotate(total=Sum("amount"))
        .order_by("-total")
    )
    from_us: dict[int, tuple[str, Decimal]] = {}
    for target, currency, total in ours:
        if target not in from_us:  # the currency of the largest payments to this partner
            from_us[target] = (currency, total)
        if len(from_us) >= DEPENDENCY_ROWS * 5:
            break
    if not from_us:
        return []
    totals = dict(
        ((target, currency), total)
        for target, currency, total in funding.filter(target_id__in=list(from_us))
        .values_list("target_id", "currency")
        .annotate(total=Sum("amount"))
    )
    names = ImportedOrganisation.objects.in_bulk(list(from_us))
    rows: list[dict[str, Any]] = []
    for target, (currency, ours_total) in from_us.items():
        total = totals.get((target, currency)) or ours_total
        rows.append(
            {
                **_label(names[target]),
                "share": float(ours_total / total),
                "from_us": _amount(ours_total),
                "total": _amount(total),
                "currency": currency,
            }
        )
    rows.sort(key=lambda row: (-float(row["share"]), str(row["name"])))
    return rows[:DEPENDENCY_ROWS]


def brokers(subject: set[int]) -> dict[str, Any]:
    graph = walk(sorted(subject), 2, Filters(), cap=BROKER_CAP)
    scores = betweenness(graph.neighbours())
    n = len(scores)
    pairs = (n - 1) * (n - 2) / 2 if n > 2 else 1
    top = sorted((pk for pk in scores if scores[pk] > 0), key=lambda pk: (-scores[pk], pk))[:TOP]
    return {
        "organisations": n,
        "capped": graph.capped,
        "top": [
            {**_label(graph.nodes[pk].organisation), "score": scores[pk] / pairs, "subject": pk in subject}  # type: ignore[arg-type]
            for pk in top
        ],
    }


def compute(subject: set[int]) -> dict[str, Any]:
    if not subject:
        return {"empty": True}
    return {
        "partners_by_role": partners_by_role(subject),
        "concentration": funding_concentration(subject),
        "dependency": dependency(subject),
        "brokers": brokers(subject),
    }


def alliance_nodes(alliance: Alliance) -> set[int]:
    """The imported organisations of an alliance's members (those whose IATI identifier is in the data)."""
    members = alliance.alliance_memberships.values_list("organisation_id", flat=True)
    return set(nodes_of(members).values_list("pk", flat=True))


def refresh(figures: NetworkFigures) -> NetworkFigures:
    subject = {figures.organisation_id} if figures.organisation_id else alliance_nodes(figures.alliance)  # type: ignore[arg-type]
    figures.figures = compute(subject)
    figures.computed_at = timezone.now()
    figures.save(update_fields=["figures", "computed_at"])
    return figures


@task()
def compute_figures(pk: int) -> str:
    """Compute (again) one NetworkFigures row. Lives here, beside what it computes, not in tasks.py (the import's)."""
    figures = NetworkFigures.objects.select_related("alliance").filter(pk=pk).first()
    if figures is None:
        return "gone"
    if not figures.is_stale(NetworkFigures.objects.latest_import()):
        return "fresh"  # a request delivered twice, or asked for twice
    refresh(figures)
    return "computed"


def figures_for(
    *, organisation: ImportedOrganisation | None = None, alliance: Alliance | None = None
) -> NetworkFigures:
    """The cached figures, asking the worker to compute them (again) when they are missing or stale."""
    figures, created = NetworkFigures.objects.get_or_create(organisation=organisation, alliance=alliance)
    if created or figures.is_stale(NetworkFigures.objects.latest_import()):
        # Asked for and not answered yet: ask once, and again only if the worker seems to have lost it.
        pending = not created and (figures.computed_at is None or figures.requested_at > figures.computed_at)
        waited = (timezone.now() - figures.requested_at).total_seconds()
        if not pending or waited > REQUEST_TIMEOUT_SECONDS:
            figures.requested_at = timezone.now()
            figures.save(update_fields=["requested_at"])
            compute_figures.enqueue(figures.pk)
            figures.refresh_from_db()
    return figures
