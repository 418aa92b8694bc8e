"""Demo: a dilemma session and a power-awareness session that took place, so their pages have something to show.

Made through the same functions the session pages use (dialogue.running, power.running), with participants who
joined from their phones (no accounts: a random browser token each, as the join page gives them). Both sessions
are closed: their reports and the actions agreed in them are what a visitor finds. Idempotent by title.
"""

import secrets

from django.db import transaction

from accounts.models import User
from dialogue import running
from dialogue.models import Participant, Record, Session, token_hash
from dilemmas.models import Dilemma
from organisations.models import Organisation, Partnership
from power import running as power_running
from power.models import Decision, Stage

DILEMMA_TITLE = "Teamdag integriteit: dilemma's in onze partnerschappen"
POWER_TITLE = "Machtsbewustzijn in ons partnerschap met Tumaini Health"

# The phones in the room: an optional display name each (empty: anonymous).
ROOM = ["Amina", "", "Joost", "Wouter", "", "Grace", "Ilse", "", "Peter"]

# Per dilemma, the course of action each phone chose (by position), so the charts show a real spread.
CHOICES = [[1, 2, 2, 1, 3, 2, 2, 1, 2], [3, 3, 1, 3, 2, 3, 3, 4, 3], [2, 1, 1, 2, 1, 1, 3, 1, 2]]

AGREEMENTS = [
    "Gifts from suppliers above EUR 50 are declined and recorded in the gift register.",
    "A budget change that affects a partner is discussed with that partner before it is decided.",
]
LESSONS = [
    "Ask the partner first: most dilemmas we discussed started with a decision taken without them.",
    "Name the dilemma early in the partnership meeting; it is harder to raise once money has moved.",
]

# The power-awareness session: who scored from which side, and how each side sees the influence (1 = Hulp zonder
# Grenzen entirely, 5 = Tumaini Health entirely) per starter decision in order. The partner sees the funder's
# influence as larger than the funder does: that difference is what the results page shows first.
POWER_SIDES = {"hulp-zonder-grenzen": ["", "Joost", ""], "tumaini-health": ["Grace", "", "Otieno"]}
POWER_VIEWS = {
    "hulp-zonder-grenzen": [[3, 3, 2], [3, 4, 3], [2, 3, 3], [3, 3, 4], [4, 3, 3], [2, 2, 3]],
    "tumaini-health": [[1, 1, 2], [2, 2, 1], [1, 2, 1], [3, 2, 3], [4, 4, 3], [1, 1, 1]],
}
POWER_CHANGES = [
    "Tumaini Health co-decides the budget lines of the project from the next budget round.",
    "Reports to the back donor are drafted together; Tumaini Health sees the final text before it is sent.",
]


def load(hzg: Organisation, tumaini: Organisation) -> None:
    """Both demo sessions, unless they exist; needs the framework's dilemmas (load_framework)."""
    officer = User.objects.get(email="officer@hulp-zonder-grenzen.example")
    with transaction.atomic():
        if not Session.objects.filter(organisation=hzg, title=DILEMMA_TITLE).exists():
            dilemma_session(hzg, officer)
        if not Session.objects.filter(organisation=hzg, title=POWER_TITLE).exists():
            partner_contact = User.objects.get(email="contact@tumaini-health.example")
            power_session(hzg, tumaini, officer, partner_contact)


def dilemma_session(hzg: Organisation, facilitator: User) -> Session | None:
    dilemmas = [
        dilemma
        for dilemma in Dilemma.objects.framework().published().order_by("subject")
        if dilemma.options.count() >= 4
    ][: len(CHOICES)]
    if len(dilemmas) < len(CHOICES):
        return None  # the framework is not loaded
    session = Session.objects.create(
        organisation=hzg, title=DILEMMA_TITLE, facilitator=facilitator, mode=Session.Mode.PLENARY
    )
    items = [running.add_dilemma(session, dilemma) for dilemma in dilemmas]
    running.start(session)
    phones = [join(session, hzg, name) for name in ROOM]
    for item, choices in zip(items, CHOICES, strict=True):
        running.go_to(session, item, step="learn")
        for phone, choice in zip(phones, choices, strict=True):
            running.cast_vote(phone, item, choice)
        item.revealed = True
        item.save(update_fields=["revealed"])
    for text, item in zip(AGREEMENTS, items, strict=False):
        Record.objects.create(
            session=session, organisation=hzg, item=item, kind=Record.Kind.AGREEMENT, text=text, author=facilitator
        )
    for text in LESSONS:
        Record.objects.create(session=session, organisation=hzg, kind=Record.Kind.LESSON, text=text, author=facilitator)
    session.close()
    return session


def power_session(hzg: Organisation, tumaini: Organisation, facilitator: User, partner_contact: User) -> Session | None:
    partnership = Partnership.objects.filter(
        organisation=hzg, partner=tumaini, status=Partnership.Status.ACTIVE
    ).first()
    if partnership is None:
        return None
    session = power_running.create(
        organisation=hzg, partnership=partnership, title=POWER_TITLE, by=facilitator, starters="nl"
    )
    decisions = list(Decision.objects.filter(session=session).order_by("pk"))
    power_running.start(session)
    phones = {side: [join(session, hzg, name) for name in names] for side, names in POWER_SIDES.items()}
    for side, side_phones in phones.items():
        organisation = hzg if side == hzg.slug else tumaini
        for phone in side_phones:
            power_running.affiliate(phone, organisation)
    power_running.set_stage(session, Stage.SCORING)
    for side, views in POWER_VIEWS.items():
        for decision, values in zip(decisions, views, strict=False):
            for phone, value in zip(phones[side], values, strict=True):
                power_running.score(phone, decision, value)
    power_running.set_stage(session, Stage.CHANGES)
    for text, decision in zip(POWER_CHANGES, decisions, strict=False):
        power_running.agree(session, text, decision=decision, by=facilitator, by_organisation=hzg)
    power_running.close(session)
    return session


def join(session: Session, organisation: Organisation, name: str) -> Participant:
    return Participant.objects.create(
        session=session,
        organisation=organisation,
        token_hash=token_hash(secrets.token_urlsafe(16)),
        display_name=name,
        language="nl",
    )
