"""The key scheme on the models: handler keys, report keys and grants, and the unlock stash."""

import base64
import json
import secrets

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import User
from audit.models import Entry
from speakup import crypto, keys
from speakup.models import ChannelHandler, HandlerGrant, HandlerKey, Report
from tests.conftest import PASSWORD
from tests.speakup.conftest import add_handler

NEW_PASSWORD = "a-new-and-longer-passphrase"


def audit_events(event):
    return list(Entry.objects.filter(event=event).values_list("actor", "target"))


def reporter_key(report, receipt):
    opslimit, memlimit = keys.argon2_limits()
    private_key, lookup = crypto.reporter_keys(receipt, bytes(report.channel.salt), opslimit, memlimit)
    assert lookup == report.receipt_lookup
    return private_key


# Reporter ↔ handler -------------------------------------------------------------------------------


def test_handler_and_reporter_both_read_the_report_and_each_others_messages(handler, make_report):
    report, receipt = make_report(handler.channel, {"what": "marker-7c1e"})
    reporter = reporter_key(report, receipt)

    content = json.loads(keys.open_for_handler(report, report.key_version, report.content, handler.private_key))
    assert content == {"what": "marker-7c1e"}
    assert json.loads(keys.open_for_reporter(report, report.key_version, report.content, reporter)) == content

    question, version = keys.seal_for_report(report, b"When did this happen?")
    assert keys.open_for_reporter(report, version, question, reporter) == b"When did this happen?"
    answer, version = keys.seal_for_report(report, b"Last Tuesday")
    assert keys.open_for_handler(report, version, answer, handler.private_key) == b"Last Tuesday"


def test_the_stored_report_holds_no_plain_text(handler, make_report):
    report, _receipt = make_report(handler.channel, {"what": "marker-5b2d"})
    report.refresh_from_db()
    assert b"marker-5b2d" not in bytes(report.content)


def test_a_reporter_with_another_receipt_reads_nothing(handler, make_report):
    report, _receipt = make_report(handler.channel, {"what": "secret"})
    opslimit, memlimit = keys.argon2_limits()
    stranger, lookup = crypto.reporter_keys(crypto.new_receipt(), bytes(handler.channel.salt), opslimit, memlimit)
    assert lookup != report.receipt_lookup
    with pytest.raises(crypto.DecryptionError):
        keys.open_for_reporter(report, report.key_version, report.content, stranger)


# Adding and removing handlers -------------------------------------------------------------------------


def test_a_new_handler_reads_after_an_existing_handler_grants_them_the_report(handler, make_report, people):
    report, _receipt = make_report(handler.channel, {"what": "marker-a11c"})
    admin_key, _recovery = add_handler(handler.channel, people.admin)
    with pytest.raises(crypto.DecryptionError):
        keys.open_for_handler(report, report.key_version, report.content, admin_key)

    assert keys.grant(report, people.admin, handler.private_key) == 1
    assert keys.grant(report, people.admin, handler.private_key) == 0  # nothing more to give
    assert json.loads(keys.open_for_handler(report, 1, report.content, admin_key)) == {"what": "marker-a11c"}
    assert HandlerGrant.objects.get(report_key__report=report, user=people.admin).granted_by == people.officer


def test_new_reports_are_sealed_to_every_handler_with_a_key(handler, make_report, people):
    admin_key, _recovery = add_handler(handler.channel, people.admin)
    report, _receipt = make_report(handler.channel, {"what": "both"})
    assert keys.open_for_handler(report, 1, report.content, admin_key) == b'{"what": "both"}'
    assert keys.open_for_handler(report, 1, report.content, handler.private_key) == b'{"what": "both"}'


def test_a_handler_without_a_key_is_granted_nothing_until_they_make_one(handler, make_report, people):
    report, _receipt = make_report(handler.channel, {"what": "x"})
    assert keys.grant(report, people.manager, handler.private_key) == 0


