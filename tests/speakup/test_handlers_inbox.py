"""The inbox: metadata of the reports the person is a handler of, never by role alone; clocks, filters, queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from framework.models import ViolationType
from organisations.models import Alliance, AllianceMember, Membership, Organisation
from speakup import keys
from speakup.models import Channel, Report
from speakup.views.handlers import add_months, feedback_by
from tests.conftest import make_user
from tests.speakup.factories import quick_handler, quick_report


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text."""


def inbox_url(slug: str = "hulp") -> str:
    return reverse("speakup:inbox", kwargs={"slug": slug})


@pytest.fixture
def financial(db) -> ViolationType:
    return ViolationType.objects.create(
        code="financial", name_nl="Financieel", name_en="Financial", definition_nl="-", definition_en="-", source="t"
    )


def test_shows_only_the_reports_the_person_handles(people, handler, financial):
    mine, _key = quick_report(handler.channel, {"what": "secret text"}, category=financial)
    other_channel = Channel.objects.create(organisation=people.org, slug="other")
    theirs, _key = quick_report(other_channel, {"what": "not for the officer"})

    response = people.client("officer").get(inbox_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("speakup:report", kwargs={"slug": "hulp", "code": mine.code}) in html
    assert str(theirs.code) not in html
    assert "Financial" in html and "Anonymous" in html and "New" in html
    assert "secret text" not in html  # metadata only


def test_an_admin_who_is_not_a_handler_sees_none(people, handler):
    report, _key = quick_report(handler.channel, {"what": "x"})
    response = people.client("admin").get(inbox_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert str(report.code) not in html
    assert "No reports for you." in html
    assert "your role alone does not let you read reports" in html


def test_a_removed_handler_sees_the_report_no_more(people, handler):

    report, _key = quick_report(handler.channel, {"what": "x"})
    keys.remove_handler(handler.channel, people.officer)
    assert str(report.code) not in people.client("officer").get(inbox_url()).content.decode()


def test_acknowledgement_clock_days_left_and_overdue(people, handler):
    today = timezone.localdate()
    quick_report(handler.channel, {"what": "fresh"}, created_on=today - timedelta(days=2))
    quick_report(handler.channel, {"what": "late"}, created_on=today - timedelta(days=10))
    html = people.client("officer").get(inbox_url()).content.decode()
    assert "Acknowledge within 5 days" in html
    assert "Acknowledgement 3 days overdue" in html


def test_feedback_clock_runs_three_months_from_the_acknowledgement(people, handler):
    report, _key = quick_report(handler.channel, {"what": "x"}, created_on=timezone.localdate() - timedelta(days=100))
    Report.objects.filter(pk=report.pk).update(
        status="acknowledged", acknowledged_at=timezone.now() - timedelta(days=98)
    )
    html = people.client("officer").get(inbox_url()).content.decode()
    assert "Receipt acknowledged" in html
    assert "days overdue" in html and "Feedback" in html
    assert "Acknowledgement" not in html  # acknowledged: that clock stopped


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2026, 1, 10), date(2026, 4, 10)),
        (date(2025, 11, 30), date(2026, 2, 28)),
        (date(2026, 10, 31), date(2027, 1, 31)),
    ],
)
def test_three_months_is_the_same_day_three_months_later(start, due):
    assert add_months(start, 3) == due


def test_without_acknowledgement_feedback_runs_from_the_end_of_the_seven_days(people, handler):
    report, _key = quick_report(handler.channel, {"what": "x"}, created_on=date(2026, 1, 3))
    assert feedback_by(report) == date(2026, 4, 10)


def test_filters_by_status_and_category(people, handler, financial):
    new, _key = quick_report(handler.channel, {"what": "x"}, category=financial)
    closed, _key = quick_report(handler.channel, {"what": "y"})
    Report.objects.filter(pk=closed.pk).update(
        status="closed", closed_at=timezone.now(), delete_after=timezone.localdate() + timedelta(days=90)
    )
    client = people.client("officer")
    html = client.get(inbox_url(), {"status": "closed"}).content.decode()
    assert str(closed.code) in html and str(new.code) not in html
    html = client.get(inbox_url(), {"category": "financial"}).content.decode()
    assert str(new.code) in html and str(closed.code) not in html
    html = client.get(inbox_url(), {"status": "in_progress"}).content.decode()
    assert "No report matches these filters." in html
    # Nonsense in the query string is ignored, not an error.
    assert client.get(inbox_url(), {"status": "nonsense", "page": "x"}).status_code == 200


def test_pages_of_fifty(people, handler):
    for _i in range(51):
        quick_report(handler.channel, {"what": "x"})
    client = people.client("officer")
    first = client.get(inbox_url())
    assert len(first.context["rows"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert len(client.get(inbox_url(), {"page": 2}).context["rows"]) == 1


def test_the_number_of_queries_does_not_grow_with_the_reports(people, handler, financial):
    client = people.client("officer")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(inbox_url(), {"status": "new"}).status_code == 200
        return len(queries)

    quick_report(handler.channel, {"what": "x"}, category=financial)
    count()  # the first visit also remembers the organisation as the one last worked in
    few = count()
    for _i in range(60):
        quick_report(handler.channel, {"what": "x"}, category=financial)
    assert count() == few


def test_outsider_gets_404(people, handler):
    assert people.client("outsider").get(inbox_url()).status_code == 404


def test_anonymous_is_sent_to_log_in(people):
    response = people.client("anonymous").get(inbox_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_alliance_reports_reach_handlers_of_member_organisations_but_not_the_one_concerned(people):

    alliance = Alliance.objects.create(name="Dutch Humanitarian Alliance", lead=people.org)
    member_org = Organisation.objects.create(slug="lid", name="Lid", kind="member")
    AllianceMember.objects.create(alliance=alliance, organisation=member_org)
    colleague = make_user("officer@lid.example", name="Lid Officer", language="en")
    Membership.objects.create(user=colleague, organisation=member_org, role="member")
    channel = Channel.objects.create(alliance=alliance, slug="alliance")
    quick_handler(channel, colleague)
    about_the_alliance, _key = quick_report(channel, {"what": "x"}, organisation=people.org)
    about_lid, _key = quick_report(channel, {"what": "y"}, organisation=people.org, concerns=member_org)

    client = Client()
    client.force_login(colleague)
    html = client.get(inbox_url("lid")).content.decode()
    assert str(about_the_alliance.code) in html
    assert str(about_lid.code) not in html  # a report about their own organisation never reaches them
    assert client.get(reverse("speakup:report", kwargs={"slug": "lid", "code": about_lid.code})).status_code == 404
