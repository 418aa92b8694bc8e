"""The ecosystem endpoints: public IATI data for every token, Samen data only where the map shows it."""

import itertools
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ecosystem.models import Activity, ImportedOrganisation, Relation
from tests.api.conftest import api_client


def get(secret: str, name: str, kwargs: dict | None = None, /, **query: str) -> Any:
    path = reverse(f"api:{name}", kwargs=kwargs)
    return api_client(secret).get(path, query)


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["name"]: row for row in rows}


def test_organisations_with_the_samen_organisation_only_for_itself_and_current_partners(hulp_token, world):
    rows = by_name(results(get(hulp_token, "ecosystem_organisations")))
    assert set(rows) == {"Public Donor Ministry", "HZG Foundation", "KWN Uganda"}
    assert rows["HZG Foundation"]["samen_organisation"] == {"code": str(world.org.code), "name": world.org.name}
    assert rows["KWN Uganda"]["samen_organisation"]["code"] == str(world.partner.code)
    assert rows["Public Donor Ministry"]["samen_organisation"] is None


def test_another_organisation_reads_the_public_data_without_hulps_links(ander_token, world):
    rows = by_name(results(get(ander_token, "ecosystem_organisations")))
    assert set(rows) == {"Public Donor Ministry", "HZG Foundation", "KWN Uganda"}
    assert all(row["samen_organisation"] is None for row in rows.values())
    detail = get(ander_token, "ecosystem_organisation", {"code": world.iati_partner.code}).json()
    assert detail["integrity"] is None and detail["samen_organisation"] is None
    assert detail["relations"] == {"outgoing": 0, "incoming": 1}


def test_a_current_partner_has_the_maps_integrity_overlay(hulp_token, world):
    detail = get(hulp_token, "ecosystem_organisation", {"code": world.iati_partner.code}).json()
    assert detail["names"] == [{"language": "en", "name": "KWN Uganda"}]
    # The assessment is not final; the shared plan has one open action, due today (not overdue).
    assert detail["integrity"] == {
        "assessed": False,
        "tier": "",
        "open_actions": 1,
        "overdue_actions": 0,
        "agreement": False,
        "channel": False,
    }


def test_an_ended_partnership_takes_the_link_and_the_overlay_away(hulp_token, world):
    world.partnership.status = "ended"
    world.partnership.save()
    detail = get(hulp_token, "ecosystem_organisation", {"code": world.iati_partner.code}).json()
    assert detail["samen_organisation"] is None and detail["integrity"] is None


def test_organisation_filters(hulp_token, world):
    def names(**query: str) -> set[str]:
        return {row["name"] for row in results(get(hulp_token, "ecosystem_organisations", **query))}

    assert names(identifier="ug-ngo-1234") == {"KWN Uganda"}
    assert names(q="donor") == {"Public Donor Ministry"}
    assert names(q="XM-DAC") == {"Public Donor Ministry"}
    assert names(type="22") == {"KWN Uganda"}
    assert names(role="1") == {"Public Donor Ministry"}
    assert names(role="4") == {"HZG Foundation"}
    assert names(country="ug") == {"Public Donor Ministry", "HZG Foundation", "KWN Uganda"}
    assert names(country="KE") == set()
    assert names(sector="15170", role="1") == {"Public Donor Ministry"}
    assert names(sector="11220") == set()


def test_organisations_by_relation_filters_come_page_by_page_in_key_order_once_each(hulp_token, world):
    # The keys come from both ends of the relations (a UNION): HZG is a target in one and a source in another.
    keys = [row["code"] for row in results(get(hulp_token, "ecosystem_organisations", country="UG"))]
    in_key_order = ImportedOrganisation.objects.filter(code__in=keys).order_by("pk").values_list("code", flat=True)
    assert keys == [str(code) for code in in_key_order] and len(keys) == 3

    paged, query = [], {"country": "UG", "limit": "2"}
    while True:
        response = get(hulp_token, "ecosystem_organisations", **query)
        paged += [row["code"] for row in results(response)]
        following = response.json()["next"]
        if following is None:
            break
        query = {key: value for key, value in (part.split("=") for part in following.split("?")[1].split("&"))}
    assert paged == keys

    # With a filter on the organisations too, the same answer through the other path.
    assert [row["name"] for row in results(get(hulp_token, "ecosystem_organisations", country="UG", q="uganda"))] == [
        "KWN Uganda"
    ]


def test_relations_and_their_filters(hulp_token, world):
    rows = results(get(hulp_token, "ecosystem_relations"))
    assert len(rows) == 2
    [paid] = results(get(hulp_token, "ecosystem_relations", kind="transaction"))
    assert paid["id"] == world.relation.pk
    assert (paid["source"]["name"], paid["target"]["name"]) == ("HZG Foundation", "KWN Uganda")
    assert paid["amount"] == "25000.00"
    assert paid["activity"]["iati_identifier"] == "NL-KVK-00000001-ACT-1"

    def count(**query: str) -> int:
        return len(results(get(hulp_token, "ecosystem_relations", **query)))

    donor = ImportedOrganisation.objects.get(identifier="XM-DAC-7")
    assert count(organisation=str(donor.code)) == 1
    assert count(organisation=str(world.iati_partner.code)) == 1
    assert count(organisation="00000000-0000-0000-0000-000000000000") == 0
    assert count(role="1") == 1
    assert count(transaction_type="3") == 1
    assert count(year_from="2025") == 1  # the participation ran in 2024
    assert count(year_to="2024") == 1
    assert count(year_from="2024", year_to="2025") == 2
    assert count(country="UG", sector="15170") == 2
    assert count(country="NL") == 0


def test_a_relation_by_id(hulp_token, world):
    data = get(hulp_token, "ecosystem_relation", {"id": world.relation.pk}).json()
    assert data["kind"] == "transaction" and data["currency"] == "EUR"
    for bad in ("0", "-1", "x", "99999999999999999999999", str(world.relation.pk + 1000)):
        response = api_client(hulp_token).get(f"/api/v1/ecosystem/relations/{bad}")
        assert response.status_code == 404, bad
        assert response.json()["error"]["code"] == "not_found"


def test_bad_filters_are_400_with_the_field(hulp_token, world):
    for query, field in (
        ({"country": "Uganda"}, "country"),
        ({"role": "7"}, "role"),
        ({"type": "99"}, "type"),
        ({"q": ""}, "q"),
        ({"organisation": "nope"}, "organisation"),
        ({"year_from": "1800"}, "year_from"),
    ):
        name = "ecosystem_organisations" if field in ("q", "type") else "ecosystem_relations"
        response = get(hulp_token, name, **query)
        assert response.status_code == 400, query
        assert field in response.json()["error"]["fields"]


def test_a_page_of_relations_takes_the_same_queries_at_any_size(hulp_token, world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(hulp_token, "ecosystem_relations", limit="100").status_code == 200
        return len(captured)

    def organisation_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(hulp_token, "ecosystem_organisations", limit="100").status_code == 200
        return len(captured)

    before, before_organisations = queries(), organisation_queries()
    activity = Activity.objects.get()
    more = ImportedOrganisation.objects.bulk_create(
        ImportedOrganisation(identifier=f"XX-{n}", name=f"Org {n}") for n in range(150)
    )
    Relation.objects.bulk_create(
        Relation(activity=activity, kind="transaction", source=a, target=b) for a, b in itertools.pairwise(more)
    )
    assert queries() == before
    assert organisation_queries() == before_organisations
