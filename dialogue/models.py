"""Live dialogue sessions: a facilitator runs them, participants join from a phone without an account.

The core is shared by every kind of session (issue 6 parts 4 and 5):

- `Session`: one meeting of an organisation (optionally about one partnership), run by a facilitator.
  It is composed as a draft, opened (which gives it a short join code, valid until it is closed or
  expires) and closed. `current` is the position of what the room looks at now: for a dilemma session
  the position of a `SessionItem`; another kind of session gives it its own meaning (a stage).
- `Participant`: one browser that joined an open session. It is known by a random token in a cookie
  (the database keeps only its SHA-256), may give a display name, chooses a language, and can be
  removed by the facilitator (kept, so their votes stay counted, but they can do nothing more).

The dilemma session (part 4) adds:

- `SessionItem`: a library dilemma in the session, in order, with the step of the step model the
  facilitator has reached for it, whether its results are shown on the participants' phones, and which
  "what if…?" variation is put to the room. Its title is copied at composition, so the session's report
  still names it if the library dilemma is deleted later.
- `Vote`: one participant's course of action on one item (by position, 1–4: the letter A–D). The
  database allows one per participant and item, so the votes on an item never outnumber the
  participants.
- `Record`: an agreement or a lesson the facilitator writes down, for one item or the whole session. An
  agreement can become an action of the session's action plan; a lesson a draft library dilemma.
"""

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dilemmas.models import MAX_OPTIONS, Dilemma
from framework.models import active_content_language
from organisations.models import Organisation, Partnership

