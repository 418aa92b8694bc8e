"""A partner not yet on Samen is recorded, its first contact invited, and the invitation accepted."""

import re

from django.core import mail

from audit.models import Entry, Event
from organisations.models import Invitation, Membership, Organisation, Partnership, Role
from tests.conftest import PASSWORD
from tests.organisations.helpers import partner_org, partnership, url


def test_story_partner_recorded_invited_and_joined(people, client, settings):
    settings.SITE_URL = "https://samen.example"
    manager = people.client("manager")
    manager.post(
        url("partner_add", people.org),
        {"kind": "funding", "status": "active", "new_name": "Kampala Women's Network", "new_country": "UG"},
    )
    item = Partnership.objects.get()
    partner = item.partner
    detail = manager.get(url("partnership", people.org, code=item.code)).content.decode()
    assert "Kampala Women&#x27;s Network is not on Samen yet." in detail
    assert url("partner_invite", people.org, code=item.code) in detail

    response = manager.post(url("partner_invite", people.org, code=item.code), {"email": "Director@Kampala.example"})
    assert response.url == url("partnership", people.org, code=item.code)
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.email, invitation.role) == (
        partner,
        "director@kampala.example",
        "admin",
    )
    [message] = mail.outbox
    assert message.to == ["director@kampala.example"]
    found = re.search(r"https://samen\.example(/invitation/\S+/)", str(message.body))
    assert found is not None
    link = found.group(1)
    assert Entry.objects.filter(
        event=Event.INVITATION_SENT, organisation="hulp", target="director@kampala.example"
    ).exists()

    # The director opens the link, sets a name and password, and becomes admin of her organisation.
    signup = client.get(link)
    assert b"Create account and join" in signup.content
    joined = client.post(link, {"name": "Grace", "password1": PASSWORD, "password2": PASSWORD})
    assert joined.url == url("dashboard", partner)
    membership = Membership.objects.get(organisation=partner)
    assert (membership.user.email, membership.user.name, membership.role) == (
        "director@kampala.example",
        "Grace",
        "admin",
    )
    assert partner.is_on_samen

    # Now that the partner is on Samen, its own admins invite colleagues; Hulp cannot any more.
    assert manager.get(url("partner_invite", people.org, code=item.code)).status_code == 302


def test_only_the_organisation_that_recorded_the_partner_invites_it(people):
    partner = partner_org("Kampala Women's Network", registered_by=people.other_org)
    item = partnership(people.org, partner)
    assert people.client("manager").get(url("partner_invite", people.org, code=item.code)).status_code == 403


def test_a_wrong_email_is_a_clear_error_with_input_kept(people):
    item = partnership(people.org, partner_org("Kampala", registered_by=people.org))
    response = people.client("admin").post(url("partner_invite", people.org, code=item.code), {"email": "not-an-email"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert b'value="not-an-email"' in response.content
    assert not Invitation.objects.exists()


def test_viewer_may_not_invite_and_outsider_gets_404(people):
    item = partnership(people.org, partner_org("Kampala", registered_by=people.org))
    data = {"email": "x@kampala.example"}
    assert people.client("viewer").post(url("partner_invite", people.org, code=item.code), data).status_code == 403
    assert people.client("outsider").post(url("partner_invite", people.org, code=item.code), data).status_code == 404
    assert not Invitation.objects.exists()
    assert Organisation.objects.get(name="Kampala").memberships.count() == 0
    assert Role.ADMIN == "admin"
