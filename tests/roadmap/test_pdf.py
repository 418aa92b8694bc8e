"""The director's one-page overview as PDF."""

import shutil
import subprocess

import pytest

from audit.models import Entry, Event
from roadmap.models import Completion, Step
from tests.roadmap.helpers import url


def test_the_overview_pdf(people, roadmap):
    Completion.objects.create(
        organisation=people.org, step=Step.objects.get(code="code-of-conduct"), note="x", done_by=people.officer
    )
    response = people.client("viewer").get(url("roadmap_pdf", people.org))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="integrity-roadmap-hulp-zonder-grenzen-' in response["Content-Disposition"]
    assert Entry.objects.get(event=Event.EXPORT).target == "integrity roadmap"


def test_the_overview_fits_on_one_page_and_names_the_next_steps(people, roadmap):
    for step in Step.objects.for_size("D")[:20]:
        Completion.objects.create(organisation=people.org, step=step, note="x")
    pdf = people.client("member").get(url("roadmap_pdf", people.org)).content
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the text of the PDF is checked through its HTML below")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    # pdftotext ends every page with a form feed.
    assert text.count("\f") == 1
    assert "Hulp Zonder Grenzen" in text and "Next steps" in text and "and 8 more" in text


def test_the_print_html_has_chart_steps_done_and_next_steps(people, roadmap):
    from roadmap.exports import overview_html
    from roadmap.progress import standing

    for code in ("board-commitment", "code-of-conduct"):
        Completion.objects.create(organisation=people.org, step=Step.objects.get(code=code), note="x")
    state = standing(people.org)
    assert state is not None
    html = overview_html(people.org, state)
    assert "<svg" in html and "Progress per block" in html
    assert "Steps done" in html and "Adopt a code of conduct" in html
    assert "Appoint someone responsible for integrity" in html  # the next step


def test_outsiders_get_404(people, roadmap):
    assert people.client("outsider").get(url("roadmap_pdf", people.org)).status_code == 404