# No 0/O, 1/I/L: a code read aloud or from a screen is typed right. 31 signs, 8 long: 8.5 × 10^11 codes.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8
OPEN_FOR = timedelta(hours=12)
# The languages a participant may choose: the join pages' own text is translated into all of them;
# a dilemma's texts exist in Dutch and English (French and Spanish readers get the English).
PARTICIPANT_LANGUAGES = [("nl", "Nederlands"), ("en", "English"), ("fr", "Français"), ("es", "Español")]
DISPLAY_NAME_LENGTH = 40


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(text: str) -> str:
    """What a person typed, as a code: capitals, no spaces or dashes (they may copy it as 'ABCD-2345')."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:20]


class SessionQuerySet(models.QuerySet["Session"]):
    def of(self, organisation: Organisation) -> "SessionQuerySet":
        return self.filter(organisation=organisation)

    def joinable(self, now: datetime | None = None) -> "SessionQuerySet":
        """Open and not expired: the sessions a join code may lead to."""
        return self.filter(status=Session.Status.OPEN, expires_at__gt=now or timezone.now())


class Session(models.Model):
    class Kind(models.TextChoices):
        DILEMMA = "dilemma", _("Dilemma session")
        POWER = "power", _("Power-awareness session")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", pgettext_lazy("session", "Open")
        CLOSED = "closed", pgettext_lazy("session", "Closed")

    class Mode(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual: vote, then see how others voted and the reflection")
        GROUP = "group", _("Groups: vote, discuss in small groups, results when the facilitator shows them")
        PLENARY = "plenary", _("Plenary: vote on the phone, the results on the shared screen")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="dialogue_sessions")
    # A session about one partnership (a power-awareness session is always one); its report is kept by both.
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="dialogue_sessions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DILEMMA)
    title = models.CharField(_("title"), max_length=200)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="facilitated_sessions"
    )
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.INDIVIDUAL)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, blank=True)
    # What the room looks at now: an item's position (dilemma sessions), a stage (other kinds); 0 = not begun.
    current = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="dialogue_session_org_created")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["dilemma", "power"]), name="dialogue_session_kind"),
            models.CheckConstraint(condition=Q(status__in=["draft", "open", "closed"]), name="dialogue_session_status"),
            models.CheckConstraint(
                condition=Q(mode__in=["individual", "group", "plenary"]), name="dialogue_session_mode"
            ),
            # An open session has a code and an end; a draft has neither.
            models.CheckConstraint(
                condition=~Q(status="open") | (~Q(join_code="") & Q(expires_at__isnull=False, opened_at__isnull=False)),
                name="dialogue_session_open_has_code",
            ),
            models.CheckConstraint(
                condition=~Q(status="draft") | Q(join_code=""), name="dialogue_session_draft_no_code"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="dialogue_session_closed_dated"
            ),
            # Two open sessions never share a code (closed ones keep theirs for the record).
            models.UniqueConstraint(
                fields=["join_code"], condition=Q(status="open"), name="dialogue_session_open_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def has_expired(self, now: datetime | None = None) -> bool:
        return self.is_open and self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_live(self) -> bool:
        return self.is_open and not self.has_expired()

    def open(self, *, now: datetime | None = None, attempts: int = 10) -> None:
        """Open the session with a new join code, unique among open sessions (a clash is retried)."""
        now = now or timezone.now()
        for _attempt in range(attempts):
            self.status, self.join_code = self.Status.OPEN, new_join_code()
            self.opened_at, self.expires_at = now, now + OPEN_FOR
            try:
                with transaction.atomic():
                    self.save(update_fields=["status", "join_code", "opened_at", "expires_at"])
                return
            except IntegrityError:
                continue
        raise RuntimeError("No free join code after several attempts")

    def close(self, *, now: datetime | None = None) -> None:
        self.status, self.closed_at = self.Status.CLOSED, now or timezone.now()
        self.save(update_fields=["status", "closed_at"])

    def close_if_expired(self) -> bool:
        """Close a session whose code expired (lazily, when someone looks at it); whether it did."""
        if self.has_expired():
            assert self.expires_at is not None
            self.close(now=self.expires_at)
            return True
        return False


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def present(self) -> "ParticipantQuerySet":
        return self.filter(removed_at__isnull=True)


class Participant(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64)
    display_name = models.CharField(_("name (optional)"), max_length=DISPLAY_NAME_LENGTH, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=PARTICIPANT_LANGUAGES, default="en")
    joined_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "token_hash"], name="dialogue_participant_token_unique"),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in PARTICIPANT_LANGUAGES]),
                name="dialogue_participant_language",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or f"participant {self.pk}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def remove(self) -> None:
        if self.removed_at is None:
            self.removed_at = timezone.now()
            self.save(update_fields=["removed_at"])


# --- Dilemma sessions --------------------------------------------------------------------------------


class Step(models.TextChoices):
    """The step model of a dilemma conversation (moreel beraad), in order."""

    QUESTION = "question", _("The question")
    FACTS = "facts", _("The facts")
    STAKEHOLDERS = "stakeholders", _("Stakeholders and their interests")
    VALUES = "values", _("Values and arguments")
    OPTIONS = "options", _("Options and their consequences")
    CHOICE = "choice", _("The choice and why")
    DAMAGE = "damage", _("Limiting the damage")
    LEARN = "learn", _("What we learn")


STEPS = list(Step)


class SessionItem(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    dilemma = models.ForeignKey(Dilemma, null=True, on_delete=models.SET_NULL, related_name="session_items")
    position = models.PositiveSmallIntegerField()
    title_nl = models.CharField(max_length=200, blank=True)
    title_en = models.CharField(max_length=200, blank=True)
    step = models.CharField(max_length=16, choices=Step.choices, default=Step.QUESTION)
    # Group mode: the phones show the distribution and reflection once the facilitator does this.
    revealed = models.BooleanField(default=False)
    # The "what if…?" put to the room (a variation's position), 0 for none.
    variation = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="dialogue_item_position_unique"),
            models.UniqueConstraint(fields=["session", "dilemma"], name="dialogue_item_dilemma_once"),
            models.CheckConstraint(condition=Q(position__gte=1), name="dialogue_item_position_positive"),
            models.CheckConstraint(condition=Q(step__in=[s.value for s in Step]), name="dialogue_item_step"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        first = active_content_language()
        return getattr(self, f"title_{first}") or self.title_en or self.title_nl

    @property
    def step_number(self) -> int:
        return STEPS.index(Step(self.step)) + 1


class Vote(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="votes")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(SessionItem, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    # The course of action by position: 1 = A … 4 = D.
    choice = models.PositiveSmallIntegerField()
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "item"], name="dialogue_vote_once"),
            models.CheckConstraint(
                condition=Q(choice__gte=1, choice__lte=MAX_OPTIONS), name="dialogue_vote_choice_valid"
            ),
        ]
        indexes = [models.Index(fields=["item", "choice"], name="dialogue_vote_item_choice")]

    def __str__(self) -> str:
        return f"vote {self.choice} on {self.item_id}"


class Record(models.Model):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement")
        LESSON = "lesson", _("Lesson")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="records")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # The dilemma it was recorded for; empty for the session as a whole.
    item = models.ForeignKey(SessionItem, null=True, blank=True, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # What became of it: an action in the session's action plan (agreements), a draft dilemma (lessons).
    action = models.ForeignKey("actions.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    dilemma = models.ForeignKey(Dilemma, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["agreement", "lesson"]), name="dialogue_record_kind"),
            models.CheckConstraint(condition=~Q(text=""), name="dialogue_record_text"),
            models.CheckConstraint(
                condition=Q(action__isnull=True) | Q(kind="agreement"), name="dialogue_record_action_agreement"
            ),
            models.CheckConstraint(
                condition=Q(dilemma__isnull=True) | Q(kind="lesson"), name="dialogue_record_dilemma_lesson"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:40]}"
