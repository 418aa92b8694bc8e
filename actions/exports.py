"""The plan's progress chart and its exports: CSV for spreadsheets, PDF for print.

The chart is server-rendered SVG, so the page and the PDF show the same picture.
"""

import csv
import io
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext as _

from actions.models import Action, ActionPlan
from organisations.models import Membership
from samen.charts import stacked_bar
from samen.csv_export import BOM, safe_cell
from samen.pdf import html_to_pdf

# Colours of the statuses in the chart; the legend names them, so colour is never the only cue.
STATUS_COLOURS = {
    Action.Status.DONE: "#14532d",
    Action.Status.DOING: "#0b5b5b",
    Action.Status.TODO: "#b35c00",
    Action.Status.DROPPED: "#8a94a3",
}
# Excel opens a CSV as UTF-8 only when it starts with a byte-order mark.


def progress_figures(progress: dict[str, int]) -> list[tuple[str, int]]:
    """(status label, count) in the order of the chart, for the table that stands beside it."""
    return [(str(Action.Status(status).label), progress[status]) for status in STATUS_COLOURS]


def progress_chart(plan: ActionPlan, progress: dict[str, int]) -> SafeString:
    parts = [(str(Action.Status(s).label), progress[s], colour) for s, colour in STATUS_COLOURS.items()]
    return stacked_bar(parts, title=_("Progress of %(title)s") % {"title": plan.title})


def filename(plan: ActionPlan, extension: str) -> str:
    return f"action-plan-{slugify(plan.title)[:60] or plan.code}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _plan_rows(plan: ActionPlan) -> list[tuple[Action, str, bool]]:
    """Every action with its owner's organisations and whether it is overdue, in two queries."""
    organisations: dict[int, list[str]] = {}
    memberships: list[Membership] = list(plan.possible_owners())
    for m in memberships:
        organisations.setdefault(m.user_id, []).append(m.organisation.name)
    today = timezone.localdate()
    actions = plan.actions.select_related("owner", "requirement").order_by("due_on", "created_at", "id")
    return [(a, ", ".join(organisations.get(a.owner_id or 0, [])), a.is_overdue(today)) for a in actions]


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def plan_csv(plan: ActionPlan) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Title"),
            _("Description"),
            _("Requirement"),
            _("Owner"),
            _("Owner's organisation"),
            _("Due on"),
            _("Overdue"),
            _("Status"),
            _("Reason for dropping"),
            _("Last changed"),
        ]
    )
    for action, owner_organisations, overdue in _plan_rows(plan):
        writer.writerow(
            [
                safe_cell(action.title),
                safe_cell(action.description),
                safe_cell(action.requirement or ""),
                safe_cell(action.owner or ""),
                safe_cell(owner_organisations),
                _date(action.due_on),
                _("yes") if overdue else "",
                action.get_status_display(),
                safe_cell(action.dropped_reason),
                timezone.localtime(action.updated_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return out.getvalue()


def plan_html(plan: ActionPlan) -> str:
    """The print version of the plan, as HTML for WeasyPrint."""
    progress = plan.progress()
    return render_to_string(
        "actions/plan_print.html",
        {
            "plan": plan,
            "rows": _plan_rows(plan),
            "progress": progress,
            "figures": progress_figures(progress),
            "chart": progress_chart(plan, progress),
            "printed_at": timezone.localtime(),
        },
    )


def plan_pdf(plan: ActionPlan) -> bytes:
    # Imported here: loading WeasyPrint parses its default stylesheets (slow, and logged), which
    # every other page and management command can do without.
    return html_to_pdf(plan_html(plan), "actions/plan_print.css")
