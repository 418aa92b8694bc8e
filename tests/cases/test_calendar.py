"""The handler's calendar: the deadlines of the open cases they handle, grouped by when, and as an .ics file."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Entry, Event
from cases.handling import assign, exclude, open_case, tick
from cases.models import Case, CaseRole
from cases.views.calendar import Deadline, group, step_uid
from framework.models import ViolationType

DAY = timedelta(days=1)
URL = reverse("cases:calendar", kwargs={"slug": "hulp"})
ICS = reverse("cases:calendar_ics", kwargs={"slug": "hulp"})


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text."""


@pytest.fixture
def late_case(people, playbook, keys) -> Case:
    """A case received ten days ago: acknowledgement (due on day 7) is overdue, triage (day 14) due in four days."""
    return open_case(
        people.org, by=people.officer, source=Case.Source.PHONE, received_at=timezone.now() - 10 * DAY, summary="Fraud"
    )


def case_link(case: Case) -> str:
    return reverse("cases:case", kwargs={"slug": "hulp", "code": case.code})


def test_lists_the_deadlines_of_my_steps_with_an_overdue_badge(people, late_case):
    assign(late_case, people.member, CaseRole.INVESTIGATOR, by=people.officer, by_private_key=None)
    response = people.client("officer").get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert case_link(late_case) in page
    assert late_case.reference in page
    assert "Step acknowledge" in page and "Step triage" in page and "Step feedback" in page
    # The investigation is the investigator's and the decision has no deadline yet (it counts from the investigation).
    assert "Step investigate" not in page and "Step decide" not in page
    overdue, *_later = response.context["groups"]
    assert overdue.kind == "overdue"
    assert [d.step.code for d in overdue.deadlines] == ["acknowledge"]
    assert page.count('<span class="badge warn">Overdue</span>') == 1
    assert "Receive" in page  # the phase


def test_done_steps_and_concluded_cases_are_left_out(people, late_case):
    tick(late_case, late_case.steps.get(code="acknowledge"), by=people.officer)
    page = people.client("officer").get(URL).content.decode()
    assert "Step acknowledge" not in page and "Step triage" in page

    Case.objects.filter(pk=late_case.pk).update(concluded_at=late_case.received_at, outcome=Case.Outcome.REFERRED)
    response = people.client("officer").get(URL)
    assert response.context["groups"] == []
    assert "You handle no open case." in response.content.decode()


def test_all_steps_of_my_cases_shows_the_other_roles_steps_too(people, late_case):
    assign(late_case, people.member, CaseRole.INVESTIGATOR, by=people.officer, by_private_key=None)
    client = people.client("member")

    mine = client.get(URL).content.decode()
    assert "Step investigate" in mine and "Step acknowledge" not in mine

    everything = client.get(URL, {"steps": "all"}).content.decode()
    assert "Step investigate" in everything and "Step acknowledge" in everything and "Step triage" in everything
    assert f'href="{ICS}?steps=all"' in everything


def test_a_role_nobody_holds_is_on_the_intake_handlers_calendar(people, late_case):
    page = people.client("officer").get(URL).content.decode()
    # Nobody is the investigator yet, so the intake handler answers for it.
    assert "Step investigate" in page


def test_only_the_persons_own_cases(people, late_case, keys):
    others = open_case(people.org, by=people.admin, source=Case.Source.EMAIL)
    assign(late_case, people.manager, CaseRole.INVESTIGATOR, by=people.officer, by_private_key=None)
    exclude(late_case, people.manager, by=people.officer)

    officer = people.client("officer").get(URL, {"steps": "all"}).content.decode()
    assert late_case.reference in officer and others.reference not in officer

    admin = people.client("admin").get(URL, {"steps": "all"}).content.decode()
    assert others.reference in admin and late_case.reference not in admin

    # Excluded: the case is gone from their calendar, as if it never existed.
    manager = people.client("manager").get(URL, {"steps": "all"})
    assert manager.status_code == 200
    assert late_case.reference not in manager.content.decode()
    assert "You handle no open case." in manager.content.decode()


@pytest.mark.parametrize("persona", ["viewer", "member", "manager", "admin"])
def test_a_member_with_no_case_sees_the_empty_state(people, late_case, persona):
    response = people.client(persona).get(URL)
    assert response.status_code == 200
    assert "You handle no open case." in response.content.decode()
    ics = people.client(persona).get(ICS)
    assert ics.status_code == 200
    assert "BEGIN:VEVENT" not in ics.content.decode()


def test_my_case_without_deadlines_for_me_says_so_and_offers_all_steps(people, late_case):
    assign(late_case, people.member, CaseRole.DECISION_MAKER, by=people.officer, by_private_key=None)
    page = people.client("member").get(URL).content.decode()
    assert "None of the steps you answer for in your open cases has a deadline now." in page
    assert f'href="{URL}?steps=all"' in page


def test_outsiders_get_404_and_anonymous_people_log_in(people, late_case):
    for url in (URL, ICS):
        assert people.client("outsider").get(url).status_code == 404
        response = people.client("anonymous").get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_queries_do_not_grow_with_the_cases(people, late_case):
    client = people.client("officer")
    client.get(URL)  # warm up: session, caches
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for _ in range(3):
        open_case(people.org, by=people.officer, source=Case.Source.PHONE, received_at=timezone.now() - 3 * DAY)
    with CaptureQueriesContext(connection) as four:
        response = client.get(URL)
    assert len(response.context["page_obj"].object_list) > 6
    assert len(four.captured_queries) == len(one.captured_queries)


