"""The plan as CSV (for Excel) and as PDF (WeasyPrint, with the chart), for both organisations."""

import csv
import io
import shutil
import subprocess

import pytest
import weasyprint

from actions import exports
from audit.models import Entry
from tests.actions.helpers import client_for, url


@pytest.fixture
def filled(people, partner, plan):
    plan.add_action(title="Appoint a confidential adviser", owner=people.officer, by=people.manager)
    plan.add_action(title='=HYPERLINK("http://evil")', description="Ünïcode ✓", by=partner.admin)
    return plan


def test_csv_has_a_bom_a_header_and_a_row_per_action(people, partner, filled):
    response = client_for(partner.viewer).get(url("plan_csv", partner.org, code=filled.code))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="action-plan-safeguarding-2026-' in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0][:5] == ["Title", "Description", "Requirement", "Owner", "Owner's organisation"]
    by_title = {row[0]: row for row in rows[1:]}
    assert by_title["Appoint a confidential adviser"][3:5] == ["Officer", "Hulp Zonder Grenzen"]
    # A title that looks like a formula stays text in a spreadsheet.
    assert '\'=HYPERLINK("http://evil")' in by_title
    assert by_title['\'=HYPERLINK("http://evil")'][1] == "Ünïcode ✓"


def test_export_is_recorded_in_the_audit_log(people, filled):
    people.client("viewer").get(url("plan_csv", people.org, code=filled.code))
    entry = Entry.objects.get(event="export")
    assert (entry.actor, entry.organisation, entry.detail) == ("viewer@hulp.example", "hulp", {"format": "csv"})


def test_pdf_is_a_pdf_with_the_plan(people, filled):
    response = people.client("member").get(url("plan_pdf", people.org, code=filled.code))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5000
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the text of the PDF is checked through its HTML below")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Appoint a confidential adviser" in text


def test_the_print_html_holds_the_chart_the_figures_and_every_action(people, filled):
    html = exports.plan_html(filled)
    assert "<svg" in html and "Progress of Safeguarding 2026" in html
    assert "Appoint a confidential adviser" in html and "Kampala Women&#x27;s Network" in html
    assert "Total" in html


def test_the_pdf_fetches_nothing(people, plan, monkeypatch):
    """Only data: URIs load; an image or stylesheet pointing elsewhere is refused."""
    fetched = []
    original = weasyprint.URLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(weasyprint.URLFetcher, "fetch", spy)
    monkeypatch.setattr(
        exports,
        "plan_html",
        lambda plan: (
            '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd"><link rel="stylesheet" href="/s.css">'
        ),
    )
    assert exports.plan_pdf(plan).startswith(b"%PDF-")
    assert fetched  # the fetcher was asked, and refused (no exception escaped, nothing was read)
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")


def test_outsider_gets_404_for_both_exports(people, plan):
    for name in ("plan_csv", "plan_pdf"):
        assert people.client("outsider").get(url(name, people.org, code=plan.code)).status_code == 404
