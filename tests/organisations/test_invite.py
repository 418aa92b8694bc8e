"""An admin invites someone by email with a role; the link arrives by email."""

import re

from django.core import mail

from audit.models import Entry, Event
from organisations.models import Invitation
from tests.organisations.helpers import url


def test_admin_invites_and_the_email_carries_the_link(people, settings):
    settings.SITE_URL = "https://samen.example"
    client = people.client("admin")
    response = client.post(url("invite", people.org), {"email": "New.Person@Hulp.example", "role": "officer"})
    assert response.url == url("people", people.org)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.person@hulp.example",
        "officer",
        people.admin,
    )
    [message] = mail.outbox
    assert message.to == ["new.person@hulp.example"]
    assert "Hulp Zonder Grenzen" in message.subject
    assert re.search(r"https://samen\.example/invitation/[\w-]+/", str(message.body))
    entry = Entry.objects.get(event=Event.INVITATION_SENT)
    assert (entry.actor, entry.organisation, entry.target, entry.detail) == (
        "admin@hulp.example",
        "hulp",
        "new.person@hulp.example",
        {"role": "officer"},
    )
    assert "Invitation sent to new.person@hulp.example." in client.get(response.url).content.decode()


def test_a_new_invitation_replaces_the_older_link(people):
    client = people.client("admin")
    client.post(url("invite", people.org), {"email": "new@hulp.example", "role": "member"})
    client.post(url("invite", people.org), {"email": "new@hulp.example", "role": "manager"})
    assert [i.role for i in Invitation.objects.pending()] == ["manager"]


def test_inviting_an_existing_member_is_a_form_error(people):
    response = people.client("admin").post(
        url("invite", people.org), {"email": "VIEWER@hulp.example", "role": "member"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["This person is already a member of Hulp Zonder Grenzen."]
    assert b'value="VIEWER@hulp.example"' in response.content
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_a_bad_email_or_role_is_a_form_error(people):
    response = people.client("admin").post(url("invite", people.org), {"email": "nope", "role": "king"})
    form = response.context["form"]
    assert form.errors["email"] == ["Enter a valid email address."]
    assert "Select a valid choice" in form.errors["role"][0]


def test_only_admins_invite(people):
    for persona in ("viewer", "member", "manager", "officer"):
        client = people.client(persona)
        assert client.get(url("invite", people.org)).status_code == 403
        assert client.post(url("invite", people.org), {"email": "x@hulp.example", "role": "admin"}).status_code == 403
    assert people.client("outsider").get(url("invite", people.org)).status_code == 404
    assert not Invitation.objects.exists()
