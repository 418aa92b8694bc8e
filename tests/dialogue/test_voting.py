"""Voting: once per dilemma, never more votes than participants, removed participants cannot, and what each
mode shows on the phones."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dialogue import running
from dialogue.models import Participant, Session, Vote
from tests.dialogue.conftest import current, join, org_url, vote


def room(client, session: Session) -> str:
    return client.get(reverse("join:room", kwargs={"code": session.join_code})).content.decode()


def live(client, session: Session, **query: str):
    url = reverse("join:live", kwargs={"code": session.join_code})
    return client.get(url, query, headers={"HX-Request": "true"})


def test_a_participant_votes_once_per_dilemma(live_session, english):
    phone = join(live_session)
    assert "What would you do?" in room(phone, live_session)
    assert vote(phone, live_session, 2) == 302
    assert vote(phone, live_session, 3) == 302  # a second vote changes nothing
    assert list(Vote.objects.values_list("choice", flat=True)) == [2]
    page = room(phone, live_session)
    assert "You chose B. Your vote is counted." in page and "What would you do?" not in page


def test_the_database_refuses_a_second_vote(live_session):
    join(live_session)
    participant = Participant.objects.get()
    item = current(live_session)
    Vote.objects.create(
        session=live_session, organisation=live_session.organisation, item=item, participant=participant, choice=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            session=live_session, organisation=live_session.organisation, item=item, participant=participant, choice=2
        )


def test_votes_never_outnumber_participants(live_session):
    phones = [join(live_session) for _ in range(6)]
    for index, phone in enumerate(phones * 3):
        vote(phone, live_session, index % 3 + 1)
    item = current(live_session)
    assert Vote.objects.filter(item=item).count() == Participant.objects.filter(session=live_session).count() == 6
    assert item.dilemma is not None
    shares, total = running.distribution(item, running.shown_options(item.dilemma.options.all()))
    assert total == 6 and sum(share.votes for share in shares) == 6


def test_a_removed_participant_cannot_vote(people, live_session, english):
    phone = join(live_session, "Disruptive")
    participant = Participant.objects.get()
    response = people.client("officer").post(
        org_url("remove_participant", live_session), {"participant": participant.code}
    )
    assert response.status_code == 302
    item = current(live_session)
    response = phone.post(
        reverse("join:vote", kwargs={"code": live_session.join_code}), {"item": item.code, "choice": 1}
    )
    assert response.status_code == 403 and "The facilitator removed you" in response.content.decode()
    assert not Vote.objects.exists()
    assert phone.get(reverse("join:room", kwargs={"code": live_session.join_code})).status_code == 403
    # Joining again from the same browser does not bring them back.
    phone.post(reverse("join:enter", kwargs={"code": live_session.join_code}), {"language": "en"})
    assert Participant.objects.get().is_removed and Participant.objects.count() == 1
    participant.refresh_from_db()
    with pytest.raises(running.SessionError):
        running.cast_vote(participant, item, 1)


def test_removed_participants_votes_stay_counted(people, live_session):
    phone = join(live_session)
    vote(phone, live_session, 1)
    Participant.objects.get().remove()
    assert Vote.objects.count() == 1


def test_only_the_current_dilemma_takes_votes(live_session):
    phone = join(live_session)
    later = live_session.items.get(position=2)
    response = phone.post(
        reverse("join:vote", kwargs={"code": live_session.join_code}), {"item": later.code, "choice": 1}
    )
    assert response.status_code == 302 and not Vote.objects.exists()
    with pytest.raises(running.SessionError):
        running.cast_vote(Participant.objects.get(), later, 1)


def test_a_choice_the_dilemma_does_not_have_is_refused(live_session, english):
    phone = join(live_session)
    # The first dilemma has three courses of action: there is no D.
    response = phone.post(
        reverse("join:vote", kwargs={"code": live_session.join_code}),
        {"item": current(live_session).code, "choice": 4},
    )
    assert response.status_code == 400 and "Choose one of the courses of action." in response.content.decode()
    response = phone.post(
        reverse("join:vote", kwargs={"code": live_session.join_code}),
        {"item": current(live_session).code, "choice": "many"},
    )
    assert response.status_code == 400 and not Vote.objects.exists()


def test_without_the_cookie_the_room_sends_you_to_join(live_session):
    from django.test import Client

    response = Client().get(reverse("join:room", kwargs={"code": live_session.join_code}))
    assert response.status_code == 302 and response["Location"] == reverse(
        "join:enter", kwargs={"code": live_session.join_code}
    )


# --- What each mode shows on the phones ---------------------------------------------------------------


def test_individual_mode_shows_the_distribution_and_reflection_after_voting(live_session, english):
    phone, other = join(live_session), join(live_session)
    vote(other, live_session, 1)
    assert "How the room voted" not in room(phone, live_session)
    vote(phone, live_session, 1)
    page = room(phone, live_session)
    assert "How the room voted" in page and "2 votes so far." in page
    assert "Weigh the local economy" in page


def test_group_mode_shows_results_when_the_facilitator_does(people, live_session, english):
    Session.objects.filter(pk=live_session.pk).update(mode="group")
    phone = join(live_session)
    vote(phone, live_session, 2)
    page = room(phone, live_session)
    assert "How the room voted" not in page and "Talk it through in your group" in page
    people.client("officer").post(org_url("steer", live_session), {"reveal": "show"})
    assert "How the room voted" in room(phone, live_session)


def test_plenary_mode_keeps_the_results_on_the_shared_screen(people, live_session, english):
    Session.objects.filter(pk=live_session.pk).update(mode="plenary")
    phone = join(live_session)
    vote(phone, live_session, 2)
    page = room(phone, live_session)
    assert "How the room voted" not in page and "The results are on the shared screen." in page
    screen = people.client("officer").get(org_url("run", live_session)).content.decode()
    assert "1 vote" in screen and "Ask the board" in screen


# --- Live updates ------------------------------------------------------------------------------------


def test_the_live_part_updates_and_asks_for_a_reload_when_the_room_moves_on(people, live_session, english):
    phone, other = join(live_session), join(live_session)
    vote(phone, live_session, 1)
    item = current(live_session)
    response = live(phone, live_session, item=str(item.code), voted="1")
    assert (
        response.status_code == 200 and "HX-Refresh" not in response and "1 vote so far." in response.content.decode()
    )
    assert 'hx-trigger="every 3s"' in response.content.decode()
    vote(other, live_session, 2)
    assert "2 votes so far." in live(phone, live_session, item=str(item.code), voted="1").content.decode()
    # The facilitator moves on: the phone reloads to see the next dilemma and its vote form.
    following = live_session.items.get(position=2)
    people.client("officer").post(org_url("steer", live_session), {"item": following.code})
    assert live(phone, live_session, item=str(item.code), voted="1")["HX-Refresh"] == "true"
    assert "A gift after the audit" in room(phone, live_session)


def test_the_live_part_shows_the_step_and_the_what_if(people, live_session, english):
    phone = join(live_session)
    item = current(live_session)
    people.client("officer").post(org_url("steer", live_session), {"step": "stakeholders", "variation": "1"})
    page = live(phone, live_session, item=str(item.code), voted="0").content.decode()
    assert "Step 3 of 8: Stakeholders and their interests" in page
    assert "What if the cousin&#x27;s prices were 20% higher?" in page


def test_the_live_part_reads_a_constant_number_of_queries(live_session):
    phones = [join(live_session) for _ in range(3)]
    for phone in phones:
        vote(phone, live_session, 1)
    item = current(live_session)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert live(phones[0], live_session, item=str(item.code), voted="1").status_code == 200
        return len(queries)

    few = count()
    more = [join(live_session) for _ in range(10)]
    for index, phone in enumerate(more):
        vote(phone, live_session, index % 3 + 1)
    assert count() == few <= 8


def test_the_live_part_is_for_htmx_a_browser_gets_the_room(live_session):
    phone = join(live_session)
    response = phone.get(reverse("join:live", kwargs={"code": live_session.join_code}))
    assert response.status_code == 302 and response["Location"] == reverse(
        "join:room", kwargs={"code": live_session.join_code}
    )
