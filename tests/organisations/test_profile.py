"""The organisation's details: every member reads them, the admin changes them."""

from audit.models import Entry
from organisations.models import Organisation
from tests.organisations.helpers import errors, url

VALID = {
    "name": "Hulp Zonder Grenzen",
    "kind": "member",
    "country": "NL",
    "size_category": "C",
    "languages": ["nl", "en", "fr"],
    "iati_identifier": "nl-kvk- 41158230",
    "kvk_number": "41158230",
    "website": "hulp.example",
}


def test_admin_saves_the_details_normalised(people):
    client = people.client("admin")
    response = client.post(url("profile", people.org), VALID)
    assert response.status_code == 302
    people.org.refresh_from_db()
    assert people.org.iati_identifier == "NL-KVK-41158230"
    assert people.org.size_category == "C"
    assert people.org.languages == ["nl", "en", "fr"]
    assert people.org.website == "https://hulp.example"
    page = client.get(response.url)
    assert "The organisation&#x27;s details are saved." in page.content.decode()


def test_admin_sees_a_form_with_language_checkboxes(people):
    response = people.client("admin").get(url("profile", people.org))
    assert response.status_code == 200
    assert b'type="checkbox" name="languages" value="fr"' in response.content


def test_every_member_reads_the_details_without_a_form(people):
    people.org.languages = ["nl", "en"]
    people.org.save()
    response = people.client("viewer").get(url("profile", people.org))
    assert response.status_code == 200
    assert "form" not in response.context or not response.context["editing"]
    assert b"Dutch, English" in response.content


def test_others_in_the_organisation_may_not_change_it(people):
    for persona in ("viewer", "member", "manager", "officer"):
        assert people.client(persona).post(url("profile", people.org), VALID).status_code == 403
    people.org.refresh_from_db()
    assert people.org.iati_identifier == ""


def test_outsider_gets_404(people):
    assert people.client("outsider").get(url("profile", people.org)).status_code == 404
    assert people.client("outsider").post(url("profile", people.org), VALID).status_code == 404


def test_anonymous_is_sent_to_log_in(people):
    assert people.client("anonymous").get(url("profile", people.org)).status_code == 302


def test_invalid_identifiers_are_explained_and_the_input_kept(people):
    response = people.client("admin").post(
        url("profile", people.org), {**VALID, "iati_identifier": "41158230", "kvk_number": "1234"}
    )
    assert response.status_code == 200
    assert "for example NL-KVK-41160054" in errors(response, "iati_identifier")[0]
    assert errors(response, "kvk_number") == ["A KvK number has exactly 8 digits, for example 41160054."]
    assert b'value="41158230"' in response.content
    assert b'value="1234"' in response.content


def test_an_identifier_another_organisation_uses_is_a_form_error_not_a_crash(people):
    Organisation.objects.filter(pk=people.other_org.pk).update(iati_identifier="NL-KVK-41158230", kvk_number="41158230")
    response = people.client("admin").post(url("profile", people.org), VALID)
    assert response.status_code == 200
    assert errors(response, "iati_identifier") == ["Ander Fonds already uses this IATI identifier on Samen."]
    assert errors(response, "kvk_number") == ["Ander Fonds already uses this KvK number on Samen."]


def test_a_missing_name_is_a_form_error(people):
    response = people.client("admin").post(url("profile", people.org), {**VALID, "name": ""})
    assert errors(response, "name") == ["This field is required."]
    assert Entry.objects.count() == 0
