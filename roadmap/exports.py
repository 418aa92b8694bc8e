"""The director's one-page overview of the roadmap, as PDF (WeasyPrint).

The charts are the same server-rendered SVG as on the page.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from organisations.models import Organisation
from roadmap.progress import Standing
from samen.pdf import html_to_pdf

# On one page the list of steps done is cut short; the figures above it still count them all.
DONE_SHOWN = 12


def overview_html(organisation: Organisation, state: Standing) -> str:
    done = [(step, completion) for step, completion in state.rows() if completion is not None]
    done.sort(key=lambda row: row[1].done_at, reverse=True)
    return render_to_string(
        "roadmap/overview_print.html",
        {
            "organisation": organisation,
            "state": state,
            "block_chart": state.block_chart(),
            "overall_chart": state.overall_chart(),
            "done": done[:DONE_SHOWN],
            "more_done": max(0, len(done) - DONE_SHOWN),
            "printed_at": timezone.localtime(),
        },
    )


def overview_pdf(organisation: Organisation, state: Standing) -> bytes:
    # Imported here: loading WeasyPrint is slow, and only this export needs it.
    return html_to_pdf(overview_html(organisation, state), "roadmap/overview_print.css")
