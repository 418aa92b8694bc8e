"""The case list as CSV: need-to-know like the page (only my cases), only what the page shows, never content."""

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from audit.models import Entry, Event
from cases.handling import open_case, refresh_due
from cases.models import Case
from samen.csv_export import BOM
from speakup import keys as speakup_keys
from tests.conftest import PASSWORD


def url(name: str = "cases_csv", slug: str = "hulp") -> str:
    return reverse(f"cases:{name}", kwargs={"slug": slug})


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_download_holds_only_my_cases_and_no_content(case, people, client, english):
    # A case the officer is not on, and a case of another organisation: neither is in the download.
    not_mine = open_case(people.org, by=people.admin, source=Case.Source.PHONE, summary="Admin's own call.")
    speakup_keys.setup(people.outsider, PASSWORD)
    theirs = open_case(people.other_org, by=people.outsider, source=Case.Source.PHONE, summary="Ander's call.")

    client.force_login(people.officer)
    response = client.get(url())
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-cases-')
    rows = read_csv(response)
    assert rows[0] == [
        "Case",
        "Category",
        "Severity",
        "Phase",
        "Outcome",
        "Received",
        "Next due",
        "Due on",
        "Steps overdue",
        "Your role",
    ]
    assert [r[0] for r in rows[1:]] == [case.reference]
    assert rows[1][1] == "Not triaged yet"
    assert rows[1][5] == timezone.localdate().isoformat()
    # References count per organisation, so Ander's first case shares ours: one row is the proof.
    assert len(rows) == 2 and theirs.organisation == people.other_org
    text = response.content.decode()
    assert "warehouse" not in text and "call" not in text.lower()

    # The admin is on none of the officer's cases: their download has their own only.
    client.force_login(people.admin)
    assert [r[0] for r in read_csv(client.get(url()))[1:]] == [not_mine.reference]


def test_the_filters_apply_and_every_case_not_one_page(case, people, client, english):
    client.force_login(people.officer)
    assert read_csv(client.get(url(), {"state": "overdue"}))[1:] == []
    assert read_csv(client.get(url(), {"state": "concluded"}))[1:] == []
    Case.objects.filter(pk=case.pk).update(received_at=timezone.now() - timedelta(days=10))
    refresh_due(Case.objects.get(pk=case.pk))
    overdue = read_csv(client.get(url(), {"state": "overdue"}))
    assert [r[0] for r in overdue[1:]] == [case.reference]
    assert int(overdue[1][8]) >= 1
    by_reference = read_csv(client.get(url(), {"q": case.reference[-3:]}))
    assert [r[0] for r in by_reference[1:]] == [case.reference]

    for _n in range(30):
        open_case(people.org, by=people.officer, source=Case.Source.PHONE)
    assert len(read_csv(client.get(url()))) == 32


def test_a_reference_that_looks_like_a_formula_is_neutralised(case, people, client):
    Case.objects.filter(pk=case.pk).update(reference="=1+1")
    client.force_login(people.officer)
    assert read_csv(client.get(url()))[1][0] == "'=1+1"


def test_the_page_links_to_the_download_with_its_filters_and_it_is_audited(case, people, client, english):
    client.force_login(people.officer)
    page = client.get(url("cases"), {"state": "open", "page": "1"}).content.decode()
    assert f'href="{url()}?state=open"' in page
    client.get(url())
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.organisation, entry.target) == ("officer@hulp.example", "hulp", "case list")
    assert entry.detail == {"format": "csv", "rows": 1}


def test_no_link_without_cases_and_outsiders_get_404(people, client, english):
    client.force_login(people.officer)
    assert "Download CSV" not in client.get(url("cases")).content.decode()
    client.force_login(people.outsider)
    assert client.get(url()).status_code == 404
    client.logout()
    assert client.get(url()).status_code == 302
