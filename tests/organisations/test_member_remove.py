"""Admins remove members after a confirmation; the last admin stays."""

from audit.models import Entry, Event
from organisations.models import Membership
from tests.organisations.helpers import url


def test_admin_confirms_then_removes_and_it_is_logged(people):
    member = Membership.objects.get(user=people.member)
    client = people.client("admin")
    confirm = client.get(url("member_remove", people.org, code=member.code))
    assert b"Remove Member from Hulp Zonder Grenzen?" in confirm.content
    assert Membership.objects.filter(pk=member.pk).exists()
    response = client.post(url("member_remove", people.org, code=member.code))
    assert response.url == url("people", people.org)
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert Entry.objects.get(event=Event.MEMBER_REMOVED).target == "member@hulp.example"
    # Removed means removed: the organisation is now a 404 for them.
    assert people.client("member").get(url("dashboard", people.org)).status_code == 404


def test_the_last_admin_cannot_be_removed(people):
    admin = Membership.objects.get(user=people.admin)
    client = people.client("admin")
    confirm = client.get(url("member_remove", people.org, code=admin.code))
    assert b"This is the only administrator" in confirm.content
    client.post(url("member_remove", people.org, code=admin.code))
    assert Membership.objects.filter(pk=admin.pk).exists()
    assert not Entry.objects.filter(event=Event.MEMBER_REMOVED).exists()


def test_only_admins_remove(people):
    member = Membership.objects.get(user=people.member)
    for persona in ("viewer", "member", "manager", "officer"):
        assert people.client(persona).post(url("member_remove", people.org, code=member.code)).status_code == 403
    assert people.client("outsider").post(url("member_remove", people.org, code=member.code)).status_code == 404
    assert Membership.objects.filter(pk=member.pk).exists()
