"""Admins change roles; the last admin cannot be demoted."""

from audit.models import Entry, Event
from organisations.models import Membership, Role
from tests.organisations.helpers import url


def membership(people, persona):
    return Membership.objects.get(user=getattr(people, persona), organisation=people.org)


def test_admin_changes_a_role_and_it_is_logged(people):
    member = membership(people, "member")
    response = people.client("admin").post(url("member_role", people.org, code=member.code), {"role": "manager"})
    assert response.url == url("people", people.org)
    member.refresh_from_db()
    assert member.role == Role.MANAGER
    entry = Entry.objects.get(event=Event.ROLE_CHANGED)
    assert (entry.target, entry.detail) == ("member@hulp.example", {"old": "member", "new": "manager"})


def test_the_last_admin_cannot_be_demoted(people):
    admin = membership(people, "admin")
    client = people.client("admin")
    response = client.post(url("member_role", people.org, code=admin.code), {"role": "viewer"})
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    assert (
        "Admin is the only administrator. Make someone else administrator first."
        in client.get(response.url).content.decode()
    )
    assert not Entry.objects.filter(event=Event.ROLE_CHANGED).exists()


def test_an_admin_may_step_down_once_there_is_another(people):
    membership(people, "manager").__class__.objects.filter(user=people.manager).update(role=Role.ADMIN)
    admin = membership(people, "admin")
    people.client("admin").post(url("member_role", people.org, code=admin.code), {"role": "member"})
    admin.refresh_from_db()
    assert admin.role == Role.MEMBER


def test_an_unknown_role_changes_nothing_and_says_so(people):
    member = membership(people, "member")
    client = people.client("admin")
    response = client.post(url("member_role", people.org, code=member.code), {"role": "king"})
    member.refresh_from_db()
    assert member.role == Role.MEMBER
    assert "Choose one of the roles in the list." in client.get(response.url).content.decode()


def test_only_admins_change_roles(people):
    member = membership(people, "member")
    for persona in ("viewer", "member", "manager", "officer"):
        response = people.client(persona).post(url("member_role", people.org, code=member.code), {"role": "admin"})
        assert response.status_code == 403
    assert (
        people.client("outsider").post(url("member_role", people.org, code=member.code), {"role": "admin"}).status_code
        == 404
    )
    member.refresh_from_db()
    assert member.role == Role.MEMBER


def test_a_membership_of_another_organisation_is_404(people):
    other = Membership.objects.get(user=people.outsider)
    response = people.client("admin").post(url("member_role", people.org, code=other.code), {"role": "viewer"})
    assert response.status_code == 404
