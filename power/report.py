"""The summary of a power-awareness session, for both partners: as a page and as a PDF (WeasyPrint).

It counts participants per organisation and names none of them (a display name is for the
facilitators during the session only), shows the gaps chart with its figures, and lists the agreed
changes with the state of their actions.
"""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogue.models import Session
from power import running
from power.charts import gaps_chart
from power.models import Affiliation, Change, Decision, influence_labels
from power.results import gaps, participants_per_side
from samen.pdf import html_to_pdf

POLL_SECONDS = 4


def results_context(session: Session) -> dict[str, Any]:
    """The figures of the results stage: the gaps, largest first, the chart and the counts."""
    sides = running.sides(session)
    found = gaps(session, sides)
    scale = influence_labels(sides[0].name, sides[-1].name)
    context: dict[str, Any] = {
        "results": found,
        "sides": sides,
        "per_side": participants_per_side(session, sides),
        "scored": any(result.count for result in found),
        "poll_seconds": POLL_SECONDS,
    }
    if context["scored"] and len(sides) == 2:
        context["chart"] = gaps_chart(
            [result for result in found if result.count],
            names=(sides[0].name, sides[1].name),
            ends=(str(scale[0][1]), str(scale[2][1]), str(scale[4][1])),
            title=_(
                "Who holds the influence, in the view of each organisation: the mean score per decision "
                "from 1 (entirely %(first)s) to 5 (entirely %(second)s), largest difference first"
            )
            % {"first": sides[0].name, "second": sides[1].name},
        )
    return context


def summary_context(session: Session) -> dict[str, Any]:
    return {
        "session": session,
        "decision_count": Decision.objects.filter(session=session).count(),
        "changes": list(Change.objects.filter(session=session).select_related("decision", "action")),
        "plan": running.plan_of(session),
        "unaffiliated": session.participants.exclude(
            pk__in=Affiliation.objects.filter(session=session).values("participant")
        ).count(),
        **results_context(session),
    }


def summary_pdf(session: Session, printed_by: Any) -> bytes:
    html = render_to_string(
        "power/summary_print.html",
        summary_context(session) | {"printed_at": timezone.localtime(), "printed_by": printed_by},
    )
    return html_to_pdf(html, "actions/plan_print.css")
