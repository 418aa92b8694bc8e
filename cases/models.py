"""Case handling — the stappenplan: playbooks, cases, their steps, people, notes and deadlines.

A case follows a playbook through the four ISO 37002 phases (receive → assess → address → conclude).
What handlers write about a case (its summary, notes, attachments, the conclusion's texts) is sealed
to the case's own key, exactly like speak-up reports (docs/security/cases.md): a copy of the database
with the server's secrets does not reveal it. What stays readable is what the handling and the annual
account need: category, severity, phase, dates, outcome, and who handles the case.

Access is need-to-know (cases/access.py): only the people assigned to a case see that it exists; a
person named in a case or who declares a conflict is excluded from it.
"""

import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from framework.models import Bilingual, ContentQuerySet, Localised, ViolationSubtype, ViolationType
from organisations.models import Alliance, Consent, Organisation

if TYPE_CHECKING:
    from accounts.models import User


class Phase(models.TextChoices):
    """The four steps of ISO 37002, in order."""

    RECEIVE = "receive", _("Receive")
    ASSESS = "assess", _("Assess")
    ADDRESS = "address", pgettext_lazy("ISO 37002 phase", "Address")
    CONCLUDE = "conclude", _("Conclude")


PHASE_ORDER = [p.value for p in Phase]


class CaseRole(models.TextChoices):
    """Who does a step. The three are different people (CaseSettings.separation says how strictly)."""

    INTAKE = "intake", _("Intake handler")
    INVESTIGATOR = "investigator", _("Investigator")
    DECISION_MAKER = "decision_maker", _("Decision-maker")


class Anchor(models.TextChoices):
    """The event a step's deadline counts from."""

    RECEIVED = "received", _("the case was received")
    # When receipt was not acknowledged, counts from the end of the acknowledgement period (EU 2019/1937 art. 9).
    ACKNOWLEDGED = "acknowledged", _("receipt was acknowledged")
    TRIAGED = "triaged", _("triage was done")
    STEP = "step", _("another step was done")


class Marks(models.TextChoices):
    """An event of the case that doing a step records."""

    NONE = "", _("nothing")
    ACKNOWLEDGED = "acknowledged", _("receipt acknowledged")
    FEEDBACK = "feedback", _("feedback given to the reporter")


class Notify(models.TextChoices):
    """Whom a notification step tells."""

    NONE = "", _("nobody")
    CBF = "cbf", _("CBF (Centraal Bureau Fondsenwerving)")
    FUNDER = "funder", _("A funder (e.g. the Ministry of Foreign Affairs)")
    ALLIANCE = "alliance", _("Alliance partners")
    PARTNER = "partner", _("The partner organisation involved")
    AUTHORITIES = "authorities", _("Police or other authorities")


class Playbook(Bilingual):
    """An ordered plan for one kind of case.

    Framework playbooks (organisation empty) come from YAML content files; an organisation edits its
    own copy (`based_on` the framework one). Cases copy the steps when they adopt a playbook, so
    editing a playbook never changes a running case.
    """

    code = models.SlugField(max_length=60)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="playbooks"
    )
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")
    title_nl = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    intro_nl = models.TextField(blank=True)
    intro_en = models.TextField(blank=True)
    # Taxonomy codes (types or sub-types) this playbook is for; a sub-type match wins over a type match.
    applies_to = models.JSONField(default=list, blank=True)
    is_default = models.BooleanField(default=False, help_text="Used when no playbook applies to the category")
    version = models.CharField(max_length=40, blank=True)
    retired = models.BooleanField(default=False)
    source = models.CharField(max_length=200, blank=True, help_text="The content file that defines it")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(organisation__isnull=True), name="cases_playbook_framework_code_once"
            ),
            models.UniqueConstraint(fields=["organisation", "code"], name="cases_playbook_org_code_once"),
        ]

    def __str__(self) -> str:
        return self.title

    title = Localised()
    intro = Localised()


