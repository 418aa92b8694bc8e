"""Accepting an invitation: the link is public, works once, and only for the person it was sent to."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import Entry, Event
from organisations.models import Invitation, Membership, Role
from tests.conftest import PASSWORD, make_user
from tests.organisations.helpers import url


def link(token):
    return reverse("organisations:invitation_accept", kwargs={"token": token})


def invite(people, email="new@hulp.example", role=Role.MEMBER):
    return Invitation.issue(people.org, email, role, people.admin)


def test_a_new_person_creates_an_account_and_joins(people, client):
    invitation, token = invite(people)
    page = client.get(link(token))
    assert page.status_code == 200
    assert b"new@hulp.example" in page.content
    response = client.post(link(token), {"name": "Nieuw", "password1": PASSWORD, "password2": PASSWORD})
    assert response.url == url("dashboard", people.org)
    user = User.objects.get(email="new@hulp.example")
    assert user.check_password(PASSWORD)
    assert Membership.objects.get(user=user).role == Role.MEMBER
    assert Entry.objects.get(event=Event.INVITATION_ACCEPTED).actor == "new@hulp.example"
    # Logged in at once, and the link is used up.
    assert client.get(url("dashboard", people.org)).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_password_rules_apply_and_the_name_is_kept(people, client):
    _invitation, token = invite(people)
    response = client.post(link(token), {"name": "Nieuw", "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    messages = response.context["form"].errors["password1"]
    assert any("too short" in m for m in messages)
    assert any("entirely numeric" in m for m in messages)
    assert b'value="Nieuw"' in response.content
    mismatch = client.post(link(token), {"name": "Nieuw", "password1": PASSWORD, "password2": PASSWORD + "x"})
    assert mismatch.context["form"].errors["password2"] == ["The two passwords differ."]
    assert not User.objects.filter(email="new@hulp.example").exists()


def test_the_link_works_only_once(people, client):
    _invitation, token = invite(people)
    client.post(link(token), {"name": "Nieuw", "password1": PASSWORD, "password2": PASSWORD})
    again = people.client("anonymous").get(link(token))
    assert again.status_code == 410
    assert b"It has already been used" in again.content


def test_an_expired_invitation_says_so_and_what_to_do(people, client):
    invitation, token = invite(people)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = client.get(link(token))
    assert response.status_code == 410
    content = response.content.decode()
    assert "This invitation no longer works" in content
    assert "It expired on" in content
    assert "Ask an administrator of Hulp Zonder Grenzen to send you a new invitation." in content
    assert client.post(link(token), {"name": "X", "password1": PASSWORD, "password2": PASSWORD}).status_code == 410
    assert not User.objects.filter(email="new@hulp.example").exists()


def test_an_unknown_token_is_404(client, db):
    assert client.get(link("not-a-real-token")).status_code == 404


def test_signed_in_person_with_the_invited_address_accepts_with_a_button(people):
    user = make_user("new@hulp.example", language="en")
    Membership.objects.create(user=user, organisation=people.other_org, role=Role.MEMBER)
    _invitation, token = invite(people, email="NEW@hulp.example", role=Role.MANAGER)
    client = people.client("anonymous")
    client.force_login(user)
    assert b"Accept the invitation" in client.get(link(token)).content
    response = client.post(link(token))
    assert response.url == url("dashboard", people.org)
    assert Membership.objects.get(user=user, organisation=people.org).role == Role.MANAGER


def test_signed_in_as_someone_else_explains_and_offers_to_log_out(people):
    _invitation, token = invite(people)
    client = people.client("viewer")
    response = client.get(link(token))
    assert response.status_code == 200
    content = response.content.decode()
    assert "This invitation is for someone else" in content
    assert reverse("accounts:logout") in content
    assert client.post(link(token)).status_code == 200
    assert not Membership.objects.filter(organisation=people.org, user__email="new@hulp.example").exists()


def test_an_existing_account_is_asked_to_log_in_and_come_back(people, client):
    make_user("new@hulp.example")
    _invitation, token = invite(people)
    response = client.get(link(token))
    assert response.context["login_url"] == f"{reverse('accounts:login')}?next=%2Finvitation%2F{token}%2F"
    # Posting a password for someone else's account does nothing.
    client.post(link(token), {"name": "X", "password1": PASSWORD, "password2": PASSWORD})
    assert not Membership.objects.filter(organisation=people.org, user__email="new@hulp.example").exists()
