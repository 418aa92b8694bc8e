"""Composing and running a dilemma session: the facilitator's verbs and the participants' vote.

The views call these; they hold the rules (what may change when, one vote per participant and
dilemma) so the pages and the bench go through the same code.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from dialogue.models import STEPS, Participant, Session, SessionItem, Step, Vote
from dilemmas.models import Dilemma, Option


class SessionError(Exception):
    """A change the session's state does not allow; its message is for people."""


# --- Composing -----------------------------------------------------------------------------------


def add_dilemma(session: Session, dilemma: Dilemma) -> SessionItem:
    """Put a library dilemma at the end of the session (a draft or an open one; once only)."""
    if session.is_closed:
        raise SessionError("closed")
    if session.items.filter(dilemma=dilemma).exists():
        raise SessionError("twice")
    with transaction.atomic():
        last = session.items.aggregate(last=Max("position"))["last"] or 0
        return SessionItem.objects.create(
            session=session,
            organisation_id=session.organisation_id,
            dilemma=dilemma,
            position=last + 1,
            title_nl=dilemma.title_nl,
            title_en=dilemma.title_en,
        )


def move_item(item: SessionItem, offset: int) -> None:
    """Swap an item with its neighbour before (-1) or after (+1) it; at either end nothing moves."""
    session = item.session
    neighbour = session.items.filter(position=item.position + offset).first()
    if neighbour is None:
        return
    with transaction.atomic():
        # Through a free position: (session, position) is unique at every moment.
        free = (session.items.aggregate(last=Max("position"))["last"] or 0) + 1
        old = item.position
        SessionItem.objects.filter(pk=item.pk).update(position=free)
        SessionItem.objects.filter(pk=neighbour.pk).update(position=old)
        SessionItem.objects.filter(pk=item.pk).update(position=old + offset)
    _follow_current(session, {old: old + offset, old + offset: old})


def remove_item(item: SessionItem) -> None:
    """Take a dilemma out of a session that has no votes on it yet; the ones after it move up."""
    session = item.session
    if item.votes.exists():
        raise SessionError("voted")
    with transaction.atomic():
        position = item.position
        item.delete()
        for later in session.items.filter(position__gt=position).order_by("position"):
            SessionItem.objects.filter(pk=later.pk).update(position=later.position - 1)
    if session.current == position:
        session.current = 0
        session.save(update_fields=["current"])
    elif session.current > position:
        session.current -= 1
        session.save(update_fields=["current"])


def _follow_current(session: Session, moved: dict[int, int]) -> None:
    if session.current in moved:
        session.current = moved[session.current]
        session.save(update_fields=["current"])


def start(session: Session) -> None:
    """Open a draft that has at least one dilemma, on its first dilemma."""
    if not session.is_draft:
        raise SessionError("not draft")
    if not session.items.exists():
        raise SessionError("empty")
    session.current = 1
    session.save(update_fields=["current"])
    session.open()


# --- Running --------------------------------------------------------------------------------------


def current_item(session: Session) -> SessionItem | None:
    if not session.current:
        return None
    return session.items.select_related("dilemma").filter(position=session.current).first()


def go_to(session: Session, item: SessionItem, step: str | None = None) -> None:
    """Make `item` the one the room looks at, at `step` (or the step it was left at)."""
    if not session.is_open:
        raise SessionError("not open")
    if step is not None and step != item.step:
        item.step = Step(step)
        item.save(update_fields=["step"])
    if session.current != item.position:
        session.current = item.position
        session.save(update_fields=["current"])


def next_step(item: SessionItem) -> str | None:
    index = STEPS.index(Step(item.step))
    return STEPS[index + 1].value if index + 1 < len(STEPS) else None


def previous_step(item: SessionItem) -> str | None:
    index = STEPS.index(Step(item.step))
    return STEPS[index - 1].value if index > 0 else None


def cast_vote(participant: Participant, item: SessionItem, choice: int) -> bool:
    """Record the participant's choice on the item the room looks at; False if they already voted on it.

    Raises SessionError when they may not vote: removed, the session not live, another dilemma than the
    current one, or a choice the dilemma does not have. The database's one-vote-per-participant-and-item
    constraint settles two requests at once.
    """
    session = participant.session
    if participant.is_removed:
        raise SessionError("removed")
    if item.session_id != participant.session_id or not session.is_live or session.current != item.position:
        raise SessionError("not current")
    if item.dilemma_id is None or not Option.objects.filter(dilemma_id=item.dilemma_id, position=choice).exists():
        raise SessionError("no such choice")
    try:
        with transaction.atomic():
            Vote.objects.create(
                session=session,
                organisation_id=session.organisation_id,
                item=item,
                participant=participant,
                choice=choice,
            )
    except IntegrityError:
        return False
    return True


class ShownOption(NamedTuple):
    position: int
    letter: str
    text: str


def shown_options(options: Iterable[Option]) -> list[ShownOption]:
    """The courses of action with their text in the active language, read now rather than when a template
    renders (the participants' pages render in a language the dilemma may not be written in)."""
    return [ShownOption(option.position, option.letter, option.text) for option in options]


@dataclass
class Share:
    letter: str
    text: str
    votes: int
    percent: int


def distribution(item: SessionItem, options: list[ShownOption]) -> tuple[list[Share], int]:
    """The votes on each course of action (in the options' order) and the total: one query."""
    counts = dict(item.votes.values_list("choice").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    shares = [
        Share(
            letter=option.letter,
            text=option.text,
            votes=counts.get(option.position, 0),
            percent=round(100 * counts.get(option.position, 0) / total) if total else 0,
        )
        for option in options
    ]
    return shares, total


# What the facilitator asks the room at each step (shown on the control page and the phones).
STEP_PROMPTS = {
    Step.QUESTION: _("Is this one question, without a conclusion built in? Who has to decide?"),
    Step.FACTS: _("What do we know, what do we not know, and what do we only assume?"),
    Step.STAKEHOLDERS: _(
        "Who is affected — in our organisation, at the partner, in the community — and what do they need?"
    ),
    Step.VALUES: _("Which values and arguments speak for each course of action? Do not weigh them yet."),
    Step.OPTIONS: _("What can we do, and what follows from each course of action?"),
    Step.CHOICE: _("What do we choose? Say it as: I do X because…, despite…"),
    Step.DAMAGE: _("How do we limit the harm for those who lose out by this choice?"),
    Step.LEARN: _("What do we follow up, and what does the organisation learn from this?"),
}


def results_visible_to_participants(session: Session, item: SessionItem, voted: bool) -> bool:
    """Whether a participant's phone shows the distribution and the reflection.

    Individual mode: right after their own vote. Group mode: once the facilitator shows the results
    (after the groups talked). Plenary mode: never on the phones — the facilitator's screen, shown to the
    room, has them.
    """
    if session.mode == Session.Mode.INDIVIDUAL:
        return voted
    if session.mode == Session.Mode.GROUP:
        return item.revealed
    return False


def chart_items(shares: list[Share]) -> list[tuple[str, float]]:
    return [(f"{share.letter}. {share.text}", share.votes) for share in shares]
