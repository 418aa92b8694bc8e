"""The list of dilemma sessions as CSV: every session the page lists (not one page), nothing of others."""

import csv
import io

from django.urls import reverse

from audit.models import Entry, Event
from dialogue.models import Session
from samen.csv_export import BOM


def url(name: str = "sessions_csv", slug: str = "hulp") -> str:
    return reverse(f"dialogue:{name}", kwargs={"slug": slug})


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_download_lists_our_sessions_and_none_of_anothers(people, draft, english):
    Session.objects.create(organisation=people.other_org, title="Ander's own session")
    response = people.client("viewer").get(url())
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-dilemma-sessions-')
    rows = read_csv(response)
    assert rows[0] == ["Session", "Prepared on", "Facilitator", "Organisation", "Status", "Dilemmas", "Participants"]
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == "Partners and procurement"
    assert row[1] == draft.created_at.date().isoformat()
    assert row[3:6] == ["Hulp Zonder Grenzen", draft.get_status_display(), str(draft.items.count())]
    assert "Ander" not in response.content.decode()


def test_every_session_not_one_page_and_formulas_are_neutralised(people, english):
    for n in range(22):
        Session.objects.create(organisation=people.org, title=f"Session {n}")
    Session.objects.create(organisation=people.org, title="@SUM(A1:A2)")
    rows = read_csv(people.client("member").get(url()))
    assert len(rows) == 24
    assert "'@SUM(A1:A2)" in [r[0] for r in rows]


def test_the_page_links_to_the_download_which_is_audited(people, draft, english):
    assert "Download CSV" in people.client("viewer").get(url("sessions")).content.decode()
    people.client("viewer").get(url())
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.organisation, entry.target) == ("viewer@hulp.example", "hulp", "dilemma sessions")
    assert entry.detail == {"format": "csv", "rows": 1}


def test_no_link_on_an_empty_list_and_outsiders_get_404(people, english):
    assert "Download CSV" not in people.client("viewer").get(url("sessions")).content.decode()
    assert people.client("outsider").get(url()).status_code == 404
    assert people.client("anonymous").get(url()).status_code == 302
