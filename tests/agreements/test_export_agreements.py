"""The list of agreements as CSV: what the page lists with its `due` filter, all of it, nothing of others."""

import csv
import io
from datetime import timedelta

from django.utils import timezone

from agreements.models import Agreement
from audit.models import Entry, Event
from samen.csv_export import BOM
from tests.agreements.conftest import make, url


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_download_lists_our_agreements_with_the_due_filter(people, partner, clause_set, partnership):
    today = timezone.localdate()
    soon, later = make(people, partnership), make(people, partnership)
    soon.set_dates(today, today + timedelta(days=30))
    later.set_dates(today, today + timedelta(days=300))

    response = people.client("viewer").get(url("agreements_csv", "hulp"))
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-agreements-')
    rows = read_csv(response)
    assert rows[0] == [
        "Agreement",
        "For",
        "Language",
        "Drawn up on",
        "Drawn up by",
        "Signed on",
        "Review on",
        "Review",
    ]
    assert len(rows) == 3
    assert {r[0] for r in rows[1:]} == {"Hulp Zonder Grenzen — Kampala Women's Network"}
    assert rows[1][1] == "Partnership" and rows[1][4] == "Us"
    assert sorted(r[6] for r in rows[1:]) == sorted(
        [(today + timedelta(days=30)).isoformat(), (today + timedelta(days=300)).isoformat()]
    )

    due = read_csv(people.client("viewer").get(url("agreements_csv", "hulp"), {"due": "1"}))
    assert [(r[6], r[7]) for r in due[1:]] == [((today + timedelta(days=30)).isoformat(), "Review due soon")]
    # Another organisation never gets our agreements in its download.
    assert read_csv(people.client("outsider").get(url("agreements_csv", "ander")))[1:] == []


def test_a_title_that_looks_like_a_formula_is_neutralised(people, clause_set, partnership):
    agreement = make(people, partnership)
    # The title is the alliance's name for an alliance agreement: one starting with "=" comes out as text.
    Agreement.objects.filter(pk=agreement.pk).update(parties={**agreement.parties, "alliance": "=SUM(A1)"})
    rows = read_csv(people.client("member").get(url("agreements_csv", "hulp")))
    assert rows[1][0] == "'=SUM(A1)"


def test_the_page_links_to_the_download_with_its_filter_and_it_is_audited(people, clause_set, partnership):
    today = timezone.localdate()
    make(people, partnership).set_dates(today, today + timedelta(days=10))
    page = people.client("viewer").get(url("agreements", "hulp"), {"due": "1"}).content.decode()
    assert f'href="{url("agreements_csv", "hulp")}?due=1"' in page
    people.client("viewer").get(url("agreements_csv", "hulp"))
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.organisation, entry.target) == ("viewer@hulp.example", "hulp", "agreements")
    assert entry.detail == {"format": "csv", "rows": 1}


def test_no_link_on_an_empty_list_and_outsiders_get_404(people):
    assert "Download CSV" not in people.client("viewer").get(url("agreements", "hulp")).content.decode()
    assert people.client("outsider").get(url("agreements_csv", "hulp")).status_code == 404
    assert people.client("anonymous").get(url("agreements_csv", "hulp")).status_code == 302
