"""Running a session: the facilitator's control page, the step model, records, removing people, closing."""

import pytest
from django.urls import reverse

from dialogue import running
from dialogue.models import Participant, Record, Session
from tests.dialogue.conftest import current, join, org_url, vote

HTMX = {"HX-Request": "true"}


def test_the_control_page_shows_code_qr_dilemma_and_live_figures(people, live_session, english):
    for index in range(3):
        vote(join(live_session, f"P{index}"), live_session, 2)
    page = people.client("officer").get(org_url("run", live_session)).content.decode()
    assert live_session.join_code in page
    assert '<svg role="img"' in page and "QR code to join the session" in page
    assert f"/join/{live_session.join_code}/" in page
    assert "Dilemma 1 of 2" in page and "What do you do?" in page
    assert "3 participants" in page and "3 votes" in page
    assert 'hx-get="' + org_url("live", live_session) + "?state=" in page
    assert "Show the latest results" in page  # without JavaScript


def test_the_live_results_are_a_fragment_for_htmx_and_the_page_for_a_browser(people, live_session, english):
    response = people.client("manager").get(org_url("live", live_session))
    assert response.status_code == 302 and response["Location"] == org_url("run", live_session)


def test_the_live_results_partial_has_the_distribution(people, live_session, english):
    vote(join(live_session), live_session, 3)
    response = people.client("manager").get(org_url("live", live_session), headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert page.startswith('<div id="live-results"') and "<svg" in page and "Change supplier" in page


@pytest.mark.parametrize("persona, status", [("member", 403), ("viewer", 403), ("outsider", 404)])
def test_only_facilitators_see_the_control_page_and_steer(people, live_session, persona, status):
    client = people.client(persona)
    assert client.get(org_url("run", live_session)).status_code == status
    assert client.get(org_url("live", live_session), headers=HTMX).status_code == status
    assert client.post(org_url("steer", live_session), {"step": "facts"}).status_code == status
    assert client.post(org_url("close", live_session)).status_code == status
    assert Session.objects.get(pk=live_session.pk).status == "open"


def test_the_facilitator_walks_the_step_model_and_the_what_ifs(people, live_session, english):
    client = people.client("officer")
    item = current(live_session)
    assert client.post(org_url("steer", live_session), {"step": "facts"}).status_code == 302
    item.refresh_from_db()
    assert item.step == "facts"
    page = client.get(org_url("run", live_session)).content.decode()
    assert 'aria-current="step"' in page and "What do we know, what do we not know" in page
    client.post(org_url("steer", live_session), {"variation": "2"})
    item.refresh_from_db()
    assert item.variation == 2
    assert "What if a donor audits?" in client.get(org_url("run", live_session)).content.decode()
    # A "what if" the dilemma does not have, or a step that does not exist, is refused.
    assert client.post(org_url("steer", live_session), {"variation": "5"}).status_code == 400
    assert client.post(org_url("steer", live_session), {"step": "vote-again"}).status_code == 400


def test_the_facilitator_moves_to_the_next_dilemma(people, live_session):
    following = live_session.items.get(position=2)
    people.client("officer").post(org_url("steer", live_session), {"item": following.code, "step": "options"})
    live_session.refresh_from_db()
    following.refresh_from_db()
    assert live_session.current == 2 and following.step == "options"


def test_a_dilemma_of_another_session_cannot_be_chosen(people, live_session, dilemmas):
    other = Session.objects.create(organisation=people.org, title="Other")
    item = running.add_dilemma(other, dilemmas[0])
    assert people.client("officer").post(org_url("steer", live_session), {"item": item.code}).status_code == 404


def test_agreements_and_lessons_are_recorded(people, live_session, english):
    client = people.client("officer")
    item = current(live_session)
    response = client.post(
        org_url("record", live_session), {"kind": "agreement", "text": "Two quotes per purchase.", "item": item.code}
    )
    assert response.status_code == 302
    client.post(org_url("record", live_session), {"kind": "lesson", "text": "Family ties are declared."})
    records = list(Record.objects.values_list("kind", "text", "item", "author", "organisation"))
    assert records == [
        ("agreement", "Two quotes per purchase.", item.pk, people.officer.pk, people.org.pk),
        ("lesson", "Family ties are declared.", None, people.officer.pk, people.org.pk),
    ]
    page = client.get(org_url("run", live_session)).content.decode()
    assert "Two quotes per purchase." in page and "Family ties are declared." in page


def test_an_empty_record_is_refused(people, live_session, english):
    response = people.client("officer").post(
        org_url("record", live_session), {"kind": "agreement", "text": "   "}, follow=True
    )
    assert not Record.objects.exists() and "This field is required." in response.content.decode()
    assert (
        people.client("member").post(org_url("record", live_session), {"kind": "lesson", "text": "X"}).status_code
        == 403
    )
    assert not Record.objects.exists()


def test_the_facilitator_removes_a_participant(people, live_session, english):
    join(live_session, "Loud")
    participant = Participant.objects.get()
    page = people.client("officer").get(org_url("run", live_session)).content.decode()
    assert f'<option value="{participant.code}">Loud</option>' in page
    response = people.client("officer").post(
        org_url("remove_participant", live_session), {"participant": participant.code}
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.is_removed
    assert (
        "0 participants" in people.client("officer").get(org_url("live", live_session), headers=HTMX).content.decode()
    )


def test_closing_ends_the_code(people, live_session, english):
    phone = join(live_session)
    response = people.client("officer").post(org_url("close", live_session))
    assert response.status_code == 302 and response["Location"] == org_url("report", live_session)
    live_session.refresh_from_db()
    assert live_session.status == "closed" and live_session.closed_at is not None
    assert people.client("officer").get(org_url("run", live_session))["Location"] == org_url("report", live_session)
    item = current(live_session)
    assert (
        phone.post(
            reverse("join:vote", kwargs={"code": live_session.join_code}), {"item": item.code, "choice": 1}
        ).status_code
        == 400
    )
    assert people.client("officer").post(org_url("close", live_session)).status_code == 400


def test_a_new_session_may_reuse_a_closed_sessions_code(people, live_session, dilemmas):
    live_session.close()
    again = Session.objects.create(organisation=people.org, title="Again")
    running.add_dilemma(again, dilemmas[0])
    running.start(again)
    Session.objects.filter(pk=again.pk).update(join_code=live_session.join_code)
    # The code now leads to the open session, not the closed one.
    phone = join(Session.objects.get(pk=again.pk))
    assert Participant.objects.get().session_id == again.pk and phone is not None


def test_the_shared_screen_shows_the_code_the_dilemma_the_step_and_the_results(people, live_session, english):
    vote(join(live_session), live_session, 1)
    client = people.client("officer")
    client.post(org_url("steer", live_session), {"step": "values", "variation": "1"})
    page = client.get(org_url("screen", live_session)).content.decode()
    assert live_session.join_code in page and '<svg role="img"' in page
    assert "Our cousin supplies the rice" in page and "Step 4 of 8: Values and arguments" in page
    assert "What if the cousin&#x27;s prices were 20% higher?" in page and "1 vote" in page
    assert people.client("member").get(org_url("screen", live_session)).status_code == 403
    live_session.close()
    assert client.get(org_url("screen", live_session))["Location"] == org_url("report", live_session)


def test_the_screen_reloads_when_the_room_moves_on(people, live_session):
    client = people.client("officer")
    page = client.get(org_url("screen", live_session)).content.decode()
    state = page.split("?state=", 1)[1].split('"', 1)[0]
    assert "HX-Refresh" not in client.get(org_url("live", live_session) + f"?state={state}", headers=HTMX)
    client.post(org_url("steer", live_session), {"step": "facts"})
    assert client.get(org_url("live", live_session) + f"?state={state}", headers=HTMX)["HX-Refresh"] == "true"


def test_removing_needs_a_participant_of_this_session(people, live_session, dilemmas):
    client = people.client("officer")
    assert client.post(org_url("remove_participant", live_session), {"participant": "nobody"}).status_code == 400
    other = Session.objects.create(organisation=people.org, title="Other")
    running.add_dilemma(other, dilemmas[0])
    running.start(other)
    other.refresh_from_db()
    join(other, "Elsewhere")
    stranger = Participant.objects.get()
    assert client.post(org_url("remove_participant", live_session), {"participant": stranger.code}).status_code == 404
    stranger.refresh_from_db()
    assert not stranger.is_removed
