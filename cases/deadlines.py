"""When each step of a case is due — pure functions over moments in UTC.

A step's deadline counts from an event of the case (`Anchor`): received, acknowledged, triaged, or
another step done. Deadlines are never stored: they are computed from the stored UTC moments of the
events, so they survive restarts, edits of the playbook and changes of time zone alike; only showing
them turns them into a reader's local time.

The legal clock (EU Directive 2019/1937, art. 9; Dutch Wbk): acknowledge within 7 days; feedback
within 3 months of the acknowledgement — or of the end of those 7 days when no acknowledgement was sent.
"""

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from cases.models import PHASE_ORDER, Anchor, Marks

ACKNOWLEDGE_WITHIN_DAYS = 7
FEEDBACK_WITHIN_MONTHS = 3
DUE_SOON = timedelta(days=3)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def due_after(start: datetime, *, days: int | None = None, months: int | None = None) -> datetime:
    """`start` plus whole months (calendar), then days."""
    return add_months(start, months or 0) + timedelta(days=days or 0)


def acknowledgement_anchor(
    received_at: datetime, acknowledged_at: datetime | None, acknowledge_days: int = ACKNOWLEDGE_WITHIN_DAYS
) -> datetime:
    """What "from the acknowledgement" counts from: the acknowledgement, or the end of the period for it."""
    return acknowledged_at if acknowledged_at is not None else received_at + timedelta(days=acknowledge_days)


def feedback_due(
    received_at: datetime,
    acknowledged_at: datetime | None,
    *,
    acknowledge_days: int = ACKNOWLEDGE_WITHIN_DAYS,
    months: int = FEEDBACK_WITHIN_MONTHS,
) -> datetime:
    return add_months(acknowledgement_anchor(received_at, acknowledged_at, acknowledge_days), months)


class StepLike(Protocol):
    code: str
    phase: str
    order: int
    after: list[str]
    due_anchor: str
    due_step: str
    due_days: int | None
    due_months: int | None
    marks: str
    done_at: datetime | None


class CaseLike(Protocol):
    received_at: datetime
    acknowledged_at: datetime | None
    triaged_at: datetime | None
    concluded_at: datetime | None


@dataclass
class StepState:
    step: StepLike
    due_at: datetime | None
    # Steps listed in `after` that are not done yet: this one can't be ticked before them.
    waiting_for: list[str]

    @property
    def done(self) -> bool:
        return self.step.done_at is not None

    def overdue(self, now: datetime) -> bool:
        return not self.done and self.due_at is not None and self.due_at < now

    def due_soon(self, now: datetime) -> bool:
        return not self.done and self.due_at is not None and now <= self.due_at <= now + DUE_SOON

    @property
    def can_tick(self) -> bool:
        return not self.done and not self.waiting_for


def acknowledge_days(steps: Iterable[StepLike]) -> int:
    """The acknowledgement period of a case: the deadline of its step that marks receipt acknowledged."""
    for step in steps:
        if step.marks == Marks.ACKNOWLEDGED and step.due_anchor == Anchor.RECEIVED and step.due_days is not None:
            return step.due_days
    return ACKNOWLEDGE_WITHIN_DAYS


def schedule(case: CaseLike, steps: Sequence[StepLike]) -> list[StepState]:
    """Every step of the case with its deadline and what it waits for, in playbook order."""
    by_code = {step.code: step for step in steps}
    ack_anchor = acknowledgement_anchor(case.received_at, case.acknowledged_at, acknowledge_days(steps))
    states = []
    for step in steps:
        start: datetime | None
        if step.due_anchor == Anchor.RECEIVED:
            start = case.received_at
        elif step.due_anchor == Anchor.ACKNOWLEDGED:
            start = ack_anchor
        elif step.due_anchor == Anchor.TRIAGED:
            start = case.triaged_at
        elif step.due_anchor == Anchor.STEP and step.due_step in by_code:
            start = by_code[step.due_step].done_at
        else:
            start = None
        has_rule = step.due_days is not None or step.due_months is not None
        due = due_after(start, days=step.due_days, months=step.due_months) if start and has_rule else None
        waiting = [code for code in step.after if code in by_code and by_code[code].done_at is None]
        states.append(StepState(step=step, due_at=due, waiting_for=waiting))
    return states


def current_phase(steps: Sequence[StepLike]) -> str:
    """The phase of the first step not done; the last phase when every step is done."""
    for step in sorted(steps, key=lambda s: (PHASE_ORDER.index(s.phase), s.order)):
        if step.done_at is None:
            return step.phase
    return PHASE_ORDER[-1]
