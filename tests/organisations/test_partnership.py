"""One partnership: both parties read it; managers of either edit it; the recording side deletes it."""

from organisations.models import Membership, Partnership, Role
from tests.conftest import make_user
from tests.organisations.helpers import errors, partner_org, partnership, url

EDIT = {"kind": "funding", "status": "ended", "title": "Grant 2024", "starts_on": "2024-01-01", "ends_on": "2024-12-31"}


def test_members_of_the_recording_organisation_read_it(people):
    item = partnership(people.org, partner_org("Kampala Women's Network"), title="Clean water")
    response = people.client("viewer").get(url("partnership", people.org, code=item.code))
    assert response.status_code == 200
    assert b"Clean water" in response.content


def test_members_of_the_partner_read_it_through_their_own_organisation(people):
    item = partnership(people.org, people.other_org)
    response = people.client("outsider").get(url("partnership", people.other_org, code=item.code))
    assert response.status_code == 200
    assert response.context["other"] == people.org


def test_others_get_404_even_with_the_code(people):
    third = partner_org("Third")
    item = partnership(third, people.other_org)
    assert people.client("admin").get(url("partnership", people.org, code=item.code)).status_code == 404
    # The outsider's own organisation is a party, but not through another organisation's address.
    assert people.client("outsider").get(url("partnership", people.org, code=item.code)).status_code == 404


def test_manager_edits_it(people):
    item = partnership(people.org, partner_org("Kampala Women's Network"))
    response = people.client("manager").post(url("partnership_edit", people.org, code=item.code), EDIT)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.title, str(item.ends_on)) == ("ended", "Grant 2024", "2024-12-31")


def test_a_manager_of_the_partner_may_edit_it_too(people):
    item = partnership(people.org, people.other_org)
    response = people.client("outsider").post(url("partnership_edit", people.other_org, code=item.code), EDIT)
    assert response.status_code == 302


def test_editing_to_an_end_before_the_start_is_a_clear_error(people):
    item = partnership(people.org, partner_org("Kampala Women's Network"))
    response = people.client("manager").post(
        url("partnership_edit", people.org, code=item.code), {**EDIT, "ends_on": "2023-01-01"}
    )
    assert errors(response, "ends_on") == ["The end date must be on or after the start date."]
    assert b'value="Grant 2024"' in response.content


def test_editing_into_a_duplicate_kind_is_a_form_error(people):
    partner = partner_org("Kampala Women's Network")
    partnership(people.org, partner, kind=Partnership.Kind.FUNDING)
    item = partnership(people.org, partner, kind=Partnership.Kind.PEER)
    response = people.client("manager").post(url("partnership_edit", people.org, code=item.code), EDIT)
    assert errors(response, "kind") == ["A partnership of this kind between these organisations is already recorded."]


def test_viewer_may_not_edit_or_delete(people):
    item = partnership(people.org, partner_org("Kampala Women's Network"))
    client = people.client("viewer")
    assert client.post(url("partnership_edit", people.org, code=item.code), EDIT).status_code == 403
    assert client.post(url("partnership_delete", people.org, code=item.code)).status_code == 403
    assert Partnership.objects.filter(pk=item.pk, status="active").exists()


def test_delete_asks_for_confirmation_then_deletes(people):
    item = partnership(people.org, partner_org("Kampala Women's Network"))
    client = people.client("admin")
    confirm = client.get(url("partnership_delete", people.org, code=item.code))
    assert b"Delete the partnership with Kampala Women" in confirm.content
    assert Partnership.objects.exists()
    response = client.post(url("partnership_delete", people.org, code=item.code))
    assert response.url == url("partners", people.org)
    assert not Partnership.objects.exists()


def test_only_the_recording_organisation_deletes(people):
    item = partnership(people.org, people.other_org)
    response = people.client("outsider").post(url("partnership_delete", people.other_org, code=item.code))
    assert response.status_code == 403
    assert Partnership.objects.exists()


def test_a_manager_of_the_partner_does_not_see_the_delete_button(people):
    manager = make_user("manager@ander.example", language="en")
    Membership.objects.create(user=manager, organisation=people.other_org, role=Role.MANAGER)
    item = partnership(people.org, people.other_org)
    client = people.client("anonymous")
    client.force_login(manager)
    content = client.get(url("partnership", people.other_org, code=item.code)).content.decode()
    assert url("partnership_edit", people.other_org, code=item.code) in content
    assert url("partnership_delete", people.other_org, code=item.code) not in content


def test_the_partnership_page_links_to_its_agreements_and_to_a_health_check_for_managers(people):
    item = partnership(people.org, partner_org("Lira Women Together", country="UG"))
    page_url = url("partnership", people.org, code=item.code)
    manager = people.client("manager").get(page_url).content.decode()
    assert f"/o/hulp/agreements/partnership/{item.code}/" in manager
    assert f"/o/hulp/health/new/?partnership={item.code}" in manager
    member = people.client("member").get(page_url).content.decode()
    assert "/o/hulp/health/new/" not in member
