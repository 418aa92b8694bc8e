"""Reminders before an assessment expires: sent once, to managers of both organisations."""

from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from assessments.models import Assessment
from tests.assessments.helpers import make_final, request_of


def test_managers_of_both_sides_are_reminded_once(people, partner, baseline):
    soon = make_final(request_of(people, partner, baseline))
    Assessment.objects.filter(pk=soon.pk).update(valid_until=timezone.localdate() + timedelta(days=20))
    later = make_final(request_of(people, partner, baseline))  # valid for years yet
    call_command("send_assessment_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["admin@hulp.example", "admin@kampala.example", "manager@hulp.example"]
    assert "valid until" in mail.outbox[0].body
    call_command("send_assessment_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 3
    later.refresh_from_db()
    assert later.reminder_sent_at is None