def test_a_removed_handler_cannot_read_what_is_written_after_removal(handler, make_report, people):
    admin_key, _recovery = add_handler(handler.channel, people.admin)
    report, receipt = make_report(handler.channel, {"what": "before"})
    reporter = reporter_key(report, receipt)
    # What the removed handler could take with them: the report's private key of version 1.
    kept_report_key = keys.handler_report_keys(report, admin_key)[1]

    assert keys.remove_handler(handler.channel, people.admin, removed_by=people.officer) == 1
    assert not HandlerGrant.objects.filter(user=people.admin).exists()
    assert list(report.keys.values_list("version", flat=True).order_by("version")) == [1, 2]

    after, version = keys.seal_for_report(report, b"written after the removal")
    assert version == 2
    with pytest.raises(crypto.DecryptionError):
        keys.open_for_handler(report, version, after, admin_key)
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(kept_report_key, after)
    # The remaining handler and the reporter read old and new content.
    assert keys.open_for_handler(report, version, after, handler.private_key) == b"written after the removal"
    assert keys.open_for_reporter(report, version, after, reporter) == b"written after the removal"
    assert keys.open_for_handler(report, 1, report.content, handler.private_key) == b'{"what": "before"}'
    assert keys.open_for_reporter(report, 1, report.content, reporter) == b'{"what": "before"}'
    assert audit_events(keys.HANDLER_REMOVED) == [("officer@hulp.example", "admin@hulp.example")]


def test_rotation_with_a_handlers_key_also_gives_remaining_handlers_the_older_versions(handler, make_report, people):
    report, _receipt = make_report(handler.channel, {"what": "old"})
    admin_key, _recovery = add_handler(handler.channel, people.admin)  # joined after the report; no grant yet
    keys.rotate(report, [people.officer, people.admin], by_private_key=handler.private_key)
    assert set(keys.handler_report_keys(report, admin_key)) == {1, 2}
    assert keys.open_for_handler(report, 1, report.content, admin_key) == b'{"what": "old"}'


def test_members_of_the_organisation_a_report_concerns_never_get_its_key(handler, make_report, people):
    outsider_key, _recovery = add_handler(handler.channel, people.outsider)
    report, _receipt = make_report(handler.channel, {"what": "about ander"}, concerns=people.other_org)
    assert not HandlerGrant.objects.filter(user=people.outsider).exists()
    with pytest.raises(keys.ConflictedHandler):
        keys.grant(report, people.outsider, handler.private_key)
    with pytest.raises(crypto.DecryptionError):
        keys.open_for_handler(report, 1, report.content, outsider_key)


def test_inbox_queryset_follows_grants_not_roles(handler, make_report, people):
    report, _receipt = make_report(handler.channel, {"what": "x"})
    assert list(Report.objects.for_handler(people.officer)) == [report]
    assert list(Report.objects.for_handler(people.admin)) == []


# Passwords and the recovery key -----------------------------------------------------------------------


def test_wrong_password_or_recovery_key_is_a_clear_error(handler):
    with pytest.raises(keys.WrongSecret):
        keys.open_with_password(handler.user, "not-the-password")
    with pytest.raises(keys.WrongSecret):
        keys.open_with_recovery_key(handler.user, crypto.new_recovery_key())
    with pytest.raises(keys.NoHandlerKey):
        keys.open_with_password(User.objects.get(email="member@hulp.example"), PASSWORD)


def test_recovery_key_opens_the_same_key_however_it_is_typed(handler):
    typed = handler.recovery_key.lower().replace("-", " ")
    assert bytes(keys.open_with_recovery_key(handler.user, typed)) == bytes(handler.private_key)


def test_a_second_key_cannot_replace_the_first(handler):
    with pytest.raises(keys.KeyAlreadyExists):
        keys.setup(handler.user, PASSWORD)


