"""A handler's calendar: every deadline of the open cases they handle, on a page and as an .ics file.

Only cases the person is assigned to and not excluded from appear (need to know), and by default only
the steps they answer for (their roles; the intake handlers answer for a role nobody holds). Dates are
the reader's local dates: UserTimeZoneMiddleware has activated their time zone. Neither the page nor
the file says anything of a case's content: the reference, the step's title and phase, and the date.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Event, record
from cases.models import Assignment, Case, CaseRole, CaseStep
from organisations.access import get_membership
from organisations.models import Organisation

# Fifty deadlines a page: a handler's next weeks fit on one, and the page stays light on a phone.
PAGE_SIZE = 50
# Weeks after this one that get a heading of their own; anything further is "later".
WEEKS_AHEAD = 4
ALL_STEPS = "all"


@dataclass
class Deadline:
    case: Case
    step: CaseStep
    due_at: datetime
    overdue: bool
    # The person answers for this step (holds its role, or is intake handler when nobody holds it).
    mine: bool
    # The case's page (set for the calendar page; the .ics file builds absolute links itself).
    url: str = ""

    @property
    def due_on(self) -> date:
        return timezone.localdate(self.due_at)


@dataclass
class Group:
    kind: str  # "overdue", "this_week", "week" or "later"
    deadlines: list[Deadline] = field(default_factory=list)
    # The Monday of the week, for kind "week".
    starts: date | None = None


def deadline_steps(user: User, organisation: Organisation, *, all_steps: bool) -> QuerySet[CaseStep]:
    """Steps not done, with a deadline, of the open cases `user` handles in `organisation`, earliest first.

    Filtered and sorted in the database on the stored deadline (CaseStep.due_at), so a page costs the
    same with 10 open cases or 10,000. `mine`: the person answers for the step — they hold its role, or
    nobody does and they are an intake handler (the same rule as cases.reminders.step_holders).
    """
    holds = Assignment.objects.filter(case=OuterRef("case"), user=user, role=OuterRef("role"))
    anyone = Assignment.objects.filter(case=OuterRef("case"), role=OuterRef("role"))
    intake = Assignment.objects.filter(case=OuterRef("case"), user=user, role=CaseRole.INTAKE)
    steps = (
        CaseStep.objects.filter(
            case__in=Case.objects.for_person(user, organisation).open(), done_at__isnull=True, due_at__isnull=False
        )
        .select_related("case")
        .annotate(mine=ExpressionWrapper(Q(Exists(holds)) | (~Q(Exists(anyone)) & Q(Exists(intake))), BooleanField()))
        .order_by("due_at", "case__reference", "order")
    )
    return steps if all_steps else steps.filter(mine=True)


def as_deadline(step: CaseStep, now: datetime) -> Deadline:
    assert step.due_at is not None
    return Deadline(step.case, step, step.due_at, step.due_at < now, bool(getattr(step, "mine", False)))


def deadlines_for(user: User, organisation: Organisation, now: datetime, *, all_steps: bool) -> list[Deadline]:
    """Every deadline of deadline_steps(), as Deadline rows (the .ics file takes them all)."""
    return [as_deadline(step, now) for step in deadline_steps(user, organisation, all_steps=all_steps)]


def group(deadlines: list[Deadline], today: date) -> list[Group]:
    """Overdue, this week (to Sunday), each of the next WEEKS_AHEAD weeks, later — the empty ones left out."""
    this_monday = today - timedelta(days=today.weekday())
    groups: dict[str, Group] = {}
    for deadline in deadlines:
        if deadline.overdue:
            key, kind, starts = "overdue", "overdue", None
        else:
            weeks = (deadline.due_on - this_monday).days // 7
            if weeks <= 0:
                key, kind, starts = "this_week", "this_week", None
            elif weeks <= WEEKS_AHEAD:
                starts = this_monday + timedelta(weeks=weeks)
                key, kind = f"week-{starts.isoformat()}", "week"
            else:
                key, kind, starts = "later", "later", None
        groups.setdefault(key, Group(kind=kind, starts=starts)).deadlines.append(deadline)
    # Deadlines come sorted (and an overdue one is due before any other), so the groups were made in order.
    return list(groups.values())


def _case_link(organisation: Organisation, case: Case) -> str:
    return settings.SITE_URL + reverse("cases:case", kwargs={"slug": organisation.slug, "code": case.code})


@login_required
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    all_steps = request.GET.get("steps") == ALL_STEPS
    now = timezone.now()
    steps = deadline_steps(membership.user, organisation, all_steps=all_steps)
    page = Paginator(steps, PAGE_SIZE).get_page(request.GET.get("page"))
    deadlines = [as_deadline(step, now) for step in page.object_list]
    # A case has several steps on a page: reverse its URL once.
    urls: dict[int, str] = {}
    for deadline in deadlines:
        case = deadline.case
        if case.pk not in urls:
            urls[case.pk] = reverse("cases:case", kwargs={"slug": organisation.slug, "code": case.code})
        deadline.url = urls[case.pk]
    context = {
        "organisation": organisation,
        "membership": membership,
        "all_steps": all_steps,
        "page_obj": page,
        "groups": group(deadlines, timezone.localdate(now)),
        # For the empty state: no open case at all, or none of their steps has a deadline now.
        "has_cases": page.paginator.count > 0 or Case.objects.for_person(membership.user, organisation).open().exists(),
        "zone": timezone.get_current_timezone_name(),
    }
    return render(request, "cases/calendar/calendar.html", context)


def _ics_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets go on in lines that start with a space (RFC 5545 §3.1), never inside a
    UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def step_uid(case: Case, step: CaseStep) -> str:
    """The same for a step on every download, so calendars update the event instead of adding another;
    a hash, so it says nothing of the case or the step."""
    digest = hashlib.sha256(f"{case.code}/{step.code}".encode()).hexdigest()[:32]
    return f"{digest}@{urlsplit(settings.SITE_URL).hostname or 'samen'}"


def ics(organisation: Organisation, deadlines: list[Deadline], now: datetime) -> str:
    """A VCALENDAR with one all-day VEVENT per deadline, on its local date."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Samen//Case deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(_('Case deadlines'))}",
    ]
    for deadline in deadlines:
        link = _case_link(organisation, deadline.case)
        summary = _("Case %(reference)s: %(title)s") % {
            "reference": deadline.case.reference,
            "title": deadline.step.title,
        }
        lines += [
            "BEGIN:VEVENT",
            f"UID:{step_uid(deadline.case, deadline.step)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{deadline.due_on.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(deadline.due_on + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_ics_text(summary)}",
            f"URL:{link}",
            f"DESCRIPTION:{_ics_text(link)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


@login_required
def calendar_ics(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    all_steps = request.GET.get("steps") == ALL_STEPS
    now = timezone.now()
    deadlines = deadlines_for(membership.user, organisation, now, all_steps=all_steps)
    response = HttpResponse(ics(organisation, deadlines, now), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="samen-case-deadlines-{organisation.slug}.ics"'
    record(
        Event.EXPORT,
        actor=membership.user.email,
        organisation=organisation.slug,
        target="case calendar",
        detail={"format": "ics", "steps": ALL_STEPS if all_steps else "mine", "events": len(deadlines)},
    )
    return response


urlpatterns = [
    path("calendar/", calendar, name="calendar"),
    path("calendar/deadlines.ics", calendar_ics, name="calendar_ics"),
]
