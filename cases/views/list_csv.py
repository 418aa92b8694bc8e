"""The case list as CSV: the same need-to-know as the page, and only what the page shows.

A person downloads the cases they are assigned to (with the page's filters, every matching case rather
than one page): reference, category, severity, phase or outcome, dates, what is due and their role.
Never names, summaries, notes or anything sealed: those stay behind the case's own page and key.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Event, record
from cases.views.cases import case_rows, listed_cases
from organisations.access import get_membership
from samen.csv_export import csv_response, filename


@login_required
def cases_csv(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    _filters, _filtered, found = listed_cases(request, organisation)
    now = timezone.now()
    user: User = request.user  # type: ignore[assignment]
    rows = []
    for row in case_rows(list(found), user, now):
        case, upcoming = row["case"], row["next"]
        rows.append(
            [
                case.reference,
                case.category.name if case.category else _("Not triaged yet"),
                case.get_severity_display() if case.severity else "",
                _("Concluded") if case.is_concluded else case.get_phase_display(),
                case.get_outcome_display() if case.is_concluded else "",
                timezone.localtime(case.received_at).date(),
                upcoming.title if upcoming else "",
                timezone.localtime(upcoming.due_at).date() if upcoming and upcoming.due_at else None,
                row["overdue"],
                ", ".join(row["roles"]),
            ]
        )
    record(
        Event.EXPORT,
        actor=user.email,
        organisation=organisation.slug,
        target="case list",
        detail={"format": "csv", "rows": len(rows)},
    )
    header = [
        _("Case"),
        _("Category"),
        _("Severity"),
        _("Phase"),
        _("Outcome"),
        _("Received"),
        _("Next due"),
        _("Due on"),
        _("Steps overdue"),
        _("Your role"),
    ]
    return csv_response(filename(organisation.slug, "cases"), header, rows)


urlpatterns = [path("csv/", cases_csv, name="cases_csv")]
