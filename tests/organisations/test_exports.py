"""CSV downloads of an organisation's lists: what the page shows, nothing of others, safe in a spreadsheet."""

import csv
import io

from audit.models import Entry, Event
from organisations.models import Alliance, AllianceMember, Consent, Partnership
from samen.csv_export import BOM, safe_cell
from tests.organisations.helpers import partner_org, partnership, url


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def test_formula_cells_are_made_plain_text():
    assert [safe_cell(v) for v in ["=1+1", "+31", "-2", "@SUM(A1)", "\tx", "plain", None, 3]] == [
        "'=1+1",
        "'+31",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        "",
        "3",
    ]


def test_partners_csv_lists_the_partners_with_the_page_filters(people):
    kampala = partner_org("Kampala Women's Network", iati_identifier="UG-NGB-1234")
    bogota = partner_org("Bogotá Youth Collective", country="CO")
    partnership(people.org, kampala, kind=Partnership.Kind.FUNDING, title="Clean water", starts_on="2025-01-01")
    partnership(people.org, bogota, kind=Partnership.Kind.IMPLEMENTING, status=Partnership.Status.ENDED)
    # Recorded by the other side: listed too, with the other side as the partner.
    partnership(people.other_org, people.org, kind=Partnership.Kind.PEER)
    # Someone else's partnership: never in our download.
    partnership(people.other_org, kampala, kind=Partnership.Kind.IMPLEMENTING, title="Not ours")

    response = people.client("viewer").get(url("partners_csv", people.org))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-partners-')
    rows = read_csv(response)
    assert rows[0][:6] == ["name", "country", "kind", "iati_identifier", "kvk_number", "partnership_kind"]
    assert sorted(r[0] for r in rows[1:]) == ["Ander Fonds", "Bogotá Youth Collective", "Kampala Women's Network"]
    assert (next(r for r in rows if r[0] == "Kampala Women's Network")[:8]) == [
        "Kampala Women's Network",
        "UG",
        "partner",
        "UG-NGB-1234",
        "",
        "funding",
        "active",
        "Clean water",
    ]
    assert "Not ours" not in response.content.decode()

    filtered = read_csv(people.client("viewer").get(url("partners_csv", people.org), {"status": "ended"}))
    assert [r[0] for r in filtered[1:]] == ["Bogotá Youth Collective"]
    by_name = read_csv(people.client("viewer").get(url("partners_csv", people.org), {"q": "ander"}))
    assert [r[0] for r in by_name[1:]] == ["Ander Fonds"]


def test_the_partners_page_links_to_the_download_with_its_filters(people):
    partnership(people.org, partner_org(), status=Partnership.Status.ACTIVE)
    response = people.client("viewer").get(url("partners", people.org), {"status": "active", "page": "1"})
    assert f'href="{url("partners_csv", people.org)}?status=active"'.encode() in response.content


def test_a_partner_name_that_looks_like_a_formula_is_neutralised(people):
    partnership(people.org, partner_org('=HYPERLINK("http://evil.example")'), title="@risk")
    rows = read_csv(people.client("member").get(url("partners_csv", people.org)))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][7] == "'@risk"


def test_downloads_are_audited(people):
    people.client("member").get(url("partners_csv", people.org), {"kind": "funding"})
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.organisation, entry.target) == ("member@hulp.example", "hulp", "partners")
    assert entry.detail == {"format": "csv", "rows": 0}


def test_alliances_csv_lists_the_alliances_we_are_in(people):
    ours = Alliance.objects.create(name="Samen Sterk", lead=people.org)
    AllianceMember.objects.create(alliance=ours, organisation=people.org)
    AllianceMember.objects.create(alliance=ours, organisation=people.other_org)
    theirs = Alliance.objects.create(name="Other Alliance", lead=people.other_org)
    AllianceMember.objects.create(alliance=theirs, organisation=people.other_org)
    response = people.client("viewer").get(url("alliances_csv", people.org))
    assert read_csv(response)[1:] == [["Samen Sterk", "Hulp Zonder Grenzen", "2", "", ""]]
    assert b"Download CSV" in people.client("viewer").get(url("alliances", people.org)).content


def test_people_csv_is_for_admins_only(people):
    response = people.client("admin").get(url("people_csv", people.org))
    rows = read_csv(response)
    assert rows[0] == ["Name", "Email", "Role", "Member since"]
    assert sorted(r[1] for r in rows[1:]) == [
        f"{role}@hulp.example" for role in sorted(["admin", "officer", "manager", "member", "viewer"])
    ]
    assert "admin@ander.example" not in response.content.decode()
    for persona in ("officer", "manager", "member", "viewer"):
        assert people.client(persona).get(url("people_csv", people.org)).status_code == 403
    assert b"people/csv/" not in people.client("manager").get(url("people", people.org)).content


def test_people_csv_follows_the_search(people):
    rows = read_csv(people.client("admin").get(url("people_csv", people.org), {"q": "viewer"}))
    assert [r[1] for r in rows[1:]] == ["viewer@hulp.example"]


def test_sharing_csv_lists_consents_given_only(people):
    Consent.give(organisation=people.org, subject="partnerships", by=people.manager, scope=Consent.Scope.SECTOR)
    Consent.give(
        organisation=people.other_org,
        subject="partnerships",
        by=people.outsider,
        scope=Consent.Scope.ORGANISATION,
        to_organisation=people.org,
    )
    rows = read_csv(people.client("viewer").get(url("sharing_csv", people.org)))
    assert len(rows) == 2
    assert rows[1][1:3] == ["The whole sector", "the whole sector"]
    assert rows[1][-1] == "yes"


def test_outsiders_get_404_and_anonymous_people_log_in(people):
    for name in ("partners_csv", "alliances_csv", "people_csv", "sharing_csv"):
        assert people.client("outsider").get(url(name, people.org)).status_code == 404
        assert people.client("anonymous").get(url(name, people.org)).status_code == 302
    assert not Entry.objects.filter(event=Event.EXPORT).exists()
