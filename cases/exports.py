"""The case summary as PDF, for the file: everything on the case, opened for one authorised handler."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from cases.deadlines import StepState
from cases.models import Case
from samen.pdf import html_to_pdf


def case_html(case: Case, states: list[StepState], opened: dict[str, Any], people: list[User], printed_by: User) -> str:
    notes_by_step = opened.get("notes_by_step", {})
    return render_to_string(
        "cases/case_print.html",
        {
            "case": case,
            "steps": [{"state": s, "notes": notes_by_step.get(s.step.pk, [])} for s in states],  # type: ignore[attr-defined]
            "general_notes": notes_by_step.get(None, []),
            "opened": opened,
            "assignments": case.assignments.select_related("user").order_by("role"),
            "printed_at": timezone.localtime(),
            "printed_by": printed_by,
        },
    )


def case_pdf(
    case: Case, states: list[StepState], opened: dict[str, Any], people: list[User], printed_by: User
) -> bytes:
    return html_to_pdf(case_html(case, states, opened, people, printed_by), "actions/plan_print.css")
