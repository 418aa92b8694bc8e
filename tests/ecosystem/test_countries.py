"""OrganisationCountry: the countries each imported organisation works in, kept equal to what its relations say."""

import pytest

from ecosystem.importer import import_files
from ecosystem.models import Activity, ActivityCountry, ImportedOrganisation, OrganisationCountry, Relation
from tests.ecosystem.conftest import activity, org, transaction

pytestmark = pytest.mark.django_db

FUNDER = org("1", "XM-DAC-7", "Ministry", "10")


def derived() -> set[tuple[str, str]]:
    """The pairs as the relations give them, read the slow way."""
    pairs = set()
    for relation in Relation.objects.select_related("source", "target").prefetch_related("activity__countries"):
        for country in relation.activity.countries.all():
            pairs |= {(relation.source.name, country.country), (relation.target.name, country.country)}
    return pairs


def kept() -> set[tuple[str, str]]:
    rows = OrganisationCountry.objects.values_list("organisation", "country")
    names = dict(ImportedOrganisation.objects.values_list("pk", "name"))
    return {(names[pk], country) for pk, country in rows}


def test_an_import_keeps_them_and_a_newer_version_of_an_activity_moves_them(iati_file):
    uganda = '<recipient-country code="UG" percentage="60"/><recipient-country code="ke" percentage="40"/>'
    first = activity(
        "A-1", body=uganda + FUNDER + org("4", "UG-NGO-1", "Kampala") + transaction("3", receiver="UG-NGO-2")
    )
    import_files([iati_file(first, activity("A-2", body=FUNDER + org("4", "UG-NGO-3", "Gulu")))])
    assert kept() == derived()
    assert ("Kampala", "KE") in kept() and not any(name == "Gulu" for name, _ in kept())  # A-2 names no country

    newer = activity(
        "A-1",
        body='<recipient-country code="TZ"/>' + FUNDER + org("4", "UG-NGO-1", "Kampala"),
        last_updated="2025-01-01",
    )
    import_files([iati_file(newer)])
    assert kept() == derived()
    assert {country for name, country in kept() if name == "Kampala"} == {"TZ"}


def test_a_relation_or_a_country_saved_alone_is_counted_at_once():
    source = ImportedOrganisation.objects.create(identifier="XM-1", name="Source")
    target = ImportedOrganisation.objects.create(identifier="XM-2", name="Target")
    other = ImportedOrganisation.objects.create(identifier="XM-3", name="Other")
    act = Activity.objects.create(iati_identifier="XM-1-A", reporting_organisation=source, digest="0" * 64)
    ActivityCountry.objects.create(activity=act, country="UG")
    Relation.objects.create(activity=act, kind=Relation.Kind.TRANSACTION, source=source, target=target)
    assert kept() == {("Source", "UG"), ("Target", "UG")}

    ActivityCountry.objects.create(activity=act, country="KE")
    Relation.objects.create(activity=act, kind=Relation.Kind.TRANSACTION, source=target, target=other)
    assert kept() == derived() and len(kept()) == 6


def test_refresh_derives_the_whole_table_again():
    source = ImportedOrganisation.objects.create(identifier="XM-1", name="Source")
    target = ImportedOrganisation.objects.create(identifier="XM-2", name="Target")
    act = Activity.objects.create(iati_identifier="XM-1-A", reporting_organisation=source, digest="0" * 64)
    ActivityCountry.objects.create(activity=act, country="UG")
    Relation.objects.create(activity=act, kind=Relation.Kind.TRANSACTION, source=source, target=target)
    # Deleted in bulk (no signal), as the importer deletes an activity's old relations.
    Relation.objects.all().delete()
    assert kept()

    OrganisationCountry.objects.refresh()

    assert kept() == set()
