"""Joining from a phone: no account, which organisation they are from, their language; the cookie;
codes that expired, closed or belong to another kind of session; the live part of the room."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dialogue.models import Participant, Session
from dialogue.participants import COOKIE
from power import running
from power.models import Affiliation, Stage
from tests.power.conftest import join


def enter_url(code):
    return reverse("power_join:enter", kwargs={"code": code})


def test_joining_asks_which_organisation_they_are_from(people, partner, open_session):
    client = people.client("anonymous")
    page = client.get(enter_url(open_session.join_code)).content.decode()
    assert "Hulp Zonder Grenzen" in page and "Kampala Women&#x27;s Network" in page
    response = client.post(enter_url(open_session.join_code), {"display_name": "Grace", "language": "en"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(
        enter_url(open_session.join_code), {"side": str(people.other_org.code), "display_name": "", "language": "en"}
    )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Participant.objects.exists()


def test_the_participant_cookie_is_httponly_and_samesite_and_only_its_hash_is_kept(partner, open_session):
    client = Client()
    response = client.post(
        enter_url(open_session.join_code), {"side": str(partner.org.code), "display_name": "", "language": "es"}
    )
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["secure"]
    participant = Participant.objects.get()
    assert cookie.value not in participant.token_hash and len(participant.token_hash) == 64
    assert participant.organisation == open_session.organisation  # the session's owner: tenancy
    assert Affiliation.objects.get(participant=participant).side == partner.org
    room = client.get(reverse("power_join:room", kwargs={"code": open_session.join_code}))
    assert room["Content-Language"] == "es"


def test_the_side_once_chosen_stays(people, partner, open_session):
    client, participant = join(open_session, partner.org)
    client.post(
        enter_url(open_session.join_code), {"side": str(people.org.code), "display_name": "G", "language": "nl"}
    )
    participant.refresh_from_db()
    assert Affiliation.objects.get(participant=participant).side == partner.org
    assert (participant.display_name, participant.language) == ("G", "nl")


def test_unknown_closed_and_expired_codes(people, partner, open_session):
    client = people.client("anonymous")
    assert client.get(enter_url("ZZZZZZZZ")).status_code == 404
    Session.objects.filter(pk=open_session.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(enter_url(open_session.join_code))
    assert response.status_code == 410 and "no longer works" in response.content.decode()
    open_session.refresh_from_db()
    assert open_session.is_closed  # closed lazily when someone looks


def test_the_code_of_a_dilemma_session_does_not_lead_here(people):
    dilemma = Session.objects.create(organisation=people.org, title="Dilemmas", facilitator=people.manager)
    dilemma.open()
    assert people.client("anonymous").get(enter_url(dilemma.join_code)).status_code == 404


def test_a_removed_participant_is_told_so(people, partner, open_session):
    client, participant = join(open_session, partner.org)
    running.remove_participant(participant)
    for page in (
        enter_url(open_session.join_code),
        reverse("power_join:room", kwargs={"code": open_session.join_code}),
    ):
        response = client.get(page, follow=True)
        assert response.status_code == 403 and "removed you from this session" in response.content.decode()


def test_the_live_part_asks_for_a_reload_when_the_room_moves_on(people, partner, open_session):
    client, _participant = join(open_session, partner.org)
    live = reverse("power_join:live", kwargs={"code": open_session.join_code})
    same = client.get(live, {"stage": Stage.DECISIONS}, headers={"HX-Request": "true"})
    assert same.status_code == 200 and "HX-Refresh" not in same and "Decisions listed so far" in same.content.decode()
    running.set_stage(open_session, Stage.SCORING)
    moved = client.get(live, {"stage": Stage.DECISIONS}, headers={"HX-Request": "true"})
    assert moved["HX-Refresh"] == "true"


def test_the_facilitators_results_are_a_fragment_for_htmx_and_a_page_without(people, open_session):
    manager = people.client("manager")
    url = reverse("power:results", kwargs={"slug": "hulp", "code": open_session.code})
    page = manager.get(url).content.decode()
    fragment = manager.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" in page and "<html" not in fragment
    assert "No scores yet" in fragment
