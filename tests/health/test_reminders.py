"""`manage.py send_health_check_reminders`: once per round and participant, once per due date."""

import io
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from health.models import Schedule
from tests.health.conftest import answer, answers, start_round


def run() -> str:
    out = io.StringIO()
    call_command("send_health_check_reminders", stdout=out)
    return out.getvalue()


def test_participants_who_have_not_answered_are_asked_once_per_round(people, partner, schedule):
    round = start_round(schedule, [(people.member, people.org), (partner.members[0], partner.org)], people.manager)
    answer(round, people.member, people.org, answers("green"))

    assert "Asked 1 participant(s)" in run()
    asked = [m for m in mail.outbox if "how is the partnership going" in m.subject]
    assert [m.to for m in asked] == [["member1@kampala.example"]]
    assert f"/o/kampala/health/rounds/{round.code}/answer/" in asked[0].body

    assert "Asked 0 participant(s)" in run()  # idempotent
    assert len([m for m in mail.outbox if "how is the partnership going" in m.subject]) == 1


def test_managers_hear_once_when_a_check_is_due(people, partner, schedule):
    Schedule.objects.filter(pk=schedule.pk).update(next_due_on=timezone.localdate() - timedelta(days=1))
    output = run()
    assert "1 check(s) due, 2 manager(s) told" in output  # Hulp's manager and admin
    due = [m for m in mail.outbox if "is due" in m.subject]
    assert sorted(m.to[0] for m in due) == ["admin@hulp.example", "manager@hulp.example"]
    assert "0 check(s) due" in run()

    # A round started and closed moves the due date on; the next due date gets its own reminder.
    Schedule.objects.filter(pk=schedule.pk).update(next_due_on=timezone.localdate())
    assert "1 check(s) due" in run()


def test_a_check_with_a_round_open_is_not_due(people, schedule):
    start_round(schedule, [], people.manager)
    assert "0 check(s) due" in run()
