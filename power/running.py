"""Running a power-awareness session: the facilitators' verbs and the participants' part.

The views call these; they hold the rules (who may do what at which stage, one score per participant
and decision, the agreed change as an action in the shared plan) so pages and tests go through the
same code.
"""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from accounts.models import User
from actions.models import Action, ActionPlan
from dialogue.models import Participant, Session
from organisations.models import Organisation, Partnership
from power.models import Affiliation, Change, Decision, Score, Stage
from power.starters import starter_texts

# Bounds that keep a room usable and a disruptive phone harmless: the score form lists every decision.
MAX_DECISIONS = 60
PROPOSALS_PER_PARTICIPANT = 15


class PowerError(Exception):
    """A change the session's state does not allow. The views turn it into a message for people."""


def sides(session: Session) -> list[Organisation]:
    """The partnership's two organisations, the recording one first (1 on the scale), the partner second."""
    partnership = session.partnership
    if partnership is None:
        return [session.organisation]
    return [partnership.organisation, partnership.partner]


# --- Setting up ------------------------------------------------------------------------------------


def create(
    *, organisation: Organisation, partnership: Partnership, title: str, by: User, starters: str = ""
) -> Session:
    """A draft power-awareness session of `organisation` about `partnership` (an active one it is part of),
    optionally with the starter decisions in the language `starters` ("nl" or "en")."""
    if organisation.pk not in (partnership.organisation_id, partnership.partner_id):
        raise PowerError("not a party")
    if partnership.status != Partnership.Status.ACTIVE:
        raise PowerError("not active")
    with transaction.atomic():
        session = Session.objects.create(
            organisation=organisation,
            partnership=partnership,
            kind=Session.Kind.POWER,
            title=title,
            facilitator=by,
            mode=Session.Mode.PLENARY,
        )
        if starters:
            add_starters(session, starters, by=by)
    return session


def start(session: Session) -> None:
    """Open a draft with its join code, at the first stage."""
    if not session.is_draft:
        raise PowerError("not draft")
    session.current = Stage.DECISIONS
    session.save(update_fields=["current"])
    session.open()


def set_stage(session: Session, stage: int) -> None:
    if not session.is_live:
        raise PowerError("not open")
    if stage not in Stage.values:
        raise PowerError("no such stage")
    session.current = stage
    session.save(update_fields=["current"])


# --- Decisions -------------------------------------------------------------------------------------


def _writable(session: Session) -> None:
    if session.is_closed:
        raise PowerError("closed")


def add_decision(
    session: Session, text: str, *, by: User | None = None, participant: Participant | None = None
) -> Decision:
    _writable(session)
    if Decision.objects.filter(session=session).count() >= MAX_DECISIONS:
        raise PowerError("full")
    return Decision.objects.create(
        session=session,
        organisation_id=session.organisation_id,
        text=text,
        added_by=by,
        proposed_by=participant,
    )


def add_starters(session: Session, language: str, *, by: User) -> int:
    """Add the starter decisions the session does not have yet (by text); how many were added."""
    _writable(session)
    have = set(Decision.objects.filter(session=session).values_list("text", flat=True))
    room = max(0, MAX_DECISIONS - len(have))
    new = [
        Decision(session=session, organisation_id=session.organisation_id, text=text, added_by=by)
        for text in starter_texts(language)
        if text not in have
    ][:room]
    Decision.objects.bulk_create(new)
    return len(new)


def propose(participant: Participant, text: str) -> Decision:
    """A participant lists a decision from their phone: while the room lists decisions."""
    session = participant.session
    if participant.is_removed:
        raise PowerError("removed")
    if not session.is_live or session.current != Stage.DECISIONS:
        raise PowerError("not listing")
    if Decision.objects.filter(proposed_by=participant).count() >= PROPOSALS_PER_PARTICIPANT:
        raise PowerError("too many")
    return add_decision(session, text, participant=participant)


