"""Password reset by email: the same answer whether or not the address has an account."""

import re

from django.core import mail
from django.urls import reverse

from accounts.forms import RESET_EMAILS_PER_HOUR
from audit.models import Event
from tests.accounts.helpers import audit_events, log_in

URL = reverse("accounts:password_reset")
NEW = "a-much-longer-passphrase-7"


def reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_reset_email_is_sent_and_its_link_sets_a_new_password(client, people):
    response = client.post(URL, {"email": "Member@hulp.example"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@hulp.example"]
    assert "\n" not in message.subject
    assert audit_events(event=Event.PASSWORD_RESET_REQUESTED) == [Event.PASSWORD_RESET_REQUESTED]

    # Django swaps the token for a session entry, then shows the form on a token-less URL.
    response = client.get(reset_link(message), follow=True)
    assert response.status_code == 200
    assert response.context["validlink"]
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    assert client.get(response.url).status_code == 200
    people.member.refresh_from_db()
    assert people.member.check_password(NEW)
    assert Event.PASSWORD_CHANGED in audit_events(actor="member@hulp.example")
    assert log_in(client, "member@hulp.example", NEW).status_code == 302


def test_the_link_works_only_once(client, people):
    client.post(URL, {"email": "member@hulp.example"})
    link = reset_link(mail.outbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    response = client.get(link, follow=True)
    assert not response.context["validlink"]
    assert b"This link does not work" in response.content


def test_a_reset_does_not_skip_two_factor(client, people):
    client.post(URL, {"email": "officer@hulp.example"})
    form_url = client.get(reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    response = log_in(client, "officer@hulp.example", NEW)
    assert response.url == reverse("accounts:verify")
    assert "_auth_user_id" not in client.session


def test_unknown_address_gets_the_same_answer_and_no_email(client, people):
    response = client.post(URL, {"email": "nobody@hulp.example"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    assert audit_events() == []


def test_malformed_address_is_a_form_error(client, db):
    response = client.post(URL, {"email": "not-an-email"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert b'value="not-an-email"' in response.content


def test_a_made_up_link_says_it_does_not_work(client, db):
    response = client.get(reverse("accounts:password_reset_confirm", args=["MQ", "made-up-token"]))
    assert response.status_code == 200
    assert b"This link does not work" in response.content


def test_the_pages_render(client, db):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(f"accounts:{name}")).status_code == 200


def test_reset_emails_to_one_address_are_limited(client, people):
    for _ in range(RESET_EMAILS_PER_HOUR + 2):
        response = client.post(URL, {"email": "member@hulp.example"})
        assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == RESET_EMAILS_PER_HOUR
