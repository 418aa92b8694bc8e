"""The IATI import, on small files written here: what it records, and what it refuses."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ecosystem import importer
from ecosystem.importer import import_files
from ecosystem.models import (
    Activity,
    ActivityCountry,
    ActivitySector,
    ImportedOrganisation,
    OrganisationName,
    Relation,
    Role,
)
from organisations.models import Organisation
from tests.ecosystem.conftest import activity, org, transaction

pytestmark = pytest.mark.django_db

FUNDER = org("1", "XM-DAC-7", "Netherlands - Ministry of Foreign Affairs", "10")


def test_one_identifier_however_it_is_written(iati_file):
    """The README's quirk: 'NL-KVK- 41158230' and 'nl-kvk-41158230' are one organisation."""
    path = iati_file(
        activity("A-1", body=FUNDER + org("4", "NL-KVK- 41158230", "Cordaid")),
        activity("A-2", body=FUNDER + org("4", "nl-kvk-41158230", "Cordaid")),
        activity("A-3", body=FUNDER + org("4", "  NL-KVK-41158230\t", "Cordaid")),
    )
    result = import_files([path])

    assert not result.refused
    cordaid = ImportedOrganisation.objects.get(identifier="NL-KVK-41158230")
    assert ImportedOrganisation.objects.filter(names__name="Cordaid").distinct().count() == 1
    assert Relation.objects.filter(target=cordaid).count() == 3
    # The reporting organisation, the ministry and Cordaid.
    assert result.as_json()["organisations_with_identifier"] == 3


def test_every_name_kept_per_language_and_english_shown(iati_file):
    cordaid = (
        '<participating-org role="4" ref="NL-KVK-41160054">'
        '<narrative xml:lang="nl">Cordaid Nederland</narrative><narrative xml:lang="en">Cordaid</narrative>'
        "</participating-org>"
    )
    other_name = org("4", "NL-KVK-41160054", "Cordaid Global Office")
    path = iati_file(
        activity("A-1", reporting=_reporter("XM-DAC-7", "Ministry"), body=FUNDER.replace("1", "2", 1) + cordaid),
        activity("A-2", reporting=_reporter("XM-DAC-7", "Ministry"), body=other_name),
    )
    import_files([path])

    organisation = ImportedOrganisation.objects.get(identifier="NL-KVK-41160054")
    assert organisation.name == "Cordaid"
    assert set(organisation.names.values_list("language", "name")) == {
        ("nl", "Cordaid Nederland"),
        ("en", "Cordaid"),
    } | {("en", "Cordaid Global Office")}


def test_a_name_in_english_later_becomes_the_name_shown(iati_file):
    dutch = _named("NL-KVK-1", "nl", "Kerk in Actie")
    english = _named("NL-KVK-1", "en", "Church in Action")
    import_files([iati_file(activity("A-1", body=FUNDER + dutch))])
    assert ImportedOrganisation.objects.get(identifier="NL-KVK-1").name == "Kerk in Actie"

    import_files([iati_file(activity("A-2", body=FUNDER + english))])

    organisation = ImportedOrganisation.objects.get(identifier="NL-KVK-1")
    assert organisation.name == "Church in Action"
    assert organisation.names.count() == 2


def test_organisations_without_identifier_are_kept_by_name_per_publisher(iati_file):
    path = iati_file(
        activity("A-1", body=FUNDER + org("4", name="Local Partner")),
        activity("A-2", body=FUNDER + org("4", name="  local   partner ")),
        activity("B-1", reporting=_reporter("GB-CHC-285776", "CAFOD"), body=FUNDER + org("4", name="Local Partner")),
    )
    result = import_files([path])

    name_only = ImportedOrganisation.objects.filter(identifier="")
    assert sorted(name_only.values_list("publisher", flat=True)) == ["GB-CHC-285776", "NL-KVK-41160054"]
    assert result.as_json()["organisations_name_only"] == 2


