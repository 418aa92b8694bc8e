"""Preparing a dilemma session: the list, a new session, choosing dilemmas from the library, starting it."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogue import running
from dialogue.models import JOIN_ALPHABET, Session
from organisations.models import Partnership
from tests.dialogue.conftest import org_url
from tests.dilemmas.conftest import make_dilemma


def sessions_url(slug: str = "hulp") -> str:
    return reverse("dialogue:sessions", kwargs={"slug": slug})


def new_url(slug: str = "hulp") -> str:
    return reverse("dialogue:new", kwargs={"slug": slug})


# --- The list --------------------------------------------------------------------------------------


def test_the_list_is_empty_at_first_and_says_how_to_begin(people, english):
    page = people.client("manager").get(sessions_url()).content.decode()
    assert "No sessions yet." in page and "Prepare the first session" in page
    page = people.client("member").get(sessions_url()).content.decode()
    assert "Prepare the first session" not in page and "prepares and runs sessions" in page


def test_the_list_shows_the_organisations_sessions_to_every_member_and_none_of_anothers(people, draft, english):
    Session.objects.create(organisation=people.other_org, title="Ander's own session")
    for persona in ("viewer", "member", "officer"):
        page = people.client(persona).get(sessions_url()).content.decode()
        assert "Partners and procurement" in page and "Ander&#x27;s own session" not in page
    assert "Partners and procurement" not in people.client("outsider").get(sessions_url("ander")).content.decode()
    assert people.client("outsider").get(sessions_url()).status_code == 404


def test_the_list_pages_by_twenty(people, english):
    Session.objects.bulk_create(
        [
            Session(organisation=people.org, title=f"Session {n:02}", created_at=timezone.now() - timedelta(minutes=n))
            for n in range(25)
        ]
    )
    first = people.client("member").get(sessions_url()).content.decode()
    assert "Session 00" in first and "Session 24" not in first and "Page 1 of 2" in first
    second = people.client("member").get(sessions_url() + "?page=2").content.decode()
    assert "Session 24" in second and "Session 00" not in second


def test_a_partnership_session_is_listed_for_the_partner_too(people, draft, english):
    partnership = Partnership.objects.create(organisation=people.org, partner=people.other_org)
    draft.partnership = partnership
    draft.save(update_fields=["partnership"])
    page = people.client("outsider").get(sessions_url("ander")).content.decode()
    assert "Partners and procurement" in page
    # The partner reads its report, but does not run it.
    assert people.client("outsider").get(org_url("report", draft).replace("/hulp/", "/ander/")).status_code == 200
    assert people.client("outsider").get(org_url("compose", draft).replace("/hulp/", "/ander/")).status_code == 403


# --- A new session ---------------------------------------------------------------------------------


def test_a_facilitator_makes_a_draft_and_goes_on_to_choose_dilemmas(people):
    response = people.client("manager").post(new_url(), {"title": "  Gifts   and hospitality ", "mode": "group"})
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == org_url("compose", session)
    assert (session.title, session.mode, session.status, session.join_code) == (
        "Gifts and hospitality",
        "group",
        "draft",
        "",
    )
    assert (session.organisation, session.facilitator, session.kind) == (people.org, people.manager, "dilemma")


@pytest.mark.parametrize("persona, status", [("member", 403), ("viewer", 403), ("outsider", 404)])
def test_only_facilitators_make_sessions(people, persona, status):
    assert people.client(persona).post(new_url(), {"title": "X", "mode": "group"}).status_code == status
    assert not Session.objects.exists()


def test_a_session_needs_a_title_and_a_known_mode(people, english):
    response = people.client("officer").post(new_url(), {"title": "", "mode": "lecture"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Session.objects.exists()


def test_a_partnership_of_another_organisation_cannot_be_chosen(people):
    theirs = Partnership.objects.create(
        organisation=people.other_org,
        partner=people.other_org.__class__.objects.create(slug="derde", name="Derde", kind="partner", country="UG"),
    )
    response = people.client("officer").post(
        new_url(), {"title": "X", "mode": "group", "partnership": str(theirs.code)}
    )
    assert response.status_code == 400 and not Session.objects.exists()


# --- Composing -------------------------------------------------------------------------------------


def test_dilemmas_are_added_from_the_library_moved_and_taken_out(people, dilemmas, english):
    session = Session.objects.create(organisation=people.org, title="Compose", facilitator=people.officer)
    client = people.client("officer")
    page = client.get(org_url("compose", session)).content.decode()
    assert "Our cousin supplies the rice" in page and "A gift after the audit" in page
    for dilemma in dilemmas:
        assert client.post(org_url("add_item", session), {"dilemma": dilemma.code}).status_code == 302
    assert [i.title for i in session.items.all()] == ["Our cousin supplies the rice", "A gift after the audit"]
    first = session.items.get(position=1)
    assert client.post(org_url("move_item", session, item=first.code), {"direction": "down"}).status_code == 302
    assert [i.title for i in session.items.all()] == ["A gift after the audit", "Our cousin supplies the rice"]
    assert client.post(org_url("remove_item", session, item=first.code)).status_code == 302
    assert [(i.position, i.title) for i in session.items.all()] == [(1, "A gift after the audit")]


def test_the_library_search_finds_dilemmas_not_yet_chosen(people, draft, english):
    extra = make_dilemma(people.org, people.admin, title_en="Per diems for the workshop", situation_en="Per diems.")
    extra.reindex()  # as the library's pages do after every change
    response = people.client("officer").get(org_url("compose", draft) + "?q=diems")
    page = response.content.decode()
    assert "Per diems for the workshop" in page
    assert f'value="{extra.code}"' in page
    # Found as cards: their long texts (kilobytes each) stay unread.
    assert {"situation_en", "reflection_en", "search_text"} <= response.context["candidates"][0].get_deferred_fields()
    page = people.client("officer").get(org_url("compose", draft) + "?q=rice").content.decode()
    assert "No dilemma you have not added yet matches your search." in page


def test_a_dilemma_the_organisation_cannot_see_cannot_be_added(people, draft):
    theirs = make_dilemma(people.other_org, people.outsider, title_en="Theirs")
    assert people.client("officer").post(org_url("add_item", draft), {"dilemma": theirs.code}).status_code == 404
    unpublished = make_dilemma(people.org, people.member, status="draft", title_en="A draft")
    assert people.client("officer").post(org_url("add_item", draft), {"dilemma": unpublished.code}).status_code == 404
    assert people.client("officer").post(org_url("add_item", draft), {"dilemma": "nonsense"}).status_code == 400
    assert draft.items.count() == 2


def test_a_dilemma_is_in_a_session_once(people, draft, dilemmas):
    assert people.client("officer").post(org_url("add_item", draft), {"dilemma": dilemmas[0].code}).status_code == 400
    assert draft.items.count() == 2


def test_members_cannot_compose(people, draft, dilemmas):
    extra = make_dilemma(people.org, people.admin, title_en="Extra")
    assert people.client("member").get(org_url("compose", draft)).status_code == 403
    assert people.client("member").post(org_url("add_item", draft), {"dilemma": extra.code}).status_code == 403
    assert (
        people.client("outsider")
        .post(org_url("add_item", draft).replace("/hulp/", "/ander/"), {"dilemma": extra.code})
        .status_code
        == 404
    )
    assert draft.items.count() == 2


# --- Starting --------------------------------------------------------------------------------------


def test_starting_gives_a_code_that_is_hard_to_guess_and_expires(people, draft):
    before = timezone.now()
    response = people.client("officer").post(org_url("start", draft))
    assert response.status_code == 302 and response["Location"] == org_url("run", draft)
    draft.refresh_from_db()
    assert draft.status == "open" and draft.current == 1
    assert re.fullmatch(f"[{JOIN_ALPHABET}]{{8}}", draft.join_code)
    assert not set("01OIL") & set(draft.join_code)
    assert draft.expires_at is not None and timedelta(hours=11) < draft.expires_at - before <= timedelta(
        hours=12, seconds=5
    )


def test_an_empty_session_does_not_start_and_a_session_starts_once(people, draft, dilemmas):
    empty = Session.objects.create(organisation=people.org, title="Empty", facilitator=people.officer)
    assert people.client("officer").post(org_url("start", empty)).status_code == 400
    assert people.client("officer").post(org_url("start", draft)).status_code == 302
    code = Session.objects.get(pk=draft.pk).join_code
    assert people.client("officer").post(org_url("start", draft)).status_code == 400
    assert Session.objects.get(pk=draft.pk).join_code == code


def test_join_codes_of_open_sessions_never_clash(people, dilemmas, monkeypatch):
    codes = iter(["AAAA2222", "AAAA2222", "BBBB3333"])
    monkeypatch.setattr("dialogue.models.new_join_code", lambda: next(codes))
    sessions = []
    for title in ("One", "Two"):
        session = Session.objects.create(organisation=people.org, title=title)
        running.add_dilemma(session, dilemmas[0])
        running.start(session)
        sessions.append(session)
    assert [s.join_code for s in sessions] == ["AAAA2222", "BBBB3333"]
