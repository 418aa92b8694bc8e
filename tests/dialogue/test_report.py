"""The session's report (page and PDF), and what its records become: actions and library dilemmas."""

import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import ActionPlan
from audit.models import Entry
from dialogue import report as reporting
from dialogue.models import Participant, Record, Session, Vote
from dilemmas.models import Dilemma, Status
from organisations.models import Partnership
from tests.dialogue.conftest import current, join, org_url, vote


@pytest.fixture
def held(people, live_session) -> Session:
    """Four participants (two gave a name) voted on the first dilemma; an agreement and a lesson recorded."""
    for name, choice in [("Ann", 1), ("", 2), ("Bram", 2), ("", 3)]:
        vote(join(live_session, name), live_session, choice)
    item = current(live_session)
    Record.objects.create(
        session=live_session,
        organisation=people.org,
        item=item,
        kind="agreement",
        text="Ask two quotes for every purchase over 500 euro.",
    )
    Record.objects.create(
        session=live_session,
        organisation=people.org,
        kind="lesson",
        text="Family ties must be declared before a contract.",
    )
    live_session.close()
    return live_session


def test_the_report_page_counts_people_and_votes_and_names_only_those_given(people, held, english):
    page = people.client("viewer").get(org_url("report", held)).content.decode()
    assert "Report: Partners and procurement" in page
    assert "<td>4</td>" in page and "Ann, Bram" in page
    assert "Ask the board" in page and "<svg" in page and "<td>2</td><td>50</td>" in page
    assert "Ask two quotes for every purchase" in page and "Family ties must be declared" in page
    assert "Nobody voted on this dilemma." in page  # the second dilemma
    # Readers see no buttons to change anything.
    assert "Make it an action" not in page
    assert "Make it an action" in people.client("officer").get(org_url("report", held)).content.decode()


def test_the_report_pdf_holds_the_figures_charts_and_records(people, held):
    response = people.client("member").get(org_url("report_pdf", held))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and 'attachment; filename="session-' in response["Content-Disposition"]
    assert Entry.objects.filter(event="export", actor="member@hulp.example", organisation="hulp").exists()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the print HTML is checked in the next test")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    for expected in (
        "Partners and procurement",
        "Ann, Bram",
        "Ask the board",
        "Ask two quotes for every purchase",
        "Family ties must be declared",
    ):
        assert expected in text, expected


def test_the_print_html_has_a_chart_per_voted_dilemma(people, held):
    html = reporting.report_html(reporting.build(held), people.officer)
    assert html.count("<svg") == 1 and "Votes on “Our cousin supplies the rice”" in html


def test_the_report_reads_a_constant_number_of_queries(people, held, dilemmas):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            reporting.build(Session.objects.get(pk=held.pk))
        return len(queries)

    few = count()
    second = held.items.get(position=2)
    for index in range(6):
        participant = Participant.objects.create(
            session=held, organisation=people.org, token_hash=f"{index:064}", display_name=f"P{index}"
        )
        Vote.objects.create(
            session=held, organisation=people.org, item=second, participant=participant, choice=index % 4 + 1
        )
        Record.objects.create(session=held, organisation=people.org, item=second, kind="lesson", text=f"Lesson {index}")
    assert count() == few <= 8


def test_reports_of_another_organisation_are_invisible(people, held):
    assert people.client("outsider").get(org_url("report", held)).status_code == 404
    assert people.client("outsider").get(org_url("report", held).replace("/hulp/", "/ander/")).status_code == 404
    assert people.client("outsider").get(org_url("report_pdf", held).replace("/hulp/", "/ander/")).status_code == 404


def test_an_agreement_becomes_an_action_in_the_sessions_plan(people, held, english):
    partnership = Partnership.objects.create(organisation=people.org, partner=people.other_org)
    Session.objects.filter(pk=held.pk).update(partnership=partnership)
    agreement = Record.objects.get(kind="agreement")
    response = people.client("officer").post(org_url("record_action", held, record=agreement.code))
    assert response.status_code == 302
    plan = ActionPlan.objects.get()
    assert (plan.source_kind, plan.source_code, plan.organisation, plan.partner) == (
        "session",
        held.code,
        people.org,
        people.other_org,
    )
    agreement.refresh_from_db()
    assert agreement.action is not None and agreement.action.plan == plan
    assert agreement.action.title == "Ask two quotes for every purchase over 500 euro."
    # Once only; a second agreement lands in the same plan.
    people.client("officer").post(org_url("record_action", held, record=agreement.code))
    second = Record.objects.create(session=held, organisation=people.org, kind="agreement", text="Publish the quotes.")
    people.client("officer").post(org_url("record_action", held, record=second.code))
    assert ActionPlan.objects.count() == 1 and plan.actions.count() == 2
    page = people.client("officer").get(org_url("report", held)).content.decode()
    assert "Publish the quotes." in page and "To do" in page


def test_a_lesson_does_not_become_an_action_nor_an_agreement_a_dilemma(people, held):
    lesson, agreement = Record.objects.get(kind="lesson"), Record.objects.get(kind="agreement")
    assert people.client("officer").post(org_url("record_action", held, record=lesson.code)).status_code == 404
    assert people.client("officer").post(org_url("record_dilemma", held, record=agreement.code)).status_code == 404
    assert people.client("member").post(org_url("record_action", held, record=agreement.code)).status_code == 403
    assert not ActionPlan.objects.exists()


def test_a_lesson_becomes_a_draft_dilemma_that_goes_through_the_review(people, held):
    item = held.items.get(position=1)
    lesson = Record.objects.create(
        session=held,
        organisation=people.org,
        item=item,
        kind="lesson",
        text="A partner's director hired his nephew. Nobody asked.",
    )
    response = people.client("officer").post(org_url("record_dilemma", held, record=lesson.code))
    dilemma = Dilemma.objects.exclude(pk__in=[i.dilemma_id for i in held.items.all()]).get()
    assert response.status_code == 302 and response["Location"] == f"/o/hulp/dilemmas/{dilemma.code}/edit/"
    assert (dilemma.status, dilemma.author, dilemma.organisation, dilemma.context) == (
        Status.DRAFT,
        people.officer,
        people.org,
        item.dilemma.context,
    )
    assert "hired his nephew" in dilemma.situation
    lesson.refresh_from_db()
    assert lesson.dilemma == dilemma
    # A draft is its author's alone: the member does not see it, and it cannot be submitted without options.
    assert people.client("member").get(f"/o/hulp/dilemmas/{dilemma.code}/").status_code == 404
    assert dilemma.missing()
    # Once only.
    people.client("officer").post(org_url("record_dilemma", held, record=lesson.code))
    assert Dilemma.objects.filter(status=Status.DRAFT).count() == 1
