"""Partnership health checks: a schedule for a partnership or an alliance, its rounds, who takes part, and the ratings.

Anonymity within an organisation is built into the tables: a `Rating` knows its round, the
organisation it speaks for, the dimension and the colour, and nothing of the person. Who has
answered is a separate `Answered` record, which is what makes "once per round" a database
constraint. Ratings carry no time and a random primary key, so their order does not line up
with the order of the `Answered` records. (The database's own storage order could still hint at
it to someone holding a raw copy; we accept that: the pages and the API never expose it.)
"""

import calendar
import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations import dashboard as overview
from organisations.models import Alliance, AllianceMember, Organisation, Partnership

if TYPE_CHECKING:
    from accounts.models import User

# A breakdown for an organisation shows only when at least this many of its people answered.
MIN_RESPONDENTS = 3


class ScheduleQuerySet(models.QuerySet["Schedule"]):
    def visible_to(self, organisation: Organisation) -> "ScheduleQuerySet":
        """Checks of the organisation's partnerships (either side) and of alliances it leads or belongs to."""
        alliances = AllianceMember.objects.filter(organisation=organisation).values("alliance")
        return self.filter(
            Q(partnership__organisation=organisation)
            | Q(partnership__partner=organisation)
            | Q(alliance__lead=organisation)
            | Q(alliance__in=alliances)
        )


class Schedule(models.Model):
    """A periodic health check of one partnership or one alliance, run by `organisation`."""

    class Kind(models.TextChoices):
        INFORMAL = "informal", _("Informal check (about every two months)")
        FORMAL = "formal", _("Formal review (every six to twelve months)")

    DEFAULT_INTERVAL = {Kind.INFORMAL: 2, Kind.FORMAL: 6}

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The organisation that set the check up: owner of its action plan, and the tenancy key.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="health_checks")
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="health_checks"
    )
    alliance = models.ForeignKey(
        Alliance, null=True, blank=True, on_delete=models.CASCADE, related_name="health_checks"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INFORMAL)
    interval_months = models.PositiveSmallIntegerField(_("every how many months"), default=2)
    next_due_on = models.DateField(_("next round due on"))
    # The due date the managers were last reminded of: one reminder per due date, however often cron runs.
    due_reminded_for = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["next_due_on", "title"]
        indexes = [models.Index(fields=["next_due_on"], name="health_schedule_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(partnership__isnull=False, alliance__isnull=True)
                | Q(partnership__isnull=True, alliance__isnull=False),
                name="health_schedule_one_subject",
            ),
            models.CheckConstraint(condition=Q(kind__in=["informal", "formal"]), name="health_schedule_kind"),
            models.CheckConstraint(
                condition=Q(interval_months__gte=1, interval_months__lte=24), name="health_schedule_interval"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_name(self) -> str:
        if self.alliance is not None:
            return self.alliance.name
        assert self.partnership is not None
        return f"{self.partnership.organisation.name} — {self.partnership.partner.name}"

    def organisations(self) -> "models.QuerySet[Organisation]":
        """The organisations whose people take part: both partners, or the alliance's lead and members."""
        if self.partnership is not None:
            ids = [self.partnership.organisation_id, self.partnership.partner_id]
            return Organisation.objects.filter(pk__in=ids).order_by("name")
        assert self.alliance is not None
        return (
            Organisation.objects.filter(Q(pk=self.alliance.lead_id) | Q(alliance_memberships__alliance=self.alliance))
            .distinct()
            .order_by("name")
        )

    def plan_partner(self) -> Organisation | None:
        """The co-owner of the check's action plan: the other side of a partnership; none for an alliance."""
        if self.partnership is None:
            return None
        return self.partnership.other(self.organisation)

    def is_due(self, today: date | None = None) -> bool:
        return self.next_due_on <= (today or timezone.localdate())

    def following_due_date(self, opened_on: date) -> date:
        return add_months(opened_on, self.interval_months)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 January + 1 → 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class RoundQuerySet(models.QuerySet["Round"]):
    def open(self) -> "RoundQuerySet":
        return self.filter(closed_at__isnull=True)


class Round(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="rounds")
    # Always schedule.organisation: the direct tenancy key.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="health_rounds")
    number = models.PositiveIntegerField()
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closes_on = models.DateField(_("answer before"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The review meeting where both sides talk the results through.
    review_held_on = models.DateField(_("review meeting held on"), null=True, blank=True)
    review_notes = models.TextField(_("what was discussed"), blank=True)
    review_agreements = models.TextField(_("what was agreed"), blank=True)
    review_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["schedule", "number"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "number"], name="health_round_number_unique"),
            models.UniqueConstraint(
                fields=["schedule"], condition=Q(closed_at__isnull=True), name="health_one_open_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} — round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def close(self, by: "User") -> bool:
        """Close the round; False when it was closed already (by someone else, meanwhile)."""
        now = timezone.now()
        closed = Round.objects.filter(pk=self.pk, closed_at__isnull=True).update(closed_at=now, closed_by=by)
        if closed:
            self.closed_at, self.closed_by = now, by
            overview.changed(self)  # the check waits for its next round again
        return bool(closed)


class Participant(models.Model):
    """A person invited to answer a round, for the organisation they answer for."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_participations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    # When the "please answer" email went out: once per round and person, however often cron runs.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "user__name", "user__email"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="health_participant_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.round}"


class Answered(models.Model):
    """That a participant has answered: the "once per round" record, deliberately apart from the ratings."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answered")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answered")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # A day, not a moment: nothing here lines up with the ratings.
    answered_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant"], name="health_answer_once_per_round")]

    def __str__(self) -> str:
        return f"{self.participant_id} answered"


class Colour(models.TextChoices):
    GREEN = "green", _("Green — going well")
    AMBER = "amber", _("Amber — needs attention")
    RED = "red", _("Red — a serious concern")


# For the trend and the differences: green counts as 100, amber as 50, red as 0.
SCORE = {Colour.GREEN: 100, Colour.AMBER: 50, Colour.RED: 0}


class Rating(models.Model):
    """One organisation's colour for one dimension in one round, from one of its people, who stays unnamed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ratings")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=40)
    colour = models.CharField(max_length=8, choices=Colour.choices)
    comment = models.TextField(blank=True)

    class Meta:
        # Random, so the order a page shows carries no hint of who answered first.
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(colour__in=["green", "amber", "red"]), name="health_rating_colour")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.colour}"
