"""Organisation identifiers are normalised and checked for form, with messages that show the expected form."""

import pytest
from django.core.exceptions import ValidationError

from organisations.forms import ProfileForm
from organisations.identifiers import normalise_identifier, validate_iati_identifier, validate_kvk_number
from organisations.models import Organisation


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("nl-kvk- 41158230", "NL-KVK-41158230"),
        ("  XM-DAC-7 ", "XM-DAC-7"),
        ("gb-chc-202918", "GB-CHC-202918"),
        ("4115 8230", "41158230"),
        ("", ""),
    ],
)
def test_identifiers_are_trimmed_upper_cased_and_without_inner_spaces(raw, normalised):
    assert normalise_identifier(raw) == normalised


@pytest.mark.parametrize("value", ["NL-KVK-41158230", "XM-DAC-7", "GB-CHC-202918", "US-EIN-13-1644147"])
def test_well_formed_iati_identifiers_pass(value):
    validate_iati_identifier(value)


@pytest.mark.parametrize("value", ["41158230", "NLKVK41158230", "N-KVK-1", "NL--41158230", "NL-KVK-"])
def test_malformed_iati_identifiers_explain_the_expected_form(value):
    with pytest.raises(ValidationError) as raised:
        validate_iati_identifier(value)
    assert "for example NL-KVK-41160054" in raised.value.messages[0]


@pytest.mark.parametrize("value", ["1234567", "123456789", "4115823A"])
def test_a_kvk_number_has_eight_digits(value):
    with pytest.raises(ValidationError) as raised:
        validate_kvk_number(value)
    assert raised.value.messages == ["A KvK number has exactly 8 digits, for example 41160054."]


def test_the_model_saves_identifiers_normalised(db):
    org = Organisation.objects.create(slug="x", name="X", iati_identifier="nl-kvk- 41158230", kvk_number=" 4115 8230")
    org.refresh_from_db()
    assert (org.iati_identifier, org.kvk_number) == ("NL-KVK-41158230", "41158230")


def test_form_fields_normalise_before_they_check(db):
    org = Organisation.objects.create(slug="x", name="X")
    form = ProfileForm(
        {"name": "X", "kind": "member", "iati_identifier": "nl-kvk- 41158230", "kvk_number": "4115 8230"},
        organisation=org,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["iati_identifier"] == "NL-KVK-41158230"
    assert form.cleaned_data["kvk_number"] == "41158230"


def test_a_too_long_kvk_number_gets_the_kvk_message_not_a_length_message(db):
    org = Organisation.objects.create(slug="x", name="X")
    form = ProfileForm({"name": "X", "kind": "member", "kvk_number": "123456789"}, organisation=org)
    assert form.errors["kvk_number"] == ["A KvK number has exactly 8 digits, for example 41160054."]
