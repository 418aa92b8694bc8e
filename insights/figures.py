"""The figures of an organisation's management dashboard: partners, action plans, cases and health checks.

Each panel costs a fixed number of queries, whatever the number of partners, actions, cases or rounds.
Case figures come only through the public functions of `cases` (counts, small groups hidden as in the
annual account); nothing here reads case content.

The period is a calendar year. Partners' standing is as on the last day of the year (today while the
year runs); actions are those due in the year (or, without a due date, created in it); cases those
received in it; health checks the rounds closed in it and the year before, by quarter.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.models import Action, ActionPlan
from assessments.models import Assessment, shares_an_assessment
from assessments.models import Rating as Tier
from cases import annual, stats
from dialogue.models import Participant as SessionParticipant
from dialogue.models import Session
from health.models import MIN_RESPONDENTS, Answered, Round, Schedule
from health.models import Rating as HealthRating
from health.results import Tally
from organisations import dashboard as overview
from organisations.models import Consent, Organisation, Partnership

EXPIRING_WITHIN_DAYS = 90
NOT_RATED = "none"

EXPIRY = [
    ("expired", gettext_lazy("Expired")),
    ("expiring", gettext_lazy("Expires within 90 days")),
    ("current", gettext_lazy("Current")),
    ("none", gettext_lazy("No final assessment")),
]
TIERS = [
    (Tier.LOW.value, Tier.LOW.label),
    (Tier.MODERATE.value, Tier.MODERATE.label),
    (Tier.HIGH.value, Tier.HIGH.label),
    (NOT_RATED, gettext_lazy("Final, not rated")),
    ("unassessed", gettext_lazy("No final assessment")),
]


def year_end(year: int) -> date:
    """The day the figures of `year` are as on: its last day, or today while it runs."""
    return min(date(year, 12, 31), timezone.localdate())


@dataclass
class Slice:
    """One bar of a chart: a key, its label and its count."""

    key: str
    label: str
    count: int


@dataclass
class PartnerStanding:
    as_on: date
    partners: int
    by_tier: list[Slice]
    by_expiry: list[Slice]


def partner_standing(organisation: Organisation, year: int) -> PartnerStanding:
    """The organisation's current partners by the tier and expiry of the latest final assessment it can see.

    "Can see": the organisation requested it, or the partner shares it (Assessment.objects.visible_to).
    Three queries: the partners, the consents that share assessments, the assessments.
    """
    as_on = year_end(year)
    # The partners' keys from both sides of the partnerships, each side from its own index.
    partners = Partnership.objects.current_partner_keys_of(organisation)
    partner_ids = set(partners)
    # Finalised on or before `as_on` in the reader's time: before the next day began (a bound on the column,
    # not the date of every row computed — on SQLite a Python function per row).
    until = datetime.combine(as_on + timedelta(days=1), datetime.min.time(), tzinfo=timezone.get_current_timezone())
    latest: dict[int, tuple[date, str]] = {}
    for partner_id, valid_until, rating in (
        Assessment.objects.visible_to(organisation)
        .final()
        .filter(organisation__in=partners, finalised_at__lt=until)
        .values_list("organisation_id", "valid_until", "final_rating")
    ):
        # A final assessment always has a validity (a database constraint says so).
        assert valid_until is not None
        if partner_id not in latest or valid_until > latest[partner_id][0]:
            latest[partner_id] = (valid_until, rating)
    tiers: Counter[str] = Counter()
    expiry: Counter[str] = Counter()
    soon = as_on + timedelta(days=EXPIRING_WITHIN_DAYS)
    for partner_id in partner_ids:
        if partner_id not in latest:
            tiers["unassessed"] += 1
            expiry["none"] += 1
            continue
        valid_until, rating = latest[partner_id]
        tiers[rating or NOT_RATED] += 1
        expiry["expired" if valid_until < as_on else "expiring" if valid_until <= soon else "current"] += 1
    return PartnerStanding(
        as_on=as_on,
        partners=len(partner_ids),
        by_tier=[Slice(key, str(label), tiers[key]) for key, label in TIERS],
        by_expiry=[Slice(key, str(label), expiry[key]) for key, label in EXPIRY],
    )


@dataclass
class SourceProgress:
    key: str
    label: str
    done: int
    open: int
    overdue: int
    dropped: int

    @property
    def total(self) -> int:
        return self.done + self.open + self.dropped

    @property
    def percent_done(self) -> int:
        counted = self.done + self.open
        return round(100 * self.done / counted) if counted else 0


@dataclass
class ActionProgress:
    total: SourceProgress
    by_source: list[SourceProgress]
    overdue_now: int


def action_progress(organisation: Organisation, year: int) -> ActionProgress:
    """Actions of the plans the organisation owns or co-owns, due in `year` (or created in it without a due date).

    Two queries: the year's actions per source of their plan, and every action overdue today.
    """
    today = timezone.localdate()
    start, end = annual.year_bounds(year)
    plans = ActionPlan.objects.for_organisation(organisation)
    actions = Action.objects.filter(plan__in=plans.values("pk"))
    in_year = Q(due_on__year=year) | Q(due_on__isnull=True, created_at__gte=start, created_at__lt=end)
    rows = {
        kind: row
        for kind, *row in actions.filter(in_year)
        .values("plan__source_kind")
        .annotate(
            done=Count("pk", filter=Q(status=Action.Status.DONE)),
            open=Count("pk", filter=Q(status__in=Action.OPEN)),
            overdue=Count("pk", filter=Q(status__in=Action.OPEN, due_on__lt=today)),
            dropped=Count("pk", filter=Q(status=Action.Status.DROPPED)),
        )
        .values_list("plan__source_kind", "done", "open", "overdue", "dropped")
    }
    by_source = [
        SourceProgress(kind.value, str(kind.label), *rows.get(kind.value, (0, 0, 0, 0))) for kind in ActionPlan.Source
    ]
    total = SourceProgress(
        "all",
        _("All plans"),
        done=sum(s.done for s in by_source),
        open=sum(s.open for s in by_source),
        overdue=sum(s.overdue for s in by_source),
        dropped=sum(s.dropped for s in by_source),
    )
    return ActionProgress(
        total=total,
        by_source=[s for s in by_source if s.total],
        overdue_now=actions.overdue(today).count(),
    )


def case_figures(organisation: Organisation, year: int) -> stats.YearCounts:
    """Counts only, through the cases app's public functions, with the annual account's small-cell rule."""
    return stats.year_counts(organisation, year)


@dataclass
class HealthTrend:
    quarters: list[str]
    ours: list[float | None]
    partners: list[float | None]
    rounds: int
    # Per quarter: how many rounds closed in it.
    rounds_per_quarter: list[int] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[str, float | None, float | None, int]]:
        return list(zip(self.quarters, self.ours, self.partners, self.rounds_per_quarter, strict=True))

    @property
    def empty(self) -> bool:
        return not any(v is not None for v in [*self.ours, *self.partners])


def _quarter(moment: datetime) -> tuple[int, int]:
    local = timezone.localtime(moment)
    return local.year, (local.month - 1) // 3 + 1


def health_trend(organisation: Organisation, year: int) -> HealthTrend:
    """The score of the health checks the organisation takes part in, by quarter, over `year` and the year before.

    Two lines: what the organisation's own people rated, and what the people of the other organisations
    rated. A round counts for a side only when at least MIN_RESPONDENTS of its people answered (the rule
    of the health check pages), so no line gives a few people away. Three queries.
    """
    start, end = annual.year_bounds(year - 1)[0], annual.year_bounds(year)[1]
    rounds = {
        pk: closed_at
        for pk, closed_at in Round.objects.filter(
            schedule__in=Schedule.objects.visible_to(organisation).values("pk"),
            closed_at__gte=start,
            closed_at__lt=end,
        ).values_list("pk", "closed_at")
        if closed_at is not None
    }
    respondents = {
        (round_id, organisation_id): n
        for round_id, organisation_id, n in Answered.objects.filter(round__in=list(rounds))
        .values("round", "organisation")
        .annotate(n=Count("pk"))
        .values_list("round", "organisation", "n")
    }
    quarters = [(y, q) for y in (year - 1, year) for q in (1, 2, 3, 4)]
    ours = {key: Tally() for key in quarters}
    theirs = {key: Tally() for key in quarters}
    for round_id, organisation_id, colour, n in (
        HealthRating.objects.filter(round__in=list(rounds))
        .values("round", "organisation", "colour")
        .annotate(n=Count("pk"))
        .values_list("round", "organisation", "colour", "n")
    ):
        if respondents.get((round_id, organisation_id), 0) < MIN_RESPONDENTS:
            continue
        side = ours if organisation_id == organisation.pk else theirs
        side[_quarter(rounds[round_id])].add(colour, n)
    per_quarter = Counter(_quarter(closed) for closed in rounds.values())
    return HealthTrend(
        quarters=[_("%(year)s Q%(quarter)s") % {"year": y, "quarter": q} for y, q in quarters],
        ours=[ours[key].score for key in quarters],
        partners=[theirs[key].score for key in quarters],
        rounds=len(rounds),
        rounds_per_quarter=[per_quarter[key] for key in quarters],
    )


@dataclass
class SessionsHeld:
    """Dilemma and power-awareness sessions the organisation opened in the year, by quarter and kind."""

    quarters: list[str]
    rows: list[tuple[str, list[int], int]]  # (kind label, per quarter, in the year)
    participants: int

    @property
    def total(self) -> int:
        return sum(total for _label, _counts, total in self.rows)


def sessions_held(organisation: Organisation, year: int) -> SessionsHeld:
    """Sessions opened in `year` (drafts never held are not counted), with the people who joined them. Two queries."""
    start, end = annual.year_bounds(year)
    held = Session.objects.of(organisation).filter(opened_at__gte=start, opened_at__lt=end)
    counts: Counter[tuple[str, int]] = Counter()
    for kind, opened_at in held.values_list("kind", "opened_at"):
        if opened_at is not None:
            counts[(kind, _quarter(opened_at)[1])] += 1
    rows = []
    for kind in Session.Kind:
        per_quarter = [counts[(kind.value, q)] for q in (1, 2, 3, 4)]
        rows.append((str(kind.label), per_quarter, sum(per_quarter)))
    return SessionsHeld(
        quarters=[_("Q%(quarter)s") % {"quarter": q} for q in (1, 2, 3, 4)],
        rows=rows,
        participants=SessionParticipant.objects.filter(session__in=held.values("pk")).count(),
    )


# ---- whose dashboard a change concerns (registered with organisations.dashboard.shown_from) ------------------------
# The dashboard's panels are cached under the organisations' overview versions (docs/decisions/0024). Besides
# what the overview's cards already name (partnerships, assessments of both sides, plans and actions, health
# checks and rounds), its figures read assessments shared by consent and the sessions held.


def _recipients(consent: Consent) -> list[int | str | None]:
    """The organisations a consent shares with."""
    if consent.scope == Consent.Scope.SECTOR:
        return [overview.EVERYONE]
    if consent.scope == Consent.Scope.ALLIANCE:
        return list(overview.of_alliance(consent.to_alliance_id))
    return [consent.to_organisation_id]


def consent_readers(consent: Consent) -> list[int | str | None]:
    """A consent that shares an assessment changes what its recipients see of their partner's standing."""
    if not shares_an_assessment(consent.subject):
        return []
    return [consent.organisation_id, *_recipients(consent)]


def assessment_readers(assessment: Assessment) -> list[int | str | None]:
    """A final assessment counts, beyond its own two sides, for those its organisation shares it with."""
    if assessment.status != Assessment.Status.FINAL:
        return []
    shares = Consent.objects.filter(organisation_id=assessment.organisation_id, subject=assessment.subject)
    return [pk for consent in shares for pk in _recipients(consent)]


def session_organisations(session: Session) -> list[int]:
    return [session.organisation_id]


def participant_organisations(participant: SessionParticipant) -> list[int]:
    """A person joining (or removed from) a session changes the count of its organisation's sessions. Read by key:
    nothing when the session is gone already (its own delete bumps the organisation)."""
    return list(Session.objects.filter(pk=participant.session_id).values_list("organisation_id", flat=True))
