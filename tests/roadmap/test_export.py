"""The roadmap's steps as CSV: every step for the organisation's size with its own status, nobody else's."""

import csv
import io

from django.utils import timezone

from audit.models import Entry, Event
from roadmap.models import Completion, Step
from samen.csv_export import BOM
from tests.roadmap.helpers import url


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_download_lists_every_step_with_our_status_only(people, roadmap):
    Completion.objects.create(organisation=people.org, step=Step.objects.get(code="board-commitment"), note="Done")
    # Another organisation's progress never shows in ours.
    Completion.objects.create(organisation=people.other_org, step=Step.objects.get(code="risk-scan"), note="Done")
    response = people.client("viewer").get(url("roadmap_csv", people.org))
    assert response["Content-Disposition"].startswith('attachment; filename="hulp-integrity-roadmap-')
    rows = read_csv(response)
    assert rows[0] == ["Step", "Phase", "Block", "Status", "Done on"]
    state = people.client("viewer").get(url("roadmap", people.org)).context["state"]
    assert [r[0] for r in rows[1:]] == [str(step.title) for step in state.steps]
    done = [r for r in rows[1:] if r[3] == "Done"]
    assert len(done) == 1
    assert done[0][0] == str(Step.objects.get(code="board-commitment").title)
    assert done[0][4] == timezone.localdate().isoformat()


def test_a_title_that_looks_like_a_formula_is_neutralised(people, roadmap):
    Step.objects.filter(code="board-commitment").update(title_en="-1+1", title_nl="-1+1")
    rows = read_csv(people.client("member").get(url("roadmap_csv", people.org)))
    assert "'-1+1" in [r[0] for r in rows]


def test_the_page_links_to_the_download_which_is_audited(people, roadmap):
    assert "Download CSV of all steps" in people.client("viewer").get(url("roadmap", people.org)).content.decode()
    people.client("viewer").get(url("roadmap_csv", people.org))
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.organisation, entry.target) == ("viewer@hulp.example", "hulp", "integrity roadmap")
    assert entry.detail["format"] == "csv" and entry.detail["rows"] > 0


def test_without_a_roadmap_no_link_and_404_and_outsiders_get_404(people, db):
    assert "Download CSV" not in people.client("viewer").get(url("roadmap", people.org)).content.decode()
    assert people.client("viewer").get(url("roadmap_csv", people.org)).status_code == 404
    assert people.client("outsider").get(url("roadmap_csv", people.org)).status_code == 404
    assert people.client("anonymous").get(url("roadmap_csv", people.org)).status_code == 302