class StepFields(Bilingual):
    """What a playbook step says; a case step carries a copy of it."""

    code = models.SlugField(max_length=60)
    order = models.PositiveIntegerField()
    phase = models.CharField(max_length=10, choices=Phase.choices)
    title_nl = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    guidance_nl = models.TextField(blank=True)
    guidance_en = models.TextField(blank=True)
    role = models.CharField(max_length=20, choices=CaseRole.choices)
    # [{"nl": "…", "en": "…"}, …]
    checklist = models.JSONField(default=list, blank=True)
    # Codes of steps that must be done before this one can be ticked.
    after = models.JSONField(default=list, blank=True)
    due_anchor = models.CharField(max_length=20, choices=Anchor.choices, blank=True)
    due_step = models.SlugField(max_length=60, blank=True, help_text="With due_anchor 'step': that step's code")
    due_days = models.PositiveIntegerField(null=True, blank=True)
    due_months = models.PositiveIntegerField(null=True, blank=True)
    marks = models.CharField(max_length=20, choices=Marks.choices, blank=True)
    notify = models.CharField(max_length=20, choices=Notify.choices, blank=True)
    victim_care = models.BooleanField(default=False)

    class Meta:
        abstract = True

    title = Localised()
    guidance = Localised()

    @property
    def has_deadline(self) -> bool:
        return bool(self.due_anchor) and (self.due_days is not None or self.due_months is not None)

    def checklist_items(self) -> list[str]:
        language = "nl" if self.localised("title") == self.title_nl and self.title_nl else "en"
        return [item.get(language) or item.get("en") or item.get("nl") or "" for item in self.checklist]


class PlaybookStep(StepFields):
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps")

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["playbook", "code"], name="cases_playbook_step_code_once"),
            models.CheckConstraint(condition=Q(phase__in=PHASE_ORDER), name="cases_playbook_step_phase"),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in CaseRole]), name="cases_playbook_step_role"),
        ]

    def __str__(self) -> str:
        return f"{self.playbook.code}/{self.code}"


class CaseSettings(models.Model):
    """An organisation's choices for case handling."""

    class Separation(models.TextChoices):
        WARN = "warn", _("Warn when one person holds two roles")
        BLOCK = "block", _("Do not allow one person to hold two roles")

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="case_settings")
    separation = models.CharField(max_length=10, choices=Separation.choices, default=Separation.WARN)
    # The smallest group the annual account shows as a number; smaller groups show as "< N".
    min_group_size = models.PositiveIntegerField(default=5)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(min_group_size__gte=2), name="cases_min_group_size")]

    def __str__(self) -> str:
        return f"case settings of {self.organisation_id}"

    @classmethod
    def of(cls, organisation: Organisation) -> "CaseSettings":
        found = cls.objects.filter(organisation=organisation).first()
        return found or cls(organisation=organisation)


class Source(models.TextChoices):
    SPEAKUP = "speakup", _("Speak-up channel")
    PHONE = "phone", _("Phone call")
    MEETING = "meeting", _("Meeting or in person")
    EMAIL = "email", _("Email or letter")
    PARTNER = "partner", _("Notification by a partner organisation")
    REFERRAL = "referral", _("Referred by another organisation")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Risk(models.TextChoices):
    LOW = "low", pgettext_lazy("risk", "Low")
    MEDIUM = "medium", pgettext_lazy("risk", "Medium")
    HIGH = "high", pgettext_lazy("risk", "High")


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")
    REFERRED = "referred", _("Referred to another organisation")


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> "CaseQuerySet":
        return self.filter(concluded_at__isnull=True)

    def for_person(self, user: "User", organisation: Organisation) -> "CaseQuerySet":
        """Cases of `organisation` this person is assigned to and not excluded from (need to know)."""
        # A subquery over the person's own assignments (their index), not a join: no DISTINCT over every case.
        return self.filter(
            organisation=organisation, pk__in=Assignment.objects.filter(user=user).values("case")
        ).exclude(pk__in=Exclusion.objects.filter(user=user).values("case"))