def test_relations_funding_to_implementing_and_along_transactions(iati_file):
    body = (
        FUNDER
        + org("2", "NL-KVK-41160054", "Hulp Zonder Grenzen")
        + org("4", "KE-NGO-1", "Kisumu Women", "24")
        + org("4", "KE-NGO-2", "Nairobi Youth")
        + '<recipient-country code="ke" percentage="100"/>'
        + '<sector vocabulary="1" code="15160" percentage="60"/>'
        + '<sector vocabulary="7" code="5"/>'
        + '<tag vocabulary="3" code="5.2"/>'
        + '<activity-date type="2" iso-date="2023-01-01"/><activity-date type="3" iso-date="2025-12-31"/>'
        + transaction("1", "50000", provider="XM-DAC-7")
        + transaction("3", "12000.50", receiver="KE-NGO-1")
        + transaction("4", "300")
    )
    result = import_files([iati_file(activity("NL-KVK-41160054-P1", body=body))])

    participation = Relation.objects.filter(kind=Relation.Kind.PARTICIPATION)
    assert sorted(
        participation.values_list("source__identifier", "target__identifier", "source_role", "target_role")
    ) == [
        ("XM-DAC-7", "KE-NGO-1", Role.FUNDING, Role.IMPLEMENTING),
        ("XM-DAC-7", "KE-NGO-2", Role.FUNDING, Role.IMPLEMENTING),
    ]
    assert {str(r.start) + "/" + str(r.end) for r in participation} == {"2023-01-01/2025-12-31"}
    money = Relation.objects.filter(kind=Relation.Kind.TRANSACTION).order_by("transaction_type")
    assert [(r.source.identifier, r.target.identifier, r.amount, r.currency) for r in money] == [
        # Incoming funds: the reporting organisation received them.
        ("XM-DAC-7", "NL-KVK-41160054", Decimal("50000.00"), "EUR"),
        # A disbursement: the reporting organisation paid it.
        ("NL-KVK-41160054", "KE-NGO-1", Decimal("12000.50"), "EUR"),
    ]
    assert result.skipped["transaction without provider or receiver"] == 1
    assert result.relations == 4
    assert ImportedOrganisation.objects.get(identifier="KE-NGO-1").type == "24"
    assert list(ActivityCountry.objects.values_list("country", flat=True)) == ["KE"]
    assert set(ActivitySector.objects.values_list("vocabulary", "code")) == {("1", "15160"), ("7", "5"), ("8", "5.2")}


def test_without_implementing_organisations_the_funder_relates_to_the_extending_one(iati_file):
    body = FUNDER + org("3", "NL-KVK-41160054", "Hulp") + org("2", "KE-NGO-1", "Kisumu")
    import_files([iati_file(activity("A-1", body=body))])

    relation = Relation.objects.get()
    assert (relation.target.identifier, relation.target_role) == ("NL-KVK-41160054", Role.EXTENDING)


def test_an_organisation_funding_itself_is_no_relation(iati_file):
    result = import_files([iati_file(activity("A-1", body=FUNDER + org("4", "xm-dac-7", "Ministry")))])

    assert Relation.objects.count() == 0
    assert result.skipped["relation of an organisation to itself"] == 1


def test_importing_the_same_file_again_changes_nothing(iati_file):
    path = iati_file(
        activity("A-1", body=FUNDER + org("4", "KE-NGO-1", "Kisumu") + transaction("3", receiver="KE-NGO-1")),
        activity("A-2", body=FUNDER + org("4", name="Local partner")),
    )
    first = import_files([path]).as_json()
    before = _snapshot()

    second = import_files([path]).as_json()

    assert _snapshot() == before
    assert second["created"] == {"organisations": 0, "relations": 0}
    assert second["skipped"]["activity unchanged"] == 2
    for key in ("activities", "organisations_with_identifier", "organisations_name_only", "relations"):
        assert second[key] == first[key]
    assert first["created"] == {"organisations": 4, "relations": 3}


