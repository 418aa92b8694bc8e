"""The "next health checks" card on the organisation overview."""

from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from health.models import Answered, Participant, Round, Schedule
from organisations import dashboard as overview
from organisations.models import Membership, Organisation

SHOWN = 3


def card(organisation: Organisation) -> dict[str, Any]:
    """The organisation's checks waiting for their next round: those with a round open are in hand already."""
    open_round = Round.objects.filter(schedule=OuterRef("pk"), closed_at__isnull=True)
    upcoming = list(
        Schedule.objects.visible_to(organisation)
        .exclude(Exists(open_round))
        .order_by("next_due_on", "title", "pk")[:SHOWN]
    )
    return {"next": upcoming, "today": timezone.localdate()}


def to_answer(membership: Membership) -> dict[str, Any]:
    """The open rounds this person takes part in for the organisation and has not answered."""
    rounds = (
        Round.objects.filter(
            closed_at__isnull=True,
            participants__user_id=membership.user_id,
            participants__organisation=membership.organisation_id,
        )
        .exclude(Exists(Answered.objects.filter(round=OuterRef("pk"), participant__user_id=membership.user_id)))
        .select_related("schedule")
        .order_by("opened_at")[:SHOWN]
    )
    return {"to_answer": list(rounds)}


def schedule_organisations(schedule: Schedule) -> list[int]:
    """Whose overview shows the check: both sides of its partnership, or its alliance's lead and members."""
    return overview.of_party(schedule.partnership_id, schedule.alliance_id)


def answered_by(answered: Answered) -> list[int]:
    return list(Participant.objects.filter(pk=answered.participant_id).values_list("user_id", flat=True))


def round_organisations(round_: Round) -> list[int]:
    schedule = Schedule.objects.filter(pk=round_.schedule_id).only("partnership_id", "alliance_id").first()
    return schedule_organisations(schedule) if schedule else []
