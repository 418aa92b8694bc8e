"""The session's report: what the room chose on each dilemma, what it agreed and learned, the actions.

The same figures make the HTML page and the PDF (WeasyPrint, as the action plan and the case summary
are printed). Participants are counted; a name appears only when the participant gave one. A constant
number of queries, whatever the number of dilemmas, participants and votes.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dialogue.models import Record, Session, SessionItem, Vote
from dialogue.running import Share, chart_items
from dilemmas.models import OPTION_LETTERS, Option
from samen.charts import bar_chart
from samen.pdf import html_to_pdf


@dataclass
class ItemReport:
    item: SessionItem
    shares: list[Share]
    total: int
    chart: SafeString
    records: list[Record] = field(default_factory=list)


@dataclass
class Report:
    session: Session
    joined: int
    removed: int
    names: list[str]
    items: list[ItemReport]
    general: list[Record]

    @property
    def agreements(self) -> list[Record]:
        return [r for r in self._records if r.kind == Record.Kind.AGREEMENT]

    @property
    def lessons(self) -> list[Record]:
        return [r for r in self._records if r.kind == Record.Kind.LESSON]

    @property
    def actions(self) -> list[Record]:
        return [r for r in self._records if r.action_id is not None]

    @property
    def _records(self) -> list[Record]:
        return [*self.general, *[r for i in self.items for r in i.records]]


def build(session: Session) -> Report:
    items = list(session.items.select_related("dilemma"))
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(dilemma_id__in=[i.dilemma_id for i in items if i.dilemma_id]):
        options.setdefault(option.dilemma_id, []).append(option)
    counts: dict[int, dict[int, int]] = {}
    for item_id, choice, n in (
        Vote.objects.filter(session=session).values_list("item_id", "choice").annotate(n=Count("pk")).order_by()
    ):
        counts.setdefault(item_id, {})[choice] = n
    records = list(session.records.select_related("action", "dilemma", "author"))
    participants = list(session.participants.values_list("display_name", "removed_at"))
    reports = []
    for item in items:
        votes = counts.get(item.pk, {})
        total = sum(votes.values())
        known = options.get(item.dilemma_id or 0, [])
        # A dilemma deleted from the library since: its courses of action by letter only.
        labels = [(o.position, o.letter, o.text) for o in known] or [
            (n, OPTION_LETTERS[n - 1], "") for n in sorted(votes)
        ]
        shares = [
            Share(letter, text, votes.get(position, 0), round(100 * votes.get(position, 0) / total) if total else 0)
            for position, letter, text in labels
        ]
        chart = bar_chart(
            chart_items(shares), maximum=max(total, 1), title=_("Votes on “%(title)s”") % {"title": item.title}
        )
        reports.append(ItemReport(item, shares, total, chart, [r for r in records if r.item_id == item.pk]))
    return Report(
        session=session,
        joined=len(participants),
        removed=sum(1 for _name, removed in participants if removed is not None),
        names=sorted({name for name, _removed in participants if name}, key=str.casefold),
        items=reports,
        general=[r for r in records if r.item_id is None],
    )


def report_html(report: Report, printed_by: Any) -> str:
    return render_to_string(
        "dialogue/report_print.html",
        {"report": report, "session": report.session, "printed_at": timezone.localtime(), "printed_by": printed_by},
    )


def report_pdf(report: Report, printed_by: Any) -> bytes:
    return html_to_pdf(report_html(report, printed_by), "actions/plan_print.css")
