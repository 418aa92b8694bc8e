"""The list of power-awareness sessions as CSV: what both partners' pages list (all of it), nothing of others."""

import csv
import io

from audit.models import Entry, Event
from dialogue.models import Session
from organisations.models import Organisation, Partnership
from power import running
from samen.csv_export import BOM
from tests.power.conftest import url


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def test_both_partners_download_the_session_and_others_do_not(people, partner, session):
    elsewhere = Organisation.objects.create(slug="elders", name="Elders", kind="partner", country="UG")
    theirs = Partnership.objects.create(organisation=people.other_org, partner=elsewhere, kind="funding")
    running.create(organisation=people.other_org, partnership=theirs, title="Not ours", by=people.outsider)
    # A dilemma session is not a power-awareness session.
    Session.objects.create(organisation=people.org, title="A dilemma session")

    response = people.client("viewer").get(url("sessions_csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-power-awareness-sessions-')
    rows = read_csv(response)
    assert rows[0] == ["Session", "Partnership", "Status", "Prepared on", "Prepared by"]
    assert rows[1:] == [
        [
            "Hulp and Kampala",
            "Hulp Zonder Grenzen — Kampala Women's Network",
            session.get_status_display(),
            session.created_at.date().isoformat(),
            "Hulp Zonder Grenzen",
        ]
    ]
    kampala = read_csv(partner.client("viewer").get(url("sessions_csv", slug="kampala")))
    assert [r[0] for r in kampala[1:]] == ["Hulp and Kampala"]


def test_every_session_not_one_page_and_formulas_are_neutralised(people, partner):
    for n in range(26):
        running.create(organisation=people.org, partnership=partner.partnership, title=f"S {n}", by=people.manager)
    running.create(organisation=people.org, partnership=partner.partnership, title="=2*3", by=people.manager)
    rows = read_csv(people.client("member").get(url("sessions_csv")))
    assert len(rows) == 28
    assert "'=2*3" in [r[0] for r in rows]


def test_the_page_links_to_the_download_which_is_audited(people, session):
    assert "Download CSV" in people.client("viewer").get(url("sessions")).content.decode()
    people.client("viewer").get(url("sessions_csv"))
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.organisation, entry.target) == (
        "viewer@hulp.example",
        "hulp",
        "power-awareness sessions",
    )
    assert entry.detail == {"format": "csv", "rows": 1}


def test_no_link_on_an_empty_list_and_outsiders_get_404(people):
    assert "Download CSV" not in people.client("viewer").get(url("sessions")).content.decode()
    assert people.client("outsider").get(url("sessions_csv")).status_code == 404
    assert people.client("anonymous").get(url("sessions_csv")).status_code == 302
