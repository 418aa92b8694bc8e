"""Importing partners from a CSV file: a preview of every row, nothing saved until confirmed."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Entry
from organisations.forms_import import IMPORT_COLUMNS
from organisations.models import Organisation, OverviewVersion, Partnership
from samen import counters
from tests.organisations.helpers import partner_org, partnership, url

HEADER = ",".join(IMPORT_COLUMNS)


def csv_bytes(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join([header, *rows]) + "\r\n").encode()


def upload(client, org, content: bytes):
    return client.post(url("partners_import", org), {"file": SimpleUploadedFile("partners.csv", content)})


def confirm(client, org, preview, skip_errors: bool = False):
    form = preview.context["confirm"]
    data = {"confirm": "1", "digest": form["digest"].value(), "valid_rows": form["valid_rows"].value()}
    if skip_errors:
        data["skip_errors"] = "on"
    return client.post(url("partners_import", org), data)


def outcomes(response) -> list[tuple[int, str]]:
    return [(plan.number, plan.action) for plan in response.context["plans"]]


def test_the_page_documents_the_columns_and_offers_an_example(people):
    client = people.client("manager")
    page = client.get(url("partners_import", people.org))
    assert page.status_code == 200
    for column in IMPORT_COLUMNS:
        assert f"<code>{column}</code>".encode() in page.content
    example = client.get(url("partners_import_template", people.org))
    assert example["Content-Type"] == "text/csv; charset=utf-8"
    assert example.content.decode("utf-8").startswith("\ufeff" + HEADER)
    # The example itself imports cleanly.
    preview = upload(client, people.org, example.content)
    assert [action for _, action in outcomes(preview)] == ["new", "new"]


def test_the_preview_saves_nothing_and_confirming_saves(people):
    client = people.client("manager")
    content = csv_bytes(
        "Kampala Women's Network,UG,partner,ug-ngb- 1234,,implementing,active,Clean water,2025-01-01,2026-12-31",
        "Stichting Voorbeeld,NL,funder,,4116 0054,funding,,,,",
    )
    preview = upload(client, people.org, content)
    assert preview.status_code == 200
    assert outcomes(preview) == [(2, "new"), (3, "new")]
    assert not Partnership.objects.exists()
    assert not Organisation.objects.filter(name="Stichting Voorbeeld").exists()

    response = confirm(client, people.org, preview)
    assert response.url == url("partners", people.org)
    kampala = Organisation.objects.get(name="Kampala Women's Network")
    assert (kampala.iati_identifier, kampala.country.code, kampala.registered_by) == ("UG-NGB-1234", "UG", people.org)
    voorbeeld = Organisation.objects.get(kvk_number="41160054")
    assert voorbeeld.kind == "funder"
    item = Partnership.objects.get(partner=kampala)
    assert (item.organisation, item.kind, item.status, item.title, str(item.starts_on)) == (
        people.org,
        "implementing",
        "active",
        "Clean water",
        "2025-01-01",
    )
    assert Partnership.objects.get(partner=voorbeeld).status == "active"
    summary = client.get(response.url)
    assert (
        "Import done: 2 partnerships recorded, 2 of them with organisations new to Samen." in summary.content.decode()
    )
    entry = Entry.objects.get(event="partners_imported")
    assert entry.detail["partnerships"] == 2
    # Confirming twice does not import twice.
    again = confirm(client, people.org, preview)
    assert again.url == url("partners_import", people.org)
    assert Partnership.objects.count() == 2


def test_an_import_bumps_each_counter_of_what_it_changes_once(people):
    """The overview's counter of the importing organisation changes once for all rows (samen.counters.bumps_once)."""
    client = people.client("manager")
    rows = [f"Partner {n},UG,partner,,,implementing,active,,," for n in range(12)]
    preview = upload(client, people.org, csv_bytes(*rows))
    key = f"org:{people.org.pk}"
    before = counters.numbers(OverviewVersion, [key])[0]
    with CaptureQueriesContext(connection) as queries:
        confirm(client, people.org, preview)
    assert Partnership.objects.filter(organisation=people.org).count() == 12
    assert counters.numbers(OverviewVersion, [key]) == (before + 1,)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "organisations_overviewversion"')]
    assert updates and len(updates) == len(set(updates))  # one per counter (ours, each new partner's)


