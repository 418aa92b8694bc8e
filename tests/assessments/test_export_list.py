"""The assessments list as CSV: what the page shows with its filters, nothing of others, safe in a spreadsheet."""

import csv
import io

from assessments.models import Assessment
from audit.models import Entry, Event
from organisations.models import Organisation
from samen.csv_export import BOM
from tests.assessments.helpers import make_partner, request_of, url


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_download_lists_every_visible_assessment_and_follows_the_filters(people, partner, baseline):
    requested = request_of(people, partner, baseline)
    Assessment.objects.create(library=baseline, organisation=people.org)
    # Another organisation's self-assessment: never in our download.
    Assessment.objects.create(library=baseline, organisation=people.other_org)
    client = people.client("viewer")

    response = client.get(url("assessments_csv", people.org))
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-assessments-')
    rows = read_csv(response)
    assert rows[0] == [
        "Organisation assessed",
        "Questionnaire",
        "Asked by",
        "Status",
        "Valid until",
        "Shared with you",
        "Created on",
    ]
    assert sorted(r[0] for r in rows[1:]) == ["Hulp Zonder Grenzen", "Kampala Women's Network"]
    kampala = next(r for r in rows if r[0] == "Kampala Women's Network")
    assert kampala[2:4] == ["Hulp Zonder Grenzen", "Draft"]
    assert kampala[6] == requested.created_at.date().isoformat()
    ours = next(r for r in rows if r[0] == "Hulp Zonder Grenzen")
    assert ours[2] == "self-assessment"
    assert "Ander" not in response.content.decode()

    mine = read_csv(client.get(url("assessments_csv", people.org), {"show": "of_us"}))
    assert [r[0] for r in mine[1:]] == ["Hulp Zonder Grenzen"]
    asked = read_csv(client.get(url("assessments_csv", people.org), {"show": "requested", "q": "kampala"}))
    assert [r[0] for r in asked[1:]] == ["Kampala Women's Network"]
    assert read_csv(client.get(url("assessments_csv", people.org), {"status": "final"}))[1:] == []


def test_all_matching_rows_not_one_page(people, baseline):
    for n in range(30):
        other = Organisation.objects.create(slug=f"partner-{n:02d}", name=f"Partner {n:02d}", kind="partner")
        Assessment.objects.create(library=baseline, organisation=other, requester=people.org)
    rows = read_csv(people.client("member").get(url("assessments_csv", people.org), {"page": "1"}))
    assert len(rows) == 31


def test_a_name_that_looks_like_a_formula_is_neutralised(people, baseline):
    partner = make_partner(people, name='=HYPERLINK("http://evil.example")', slug="evil")
    request_of(people, partner, baseline)
    rows = read_csv(people.client("member").get(url("assessments_csv", people.org)))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'


def test_the_page_links_to_the_download_with_its_filters_and_the_download_is_audited(people, partner, baseline):
    request_of(people, partner, baseline)
    page = people.client("viewer").get(url("assessments", people.org), {"show": "requested", "page": "1"})
    assert f'href="{url("assessments_csv", people.org)}?show=requested"'.encode() in page.content
    empty = people.client("viewer").get(url("assessments", people.org), {"status": "final"})
    assert b"Download CSV" not in empty.content

    people.client("viewer").get(url("assessments_csv", people.org))
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.organisation, entry.target) == ("viewer@hulp.example", "hulp", "assessments")
    assert entry.detail == {"format": "csv", "rows": 1}


def test_outsiders_get_404_and_anonymous_people_log_in(people):
    assert people.client("outsider").get(url("assessments_csv", people.org)).status_code == 404
    assert people.client("anonymous").get(url("assessments_csv", people.org)).status_code == 302
    assert not Entry.objects.filter(event=Event.EXPORT).exists()
