"""Power-awareness sessions (issue 6 part 5): what the Partos Power Awareness Tool does, in Samen.

A power-awareness session IS a `dialogue.Session` of kind POWER about one partnership; its owner is the
organisation that created it (tenancy), and the other side of the partnership reads and co-runs it
(power/access.py). This app adds only what is specific to it:

- `Affiliation`: which of the partnership's two organisations a participant says they are from. The
  dialogue `Participant.organisation` is the session's owner (tenancy); the side is a separate fact,
  fixed once chosen so a participant's scores cannot change sides afterwards.
- `Decision`: a decision taken in the partnership (budget allocation, choice of evaluators…), proposed
  by a participant or added by a facilitator, in the order it was listed.
- `Score`: who holds the influence over a decision, in one participant's view, on a 5-point scale from
  "entirely the partnership's first organisation" through "shared equally" to "entirely the second".
  One per participant and decision, by constraint.
- `Change`: what the partners agree to change, recorded as an action in the session's shared action
  plan (co-owned by both organisations).

The session's `current` is its stage (`Stage`): listing decisions, scoring, results, agreeing changes.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogue.models import Participant, Session
from organisations.models import Organisation

DECISION_LENGTH = 200
CHANGE_LENGTH = 300  # an action's title holds 300 characters


class Stage(models.IntegerChoices):
    DECISIONS = 1, _("List the decisions")
    SCORING = 2, _("Score who holds the influence")
    RESULTS = 3, _("Where our views differ")
    CHANGES = 4, _("Agree what to change")


class Influence(models.IntegerChoices):
    """Who holds the influence over a decision. 1 is the partnership's recording organisation
    (`Partnership.organisation`), 5 its partner; the pages name them (`influence_labels`)."""

    ENTIRELY_FIRST = 1, _("entirely the first organisation")
    MOSTLY_FIRST = 2, _("mostly the first organisation")
    SHARED = 3, _("shared equally")
    MOSTLY_SECOND = 4, _("mostly the second organisation")
    ENTIRELY_SECOND = 5, _("entirely the second organisation")


def influence_labels(first: str, second: str) -> list[tuple[int, str]]:
    """The scale with the two organisations' names, as the pages and the chart show it."""
    return [
        (1, _("Entirely %(name)s") % {"name": first}),
        (2, _("Mostly %(name)s") % {"name": first}),
        (3, str(_("Shared equally"))),
        (4, _("Mostly %(name)s") % {"name": second}),
        (5, _("Entirely %(name)s") % {"name": second}),
    ]


class Affiliation(models.Model):
    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="power_affiliation")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="power_affiliations")
    # The session's owner (tenancy), as on the participant.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # The partnership's organisation the participant is from: one of the two.
    side = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["session", "side"], name="power_affiliation_side")]

    def __str__(self) -> str:
        return f"participant {self.participant_id} from {self.side_id}"


class Decision(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="power_decisions")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("decision"), max_length=DECISION_LENGTH)
    # Who listed it: a participant (from their phone) or a facilitator (an account); neither for a starter.
    proposed_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="power_decisions"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="power_decision_text")]

    def __str__(self) -> str:
        return self.text


class Score(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="power_scores")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="scores")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="power_scores")
    value = models.PositiveSmallIntegerField(choices=Influence.choices)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "decision"], name="power_score_once"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="power_score_scale"),
        ]
        indexes = [models.Index(fields=["session", "decision"], name="power_score_session_decision")]

    def __str__(self) -> str:
        return f"{self.value} on {self.decision_id}"


class Change(models.Model):
    """An agreed change; its action lives in the shared plan, where both partners follow it up."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="power_changes")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # The decision it is about, if one.
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    text = models.CharField(_("what we agree to change"), max_length=CHANGE_LENGTH)
    action = models.ForeignKey("actions.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The side the author recorded it for.
    author_organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="power_change_text")]

    def __str__(self) -> str:
        return self.text