def test_semicolons_and_a_byte_order_mark_as_dutch_excel_writes_them(people):
    content = csv_bytes(
        "Bogotá Youth Collective;CO;;;;peer;proposed;Jongeren, samen;;",
        header=HEADER.replace(",", ";"),
        bom=True,
    )
    preview = upload(people.client("admin"), people.org, content)
    assert outcomes(preview) == [(2, "new")]
    plan = preview.context["plans"][0]
    assert plan.values["name"] == "Bogotá Youth Collective"
    assert plan.partnership_data["title"] == "Jongeren, samen"
    assert plan.partnership_data["status"] == "proposed"


def test_a_header_with_only_the_required_columns_is_enough(people):
    preview = upload(people.client("manager"), people.org, csv_bytes("Kampala,funding", header="Name,Partnership_Kind"))
    assert outcomes(preview) == [(2, "new")]


def test_errors_are_given_per_row_and_column_with_the_add_partner_messages(people):
    client = people.client("manager")
    content = csv_bytes(
        "Good Partner,UG,,,,funding,,,,",
        ",XX,partner,NOT AN ID,123,kind-of,maybe,,2025-02-30,",
        "Late Partner,,,,,funding,,,2025-05-01,2025-01-01",
    )
    preview = upload(client, people.org, content)
    assert outcomes(preview) == [(2, "new"), (3, "error"), (4, "error")]
    errors = dict(
        ((plan.number, column), message) for plan in preview.context["plans"] for column, message in plan.errors
    )
    assert errors[(3, "name")] == "This field is required."
    assert errors[(3, "country")].startswith("Select a valid choice.")
    assert errors[(3, "iati_identifier")].startswith("“NOTANID” is not an organisation identifier.")
    assert errors[(3, "kvk_number")] == "A KvK number has exactly 8 digits, for example 41160054."
    assert errors[(3, "partnership_kind")].startswith("Select a valid choice.")
    assert errors[(3, "status")].startswith("Select a valid choice.")
    assert errors[(3, "starts_on")] == "Enter a valid date."
    assert errors[(4, "ends_on")] == "The end date must be on or after the start date."
    assert b"<code>kvk_number</code>: A KvK number has exactly 8 digits" in preview.content
    assert b"Import the 1 valid row and skip the rest" in preview.content

    # Without ticking the box nothing is saved.
    refused = confirm(client, people.org, preview)
    assert refused.status_code == 200
    assert refused.context["confirm"].errors["skip_errors"]
    assert not Partnership.objects.exists()

    response = confirm(client, people.org, preview, skip_errors=True)
    assert response.status_code == 302
    assert list(Partnership.objects.values_list("partner__name", flat=True)) == ["Good Partner"]


def test_existing_organisations_are_matched_by_normalised_identifiers(people):
    kampala = partner_org("Kampala Women's Network", iati_identifier="UG-NGB-1234")
    fonds = partner_org("Fonds Voorbeeld", kvk_number="41160054", country="NL")
    content = csv_bytes(
        "Kampala WN,,,ug-ngb- 1234,,funding,,,,",
        "Voorbeeld,,,,41 16 00 54,peer,,,,",
        "Mixed,,,UG-NGB-1234,41160054,implementing,,,,",
    )
    client = people.client("manager")
    preview = upload(client, people.org, content)
    assert outcomes(preview) == [(2, "existing"), (3, "existing"), (4, "error")]
    plans = preview.context["plans"]
    assert (plans[0].partner, plans[0].matched_by) == (kampala, "iati_identifier")
    assert (plans[1].partner, plans[1].matched_by) == (fonds, "kvk_number")
    assert plans[2].errors[0][0] == "kvk_number"
    confirm(client, people.org, preview, skip_errors=True)
    assert Organisation.objects.filter(name__in=["Kampala WN", "Voorbeeld"]).count() == 0
    assert set(Partnership.objects.values_list("partner", "kind")) == {(kampala.pk, "funding"), (fonds.pk, "peer")}


def test_partnerships_already_recorded_or_repeated_in_the_file_are_skipped(people):
    kampala = partner_org("Kampala Women's Network", iati_identifier="UG-NGB-1234")
    partnership(people.org, kampala, kind=Partnership.Kind.FUNDING)
    # Recorded by the other side counts too.
    partnership(people.other_org, people.org, kind=Partnership.Kind.PEER)
    people.other_org.iati_identifier = "NL-KVK-11111111"
    people.other_org.save()
    content = csv_bytes(
        "Kampala,,,UG-NGB-1234,,funding,,,,",
        "Ander,,,NL-KVK-11111111,,peer,,,,",
        "New One,,,,12345678,funding,,,,",
        "New One again,,,,12345678,funding,,,,",
        "New One,,,,12345678,peer,,,,",
        "No Ids,,,,,funding,,,,",
        "no ids,,,,,funding,,,,",
    )
    client = people.client("manager")
    preview = upload(client, people.org, content)
    assert outcomes(preview) == [(2, "skip"), (3, "skip"), (4, "new"), (5, "skip"), (6, "new"), (7, "new"), (8, "skip")]
    plans = preview.context["plans"]
    assert (plans[3].same_as, plans[4].same_as, plans[6].same_as) == (4, 4, 7)
    assert b"this partnership is already recorded" in preview.content
    confirm(client, people.org, preview)
    new_one = Organisation.objects.get(kvk_number="12345678")
    assert set(Partnership.objects.filter(partner=new_one).values_list("kind", flat=True)) == {"funding", "peer"}
    assert Organisation.objects.filter(name__iexact="no ids").count() == 1
    assert Partnership.objects.filter(organisation=people.org).count() == 4


