"""Joining a session from a phone: the code, the cookie, the language, and codes that no longer work."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dialogue.models import Participant, Session, token_hash
from dialogue.participants import COOKIE
from tests.dialogue.conftest import join, org_url


def start_url(**query: str) -> str:
    return reverse("join:start") + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def enter_url(session: Session) -> str:
    return reverse("join:enter", kwargs={"code": session.join_code})


def room_url(session: Session) -> str:
    return reverse("join:room", kwargs={"code": session.join_code})


def test_the_code_form_leads_to_the_session_however_the_code_is_typed(live_session, english):
    client = Client()
    page = client.get(start_url())
    assert page.status_code == 200 and "Session code" in page.content.decode()
    typed = f"{live_session.join_code[:4].lower()}-{live_session.join_code[4:]}"
    response = client.get(start_url(code=typed))
    assert response.status_code == 302 and response["Location"].startswith(enter_url(live_session))


def test_an_unknown_code_says_so(live_session, english):
    response = Client().get(start_url(code="ZZZZ9999"))
    assert response.status_code == 404
    assert "No session has this code. Check it and try again." in response.content.decode()
    response = Client().get(reverse("join:enter", kwargs={"code": "ZZZZ9999"}))
    assert response.status_code == 404 and "No session has this code" in response.content.decode()


def test_a_draft_has_no_code_to_join(people, draft):
    assert Client().get(start_url(code="")).status_code == 400  # the form asks for a code
    assert Client().get(reverse("join:enter", kwargs={"code": "DRAFT"})).status_code == 404


def test_joining_sets_an_httponly_lax_cookie_and_keeps_only_the_tokens_hash(live_session, settings):
    settings.DEBUG = False
    client = Client()
    assert client.get(enter_url(live_session)).status_code == 200
    response = client.post(enter_url(live_session), {"display_name": "Ann", "language": "nl"})
    assert response.status_code == 302 and response["Location"] == room_url(live_session)
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["secure"] and cookie["path"] == "/join/"
    token = cookie.value
    participant = Participant.objects.get()
    assert participant.token_hash == token_hash(token) and token not in participant.token_hash
    assert (participant.display_name, participant.language, participant.organisation) == (
        "Ann",
        "nl",
        live_session.organisation,
    )
    # Back at the join page with the cookie: straight to the room, still one participant.
    assert client.get(enter_url(live_session))["Location"] == room_url(live_session)
    assert Participant.objects.count() == 1


def test_the_cookie_is_not_secure_in_development(live_session, settings):
    settings.DEBUG = True
    response = Client().post(enter_url(live_session), {"language": "en"})
    assert not response.cookies[COOKIE]["secure"]


def test_changing_name_and_language_keeps_the_participant(live_session):
    client = join(live_session, "Ann")
    assert client.get(enter_url(live_session) + "?change=1").status_code == 200
    client.post(enter_url(live_session), {"display_name": "Anna", "language": "es"})
    assert list(Participant.objects.values_list("display_name", "language")) == [("Anna", "es")]


def test_the_pages_speak_the_participants_language(live_session):
    client = join(live_session, language="fr")
    response = client.get(room_url(live_session))
    assert response["Content-Language"] == "fr"
    page = response.content.decode()
    assert '<html lang="fr">' in page
    # The dilemma is written in English only: it says so, for the screen reader and the browser's translator.
    assert '<article lang="en"' in page and "Our cousin supplies the rice" in page
    dutch = join(live_session, language="nl").get(room_url(live_session))
    assert dutch["Content-Language"] == "nl" and '<html lang="nl">' in dutch.content.decode()


def test_the_join_page_follows_the_browser_or_the_chosen_language(live_session):
    assert (
        Client(headers={"accept-language": "es-ES,es;q=0.9"}).get(enter_url(live_session))["Content-Language"] == "es"
    )
    assert Client().get(enter_url(live_session) + "?lang=fr")["Content-Language"] == "fr"
    assert Client().get(enter_url(live_session) + "?lang=xx")["Content-Language"] in ("nl", "en")


def test_a_bad_language_or_a_long_name_is_refused(live_session):
    response = Client().post(enter_url(live_session), {"display_name": "x" * 41, "language": "de"})
    assert response.status_code == 400 and not Participant.objects.exists()


def test_a_closed_session_code_no_longer_works(people, live_session, english):
    people.client("officer").post(org_url("close", live_session))
    response = Client().get(start_url(code=live_session.join_code))
    assert response.status_code == 410 and "This code no longer works" in response.content.decode()
    assert Client().post(enter_url(live_session), {"language": "en"}).status_code == 410
    assert not Participant.objects.exists()


def test_an_expired_code_no_longer_works_and_closes_the_session(live_session, english):
    phone = join(live_session)
    Session.objects.filter(pk=live_session.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(enter_url(live_session))
    assert response.status_code == 410 and "closed or has expired" in response.content.decode()
    live_session.refresh_from_db()
    assert live_session.status == "closed" and live_session.closed_at == live_session.expires_at
    # Whoever took part is thanked, and cannot vote any more.
    page = phone.get(room_url(live_session))
    assert "Thank you for taking part" in page.content.decode()


def test_join_attempts_are_bounded_per_address(live_session, settings, english):
    settings.DIALOGUE_JOIN_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        assert client.get(start_url(code="ZZZZ9999")).status_code == 404
    # Once the bucket is empty even the right code is refused: the answers teach a guesser nothing.
    response = client.get(start_url(code=live_session.join_code))
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    assert Client(REMOTE_ADDR="10.0.0.9").get(start_url(code=live_session.join_code)).status_code == 302


def test_a_participant_who_joined_is_not_counted_against_the_bound(live_session, settings):
    phone = join(live_session)
    settings.DIALOGUE_JOIN_ATTEMPTS = 1
    Client().get(start_url(code="ZZZZ9999"))
    for _ in range(5):
        assert phone.get(room_url(live_session)).status_code == 200


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_display_names_are_escaped_everywhere(people, live_session, name):
    phone = join(live_session, name)
    pages = [
        phone.get(room_url(live_session)).content.decode(),
        people.client("officer").get(org_url("run", live_session)).content.decode(),
        people.client("member").get(org_url("report", live_session)).content.decode(),
    ]
    for page in pages:
        assert name not in page
        assert "&lt;" in page and ("&lt;script&gt;" in page or "&lt;img" in page)


def test_behind_the_proxy_the_bound_counts_the_address_the_proxy_saw(live_session, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.DIALOGUE_JOIN_ATTEMPTS = 2
    room = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    for _ in range(2):
        room.get(start_url(code="ZZZZ9999"))
    assert room.get(start_url(code=live_session.join_code)).status_code == 429
    # Someone else behind the same proxy is not held up; a forged first entry does not help either.
    other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.get(start_url(code=live_session.join_code)).status_code == 302
    forged = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert forged.get(start_url(code=live_session.join_code)).status_code == 429


def test_french_and_spanish_readers_get_the_english_texts_of_a_bilingual_dilemma(people):
    from dialogue import running
    from tests.dilemmas.conftest import make_dilemma

    both = make_dilemma(
        people.org,
        people.admin,
        languages="nl,en",
        title_nl="De neef levert de rijst",
        situation_nl="De directeur koopt rijst bij zijn neef.",
        question_nl="Wat doe je?",
    )
    both.set_options(
        [
            {"nl": "Accepteren", "en": "Accept it"},
            {"nl": "Het bestuur vragen", "en": "Ask the board"},
            {"nl": "Overstappen", "en": "Change supplier"},
        ]
    )
    session = Session.objects.create(organisation=people.org, title="Bilingual")
    running.add_dilemma(session, both)
    running.start(session)
    session.refresh_from_db()
    french = join(session, language="fr").get(room_url(session)).content.decode()
    assert "Our cousin supplies the rice" in french and "Ask the board" in french and "Het bestuur vragen" not in french
    dutch = join(session, language="nl").get(room_url(session)).content.decode()
    assert "De neef levert de rijst" in dutch and "Het bestuur vragen" in dutch and "Ask the board" not in dutch