def test_a_newer_version_of_an_activity_replaces_its_relations(iati_file):
    import_files([iati_file(activity("A-1", body=FUNDER + org("4", "KE-NGO-1", "Kisumu")))])
    code = Activity.objects.get().code

    newer = activity("A-1", body=FUNDER + org("4", "KE-NGO-2", "Nairobi"), last_updated="2024-06-01T12:00:00Z")
    result = import_files([iati_file(newer)])

    assert Activity.objects.get().code == code
    assert list(Relation.objects.values_list("target__identifier", flat=True)) == ["KE-NGO-2"]
    assert result.created_relations == 1
    # The organisation stays: other activities may name it.
    assert ImportedOrganisation.objects.filter(identifier="KE-NGO-1").exists()


def test_an_older_version_does_not_replace_a_newer_one(iati_file):
    newer = activity("A-1", body=FUNDER + org("4", "KE-NGO-2", "Nairobi"), last_updated="2024-06-01T00:00:00")
    older = activity("A-1", body=FUNDER + org("4", "KE-NGO-1", "Kisumu"), last_updated="2023-06-01T00:00:00")
    import_files([iati_file(newer)])

    result = import_files([iati_file(older)])

    assert list(Relation.objects.values_list("target__identifier", flat=True)) == ["KE-NGO-2"]
    assert result.skipped["older version of an activity"] == 1


def test_imported_organisations_are_linked_to_samen_organisations_by_identifier(iati_file):
    hulp = Organisation.objects.create(slug="hulp", name="Hulp", iati_identifier="NL-KVK-41160054")
    import_files([iati_file(activity("A-1", body=FUNDER + org("4", "nl-kvk- 41160054", "Hulp")))])

    assert ImportedOrganisation.objects.get(identifier="NL-KVK-41160054").samen_organisation == hulp
    assert ImportedOrganisation.objects.get(identifier="XM-DAC-7").samen_organisation is None

    # A Samen organisation that records its identifier later is linked by the next import.
    ministry = Organisation.objects.create(slug="bz", name="BZ", iati_identifier="xm-dac-7")
    import_files([iati_file(activity("A-2", body=FUNDER))])
    assert ImportedOrganisation.objects.get(identifier="XM-DAC-7").samen_organisation == ministry


def test_version_1_files_are_imported_with_their_word_roles(iati_file):
    legacy = (
        '<iati-activity last-updated-datetime="2013-01-23T00:00:00" default-currency="GBP" xml:lang="en">'
        '<reporting-org ref="GB-CHC-285776" type="21">CAFOD</reporting-org>'
        "<iati-identifier>GB-CHC-285776-DRC173</iati-identifier>"
        "<title>Conflict analysis</title>"
        '<activity-date type="start-actual" iso-date="2009-10-07"/>'
        '<participating-org role="Funding" ref="GB-1">DFID</participating-org>'
        '<participating-org role="Implementing">Caritas Bukavu</participating-org>'
        '<sector vocabulary="DAC" code="15160" percentage="20">Human rights</sector>'
        '<transaction><transaction-type code="IF">Incoming Funds</transaction-type>'
        '<provider-org ref="GB-1">DFID</provider-org><value value-date="2010-01-01">2500</value></transaction>'
        "</iati-activity>"
    )
    result = import_files([iati_file(legacy, version="1.00")])

    assert not result.refused
    funding = Relation.objects.get(kind=Relation.Kind.PARTICIPATION)
    assert (funding.source.identifier, funding.target.name, funding.target.identifier) == ("GB-1", "Caritas Bukavu", "")
    money = Relation.objects.get(kind=Relation.Kind.TRANSACTION)
    assert (money.transaction_type, money.target.identifier, money.amount, money.currency) == (
        "1",
        "GB-CHC-285776",
        Decimal("2500.00"),
        "GBP",
    )
    assert str(Activity.objects.get().start) == "2009-10-07"
    assert ActivitySector.objects.get().vocabulary == "1"


