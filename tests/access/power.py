"""Access-matrix rows for the power-awareness sessions of `hulp`'s partnership with Kampala Women's Network.

Everyone in `hulp` reads its sessions, their results and summaries; facilitators (manager, officer,
admin) prepare, open, run and close them (viewers and members get 403); the outsider (admin of
`ander`) gets 404 everywhere. The partner organisation's view and co-facilitation are told in
tests/power/. The participants' pages need no account: without a participant cookie every persona is
sent to the join form, which anyone with the code may fill in. The objects are built in the rows'
kwargs, so world.py needs to know nothing of power-awareness sessions.
"""

from dialogue.models import Participant
from power import running
from power.models import Affiliation, Stage
from tests.access.rows import Row, org_page, same, statuses

FACILITATORS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=200, admin=200)
FACILITATORS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=302, officer=302, admin=302)


def _build(world) -> None:
    if "power_session" in world.objects:
        return
    people = world.people
    draft = running.create(organisation=world.org, partnership=world.partnership, title="Draft", by=people.manager)
    session = running.create(organisation=world.org, partnership=world.partnership, title="Open", by=people.manager)
    running.start(session)
    closed = running.create(organisation=world.org, partnership=world.partnership, title="Closed", by=people.manager)
    running.start(closed)
    running.close(closed)
    first = running.add_decision(session, "Budget allocation", by=people.manager)
    second = running.add_decision(session, "Choice of evaluators", by=people.manager)
    participant = Participant.objects.create(session=session, organisation=world.org, token_hash="0" * 64)
    Affiliation.objects.create(participant=participant, session=session, organisation=world.org, side=world.partner)
    world.objects.update(
        power_draft=draft,
        power_session=session,
        power_closed=closed,
        power_decision=first,
        power_other_decision=second,
        power_participant=participant,
    )


def slug(world):
    return {"slug": world.org.slug}


def draft(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.power_draft.code}


def session(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.power_session.code}


def decision(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.power_decision.code}


def participant(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.power_participant.code}


def join_code(world):
    _build(world)
    return {"code": world.power_session.join_code}


def closed_code(world):
    _build(world)
    return {"code": world.power_closed.join_code}


def joining(world):
    return {"side": str(world.partner.code), "display_name": "", "language": "en"}


ROWS = [
    Row("power:sessions", org_page(), kwargs=slug),
    Row("power:sessions_csv", org_page(), kwargs=slug),
    Row("power:session_new", FACILITATORS, kwargs=slug),
    Row(
        "power:session_new",
        FACILITATORS_POST,
        kwargs=slug,
        method="post",
        data=lambda w: {"partnership": str(w.partnership.code), "title": "Who decides?", "starters": "en"},
    ),
    Row("power:session", org_page(), kwargs=session),
    Row("power:session", org_page(), kwargs=draft, note="draft"),
    Row("power:results", org_page(), kwargs=session),
    Row("power:summary", org_page(), kwargs=session),
    Row("power:summary_pdf", org_page(), kwargs=session),
    Row("power:open", FACILITATORS_POST, kwargs=draft, method="post"),
    Row("power:stage", FACILITATORS_POST, kwargs=session, method="post", data=lambda w: {"stage": Stage.SCORING}),
    Row("power:decision_add", FACILITATORS_POST, kwargs=session, method="post", data=lambda w: {"text": "Hiring"}),
    Row("power:starters", FACILITATORS_POST, kwargs=draft, method="post", data=lambda w: {"starters-language": "nl"}),
    Row(
        "power:change_add",
        FACILITATORS_POST,
        kwargs=session,
        method="post",
        data=lambda w: {"change-text": "Decide the budget together", "change-decision": ""},
    ),
    Row("power:close", FACILITATORS_POST, kwargs=session, method="post"),
    Row("power:decision_edit", FACILITATORS, kwargs=decision),
    Row("power:decision_edit", FACILITATORS_POST, kwargs=decision, method="post", data=lambda w: {"text": "Budget"}),
    Row(
        "power:decision_merge",
        FACILITATORS_POST,
        kwargs=decision,
        method="post",
        data=lambda w: {"into": str(w.power_other_decision.code), "text": ""},
    ),
    Row("power:decision_remove", FACILITATORS_POST, kwargs=decision, method="post"),
    Row("power:participant_remove", FACILITATORS_POST, kwargs=participant, method="post"),
    # The participants' pages: no account needed.
    Row("power_join:enter", same(200), kwargs=join_code),
    Row("power_join:enter", same(410), kwargs=closed_code, note="closed"),
    Row("power_join:enter", same(302), kwargs=join_code, method="post", data=joining),
    Row("power_join:room", same(302), kwargs=join_code, note="not joined"),
    Row("power_join:live", same(302), kwargs=join_code, note="not joined"),
    Row("power_join:propose", same(302), kwargs=join_code, method="post", data=lambda w: {"text": "Budget"}),
    Row("power_join:score", same(302), kwargs=join_code, method="post"),
]
