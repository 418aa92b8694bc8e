"""Alliances: started by a manager (their organisation leads), read by members, run by the lead."""

from organisations.models import Alliance, AllianceMember
from tests.organisations.helpers import errors, partner_org, query_count, url


def make_alliance(lead, *members, name="Dutch Relief Alliance"):
    alliance = Alliance.objects.create(name=name, lead=lead)
    for org in (lead, *members):
        AllianceMember.objects.create(alliance=alliance, organisation=org)
    return alliance


def test_empty_list_says_what_to_do(people):
    content = people.client("manager").get(url("alliances", people.org)).content.decode()
    assert "Your organisation is not in an alliance yet." in content
    assert url("alliance_add", people.org) in content


def test_manager_starts_an_alliance_and_the_organisation_leads_it(people):
    response = people.client("manager").post(
        url("alliance_add", people.org), {"name": "Samen Sterk", "starts_on": "2025-01-01"}
    )
    alliance = Alliance.objects.get()
    assert response.url == url("alliance", people.org, code=alliance.code)
    assert alliance.lead == people.org
    assert list(alliance.members()) == [people.org]


def test_list_shows_alliances_led_and_joined_without_n_plus_one(people):
    make_alliance(people.org, name="Led by us")
    make_alliance(people.other_org, people.org, name="Joined")
    make_alliance(people.other_org, name="Not ours")
    client = people.client("viewer")
    response = client.get(url("alliances", people.org))
    assert [a.name for a in response.context["alliances"]] == ["Joined", "Led by us"]
    before = query_count(client, url("alliances", people.org))
    for n in range(5):
        make_alliance(people.other_org, people.org, partner_org(f"P{n}"), name=f"More {n}")
    assert query_count(client, url("alliances", people.org)) == before


def test_members_of_member_organisations_read_it(people):
    alliance = make_alliance(people.other_org, people.org)
    response = people.client("viewer").get(url("alliance", people.org, code=alliance.code))
    assert response.status_code == 200
    assert b"Led by Ander Fonds" in response.content
    assert not response.context["can_edit"]


def test_an_alliance_we_are_not_in_is_404(people):
    alliance = make_alliance(people.other_org)
    assert people.client("admin").get(url("alliance", people.org, code=alliance.code)).status_code == 404


def test_only_managers_of_the_lead_edit_it(people):
    ours = make_alliance(people.org, people.other_org)
    theirs = make_alliance(people.other_org, people.org, name="Theirs")
    manager = people.client("manager")
    assert manager.post(url("alliance_edit", people.org, code=ours.code), {"name": "Renamed"}).status_code == 302
    ours.refresh_from_db()
    assert ours.name == "Renamed"
    assert manager.post(url("alliance_edit", people.org, code=theirs.code), {"name": "X"}).status_code == 403
    assert (
        people.client("viewer").post(url("alliance_edit", people.org, code=ours.code), {"name": "X"}).status_code == 403
    )


def test_end_before_start_and_missing_name_are_clear_errors(people):
    response = people.client("manager").post(
        url("alliance_add", people.org),
        {"name": "", "description": "Kept", "starts_on": "2025-02-01", "ends_on": "2025-01-01"},
    )
    assert errors(response, "name") == ["This field is required."]
    assert errors(response, "ends_on") == ["The end date must be on or after the start date."]
    assert b"Kept</textarea>" in response.content
    assert not Alliance.objects.exists()


def test_lead_adds_an_organisation_found_by_search(people):
    alliance = make_alliance(people.org)
    partner = partner_org("Kampala Women's Network")
    client = people.client("admin")
    found = client.get(url("alliance_members", people.org, code=alliance.code), {"q": "kampala"})
    assert [o.name for o in found.context["candidates"]] == ["Kampala Women's Network"]
    response = client.post(
        url("alliance_members", people.org, code=alliance.code), {"q": "kampala", "organisation": str(partner.code)}
    )
    assert response.status_code == 302
    assert sorted(o.name for o in alliance.members()) == ["Hulp Zonder Grenzen", "Kampala Women's Network"]


def test_adding_a_member_twice_or_nobody_is_a_form_error(people):
    alliance = make_alliance(people.org, people.other_org)
    client = people.client("admin")
    twice = client.post(
        url("alliance_members", people.org, code=alliance.code), {"organisation": str(people.other_org.code)}
    )
    assert errors(twice, "organisation") == ["Ander Fonds is already in this alliance."]
    nobody = client.post(url("alliance_members", people.org, code=alliance.code), {"q": "x"})
    assert errors(nobody, "organisation") == ["This field is required."]


def test_removing_a_member_asks_for_confirmation(people):
    alliance = make_alliance(people.org, people.other_org)
    client = people.client("manager")
    members_url = url("alliance_members", people.org, code=alliance.code)
    confirm = client.get(members_url, {"remove": str(people.other_org.code)})
    assert b"Remove Ander Fonds from Dutch Relief Alliance?" in confirm.content
    assert AllianceMember.objects.count() == 2
    client.post(members_url, {"remove": str(people.other_org.code)})
    assert list(alliance.members()) == [people.org]


def test_the_lead_cannot_be_removed(people):
    alliance = make_alliance(people.org)
    client = people.client("manager")
    response = client.post(url("alliance_members", people.org, code=alliance.code), {"remove": str(people.org.code)})
    assert response.status_code == 302
    assert list(alliance.members()) == [people.org]
    page = client.get(response.url).content.decode()
    assert "The lead organisation cannot leave its own alliance." in page


def test_members_of_a_member_organisation_cannot_manage_members(people):
    alliance = make_alliance(people.other_org, people.org)
    assert people.client("admin").get(url("alliance_members", people.org, code=alliance.code)).status_code == 403
    assert people.client("outsider").get(url("alliance_members", people.org, code=alliance.code)).status_code == 404