class Case(models.Model):
    Source = Source
    Severity = Severity
    Risk = Risk
    Outcome = Outcome

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cases")
    # "2026-0014": the year received and a number within the organisation; readable on paper and phone.
    reference = models.CharField(max_length=20)
    source = models.CharField(_("how it reached us"), max_length=20, choices=Source.choices)
    report = models.OneToOneField(
        "speakup.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="case"
    )
    playbook = models.ForeignKey(Playbook, on_delete=models.PROTECT, related_name="cases")
    category = models.ForeignKey(
        ViolationType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    subtype = models.ForeignKey(
        ViolationSubtype, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("sub-type")
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    retaliation_risk = models.CharField(_("risk of retaliation"), max_length=10, choices=Risk.choices, blank=True)
    # A partner organisation or alliance the case involves (for the agreed protocol and notifications).
    involves = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases_involving",
        verbose_name=_("partner organisation involved"),
    )
    alliance = models.ForeignKey(
        Alliance, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases", verbose_name=_("alliance")
    )
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.RECEIVE)
    # The clock. Every moment is stored in UTC and shown in the reader's time zone.
    received_at = models.DateTimeField(_("received"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    # Sealed (see cases/keys.py): the intake summary, and the conclusion's texts as one JSON document.
    summary = models.BinaryField(default=bytes)
    summary_version = models.PositiveIntegerField(default=0)
    conclusion = models.BinaryField(default=bytes)
    conclusion_version = models.PositiveIntegerField(default=0)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "received_at"], name="cases_case_org_received"),
            models.Index(fields=["organisation", "concluded_at"], name="cases_case_org_concluded"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="cases_case_reference_once"),
            models.CheckConstraint(condition=Q(phase__in=PHASE_ORDER), name="cases_case_phase"),
            models.CheckConstraint(condition=Q(source__in=[s.value for s in Source]), name="cases_case_source"),
            models.CheckConstraint(
                condition=Q(severity="") | Q(severity__in=[s.value for s in Severity]), name="cases_case_severity"
            ),
            models.CheckConstraint(
                condition=Q(retaliation_risk="") | Q(retaliation_risk__in=[r.value for r in Risk]),
                name="cases_case_risk",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=[o.value for o in Outcome]), name="cases_case_outcome"
            ),
            # A concluded case has an outcome, and an outcome only comes with the conclusion.
            models.CheckConstraint(
                condition=Q(concluded_at__isnull=True, outcome="") | Q(concluded_at__isnull=False) & ~Q(outcome=""),
                name="cases_case_concluded_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_concluded(self) -> bool:
        return self.concluded_at is not None

    @classmethod
    def next_reference(cls, organisation: Organisation, year: int) -> str:
        """The next free reference of the year: "2026-0001", "2026-0002", …"""
        prefix = f"{year}-"
        last = (
            cls.objects.filter(organisation=organisation, reference__startswith=prefix)
            .order_by("-reference")
            .values_list("reference", flat=True)
            .first()
        )
        number = int(last.removeprefix(prefix)) + 1 if last else 1
        return f"{prefix}{number:04d}"


class CaseKey(models.Model):
    """One version of a case's X25519 key pair. A new version is made when someone leaves the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="keys")
    version = models.PositiveIntegerField()
    public_key = models.BinaryField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="cases_key_version_once"),
            models.CheckConstraint(condition=Q(version__gte=1), name="cases_key_version_positive"),
        ]

    def __str__(self) -> str:
        return f"key v{self.version} of case {self.case_id}"


class CaseGrant(models.Model):
    """A case's private key (one version), sealed to one handler's public key."""

    case_key = models.ForeignKey(CaseKey, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_grants")
    sealed = models.BinaryField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case_key", "user"], name="cases_grant_once")]
        indexes = [models.Index(fields=["user", "case_key"], name="cases_grant_by_user")]

    def __str__(self) -> str:
        return f"grant of {self.case_key_id} to {self.user_id}"


class Assignment(models.Model):
    """A person's role on a case. Only assigned people see the case (need to know)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_assignments")
    role = models.CharField(max_length=20, choices=CaseRole.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    # The person confirmed they have no conflict of interest before reading the case.
    no_conflict_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user", "role"], name="cases_assignment_once"),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in CaseRole]), name="cases_assignment_role"),
        ]
        indexes = [models.Index(fields=["user", "case"], name="cases_assignment_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} is {self.role} on {self.case_id}"


class Exclusion(models.Model):
    """A person who may not see the case: named in it, or who declared a conflict of interest.

    Why is not stored in the clear (it would say who is accused); a self-declared conflict is the
    row whose `added_by` is the person.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exclusions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_exclusions")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="cases_exclusion_once")]

    def __str__(self) -> str:
        return f"{self.user_id} excluded from {self.case_id}"


class CaseStep(StepFields):
    """A step of a case: a copy of its playbook step, and what was done."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    # The playbook this step came from; a done step stays when the case switches playbook.
    playbook_code = models.SlugField(max_length=60)
    # Indexes of the checklist items ticked.
    checked = models.JSONField(default=list, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the step is due, as cases.deadlines.schedule computes it from the case's events; kept up to date by
    # cases.handling on every change of those events, so lists and calendars filter and sort in the database.
    due_at = models.DateTimeField(null=True, blank=True)
    # Notification steps: when it was sent and to whom (what was sent is a sealed note on the step).
    notified_on = models.DateField(null=True, blank=True)
    notified_to = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], name="cases_case_step_code_once"),
            models.CheckConstraint(condition=Q(phase__in=PHASE_ORDER), name="cases_case_step_phase"),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in CaseRole]), name="cases_case_step_role"),
            models.CheckConstraint(
                condition=Q(notified_on__isnull=True) | Q(done_at__isnull=False), name="cases_case_step_notified_done"
            ),
        ]
        indexes = [
            models.Index(fields=["case", "done_at"], name="cases_step_case_done"),
            models.Index(fields=["done_at", "due_at"], name="cases_step_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.code}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Note(models.Model):
    """Something a handler wrote on a case, optionally on one step; sealed to the case key."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    step = models.ForeignKey(CaseStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.BinaryField()
    key_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note {self.pk} on case {self.case_id}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # The original name is sealed in `name`; on disk the file has a random name and no extension.
    return f"cases/{secrets.token_hex(16)}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200, help_text="The sealed bytes, never plaintext")
    name = models.BinaryField(help_text="The original file name, sealed")
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    key_version = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"attachment {self.pk} on case {self.case_id}"


class Share(models.Model):
    """A limited summary of a case shared with a partner's or an alliance's integrity officers.

    Only what the agreed protocol allows crosses: the category, severity, the case's phase (read live)
    and what is asked of them — never the reporter's identity or the file. It is visible while its
    consent record is active; revoking the consent hides it at once.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    consent = models.OneToOneField(Consent, on_delete=models.CASCADE, related_name="case_share")
    ask = models.TextField(_("what we ask of you"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The recipient's answer: when they acknowledged it, and a short reply (no case file crosses back either).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"share of {self.case_id}"


class Referral(models.Model):
    """A case handed to the organisation best placed to handle it, with the reporter's consent.

    The referral text is sealed to the receiving organisation's integrity officers' handler keys
    (one row per recipient in `ReferralGrant`); accepting it opens a new case over there.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="case_referrals")
    reporter_consent_on = models.DateField(_("the reporter agreed on"))
    reporter_consent_how = models.CharField(_("how the reporter agreed"), max_length=200)
    public_key = models.BinaryField(max_length=32)
    text = models.BinaryField(help_text="What the receiving organisation needs to know, sealed to public_key")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referred_at = models.DateTimeField(default=timezone.now)
    accepted_case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="referred_from"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    declined = models.BooleanField(default=False)
    # Why the receiving organisation declined; the referring organisation reads it on its case.
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-referred_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(declined=False) | Q(accepted_case__isnull=True), name="cases_referral_declined_or_accepted"
            ),
        ]

    def __str__(self) -> str:
        return f"referral of {self.case_id} to {self.to_organisation_id}"


class ReferralGrant(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "user"], name="cases_referral_grant_once")]

    def __str__(self) -> str:
        return f"referral grant {self.referral_id} → {self.user_id}"


class Reminder(models.Model):
    """An email reminder sent about a step, so the periodic job sends each one once."""

    class Kind(models.TextChoices):
        SOON = "soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    step = models.ForeignKey(CaseStep, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["step", "user", "kind"], name="cases_reminder_once")]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.step_id}"


class AnnualAccount(models.Model):
    """The organisation's reflection for one year's account of reports and cases (Partos Code block 4).

    The figures are computed from the cases (cases/annual.py), never stored, so they cannot drift.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="annual_accounts")
    year = models.PositiveIntegerField()
    reflection = models.TextField(_("reflection"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="cases_annual_account_once"),
            models.CheckConstraint(condition=Q(year__gte=2000), name="cases_annual_account_year"),
        ]

    def __str__(self) -> str:
        return f"annual account {self.year} of {self.organisation_id}"