def test_a_broken_file_is_refused_with_its_line_and_imports_nothing(iati_file, monkeypatch):
    # Write every activity at once, so rows were written before the break is found.
    monkeypatch.setattr(importer, "BATCH", 1)
    good = [activity(f"A-{n}", body=FUNDER + org("4", f"KE-NGO-{n}", "Partner")) for n in range(5)]
    path = iati_file(*good, "<iati-activity><iati-identifier>A-9</iati-identifier><title>", name="broken.xml")

    result = import_files([path])

    assert len(result.refused) == 1
    refusal = result.refused[0]
    # The unclosed <title> on line 8 is found where </iati-activities> closes on line 9.
    assert refusal.startswith(f"{path}:9: not well-formed XML")
    for model in (Activity, ImportedOrganisation, OrganisationName, Relation):
        assert model.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        # Unclosed: refused on its root, before the parser reaches the end.
        ("<html><body>Not IATI</body>", "root element is <html>"),
        ('<iati-organisations version="2.03"><iati-organisation/></iati-organisations>', "organisation file"),
        ('<iati-activities version="3.01"></iati-activities>', "version 3.01 is not supported"),
        ("", "not well-formed XML"),
    ],
)
def test_files_that_are_not_iati_activity_files_are_refused(tmp_path, content, reason):
    path = tmp_path / "file.xml"
    path.write_text(content)

    result = import_files([path])

    assert reason in result.refused[0]
    assert Activity.objects.count() == 0


def test_external_entities_are_refused_unread(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the-secret-key")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<iati-activities version="2.03"><iati-activity><iati-identifier>A-1</iati-identifier>'
        '<reporting-org ref="NL-KVK-1"><narrative>&xxe;</narrative></reporting-org></iati-activity></iati-activities>'
    )

    result = import_files([path])

    assert "declares a DOCTYPE" in result.refused[0]
    assert Activity.objects.count() == ImportedOrganisation.objects.count() == 0
    assert not OrganisationName.objects.filter(name__contains="secret").exists()


def test_entity_expansion_bombs_are_refused(tmp_path):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10)
    )
    path = tmp_path / "laughs.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE iati-activities [{entities}]>\n'
        '<iati-activities version="2.03"><iati-activity><iati-identifier>&lol9;</iati-identifier>'
        "</iati-activity></iati-activities>"
    )

    result = import_files([path])

    assert "declares a DOCTYPE" in result.refused[0]
    assert Activity.objects.count() == 0


def test_the_command_prints_its_counts_as_json_on_the_last_line(iati_file):
    path = iati_file(activity("A-1", body=FUNDER + org("4", "KE-NGO-1", "Kisumu") + org("4", name="Local partner")))
    out = StringIO()

    call_command("import_iati", str(path), "--json", stdout=out)

    data = json.loads(out.getvalue().strip().splitlines()[-1])
    assert data["activities"] == 1
    assert data["organisations_with_identifier"] == 3
    assert data["organisations_name_only"] == 1
    assert data["relations"] == 2
    assert data["created"] == {"organisations": 4, "relations": 2}
    assert isinstance(data["seconds"], float)


def test_the_command_fails_on_a_refused_file_and_names_it(iati_file, tmp_path):
    good = iati_file(activity("A-1", body=FUNDER + org("4", "KE-NGO-1", "Kisumu")))
    bad = tmp_path / "bad.xml"
    bad.write_text('<iati-activities version="2.03">\n<iati-activity>\n</iati-activities>')
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_iati", str(bad), str(good), stderr=err, stdout=StringIO())

    assert err.getvalue().startswith(f"{bad}:3: not well-formed XML")
    # The good file still imported: each file is whole or nothing on its own.
    assert Activity.objects.filter(iati_identifier="A-1").exists()