def test_password_change_rewraps_the_key(handler, make_report, english):
    report, _receipt = make_report(handler.channel, {"what": "still readable"})
    client = Client()
    client.force_login(handler.user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    with pytest.raises(keys.WrongSecret):
        keys.open_with_password(handler.user, PASSWORD)
    private_key = keys.open_with_password(handler.user, NEW_PASSWORD)
    assert keys.open_for_handler(report, 1, report.content, private_key) == b'{"what": "still readable"}'


def test_password_change_of_someone_without_a_key_changes_nothing_here(people):
    assert keys.change_password(people.member, PASSWORD, NEW_PASSWORD) is False
    assert not HandlerKey.objects.exists()


def test_after_a_reset_the_recovery_key_sets_the_new_password_on_the_key(handler, make_report):
    report, _receipt = make_report(handler.channel, {"what": "kept"})
    # A reset link sets a password without the old one: the key stays locked under the old password.
    handler.user.set_password(NEW_PASSWORD)
    handler.user.save()
    assert keys.change_password(handler.user, "forgotten", NEW_PASSWORD) is False

    private_key = keys.recover(handler.user, handler.recovery_key, NEW_PASSWORD)
    assert bytes(private_key) == bytes(handler.private_key)
    assert bytes(keys.open_with_password(handler.user, NEW_PASSWORD)) == bytes(handler.private_key)
    assert bytes(keys.open_with_recovery_key(handler.user, handler.recovery_key)) == bytes(handler.private_key)
    assert keys.open_for_handler(report, 1, report.content, private_key) == b'{"what": "kept"}'
    assert audit_events(keys.KEY_RECOVERED) == [("officer@hulp.example", "")]


def test_a_new_recovery_key_replaces_the_old_one(handler):
    new = keys.replace_recovery_key(handler.user, handler.private_key)
    with pytest.raises(keys.WrongSecret):
        keys.open_with_recovery_key(handler.user, handler.recovery_key)
    assert bytes(keys.open_with_recovery_key(handler.user, new)) == bytes(handler.private_key)


def test_the_database_holds_neither_password_nor_private_key(handler):
    row = HandlerKey.objects.get(user=handler.user)
    stored = b"".join(bytes(getattr(row, f)) for f in ("by_password", "by_recovery", "public_key"))
    assert bytes(handler.private_key) not in stored
    assert PASSWORD.encode() not in stored
    assert handler.recovery_key.replace("-", "").encode() not in stored


# The unlock stash --------------------------------------------------------------------------------------


def _session_row() -> Session:
    return Session.objects.get()


def test_unlocking_keeps_the_key_locked_in_the_session_under_a_cookie_key(unlocked, handler):
    cookie = unlocked.cookies[keys.UNLOCK_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["max-age"] == ""  # a browser-session cookie

    data = _session_row().get_decoded()
    stashed = base64.b64decode(data["speakup:stash:handler"])
    raw_key = bytes(handler.private_key)
    assert raw_key not in stashed
    assert raw_key.hex() not in _session_row().session_data
    assert base64.b64encode(raw_key).decode() not in _session_row().session_data

    # With the cookie the key opens; without it, the copy of the sessions table is useless.
    cookie_key = base64.urlsafe_b64decode(cookie.value)
    assert crypto.unlock(cookie_key, stashed) == raw_key
    request = RequestFactory().get("/")
    request.session = SessionStore(session_key=_session_row().session_key)
    assert keys.unstash(request, keys.HANDLER_STASH) is None
    request.COOKIES[keys.UNLOCK_COOKIE] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    assert keys.unstash(request, keys.HANDLER_STASH) is None
    request.COOKIES[keys.UNLOCK_COOKIE] = cookie.value
    assert bytes(keys.unstash(request, keys.HANDLER_STASH)) == raw_key  # type: ignore[arg-type]


def test_a_stash_only_counts_for_the_person_whose_key_it_is(unlocked, handler, people):
    request = RequestFactory().get("/")
    request.session = SessionStore(session_key=_session_row().session_key)
    request.COOKIES[keys.UNLOCK_COOKIE] = unlocked.cookies[keys.UNLOCK_COOKIE].value
    request.user = handler.user
    assert keys.unlocked_private_key(request) is not None
    request.user = people.admin
    assert keys.unlocked_private_key(request) is None


def test_two_stashes_share_one_cookie_and_forgetting_the_last_removes_it(db):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    response = HttpResponse()
    one, two = crypto.new_keypair(), crypto.new_keypair()
    keys.stash(request, response, "one", one)
    keys.stash(request, response, "two", two)
    request.COOKIES[keys.UNLOCK_COOKIE] = response.cookies[keys.UNLOCK_COOKIE].value
    assert bytes(keys.unstash(request, "one")) == bytes(one)  # type: ignore[arg-type]
    assert bytes(keys.unstash(request, "two")) == bytes(two)  # type: ignore[arg-type]

    response = HttpResponse()
    keys.forget(request, response, "one")
    assert keys.UNLOCK_COOKIE not in response.cookies
    keys.forget(request, response, "two")
    assert response.cookies[keys.UNLOCK_COOKIE]["max-age"] == 0
    assert keys.unstash(request, "two") is None


# The key pages -----------------------------------------------------------------------------------------


def url(name, **query):
    path = reverse(f"speakup:{name}", kwargs={"slug": "hulp"})
    return f"{path}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else path


@pytest.fixture
def officer_client(people, english):
    client = Client()
    client.force_login(people.officer)
    return client


def test_setting_up_a_key_shows_the_recovery_key_once_and_asks_to_confirm(officer_client, people):
    assert officer_client.get(url("key_setup")).status_code == 200

    response = officer_client.post(url("key_setup"), {"password": "not-my-password"})
    assert "That is not your current Samen password." in response.text
    assert not HandlerKey.objects.exists()

    response = officer_client.post(url("key_setup"), {"password": PASSWORD})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    recovery_key = response.context["recovery_key"]
    assert recovery_key in response.text
    assert keys.open_with_recovery_key(people.officer, recovery_key)
    assert keys.UNLOCK_COOKIE in response.cookies  # unlocked right away

    response = officer_client.post(url("key_setup"), {})
    assert "Confirm that you have stored your recovery key." in response.text
    assert recovery_key not in response.text  # shown once only
    response = officer_client.post(url("key_setup"), {"stored": "on", "next": "/o/hulp/speak-up/"})
    assert response.status_code == 302 and response["Location"] == "/o/hulp/speak-up/"
    assert HandlerKey.objects.get().recovery_confirmed_at is not None
    assert officer_client.get(url("key_setup")).status_code == 302
    assert audit_events(keys.KEY_CREATED) == [("officer@hulp.example", "")]


def test_an_unconfirmed_recovery_key_can_be_replaced_while_unlocked(english, unlocked, handler):
    response = unlocked.get(url("key_setup"))
    assert response.status_code == 200 and "Make a new recovery key" in response.text
    response = unlocked.post(url("key_setup"), {"action": "new-recovery-key"})
    new_key = response.context["recovery_key"]
    assert bytes(keys.open_with_recovery_key(handler.user, new_key)) == bytes(handler.private_key)


def test_any_member_may_set_up_a_key_but_a_viewer_only_once_they_handle_a_channel(people, handler):
    assert people.client("member").get(url("key_setup")).status_code == 200
    viewer = people.client("viewer")
    assert viewer.get(url("key_setup")).status_code == 403
    ChannelHandler.objects.create(channel=handler.channel, user=people.viewer)
    assert viewer.get(url("key_setup")).status_code == 200
    assert people.client("outsider").get(url("key_setup")).status_code == 404


def test_unlock_with_the_password_and_lock_again(handler, english):
    client = Client()
    client.force_login(handler.user)
    response = client.post(url("unlock"), {"password": "wrong-password"})
    assert response.status_code == 200
    assert "This password does not open your key." in response.text
    assert audit_events(keys.KEY_UNLOCK_FAILED) == [("officer@hulp.example", "")]

    response = client.post(url("unlock"), {"password": PASSWORD, "next": "/o/hulp/speak-up/"})
    assert response.status_code == 302 and response["Location"] == "/o/hulp/speak-up/"
    assert "Your key is unlocked for this session." in client.get(url("unlock")).text

    response = client.post(url("lock"))
    assert response.status_code == 302
    assert response.cookies[keys.UNLOCK_COOKIE]["max-age"] == 0
    assert "speakup:stash:handler" not in _session_row().get_decoded()


def test_unlock_refuses_an_outside_next_address(handler):
    client = Client()
    client.force_login(handler.user)
    response = client.post(url("unlock"), {"password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == url("unlock")


def test_unlock_attempts_are_limited(handler, english):
    client = Client()
    client.force_login(handler.user)
    for _ in range(10):
        client.post(url("unlock"), {"password": "wrong-password"})
    response = client.post(url("unlock"), {"password": PASSWORD})
    assert response.status_code == 200
    assert "Too many attempts." in response.text


def test_unlock_without_a_key_leads_to_setting_one_up(people):
    response = people.client("officer").get(url("unlock"))
    assert response.status_code == 302 and response["Location"].startswith(url("key_setup"))


def test_recover_page_after_a_password_reset(handler, make_report, english):
    report, _receipt = make_report(handler.channel, {"what": "kept"})
    handler.user.set_password(NEW_PASSWORD)
    handler.user.save(update_fields=["password"])
    client = Client()
    client.force_login(handler.user)

    response = client.post(url("unlock"), {"password": NEW_PASSWORD})
    assert "use your recovery key instead" in response.text

    response = client.post(url("recover"), {"recovery_key": "AAAAA", "password": NEW_PASSWORD})
    assert "A recovery key has 40 letters and digits." in response.text
    response = client.post(url("recover"), {"recovery_key": crypto.new_recovery_key(), "password": NEW_PASSWORD})
    assert "This recovery key does not open your key." in response.text
    response = client.post(url("recover"), {"recovery_key": handler.recovery_key, "password": PASSWORD})
    assert "That is not your current Samen password." in response.text

    response = client.post(url("recover"), {"recovery_key": handler.recovery_key, "password": NEW_PASSWORD})
    assert response.status_code == 302
    private_key = keys.open_with_password(handler.user, NEW_PASSWORD)
    assert keys.open_for_handler(report, 1, report.content, private_key) == b'{"what": "kept"}'
    assert "Your key is unlocked for this session." in client.get(url("unlock")).text