def test_our_own_organisation_cannot_be_imported_as_a_partner(people):
    people.org.kvk_number = "41160054"
    people.org.save()
    preview = upload(people.client("manager"), people.org, csv_bytes("Us,,,,41160054,funding,,,,"))
    assert preview.context["plans"][0].errors == [("kvk_number", "An organisation cannot be its own partner.")]


def test_files_that_cannot_be_imported_are_refused_before_the_preview(people, settings):
    client = people.client("manager")

    def file_error(content: bytes) -> str:
        response = upload(client, people.org, content)
        assert response.status_code == 200
        assert "plans" not in response.context
        return " ".join(response.context["form"].errors["file"])

    assert "not UTF-8" in file_error("name,partnership_kind\nCafé,funding\n".encode("latin-1"))
    assert "missing: partnership_kind" in file_error(b"name,country\nKampala,UG\n")
    assert "Unknown columns in the header row: kvk" in file_error(b"name,partnership_kind,kvk\nKampala,funding,1\n")
    assert "no partners" in file_error(csv_bytes())
    assert "larger than 1 MB" in file_error(csv_bytes("x" * (1024 * 1024)))
    too_many = csv_bytes(*[f"Partner {n},funding" for n in range(2001)], header="name,partnership_kind")
    assert "more than 2,000 rows" in file_error(too_many)
    assert not Organisation.objects.filter(name__startswith="Partner").exists()


def test_exactly_the_row_limit_is_accepted(people):
    content = csv_bytes(*[f"Partner {n},funding" for n in range(2000)], header="name,partnership_kind")
    preview = upload(people.client("manager"), people.org, content)
    assert preview.context["counts"]["new"] == 2000


def test_a_confirmation_must_match_the_previewed_file(people):
    client = people.client("manager")
    first = upload(client, people.org, csv_bytes("First,,,,,funding,,,,"))
    upload(client, people.org, csv_bytes("Second,,,,,funding,,,,"))
    response = confirm(client, people.org, first)
    assert response.url == url("partners_import", people.org)
    assert not Partnership.objects.exists()


def test_changes_since_the_preview_are_shown_again(people):
    client = people.client("manager")
    kampala = partner_org("Kampala Women's Network", iati_identifier="UG-NGB-1234")
    preview = upload(client, people.org, csv_bytes("Kampala,,,UG-NGB-1234,,funding,,,,"))
    partnership(people.org, kampala, kind=Partnership.Kind.FUNDING)
    response = confirm(client, people.org, preview)
    assert response.status_code == 200
    assert outcomes(response) == [(2, "skip")]
    assert Partnership.objects.count() == 1


def test_an_export_imports_again(people):
    kampala = partner_org("Kampala Women's Network", iati_identifier="UG-NGB-1234")
    partnership(people.org, kampala, kind=Partnership.Kind.FUNDING, title="-5% overhead")
    exported = people.client("manager").get(url("partners_csv", people.org)).content
    # Imported by another organisation: matched, and the title comes back without the apostrophe.
    preview = upload(people.client("outsider"), people.other_org, exported)
    plan = preview.context["plans"][0]
    assert (plan.action, plan.partner, plan.partnership_data["title"]) == ("existing", kampala, "-5% overhead")


def test_only_managers_and_admins_import(people):
    content = csv_bytes("Kampala,,,,,funding,,,,")
    for persona in ("viewer", "member", "officer"):
        assert people.client(persona).get(url("partners_import", people.org)).status_code == 403
        assert upload(people.client(persona), people.org, content).status_code == 403
        assert people.client(persona).get(url("partners_import_template", people.org)).status_code == 403
    assert people.client("outsider").get(url("partners_import", people.org)).status_code == 404
    assert upload(people.client("outsider"), people.org, content).status_code == 404
    assert not Organisation.objects.filter(name="Kampala").exists()