def deadline(due_at: datetime, *, overdue: bool = False) -> Deadline:
    return Deadline(case=None, step=None, due_at=due_at, overdue=overdue, mine=True)  # type: ignore[arg-type]


def test_grouping_overdue_this_week_the_next_weeks_and_later():
    # Wednesday 11 March 2026. Noon UTC is the same date in Amsterdam.
    today = date(2026, 3, 11)
    at = [datetime(2026, 3, day, 12, tzinfo=UTC) for day in (9, 12, 15, 16, 22, 23)]
    deadlines = [
        deadline(at[0], overdue=True),
        deadline(at[1]),  # Thursday: this week
        deadline(at[2]),  # Sunday: still this week
        deadline(at[3]),  # Monday: next week
        deadline(at[4]),  # Sunday of next week
        deadline(at[5]),  # the week after
        deadline(datetime(2026, 4, 12, 12, tzinfo=UTC)),  # week 5 from now: still a week of its own
        deadline(datetime(2026, 4, 13, 12, tzinfo=UTC)),  # later
        deadline(datetime(2026, 9, 1, 12, tzinfo=UTC)),  # later
    ]
    groups = group(deadlines, today)
    assert [(g.kind, g.starts, len(g.deadlines)) for g in groups] == [
        ("overdue", None, 1),
        ("this_week", None, 2),
        ("week", date(2026, 3, 16), 2),
        ("week", date(2026, 3, 23), 1),
        ("week", date(2026, 4, 6), 1),
        ("later", None, 2),
    ]


# --- the .ics file


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_is_a_calendar_of_the_same_dates(people, late_case):
    response = people.client("officer").get(ICS)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="samen-case-deadlines-hulp.ics"'
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 4  # acknowledge, triage, investigate, feedback
    summaries = [line for line in lines if line.startswith("SUMMARY:")]
    assert f"SUMMARY:Case {late_case.reference}: Step acknowledge" in summaries
    ack = late_case.steps.get(code="acknowledge")
    due_on = timezone.localdate(late_case.received_at + 7 * DAY)
    assert f"DTSTART;VALUE=DATE:{due_on:%Y%m%d}" in lines
    assert f"DTEND;VALUE=DATE:{due_on + DAY:%Y%m%d}" in lines
    assert f"UID:{step_uid(late_case, ack)}" in lines
    assert f"URL:{settings.SITE_URL}{case_link(late_case)}" in lines
    assert all(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines if line.startswith("DTSTAMP"))
    assert "Fraud" not in text and "Phone" not in text and "Officer" not in text


def test_ics_uids_are_stable_and_say_nothing(people, late_case):
    first = people.client("officer").get(ICS).content.decode()
    second = people.client("officer").get(ICS).content.decode()
    uids = [line for line in unfold(first) if line.startswith("UID:")]
    assert uids == [line for line in unfold(second) if line.startswith("UID:")]
    assert len(set(uids)) == len(uids)
    assert all(str(late_case.code) not in uid and "acknowledge" not in uid for uid in uids)


def test_ics_download_is_in_the_audit_log(people, late_case):
    people.client("officer").get(ICS, {"steps": "all"})
    entry = Entry.objects.get(event=Event.EXPORT)
    assert entry.actor == "officer@hulp.example"
    assert entry.organisation == "hulp"
    # acknowledge, triage, investigate, feedback: the others have no deadline yet
    assert entry.detail == {"format": "ics", "steps": "all", "events": 4}


def test_ics_escapes_and_folds_a_long_title(people, late_case):
    step = late_case.steps.get(code="triage")
    step.title_en = "Triage; decide, with care, whether the partner\nmust be told — and by whom " + "é" * 40
    step.save(update_fields=["title_en"])
    text = people.client("officer").get(ICS).content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    [summary] = [line for line in unfold(text) if "Triage" in line]
    assert summary.startswith(f"SUMMARY:Case {late_case.reference}: Triage\\; decide\\, with care\\,")
    assert "partner\\nmust" in summary and summary.endswith("é" * 40)


def test_the_category_never_shows_on_the_page(people, late_case):
    category = ViolationType.objects.create(
        code="fraud", name_nl="Fraude", name_en="Fraud", definition_nl="…", definition_en="…", source="test"
    )
    Case.objects.filter(pk=late_case.pk).update(category=category)
    page = people.client("officer").get(URL).content.decode()
    assert "Fraud" not in page


def test_a_long_calendar_is_paginated_and_keeps_the_choice_of_steps(people, late_case, monkeypatch):
    monkeypatch.setattr("cases.views.calendar.PAGE_SIZE", 3)
    client = people.client("officer")

    first = client.get(URL, {"steps": "all"})
    assert [d.step.code for g in first.context["groups"] for d in g.deadlines] == [
        "acknowledge",
        "triage",
        "investigate",
    ]
    assert 'href="?steps=all&amp;page=2"' in first.content.decode()
    second = client.get(URL, {"steps": "all", "page": "2"})
    assert [d.step.code for g in second.context["groups"] for d in g.deadlines] == ["feedback"]
    assert client.get(URL, {"page": "x"}).status_code == 200
