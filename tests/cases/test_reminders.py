"""`manage.py case_reminders`: the people who answer for a step hear once when it is due soon, once when it is
overdue — and the email says nothing of the case beyond its reference."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import reminders
from cases.deadlines import add_months
from cases.handling import assign, exclude, open_case, tick
from cases.models import Assignment, Case, CaseRole, Reminder
from cases.reminders import send_case_reminders, step_holders
from framework.models import ViolationType
from organisations.models import Membership

DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text, except where a person chose Dutch."""


def run(now: datetime) -> str:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: now)
        call_command("case_reminders", stdout=out)
    return out.getvalue()


def outbox_for(email: str) -> list:
    return [message for message in mail.outbox if message.to == [email]]


def test_a_step_due_soon_reminds_the_intake_handler_once(case, people):
    # Acknowledgement is due 7 days after receipt: on day 5 it is due within three days.
    output = run(case.received_at + 5 * DAY)

    assert "Sent 1 email(s): 1 step(s) due soon, 0 overdue" in output
    [message] = mail.outbox
    assert message.to == ["officer@hulp.example"]
    assert f"Case {case.reference}: Step acknowledge" in message.body
    assert "Due " in message.body and "Overdue" not in message.body
    assert reverse("cases:calendar", kwargs={"slug": "hulp"}) in message.body
    assert Reminder.objects.filter(user=people.officer, kind=Reminder.Kind.SOON, step__code="acknowledge").exists()

    again = run(case.received_at + 5 * DAY + timedelta(hours=6))
    assert len(mail.outbox) == 1
    assert "Sent 0 email(s)" in again and "1 already reminded" in again


def test_due_soon_then_overdue_is_two_emails_and_no_more(case, people):
    run(case.received_at + 5 * DAY)
    run(case.received_at + 8 * DAY)
    run(case.received_at + 9 * DAY)

    soon, overdue = outbox_for("officer@hulp.example")
    assert "Step acknowledge" in soon.body and "Overdue" not in soon.body
    assert "Step acknowledge" in overdue.body and "Overdue: it was due" in overdue.body
    assert len(mail.outbox) == 2
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"soon", "overdue"}


def test_a_step_first_seen_overdue_is_only_reminded_as_overdue(case, people):
    run(case.received_at + 10 * DAY)
    [message] = mail.outbox
    assert "Overdue: it was due" in message.body
    assert not Reminder.objects.filter(kind=Reminder.Kind.SOON, step__code="acknowledge").exists()


def test_nothing_for_steps_far_off_done_or_of_concluded_cases(case, people):
    assert "Sent 0 email(s)" in run(case.received_at + 3 * DAY)

    tick(case, case.steps.get(code="acknowledge"), by=people.officer, when=case.received_at + DAY)
    run(case.received_at + 6 * DAY)
    assert mail.outbox == []

    Case.objects.filter(pk=case.pk).update(concluded_at=timezone.now(), outcome=Case.Outcome.INCONCLUSIVE)
    run(case.received_at + 30 * DAY)  # triage and more would be overdue by now
    assert mail.outbox == []


def test_each_step_goes_to_the_holders_of_its_role(case, people):
    assign(case, people.member, CaseRole.INVESTIGATOR, by=people.officer, by_private_key=None)
    # The investigation is due two months after the acknowledgement period ended (day 7).
    investigate = case.steps.get(code="investigate")
    due = add_months(case.received_at + 7 * DAY, 2)

    run(due - DAY)

    [to_member] = outbox_for("member@hulp.example")
    assert "Step investigate" in to_member.body
    assert "Step acknowledge" not in to_member.body and "Step triage" not in to_member.body
    [to_officer] = outbox_for("officer@hulp.example")
    # The officer is the intake handler: acknowledgement and triage are long overdue, both in one email.
    assert "Step acknowledge" in to_officer.body and "Step triage" in to_officer.body
    assert "Step investigate" not in to_officer.body
    assert Reminder.objects.filter(step=investigate).get().user == people.member


def test_a_step_whose_role_nobody_holds_goes_to_the_intake_handlers(case, people):
    assign(case, people.manager, CaseRole.INTAKE, by=people.officer, by_private_key=None)
    run(case.received_at + 70 * DAY)

    for email in ("officer@hulp.example", "manager@hulp.example"):
        [message] = outbox_for(email)
        assert "Step investigate" in message.body
    assert outbox_for("member@hulp.example") == []


def test_excluded_and_unassigned_people_are_never_told(case, people):
    assign(case, people.manager, CaseRole.INVESTIGATOR, by=people.officer, by_private_key=None)
    assign(case, people.admin, CaseRole.INTAKE, by=people.officer, by_private_key=None)
    exclude(case, people.manager, by=people.officer)
    exclude(case, people.admin, by=people.officer)

    run(case.received_at + 70 * DAY)

    recipients = {message.to[0] for message in mail.outbox}
    assert recipients == {"officer@hulp.example"}
    # With its investigator excluded, the investigation falls back to the intake handler.
    assert "Step investigate" in mail.outbox[0].body
    assert not Reminder.objects.filter(user__in=[people.manager, people.admin]).exists()


