"""Recording a partnership: with an organisation found on Samen, or with one recorded here."""

from organisations.models import Organisation, Partnership
from tests.organisations.helpers import errors, partner_org, partnership, url

PARTNERSHIP = {"kind": "implementing", "status": "active", "title": "Clean water", "starts_on": "2025-01-01"}


def test_search_finds_organisations_by_name_or_identifier(people):
    partner_org("Kampala Women's Network", iati_identifier="UG-NGB-1234")
    client = people.client("manager")
    by_name = client.get(url("partner_add", people.org), {"q": "kampala"})
    assert [o.name for o in by_name.context["candidates"]] == ["Kampala Women's Network"]
    by_identifier = client.get(url("partner_add", people.org), {"q": "ug-ngb- 1234"})
    assert [o.name for o in by_identifier.context["candidates"]] == ["Kampala Women's Network"]
    assert client.get(url("partner_add", people.org), {"q": "hulp"}).context["candidates"] == []


def test_manager_records_a_partnership_with_an_organisation_on_samen(people):
    response = people.client("manager").post(
        url("partner_add", people.org), {**PARTNERSHIP, "q": "ander", "partner": str(people.other_org.code)}
    )
    item = Partnership.objects.get()
    assert response.url == url("partnership", people.org, code=item.code)
    assert (item.organisation, item.partner, item.kind, item.title) == (
        people.org,
        people.other_org,
        "implementing",
        "Clean water",
    )


def test_a_partner_not_on_samen_is_recorded_with_normalised_identifiers(people):
    response = people.client("admin").post(
        url("partner_add", people.org),
        {
            **PARTNERSHIP,
            "new_name": "Bogotá Youth Collective",
            "new_country": "CO",
            "new_kind": "partner",
            "new_iati_identifier": "co-rut- 900123",
            "new_kvk_number": "",
        },
    )
    assert response.status_code == 302
    partner = Organisation.objects.get(name="Bogotá Youth Collective")
    assert partner.registered_by == people.org
    assert partner.iati_identifier == "CO-RUT-900123"
    assert partner.slug == "bogota-youth-collective"
    assert not partner.is_on_samen
    assert Partnership.objects.get().partner == partner


def test_choosing_nobody_is_a_clear_error(people):
    response = people.client("manager").post(url("partner_add", people.org), PARTNERSHIP)
    assert response.status_code == 200
    assert response.context["choose"].non_field_errors() == [
        "Choose an organisation found by the search, or give the name of a new one."
    ]
    assert b'value="Clean water"' in response.content


def test_end_before_start_is_a_clear_error_with_input_kept(people):
    response = people.client("manager").post(
        url("partner_add", people.org),
        {**PARTNERSHIP, "ends_on": "2024-12-31", "new_name": "Bogotá Youth Collective", "new_country": "CO"},
    )
    assert errors(response, "ends_on") == ["The end date must be on or after the start date."]
    assert b'value="Bogot\xc3\xa1 Youth Collective"' in response.content
    assert b'value="2024-12-31"' in response.content
    assert not Organisation.objects.filter(name="Bogotá Youth Collective").exists()


def test_a_duplicate_partnership_is_a_form_error(people):
    partnership(people.other_org, people.org, kind=Partnership.Kind.IMPLEMENTING)
    response = people.client("manager").post(
        url("partner_add", people.org), {**PARTNERSHIP, "q": "ander", "partner": str(people.other_org.code)}
    )
    assert response.status_code == 200
    assert errors(response, "kind") == ["A partnership of this kind between these organisations is already recorded."]
    assert Partnership.objects.count() == 1


def test_a_new_partner_with_an_identifier_already_on_samen_is_pointed_to_the_search(people):
    partner_org("Kampala Women's Network", iati_identifier="UG-NGB-1234", kvk_number="12345678")
    response = people.client("manager").post(
        url("partner_add", people.org),
        {**PARTNERSHIP, "new_name": "KWN", "new_iati_identifier": "ug-ngb-1234", "new_kvk_number": "1234 5678"},
    )
    form = response.context["choose"]
    assert form.errors["new_iati_identifier"] == [
        "Kampala Women's Network is already on Samen with this IATI identifier: search for it above instead."
    ]
    assert "already on Samen with this KvK number" in form.errors["new_kvk_number"][0]


def test_invalid_identifiers_of_a_new_partner_explain_the_expected_form(people):
    response = people.client("manager").post(
        url("partner_add", people.org),
        {**PARTNERSHIP, "new_name": "KWN", "new_iati_identifier": "1234", "new_kvk_number": "123"},
    )
    form = response.context["choose"]
    assert "for example NL-KVK-41160054" in form.errors["new_iati_identifier"][0]
    assert form.errors["new_kvk_number"] == ["A KvK number has exactly 8 digits, for example 41160054."]


def test_viewer_member_and_officer_may_not_add_partners(people):
    for persona in ("viewer", "member", "officer"):
        client = people.client(persona)
        assert client.get(url("partner_add", people.org)).status_code == 403
        assert client.post(url("partner_add", people.org), {**PARTNERSHIP, "new_name": "X"}).status_code == 403
    assert not Partnership.objects.exists()


def test_outsider_gets_404(people):
    assert people.client("outsider").get(url("partner_add", people.org)).status_code == 404
