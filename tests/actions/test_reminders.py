"""`manage.py send_action_reminders`: owners of overdue open actions get one email a day."""

import io
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from actions.models import Action
from actions.reminders import send_action_reminders


def run() -> str:
    out = io.StringIO()
    call_command("send_action_reminders", stdout=out)
    return out.getvalue()


def test_reminds_each_owner_once_about_all_their_overdue_actions(people, partner, plan):
    today = timezone.localdate()
    late = today - timedelta(days=2)
    plan.add_action(title="Late one", owner=partner.member, due_on=late, by=people.manager)
    plan.add_action(title="Late two", owner=partner.member, due_on=late, by=people.manager)
    plan.add_action(title="Late three", owner=people.officer, due_on=late, by=people.manager)
    plan.add_action(title="Due today", owner=people.officer, due_on=today, by=people.manager)
    done = plan.add_action(title="Late but done", owner=people.member, due_on=late, by=people.manager)
    dropped = plan.add_action(title="Late but dropped", owner=people.member, due_on=late, by=people.manager)
    Action.objects.filter(pk=done.pk).update(status="done")
    Action.objects.filter(pk=dropped.pk).update(status="dropped", dropped_reason="No longer needed")
    plan.add_action(title="Late, nobody owns it", due_on=late, by=people.manager)

    output = run()

    assert "Reminded 2 owner(s) about 3 overdue action(s)" in output
    assert "1 overdue without an owner" in output
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"member@kampala.example", "officer@hulp.example"}
    kampala = by_recipient["member@kampala.example"]
    assert "Late one" in kampala.body and "Late two" in kampala.body
    assert "Due today" not in kampala.body and "done" not in kampala.body
    # The link opens the action through the owner's own organisation.
    assert f"/o/kampala/plans/actions/{Action.objects.get(title='Late one').code}/" in kampala.body
    assert "/o/hulp/plans/actions/" in by_recipient["officer@hulp.example"].body
    assert Action.objects.filter(last_reminded_on=today).count() == 3


def test_a_second_run_the_same_day_sends_nothing(people, plan):
    plan.add_action(
        title="Late", owner=people.officer, due_on=timezone.localdate() - timedelta(days=1), by=people.manager
    )
    run()
    output = run()
    assert len(mail.outbox) == 1
    assert "Reminded 0 owner(s) about 0 overdue action(s); 1 already reminded today" in output


def test_the_next_day_reminds_again(people, plan):
    today = timezone.localdate()
    plan.add_action(title="Late", owner=people.officer, due_on=today - timedelta(days=1), by=people.manager)
    assert send_action_reminders(today).actions == 1
    assert send_action_reminders(today).actions == 0
    assert send_action_reminders(today + timedelta(days=1)).actions == 1
    assert len(mail.outbox) == 2


def test_a_racing_run_that_lost_the_claim_sends_nothing(people, plan, monkeypatch):
    """Two workers read the same overdue action; only the one whose UPDATE claims it mails."""
    today = timezone.localdate()
    action = plan.add_action(title="Late", owner=people.officer, due_on=today - timedelta(days=1), by=people.manager)
    from actions import reminders

    original = reminders._claim

    def other_worker_first(candidate, day):
        Action.objects.filter(pk=candidate.pk).update(last_reminded_on=day)  # the other worker won
        return original(candidate, day)

    monkeypatch.setattr(reminders, "_claim", other_worker_first)
    assert send_action_reminders(today).actions == 0
    assert not mail.outbox
    action.refresh_from_db()
    assert action.last_reminded_on == today


def test_nothing_overdue_sends_nothing(people, plan):
    plan.add_action(
        title="Later", owner=people.officer, due_on=timezone.localdate() + timedelta(days=3), by=people.manager
    )
    assert "Reminded 0 owner(s)" in run()
    assert not mail.outbox
