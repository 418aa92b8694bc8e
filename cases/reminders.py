"""Deadline reminders for case steps, run by `manage.py case_reminders` from cron or the worker.

For every open case, each step not done whose deadline is within DUE_SOON or past is reminded once
per person and kind ("due soon", then "overdue"): to the people who hold the step's role, or, when
nobody holds it, to the intake handlers. Excluded people never get one. A reminder is claimed by
inserting its `Reminder` row (unique per step, person and kind) before anyone is mailed, so a second
run, or two workers at once, sends nothing twice.

The email names only the case reference, the step's title, its deadline in the reader's time zone and a
link to their calendar page: email leaves Samen unencrypted, and case content never does.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import User
from accounts.tasks import send_email
from cases.deadlines import schedule
from cases.models import Assignment, Case, CaseRole, CaseStep, Reminder
from organisations.models import Membership, Organisation

# Cases read per round trip: the prefetches below run once per chunk, not once per case.
CHUNK_SIZE = 500


def step_holders(role: str, assignments: Iterable[Assignment]) -> set[int]:
    """Ids of the people who answer for a step of `role`: those holding the role, else the intake handlers.

    `assignments` are a case's assignments (excluded people hold none: exclusion removes them).
    """
    assignments = list(assignments)
    holders = {a.user_id for a in assignments if a.role == role}
    return holders or {a.user_id for a in assignments if a.role == CaseRole.INTAKE}


@dataclass
class Due:
    """One reminder to send: a step of a case, its deadline, and which kind."""

    case: Case
    step: CaseStep
    due_at: datetime
    kind: str


@dataclass
class Reminded:
    emails: int = 0
    soon: int = 0
    overdue: int = 0
    already: int = 0
    # Steps due or overdue on a case where nobody could be told (no handler of the role, no intake handler).
    unattended: int = 0
    recipients: list[str] = field(default_factory=list)


def _open_cases() -> Iterable[Case]:
    return (
        Case.objects.open()
        .select_related("organisation")
        .prefetch_related(
            Prefetch("steps", queryset=CaseStep.objects.prefetch_related("reminders")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("user")),
            "exclusions",
        )
        .order_by("pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )


def _due(now: datetime, result: Reminded) -> list[tuple[Due, User]]:
    """Every (reminder, person) that should be sent and was not sent before."""
    wanted: list[tuple[Due, User]] = []
    for case in _open_cases():
        steps = list(case.steps.all())
        assignments = list(case.assignments.all())
        excluded = {e.user_id for e in case.exclusions.all()}
        people = {a.user_id: a.user for a in assignments}
        for state in schedule(case, steps):
            if state.due_at is None or not (state.overdue(now) or state.due_soon(now)):
                continue
            step: CaseStep = state.step  # type: ignore[assignment]
            kind = Reminder.Kind.OVERDUE if state.overdue(now) else Reminder.Kind.SOON
            holders = [people[pk] for pk in step_holders(step.role, assignments) if pk not in excluded]
            holders = [user for user in holders if user.is_active]
            if not holders:
                result.unattended += 1
                continue
            sent = {r.user_id for r in step.reminders.all() if r.kind == kind}
            for user in holders:
                if user.pk in sent:
                    result.already += 1
                else:
                    wanted.append((Due(case=case, step=step, due_at=state.due_at, kind=kind), user))
    return wanted


def _claim(due: Due, user: User, now: datetime) -> bool:
    """Whether this run is the one that sends this reminder (the unique row decides a race)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(step=due.step, user=user, kind=due.kind, sent_at=now)
    except IntegrityError:
        return False
    return True


def _email(user: User, organisation: Organisation, items: list[Due]) -> None:
    link = settings.SITE_URL + reverse("cases:calendar", kwargs={"slug": organisation.slug})
    items = sorted(items, key=lambda d: (d.due_at, d.case.reference, d.step.order))
    with translation.override(user.language), timezone.override(user.zone):
        body = render_to_string("cases/email/reminder.txt", {"items": items, "link": link, "zone": user.zone.key})
        subject = ngettext(
            "Samen: %(count)s case deadline needs you", "Samen: %(count)s case deadlines need you", len(items)
        ) % {"count": len(items)}
    send_email.enqueue(to=[user.email], subject=subject, body=body)


def send_case_reminders(now: datetime) -> Reminded:
    result = Reminded()
    wanted = _due(now, result)
    # The calendar link goes through the case's organisation: someone who has left it gets nothing.
    members = set(
        Membership.objects.filter(
            user_id__in={user.pk for _due, user in wanted},
            organisation_id__in={due.case.organisation_id for due, _user in wanted},
        ).values_list("user_id", "organisation_id")
    )
    by_person: dict[tuple[int, int], list[Due]] = defaultdict(list)
    users: dict[int, User] = {}
    for due, user in wanted:
        if (user.pk, due.case.organisation_id) not in members:
            continue
        if not _claim(due, user, now):
            result.already += 1
            continue  # another run took it
        by_person[(user.pk, due.case.organisation_id)].append(due)
        users[user.pk] = user
        if due.kind == Reminder.Kind.OVERDUE:
            result.overdue += 1
        else:
            result.soon += 1
    for (user_id, _organisation_id), items in by_person.items():
        _email(users[user_id], items[0].case.organisation, items)
        result.emails += 1
        result.recipients.append(users[user_id].email)
    return result
