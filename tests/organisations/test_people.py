"""The people of an organisation: everyone reads the list; admins see invitations and manage."""

from organisations.models import Invitation, Membership
from tests.conftest import make_user
from tests.organisations.helpers import query_count, url


def test_every_member_reads_the_list_of_members_and_roles(people):
    response = people.client("viewer").get(url("people", people.org))
    assert response.status_code == 200
    content = response.content.decode()
    for role in ("admin", "officer", "manager", "member", "viewer"):
        assert f"{role}@hulp.example" in content
    assert 'name="role"' not in content


def test_admin_sees_pending_invitations_and_role_controls(people):
    Invitation.issue(people.org, "new@hulp.example", "member", people.admin)
    content = people.client("admin").get(url("people", people.org)).content.decode()
    assert "new@hulp.example" in content
    assert 'name="role"' in content


def test_queries_do_not_grow_with_members(people):
    client = people.client("admin")
    before = query_count(client, url("people", people.org))
    for n in range(5):
        Membership.objects.create(user=make_user(f"p{n}@hulp.example"), organisation=people.org)
        Invitation.issue(people.org, f"i{n}@hulp.example", "member", people.admin)
    assert query_count(client, url("people", people.org)) == before


def test_others_do_not_see_invitations(people):
    Invitation.issue(people.org, "new@hulp.example", "member", people.admin)
    assert b"new@hulp.example" not in people.client("manager").get(url("people", people.org)).content


def test_outsider_gets_404(people):
    assert people.client("outsider").get(url("people", people.org)).status_code == 404


def test_people_are_searched_and_paged(people):
    for number in range(60):
        user = make_user(f"volunteer{number:02d}@hulp.example", name=f"Volunteer {number:02d}")
        Membership.objects.create(user=user, organisation=people.org, role="member")
    client = people.client("viewer")
    people_url = url("people", people.org)

    first = client.get(people_url)
    assert len(first.context["members"]) == 50
    assert first.context["page_obj"].paginator.num_pages == 2

    found = client.get(people_url, {"q": "volunteer07"})
    assert [m.user.email for m in found.context["members"]] == ["volunteer07@hulp.example"]

    nobody = client.get(people_url, {"q": "no such person"})
    assert b"Nobody in this organisation matches this search." in nobody.content
