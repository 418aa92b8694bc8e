"""Admins withdraw an invitation; its link stops working at once."""

from audit.models import Entry, Event
from organisations.models import Invitation
from tests.organisations.helpers import url


def test_admin_withdraws_an_invitation_and_the_link_says_so(people, client):
    invitation, token = Invitation.issue(people.org, "new@hulp.example", "member", people.admin)
    response = people.client("admin").post(url("invitation_revoke", people.org, code=invitation.code))
    assert response.url == url("people", people.org)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Entry.objects.get(event=Event.INVITATION_REVOKED).target == "new@hulp.example"
    page = client.get(f"/invitation/{token}/")
    assert page.status_code == 410
    assert b"It was withdrawn by the organisation." in page.content


def test_only_admins_withdraw(people):
    invitation, _token = Invitation.issue(people.org, "new@hulp.example", "member", people.admin)
    for persona in ("viewer", "member", "manager", "officer"):
        assert (
            people.client(persona).post(url("invitation_revoke", people.org, code=invitation.code)).status_code == 403
        )
    assert people.client("outsider").post(url("invitation_revoke", people.org, code=invitation.code)).status_code == 404
    assert people.client("admin").get(url("invitation_revoke", people.org, code=invitation.code)).status_code == 405
    invitation.refresh_from_db()
    assert invitation.is_pending
