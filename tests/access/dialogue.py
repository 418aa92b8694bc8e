"""Access-matrix rows for dilemma sessions of `hulp`, and the participants' pages at join/.

Every member reads the organisation's sessions and their reports; managers, integrity officers and
admins (the facilitators) prepare, run and close them and turn records into actions and dilemmas
(viewers and members 403). The outsider (admin of `ander`) gets 404 everywhere under `hulp`.

The join pages need no account: every persona, logged in or not, gets the same answer. Without the
participant's cookie the room, its live part and the vote send the browser to the page that joins.
Sessions are built in the rows' kwargs, so world.py needs to know nothing of them.
"""

from django.utils import timezone

from dialogue import running
from dialogue.models import Participant, Record, Session, token_hash
from dilemmas.models import Context, Dilemma, Status
from tests.access.rows import Row, org_page, same, statuses

FACILITATORS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=200, officer=200, admin=200)
FACILITATORS_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=302, officer=302, admin=302)
PUBLIC = same(200)


def _dilemma(world, key: str, title: str) -> Dilemma:
    if key not in world.objects:
        now = timezone.now()
        dilemma = Dilemma.objects.create(
            organisation=world.org,
            author=world.people.admin,
            status=Status.PUBLISHED,
            languages="en",
            context=Context.LOCAL_PARTNER,
            title_en=title,
            situation_en="A partner's director buys from his cousin.",
            question_en="What do you do?",
            created_at=now,
            updated_at=now,
            published_at=now,
        )
        dilemma.set_options([{"en": "Accept"}, {"en": "Ask the board"}, {"en": "Change supplier"}])
        dilemma.set_variations([{"en": "What if the prices were higher?"}])
        world.objects[key] = dilemma
    return world.objects[key]


def draft_session(world) -> Session:
    if "session_draft" not in world.objects:
        session = Session.objects.create(organisation=world.org, title="Procurement", facilitator=world.people.officer)
        running.add_dilemma(session, _dilemma(world, "dilemma_a", "The cousin's rice"))
        running.add_dilemma(session, _dilemma(world, "dilemma_b", "The hamper"))
        world.objects["session_draft"] = session
    return world.objects["session_draft"]


def live_session(world) -> Session:
    if "session_live" not in world.objects:
        session = draft_session(world)
        running.start(session)
        session.refresh_from_db()
        world.objects["session_live"] = session
    return world.objects["session_live"]


def participant(world) -> Participant:
    if "participant" not in world.objects:
        session = live_session(world)
        world.objects["participant"] = Participant.objects.create(
            session=session, organisation=world.org, token_hash=token_hash("matrix-token"), display_name="Ann"
        )
    return world.objects["participant"]


def record(world, kind: str) -> Record:
    session = live_session(world)
    return Record.objects.create(
        session=session, organisation=world.org, kind=kind, text="Two quotes for every purchase.", author=None
    )


def slug(world):
    return {"slug": world.org.slug}


def code_of(make):
    return lambda world: {"slug": world.org.slug, "code": make(world).code}


def first_item(make):
    def kwargs(world):
        session = make(world)
        return {"slug": world.org.slug, "code": session.code, "item": session.items.get(position=1).code}

    return kwargs


def record_kwargs(kind: str):
    def kwargs(world):
        found = record(world, kind)
        return {"slug": world.org.slug, "code": found.session.code, "record": found.code}

    return kwargs


def join_code(world):
    return {"code": live_session(world).join_code}


NEW_SESSION = {"title": "Gifts and hospitality", "mode": "group"}

ROWS = [
    Row("dialogue:sessions", org_page(), kwargs=slug),
    Row("dialogue:sessions_csv", org_page(), kwargs=slug),
    Row("dialogue:new", FACILITATORS, kwargs=slug),
    Row("dialogue:new", FACILITATORS_POST, kwargs=slug, method="post", data=lambda w: NEW_SESSION),
    Row("dialogue:compose", FACILITATORS, kwargs=code_of(draft_session)),
    Row("dialogue:compose", FACILITATORS, kwargs=code_of(draft_session), query="?q=cousin", note="search"),
    Row(
        "dialogue:compose",
        FACILITATORS_POST,
        kwargs=code_of(draft_session),
        method="post",
        data=lambda w: {"title": "Procurement, renamed", "mode": "plenary"},
    ),
    Row(
        "dialogue:add_item",
        FACILITATORS_POST,
        kwargs=code_of(draft_session),
        method="post",
        data=lambda w: {"dilemma": _dilemma(w, "dilemma_c", "The per diem").code},
    ),
    Row(
        "dialogue:move_item",
        FACILITATORS_POST,
        kwargs=first_item(draft_session),
        method="post",
        data=lambda w: {"direction": "down"},
    ),
    Row("dialogue:remove_item", FACILITATORS_POST, kwargs=first_item(draft_session), method="post"),
    Row("dialogue:start", FACILITATORS_POST, kwargs=code_of(draft_session), method="post"),
    Row("dialogue:run", FACILITATORS, kwargs=code_of(live_session)),
    Row("dialogue:screen", FACILITATORS, kwargs=code_of(live_session)),
    # A fragment for htmx (tests/dialogue/test_running.py); a plain request is sent to the control page.
    Row("dialogue:live", FACILITATORS_POST, kwargs=code_of(live_session)),
    Row(
        "dialogue:steer",
        FACILITATORS_POST,
        kwargs=code_of(live_session),
        method="post",
        data=lambda w: {"step": "facts", "variation": "1"},
    ),
    Row(
        "dialogue:record",
        FACILITATORS_POST,
        kwargs=code_of(live_session),
        method="post",
        data=lambda w: {"kind": "lesson", "text": "Ask for two quotes."},
    ),
    Row(
        "dialogue:remove_participant",
        FACILITATORS_POST,
        kwargs=code_of(live_session),
        method="post",
        data=lambda w: {"participant": str(participant(w).code)},
    ),
    Row("dialogue:close", FACILITATORS_POST, kwargs=code_of(live_session), method="post"),
    Row("dialogue:report", org_page(), kwargs=code_of(live_session)),
    Row("dialogue:report_pdf", org_page(), kwargs=code_of(live_session)),
    Row("dialogue:record_action", FACILITATORS_POST, kwargs=record_kwargs("agreement"), method="post"),
    Row("dialogue:record_dilemma", FACILITATORS_POST, kwargs=record_kwargs("lesson"), method="post"),
    Row("join:start", PUBLIC),
    Row("join:start", same(404), query="?code=NOSUCHCD", note="unknown code"),
    Row("join:enter", PUBLIC, kwargs=join_code),
    Row("join:enter", same(302), kwargs=join_code, method="post", data=lambda w: {"language": "nl"}),
    Row("join:room", same(302), kwargs=join_code),
    Row("join:live", same(302), kwargs=join_code),
    Row("join:vote", same(302), kwargs=join_code, method="post", data=lambda w: {"choice": "1"}),
]
