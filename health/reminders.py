"""Reminders for health checks, run by `manage.py send_health_check_reminders` from cron or the worker.

Two kinds: each person invited to an open round who has not answered gets one email per round,
and the managers of the organisation running a check get one email when its next round falls due.
Each is claimed with a conditional UPDATE before anyone is mailed, so running the command again,
or two workers at once, sends nothing twice.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.tasks import send_email
from health.models import Answered, Participant, Round, Schedule
from organisations.models import MANAGING_ROLES, Membership


@dataclass
class Reminded:
    participants: int = 0
    checks_due: int = 0
    managers: int = 0


def _remind_participants(result: Reminded) -> None:
    waiting = (
        Participant.objects.filter(round__closed_at__isnull=True, reminded_at__isnull=True, user__is_active=True)
        .exclude(Exists(Answered.objects.filter(participant=OuterRef("pk"))))
        .select_related("user", "organisation", "round__schedule")
    )
    for participant in waiting:
        if not Participant.objects.filter(pk=participant.pk, reminded_at__isnull=True).update(
            reminded_at=timezone.now()
        ):
            continue  # another run took it
        user, round = participant.user, participant.round
        link = settings.SITE_URL + reverse(
            "health:round_answer", kwargs={"slug": participant.organisation.slug, "code": round.code}
        )
        with translation.override(user.language):
            body = render_to_string(
                "health/email/answer.txt", {"user": user, "round": round, "participant": participant, "link": link}
            )
            subject = _("Samen: how is the partnership going? (%(title)s)") % {"title": round.schedule.title}
        send_email.enqueue(to=[user.email], subject=subject, body=body)
        result.participants += 1


def _remind_managers(today: date, result: Reminded) -> None:
    due = (
        Schedule.objects.filter(next_due_on__lte=today)
        .filter(Q(due_reminded_for__isnull=True) | ~Q(due_reminded_for=F("next_due_on")))
        .exclude(Exists(Round.objects.filter(schedule=OuterRef("pk"), closed_at__isnull=True)))
        .select_related("organisation")
    )
    for schedule in due:
        claimed = (
            Schedule.objects.filter(pk=schedule.pk, next_due_on=schedule.next_due_on)
            .filter(Q(due_reminded_for__isnull=True) | ~Q(due_reminded_for=schedule.next_due_on))
            .update(due_reminded_for=schedule.next_due_on)
        )
        if not claimed:
            continue
        result.checks_due += 1
        link = settings.SITE_URL + reverse(
            "health:check", kwargs={"slug": schedule.organisation.slug, "code": schedule.code}
        )
        managers = Membership.objects.filter(
            organisation=schedule.organisation, role__in=MANAGING_ROLES, user__is_active=True
        ).select_related("user")
        for membership in managers:
            user = membership.user
            with translation.override(user.language):
                body = render_to_string("health/email/due.txt", {"user": user, "schedule": schedule, "link": link})
                subject = _("Samen: a health check is due (%(title)s)") % {"title": schedule.title}
            send_email.enqueue(to=[user.email], subject=subject, body=body)
            result.managers += 1


def send_health_check_reminders(today: date) -> Reminded:
    result = Reminded()
    _remind_participants(result)
    _remind_managers(today, result)
    return result
