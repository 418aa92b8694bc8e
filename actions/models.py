"""The actieplan: plans of actions that one organisation owns and, optionally, a partner co-owns.

Plans come from many sources (an assessment's gaps, later health checks, dialogue sessions and the
lessons of a case) or are started by hand. Feature apps create them through `ActionPlan.start` and
`ActionPlan.add_action`; this app never imports those apps, it only remembers the source by kind
and code.
"""

import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from framework.models import Requirement
from organisations.models import Membership, Organisation

if TYPE_CHECKING:
    from accounts.models import User


class ActionPlanQuerySet(models.QuerySet["ActionPlan"]):
    def for_organisation(self, organisation: Organisation) -> "ActionPlanQuerySet":
        """Plans the organisation owns or co-owns."""
        return self.filter(Q(organisation=organisation) | Q(partner=organisation))

    def with_progress(self, today: date | None = None) -> "ActionPlanQuerySet":
        """Each plan with its number of actions, done, dropped and overdue ones, in the same query."""
        today = today or timezone.localdate()
        return self.annotate(
            total_count=models.Count("actions"),
            done_count=models.Count("actions", filter=Q(actions__status="done")),
            dropped_count=models.Count("actions", filter=Q(actions__status="dropped")),
            overdue_count=models.Count(
                "actions", filter=Q(actions__status__in=["todo", "doing"], actions__due_on__lt=today)
            ),
        )


class ActionPlan(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Started by hand")
        ASSESSMENT = "assessment", _("Assessment")
        ROADMAP = "roadmap", _("Integrity roadmap")
        HEALTH_CHECK = "health_check", _("Partnership health check")
        CASE = "case", _("Lessons from a case")
        # Agreements of a dialogue session (dilemma or power-awareness), source_code the session's code.
        SESSION = "session", _("Dialogue session")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="action_plans")
    # The co-owner: both organisations see and update the plan.
    partner = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="co_owned_action_plans"
    )
    title = models.CharField(_("title"), max_length=200)
    source_kind = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    source_code = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_code"],
                condition=Q(source_code__isnull=False),
                name="action_plan_one_per_source",
            ),
            models.CheckConstraint(condition=~Q(partner=models.F("organisation")), name="action_plan_two_owners"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def start(
        cls,
        *,
        organisation: Organisation,
        partner: Organisation | None = None,
        title: str,
        source_kind: str = Source.MANUAL,
        source_code: uuid.UUID | None = None,
        by: "User | None",
    ) -> "ActionPlan":
        """A new plan, or the existing one for the same source (so a source never gets two plans)."""
        if source_code is not None:
            existing = cls.objects.filter(source_kind=source_kind, source_code=source_code).first()
            if existing is not None:
                return existing
        try:
            with transaction.atomic():
                return cls.objects.create(
                    organisation=organisation,
                    partner=partner,
                    title=title,
                    source_kind=source_kind,
                    source_code=source_code,
                    created_by=by,
                )
        except IntegrityError:
            # Another request started the plan for this source meanwhile.
            if source_code is None:
                raise
            return cls.objects.get(source_kind=source_kind, source_code=source_code)

    @property
    def owner_ids(self) -> list[int]:
        return [pk for pk in (self.organisation_id, self.partner_id) if pk is not None]

    def is_owner(self, organisation: Organisation) -> bool:
        return organisation.pk in self.owner_ids

    def author_organisation(self, user: "User | None") -> Organisation:
        """The side `user` acts for: the owner if they belong to it, else the partner."""
        if user is not None and self.partner_id is not None:
            in_owner = Membership.objects.filter(user=user, organisation_id=self.organisation_id).exists()
            if not in_owner and Membership.objects.filter(user=user, organisation_id=self.partner_id).exists():
                assert self.partner is not None
                return self.partner
        return self.organisation

    def add_action(
        self,
        *,
        title: str,
        description: str = "",
        requirement: Requirement | None = None,
        owner: "User | None" = None,
        due_on: date | None = None,
        by: "User | None",
        by_organisation: Organisation | None = None,
    ) -> "Action":
        """Add an action and record its creation in the history.

        `by_organisation` is the side the author acts for; when not given it is worked out from
        the author's memberships.
        """
        with transaction.atomic():
            action = Action.objects.create(
                plan=self,
                organisation_id=self.organisation_id,
                title=title,
                description=description,
                requirement=requirement,
                owner=owner,
                due_on=due_on,
                created_by=by,
            )
            ActionEvent.objects.create(
                action=action,
                author=by,
                organisation=by_organisation or self.author_organisation(by),
                kind=ActionEvent.Kind.CREATED,
                new_value=title,
            )
        return action

    def progress(self, today: date | None = None) -> dict[str, int]:
        """How many actions are in each status, how many are overdue, and the total: one query."""
        today = today or timezone.localdate()
        counts = {f"{status}": models.Count("id", filter=Q(status=status)) for status in Action.Status.values} | {
            "overdue": models.Count("id", filter=Q(status__in=Action.OPEN, due_on__lt=today))
        }
        result: dict[str, int] = self.actions.aggregate(**counts)
        result["total"] = sum(result[status] for status in Action.Status.values)
        return result

    def possible_owners(self) -> "models.QuerySet[Membership]":
        """Memberships of both organisations, for choosing who owns an action."""
        return (
            Membership.objects.filter(organisation_id__in=self.owner_ids)
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__name", "user__email")
        )

    def current_owners(self) -> "models.QuerySet[Membership]":
        """The memberships of the people who own an action in this plan (for filtering and labels)."""
        return self.possible_owners().filter(user__in=self.actions.values("owner"))


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> "ActionQuerySet":
        return self.filter(status__in=Action.OPEN)

    def overdue(self, today: date | None = None) -> "ActionQuerySet":
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Action(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("Doing")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN = (Status.TODO, Status.DOING)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    # Always plan.organisation: the direct tenancy key.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # The requirement of an assessment library this action answers, if any.
    requirement = models.ForeignKey(
        Requirement, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_actions"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.TODO)
    dropped_reason = models.TextField(_("reason for dropping"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_reminded_on = models.DateField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["status", "due_on"], name="action_status_due")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["todo", "doing", "done", "dropped"]), name="action_status"),
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(dropped_reason=""), name="action_dropped_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, today: date | None = None) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < (today or timezone.localdate())


class ActionEvent(models.Model):
    """One change to an action: who made it, for which organisation, and what changed."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        NOTE = "note", _("Note")
        STATUS = "status", _("Status changed")
        OWNER = "owner", _("Owner changed")
        DUE = "due", _("Due date changed")
        EDITED = "edited", _("Edited")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="events")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The author's organisation at the time, so each side sees who changed what.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField(blank=True)
    old_value = models.CharField(max_length=300, blank=True)
    new_value = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["created", "note", "status", "owner", "due", "edited"]),
                name="action_event_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.action_id}"

    def _display(self, value: str) -> str:
        if self.kind == self.Kind.STATUS and value in Action.Status.values:
            return str(Action.Status(value).label)
        return value

    @property
    def old_display(self) -> str:
        return self._display(self.old_value)

    @property
    def new_display(self) -> str:
        return self._display(self.new_value)
