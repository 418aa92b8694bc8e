"""The annual account's pages: the years, one year (tables, chart, reflection), the reflection form, CSV and PDF.

The seeded year is the hand-counted 2025 of test_annual_figures.py.
"""

import csv
import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from audit.models import Entry, Event
from cases.annual import current_year
from cases.forms_annual import REFLECTION_LIMIT
from cases.models import AnnualAccount, Case
from tests.cases.conftest import build_playbook
from tests.cases.test_annual_figures import Seeder, at, seed_2025


@pytest.fixture
def seeded(people):
    return seed_2025(people)


def url(name: str, people, year: int | None = None) -> str:
    kwargs: dict[str, object] = {"slug": people.org.slug}
    if year is not None:
        kwargs["year"] = year
    return reverse(f"cases:{name}", kwargs=kwargs)


def test_the_years_list_years_with_cases_and_this_year(people, seeded, english):
    response = people.client("manager").get(url("annual_years", people))
    assert response.status_code == 200
    page = response.content.decode()
    for year in (current_year(), 2025, 2024):
        assert url("annual_account", people, year) in page
    assert url("annual_account", people, 2023) not in page
    assert "<td>14</td>" in page and "<td>&lt; 5</td>" in page


def test_the_account_shows_tables_chart_and_the_suppression_sentence(people, seeded, english):
    response = people.client("officer").get(url("annual_account", people, 2025))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Annual account 2025" in page
    assert "Cases received in 2025: <strong>14</strong>" in page
    assert 'shows as "&lt; 5"' in page  # the sentence that explains it
    # The category table as counted by hand: financial hidden, interpersonal 6, not categorised < 5.
    assert '<th scope="row">Financial</th><td>hidden</td>' in page
    assert '<th scope="row">Interpersonal</th><td>6</td>' in page
    assert '<th scope="row">Not yet categorised</th><td>&lt; 5</td>' in page
    assert '<th scope="row">Substantiated</th><td>5</td>' in page
    assert "Cases still open at the end of 2025: <strong>8</strong>" in page
    # The chart draws only what is shown, and says what it leaves out.
    assert "<svg" in page and "Cases received in 2025 by category" in page
    assert "Not drawn, because their number is not shown: Financial, Not yet categorised." in page
    # Handling times of all cases and of interpersonal; a group under 5 shows a dash.
    assert "<td>3.0</td>" in page and "<td>79%</td>" in page and "<td>90.0</td>" in page
    assert "<td>2.5</td>" in page and "<td>83%</td>" in page and "<td>—</td>" in page
    assert url("annual_pdf", people, 2025) in page and url("annual_csv", people, 2025) in page


def test_a_year_with_nothing_says_so(people, seeded, english):
    page = people.client("admin").get(url("annual_account", people, 2023)).content.decode()
    assert "No cases and no speak-up reports in 2023." in page
    assert "<svg" not in page and "Cases by category" not in page
    assert "Write the reflection" in page


def test_years_outside_the_account_are_not_found(people):
    client = people.client("officer")
    assert client.get(url("annual_account", people, current_year() + 1)).status_code == 404
    assert client.get(url("annual_account", people, 1999)).status_code == 404
    assert client.get(url("annual_reflection", people, current_year() + 1)).status_code == 404


def test_who_reads_and_who_writes(people, seeded):
    for persona in ("admin", "officer", "manager"):
        assert people.client(persona).get(url("annual_account", people, 2025)).status_code == 200
    for persona in ("member", "viewer"):
        assert people.client(persona).get(url("annual_account", people, 2025)).status_code == 403
    assert people.client("outsider").get(url("annual_account", people, 2025)).status_code == 404
    # The manager reads the reflection but may not write it, and is not offered to.
    page = people.client("manager").get(url("annual_account", people, 2025)).content.decode()
    assert url("annual_reflection", people, 2025) not in page
    assert people.client("manager").get(url("annual_reflection", people, 2025)).status_code == 403
    response = people.client("manager").post(url("annual_reflection", people, 2025), {"reflection": "Mine"})
    assert response.status_code == 403
    assert not AnnualAccount.objects.exists()


def test_the_officer_writes_the_reflection_and_it_is_logged(people, seeded, english):
    client = people.client("officer")
    form = client.get(url("annual_reflection", people, 2025))
    assert form.status_code == 200 and 'name="reflection"' in form.content.decode()
    response = client.post(url("annual_reflection", people, 2025), {"reflection": "  Fewer late acknowledgements.  "})
    assert response.status_code == 302 and response["Location"] == url("annual_account", people, 2025)
    account = AnnualAccount.objects.get(organisation=people.org, year=2025)
    assert (account.reflection, account.updated_by) == ("Fewer late acknowledgements.", people.officer)
    entry = Entry.objects.get(event=Event.ANNUAL_ACCOUNT_CHANGED)
    assert (entry.actor, entry.organisation, entry.target) == ("officer@hulp.example", "hulp", "annual account 2025")
    assert "Fewer" not in str(entry.detail)  # the text stays out of the log
    # The manager reads it on the account page.
    page = people.client("manager").get(url("annual_account", people, 2025)).content.decode()
    assert "Fewer late acknowledgements." in page and "Last changed by Officer" in page
    # Saving the same text again changes nothing and logs nothing.
    client.post(url("annual_reflection", people, 2025), {"reflection": "Fewer late acknowledgements."})
    assert Entry.objects.filter(event=Event.ANNUAL_ACCOUNT_CHANGED).count() == 1
    # The admin edits it.
    people.client("admin").post(url("annual_reflection", people, 2025), {"reflection": "Second thoughts."})
    account.refresh_from_db()
    assert (account.reflection, account.updated_by) == ("Second thoughts.", people.admin)