def edit_decision(decision: Decision, text: str) -> None:
    _writable(decision.session)
    decision.text = text
    decision.save(update_fields=["text"])


def merge(decision: Decision, into: Decision, text: str = "") -> None:
    """Fold `decision` into `into` (two ways of saying the same decision), optionally renaming `into`.

    A participant's score moves with it unless they scored `into` too (then their score on `into`
    stands): a participant keeps one score per decision. Agreed changes about it follow.
    """
    session = decision.session
    _writable(session)
    if into.session_id != decision.session_id or into.pk == decision.pk:
        raise PowerError("not mergeable")
    with transaction.atomic():
        scored_into = Score.objects.filter(decision=into, participant=OuterRef("participant"))
        decision.scores.filter(~Exists(scored_into)).update(decision=into)
        Change.objects.filter(decision=decision).update(decision=into)
        decision.delete()
        if text:
            into.text = text
            into.save(update_fields=["text"])


def remove_decision(decision: Decision) -> None:
    """Take a decision off the list, with its scores."""
    _writable(decision.session)
    decision.delete()


# --- Participants ----------------------------------------------------------------------------------


def affiliate(participant: Participant, side: Organisation) -> Affiliation:
    """Record which organisation the participant is from; the first answer stands."""
    session = participant.session
    if side not in sides(session):
        raise PowerError("not a side")
    affiliation, _created = Affiliation.objects.get_or_create(
        participant=participant,
        defaults={"session": session, "organisation_id": session.organisation_id, "side": side},
    )
    return affiliation


def score(participant: Participant, decision: Decision, value: int) -> None:
    """The participant's view of who holds the influence over `decision`, while the room scores.

    One score per participant and decision (the database's constraint); scoring again while the room
    still scores changes it. Removed participants and participants of no side cannot score.
    """
    session = participant.session
    if participant.is_removed:
        raise PowerError("removed")
    if not session.is_live or session.current != Stage.SCORING:
        raise PowerError("not scoring")
    if decision.session_id != session.pk:
        raise PowerError("other session")
    if value not in range(1, 6):
        raise PowerError("off the scale")
    if not Affiliation.objects.filter(participant=participant).exists():
        raise PowerError("no side")
    try:
        with transaction.atomic():
            Score.objects.update_or_create(
                participant=participant,
                decision=decision,
                defaults={"session": session, "organisation_id": session.organisation_id, "value": value},
            )
    except IntegrityError:
        # Two requests at once created it: the other one's score stands, this one updates it.
        Score.objects.filter(participant=participant, decision=decision).update(value=value)


def remove_participant(participant: Participant) -> None:
    participant.remove()


# --- Agreeing and closing --------------------------------------------------------------------------


def plan_of(session: Session) -> ActionPlan | None:
    return ActionPlan.objects.filter(source_kind=ActionPlan.Source.SESSION, source_code=session.code).first()


def agree(session: Session, text: str, *, decision: Decision | None, by: User, by_organisation: Organisation) -> Change:
    """Record what the partners agree to change, as an action in the session's plan, co-owned by both."""
    if not session.is_open:
        raise PowerError("not open")
    partnership = session.partnership
    partner = partnership.other(session.organisation) if partnership is not None else None
    with transaction.atomic():
        plan = ActionPlan.start(
            organisation=session.organisation,
            partner=partner,
            title=session.title,
            source_kind=ActionPlan.Source.SESSION,
            source_code=session.code,
            by=by,
        )
        description = decision.text if decision is not None else ""
        action: Action = plan.add_action(title=text, description=description, by=by, by_organisation=by_organisation)
        return Change.objects.create(
            session=session,
            organisation_id=session.organisation_id,
            decision=decision,
            text=text,
            action=action,
            author=by,
            author_organisation=by_organisation,
        )


def close(session: Session) -> None:
    if session.is_closed:
        raise PowerError("closed")
    session.close()
