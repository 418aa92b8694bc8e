"""The list of partnerships: search by name, filter by status and kind, 25 a page."""

from organisations.models import Partnership
from tests.organisations.helpers import partner_org, partnership, query_count, url


def test_members_see_partnerships_recorded_by_either_side(people):
    partnership(people.org, partner_org("Kampala Women's Network"))
    partnership(people.other_org, people.org, kind=Partnership.Kind.PEER)
    response = people.client("viewer").get(url("partners", people.org))
    assert response.status_code == 200
    names = [other.name for _p, other in response.context["rows"]]
    assert sorted(names) == ["Ander Fonds", "Kampala Women's Network"]


def test_search_by_partner_name_and_filter_by_status_and_kind(people):
    partnership(people.org, partner_org("Kampala Women's Network"), status="active")
    partnership(people.org, partner_org("Kampala Youth"), status="ended")
    partnership(people.org, partner_org("Bogotá Collective"), kind=Partnership.Kind.PEER)
    client = people.client("member")
    found = client.get(url("partners", people.org), {"q": "kampala"}).context["rows"]
    assert sorted(o.name for _p, o in found) == ["Kampala Women's Network", "Kampala Youth"]
    active = client.get(url("partners", people.org), {"q": "kampala", "status": "active"}).context["rows"]
    assert [o.name for _p, o in active] == ["Kampala Women's Network"]
    peers = client.get(url("partners", people.org), {"kind": "peer"}).context["rows"]
    assert [o.name for _p, o in peers] == ["Bogotá Collective"]


def test_searching_our_own_name_does_not_match_every_partnership(people):
    partnership(people.org, partner_org("Kampala Women's Network"))
    response = people.client("member").get(url("partners", people.org), {"q": "Hulp"})
    assert response.context["rows"] == []
    assert b"No partnership matches this search." in response.content


def test_the_list_is_paginated_by_25_with_the_filters_kept(people):
    partnership(people.org, partner_org("Partner first"))
    client = people.client("member")
    before = query_count(client, url("partners", people.org) + "?q=partner")
    for n in range(29):
        partnership(people.org, partner_org(f"Partner {n:02}"))
    assert query_count(client, url("partners", people.org) + "?q=partner") == before
    first = client.get(url("partners", people.org), {"q": "partner"})
    assert len(first.context["rows"]) == 25
    assert b"?q=partner&amp;page=2" in first.content
    second = client.get(url("partners", people.org), {"q": "partner", "page": 2})
    assert len(second.context["rows"]) == 5


def test_empty_state_offers_to_add_the_first_partner(people):
    content = people.client("manager").get(url("partners", people.org)).content.decode()
    assert "No partners yet." in content
    assert "Add your first partner" in content


def test_an_unknown_filter_value_is_ignored_not_an_error(people):
    partnership(people.org, partner_org("Kampala Women's Network"))
    response = people.client("member").get(url("partners", people.org), {"status": "nonsense"})
    assert response.status_code == 200


def test_outsider_gets_404(people):
    assert people.client("outsider").get(url("partners", people.org)).status_code == 404