def test_a_reflection_too_long_is_refused_with_a_message(people, english):
    response = people.client("officer").post(
        url("annual_reflection", people, 2025), {"reflection": "x" * (REFLECTION_LIMIT + 1)}
    )
    assert response.status_code == 200
    assert "Ensure this value has at most" in response.content.decode()
    assert not AnnualAccount.objects.exists()


def test_the_csv_has_the_figures_with_small_counts_as_text(people, seeded, english):
    AnnualAccount.objects.create(organisation=people.org, year=2025, reflection='=HYPERLINK("http://evil")')
    response = people.client("manager").get(url("annual_csv", people, 2025))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="hulp-zonder-grenzen-annual-account-2025-' in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == ["Section", "Item", "Value"]
    assert ["Cases received", "Total", "14"] in rows
    assert ["Cases by category", "Financial", "hidden"] in rows
    assert ["Cases by category", "Not yet categorised", "< 5"] in rows
    assert ["Cases by route", "Speak-up channel", "< 5"] in rows
    assert ["Speak-up reports", "Total", "10"] in rows
    assert ["Handling times: All cases", "Median days to acknowledge", "3.0"] in rows
    assert ["Handling times: Interpersonal", "Median days to close", ""] in rows
    # A reflection that looks like a formula stays text in a spreadsheet.
    assert ["Reflection", "", '\'=HYPERLINK("http://evil")'] in rows
    entry = Entry.objects.get(event=Event.EXPORT)
    assert (entry.actor, entry.target, entry.detail) == (
        "manager@hulp.example",
        "annual account 2025",
        {"format": "csv", "year": 2025},
    )


def test_the_pdf_holds_the_figures_the_chart_and_the_reflection(people, seeded, english):
    AnnualAccount.objects.create(organisation=people.org, year=2025, reflection="We answered faster this year.")
    response = people.client("officer").get(url("annual_pdf", people, 2025))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="hulp-zonder-grenzen-annual-account-2025-' in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert Entry.objects.get(event=Event.EXPORT).detail == {"format": "pdf", "year": 2025}
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the print HTML is checked in the next test")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    # pdftotext sets "< 5" as "<5" (it reads the narrow gap as none).
    text = " ".join(text.decode().split()).replace("< ", "<")
    assert "Annual account 2025" in text and "Hulp Zonder Grenzen" in text
    assert "Cases received in 2025: 14." in text
    assert "Interpersonal 6" in text and "Not yet categorised <5" in text and "Financial hidden" in text
    assert "Substantiated 5" in text and "Cases still open at the end of 2025: 8." in text
    assert "We answered faster this year." in text
    # The chart (its bars' labels and numbers are text in the PDF too), without the hidden categories.
    assert "Power 0 Interpersonal 6 Cases received per category" in text
    assert "All cases 3.0 79% 50.0 71% 90.0 Interpersonal 2.5 83% 60.0 67% —" in text


def test_the_print_html_has_the_same_chart_as_the_page(people, seeded, english, rf):
    from cases.annual import figures
    from cases.views.annual import account_html

    request = rf.get("/")
    request.user = people.officer
    membership = people.officer.memberships.get(organisation=people.org)
    html = account_html(request, membership, figures(people.org, 2025))
    assert "<svg" in html and "Cases received in 2025 by category" in html
    assert "<td>hidden</td>" in html and "<td>&lt; 5</td>" in html


def test_downloads_follow_the_same_access(people, seeded):
    for name in ("annual_csv", "annual_pdf"):
        assert people.client("member").get(url(name, people, 2025)).status_code == 403
        assert people.client("outsider").get(url(name, people, 2025)).status_code == 404
    assert not Entry.objects.filter(event=Event.EXPORT).exists()


def test_a_breakdown_that_would_give_a_small_group_away_is_withheld(people, english):
    """One case by the speak-up channel and five by phone: "< 5" and a hidden count of at least 5 that make 6 can
    only be 1 and 5, so the table of routes is not shown at all; the total still is."""
    seed = Seeder(people.org, build_playbook())
    seed.case(at(2022, 3, 1), source=Case.Source.SPEAKUP, ack=1)
    for day in range(5):
        seed.case(at(2022, 4, 1 + day), ack=1)
    page = people.client("manager").get(url("annual_account", people, 2022)).content.decode()
    assert "Cases received in 2022: <strong>6</strong>" in page
    assert "Cases by route: not shown." in page
    assert "Speak-up channel" not in page