def test_relations_touching_a_set_of_organisations(iati_file):
    import_files(
        [
            iati_file(
                activity("A-1", body=FUNDER + org("4", "KE-NGO-1", "Kisumu")),
                activity(
                    "A-2",
                    reporting=_reporter("KE-NGO-1", "Kisumu"),
                    body=org("1", "KE-NGO-1") + org("4", "UG-1", "Gulu"),
                ),
            )
        ]
    )
    kisumu = ImportedOrganisation.objects.get(identifier="KE-NGO-1")
    ministry = ImportedOrganisation.objects.get(identifier="XM-DAC-7")

    assert Relation.objects.touching({kisumu.pk}).count() == 2
    assert Relation.objects.touching({ministry.pk}).count() == 1
    assert Relation.objects.between({ministry.pk, kisumu.pk}).count() == 1
    assert list(ImportedOrganisation.objects.search("kisu")) == [kisumu]
    assert list(ImportedOrganisation.objects.search("ke-ngo- 1")) == [kisumu]


def _named(ref: str, language: str, name: str) -> str:
    narrative = f'<narrative xml:lang="{language}">{name}</narrative>'
    return f'<participating-org role="4" ref="{ref}">{narrative}</participating-org>'


def _reporter(ref: str, name: str) -> str:
    return f'<reporting-org ref="{ref}"><narrative>{name}</narrative></reporting-org>'


def _snapshot() -> dict[str, list]:
    return {
        "organisations": list(ImportedOrganisation.objects.order_by("pk").values()),
        "names": list(OrganisationName.objects.order_by("pk").values()),
        "activities": list(Activity.objects.order_by("pk").values()),
        "relations": list(Relation.objects.order_by("pk").values()),
        "sectors": list(ActivitySector.objects.order_by("pk").values()),
    }


def test_d_portal_exports_with_namespaced_attributes_and_a_default_language(iati_file):
    """d-portal adds dstore:* attributes to each activity; a narrative without xml:lang has the activity's language."""
    exported = (
        '<iati-activity default-currency="USD" dstore:dataset="cordaid-activities" dstore:index="30" xml:lang="EN"'
        ' iati-activities:version="2.03" xmlns:dstore="http://d-portal.org/xmlns/dstore"'
        ' xmlns:iati-activities="http://d-portal.org/xmlns/iati-activities">'
        "<iati-identifier>NL-KVK-41160054-COVID</iati-identifier>"
        '<reporting-org ref="NL-KVK-41160054"><narrative>Cordaid</narrative></reporting-org>'
        '<participating-org ref="XM-DAC-7" role="1"><narrative>Ministerie van Buitenlandse Zaken</narrative>'
        '<narrative xml:lang="NL">Ministerie van BZ</narrative></participating-org>'
        '<participating-org role="4"><narrative>Caritas Bukavu</narrative></participating-org>'
        "</iati-activity>"
    )

    result = import_files([iati_file(exported)])

    assert not result.refused
    ministry = ImportedOrganisation.objects.get(identifier="XM-DAC-7")
    assert set(ministry.names.values_list("language", "name")) == {
        ("en", "Ministerie van Buitenlandse Zaken"),
        ("nl", "Ministerie van BZ"),
    }
    relation = Relation.objects.get()
    assert (relation.source, relation.target.name, relation.target.publisher) == (
        ministry,
        "Caritas Bukavu",
        "NL-KVK-41160054",
    )


def test_an_activity_twice_in_one_file_keeps_the_newer_copy(iati_file):
    newer = activity("A-1", body=FUNDER + org("4", "KE-NGO-2", "Nairobi"), last_updated="2024-06-01T00:00:00")
    older = activity("A-1", body=FUNDER + org("4", "KE-NGO-1", "Kisumu"), last_updated="2023-06-01T00:00:00")

    result = import_files([iati_file(newer, older)])

    assert list(Relation.objects.values_list("target__identifier", flat=True)) == ["KE-NGO-2"]
    assert result.skipped["activity repeated in the file"] == 1