def test_someone_who_left_the_organisation_or_was_deactivated_is_not_told(case, people):
    assign(case, people.manager, CaseRole.INTAKE, by=people.officer, by_private_key=None)
    assign(case, people.member, CaseRole.INTAKE, by=people.officer, by_private_key=None)
    Membership.objects.filter(user=people.manager).delete()
    people.member.is_active = False
    people.member.save(update_fields=["is_active"])

    run(case.received_at + 5 * DAY)

    assert {message.to[0] for message in mail.outbox} == {"officer@hulp.example"}


def test_nobody_to_tell_is_counted(case, people):
    Assignment.objects.filter(case=case).delete()
    output = run(case.received_at + 5 * DAY)
    assert mail.outbox == []
    assert "1 due with nobody assigned to tell" in output


def test_the_email_says_nothing_of_the_case_itself(case, people):
    category = ViolationType.objects.create(
        code="fraud",
        name_nl="Fraude en corruptie",
        name_en="Fraud and corruption",
        definition_nl="…",
        definition_en="…",
        source="test",
    )
    Case.objects.filter(pk=case.pk).update(category=category, severity=Case.Severity.HIGH, involves=people.other_org)
    assign(case, people.member, CaseRole.INVESTIGATOR, by=people.officer, by_private_key=None)

    run(case.received_at + 70 * DAY)

    assert mail.outbox
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert case.reference in text
        for secret in (
            "warehouse",  # the sealed summary
            "Fraud",
            "corruption",
            "High",
            "Ander Fonds",  # the organisation involved
            "Playbook general",
            "Officer",  # names of the people on the case
            "Member",
            "officer@hulp.example" if message.to != ["officer@hulp.example"] else "member@hulp.example",
        ):
            assert secret not in text, secret
        assert getattr(message, "alternatives", []) == []  # plain text only, like every other reminder


def test_the_due_date_is_in_the_recipients_time_zone_and_language(people, playbook, keys):
    received = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # acknowledgement due 9 March 02:00 UTC
    case = open_case(people.org, by=people.officer, source=Case.Source.PHONE, received_at=received)
    assign(case, people.manager, CaseRole.INTAKE, by=people.officer, by_private_key=None)
    people.officer.time_zone, people.officer.language = "America/Lima", "nl"
    people.officer.save(update_fields=["time_zone", "language"])
    people.manager.time_zone = "Africa/Kampala"
    people.manager.save(update_fields=["time_zone"])

    run(received + 5 * DAY)

    [lima] = outbox_for("officer@hulp.example")
    assert "8 maart 2026" in lima.body and "21:00" in lima.body  # UTC-5, the evening before
    assert "America/Lima" in lima.body
    assert "Stap acknowledge" in lima.body  # the step's Dutch title
    [kampala] = outbox_for("manager@hulp.example")
    assert "March 9, 2026" in kampala.body and "5 a.m." in kampala.body  # UTC+3
    assert "Africa/Kampala" in kampala.body


def test_the_queries_do_not_grow_with_the_cases(people, playbook, keys):
    received = timezone.now() - 5 * DAY
    open_case(people.org, by=people.officer, source=Case.Source.PHONE, received_at=received)
    send_case_reminders(timezone.now())  # sends; what follows only finds them sent

    with CaptureQueriesContext(connection) as one_case:
        send_case_reminders(timezone.now())
    for _ in range(4):
        open_case(people.org, by=people.officer, source=Case.Source.PHONE, received_at=received)
    send_case_reminders(timezone.now())
    with CaptureQueriesContext(connection) as five_cases:
        result = send_case_reminders(timezone.now())

    assert result.already == 5
    assert len(five_cases.captured_queries) == len(one_case.captured_queries)


def test_step_holders():
    assignments = [
        Assignment(user_id=1, role=CaseRole.INTAKE),
        Assignment(user_id=2, role=CaseRole.INVESTIGATOR),
        Assignment(user_id=3, role=CaseRole.INTAKE),
    ]
    assert step_holders(CaseRole.INVESTIGATOR, assignments) == {2}
    assert step_holders(CaseRole.DECISION_MAKER, assignments) == {1, 3}
    assert step_holders(CaseRole.INTAKE, []) == set()


def test_a_reminder_another_run_claimed_first_is_not_sent_twice(case, people, monkeypatch):
    found = reminders._due

    def found_then_taken(now, result):
        wanted = found(now, result)
        # Another worker inserts the same reminder between this run finding it and claiming it.
        for due, user in wanted:
            Reminder.objects.create(step=due.step, user=user, kind=due.kind)
        return wanted

    monkeypatch.setattr(reminders, "_due", found_then_taken)
    result = send_case_reminders(case.received_at + 5 * DAY)

    assert mail.outbox == []
    assert (result.emails, result.already) == (0, 1)
    assert Reminder.objects.count() == 1
