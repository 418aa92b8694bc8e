"""Deadline computation, property-based: the legal clock and the playbook's relative deadlines."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cases.deadlines import add_months, current_phase, feedback_due, schedule

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC))
zones = st.sampled_from(["Europe/Amsterdam", "Africa/Kampala", "America/Lima", "Asia/Kathmandu", "Pacific/Auckland"])


@dataclass
class Step:
    code: str
    phase: str = "receive"
    order: int = 1
    after: list[str] = field(default_factory=list)
    due_anchor: str = ""
    due_step: str = ""
    due_days: int | None = None
    due_months: int | None = None
    marks: str = ""
    done_at: datetime | None = None


@dataclass
class Case:
    received_at: datetime
    acknowledged_at: datetime | None = None
    triaged_at: datetime | None = None
    concluded_at: datetime | None = None


@given(moments, st.integers(min_value=0, max_value=36))
def test_add_months_keeps_the_day_or_takes_the_months_last(moment, months):
    later = add_months(moment, months)
    assert (later.year * 12 + later.month) - (moment.year * 12 + moment.month) == months
    assert later.day == moment.day or (later.day < moment.day and (later + timedelta(days=1)).day == 1)
    assert later.time() == moment.time() and later.tzinfo == moment.tzinfo


@given(moments, st.one_of(st.none(), st.integers(min_value=0, max_value=30 * 24 * 60)))
def test_feedback_is_three_months_from_acknowledgement_or_from_day_seven(received, minutes_to_ack):
    acknowledged = None if minutes_to_ack is None else received + timedelta(minutes=minutes_to_ack)
    due = feedback_due(received, acknowledged)
    start = acknowledged if acknowledged is not None else received + timedelta(days=7)
    assert due == add_months(start, 3)
    # Three calendar months: between 89 and 92 days.
    assert timedelta(days=89) <= due - start <= timedelta(days=92)


@given(moments, st.integers(min_value=0, max_value=6 * 24 * 60))
def test_acknowledging_early_never_makes_feedback_later_than_not_acknowledging(received, minutes):
    """Acknowledging within the 7 days starts the 3 months earlier than the fallback would."""
    early = feedback_due(received, received + timedelta(minutes=minutes))
    assert early <= feedback_due(received, None)


@given(moments, st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 24 * 60)), zones, zones)
def test_deadlines_do_not_move_with_the_time_zone(received, minutes_to_ack, zone_a, zone_b):
    acknowledged = None if minutes_to_ack is None else received + timedelta(minutes=minutes_to_ack)
    in_a = received.astimezone(zoneinfo.ZoneInfo(zone_a))
    ack_a = acknowledged.astimezone(zoneinfo.ZoneInfo(zone_a)) if acknowledged else None
    # The stored moments are UTC; computing from the same moments seen in any zone gives the same instant
    # within a day (calendar months follow the wall clock of the zone the moment is expressed in).
    utc_due = feedback_due(received, acknowledged)
    zone_due = feedback_due(in_a, ack_a)
    assert abs(utc_due - zone_due) <= timedelta(days=3)
    # And the UTC computation itself is independent of the zone a reader is in.
    assert feedback_due(received, acknowledged) == utc_due


@given(moments, st.integers(min_value=0, max_value=90), st.integers(min_value=0, max_value=12))
def test_a_step_counts_from_another_step_once_that_is_done(received, days, months):
    first = Step("investigate", phase="address", order=1)
    second = Step(
        "decide",
        phase="conclude",
        order=2,
        after=["investigate"],
        due_anchor="step",
        due_step="investigate",
        due_days=days,
        due_months=months,
    )
    case = Case(received_at=received)
    states = schedule(case, [first, second])
    assert states[1].due_at is None and states[1].waiting_for == ["investigate"] and not states[1].can_tick
    first.done_at = received + timedelta(days=1)
    states = schedule(case, [first, second])
    assert states[1].due_at == add_months(first.done_at, months) + timedelta(days=days)
    assert states[1].can_tick


@given(moments, st.integers(min_value=1, max_value=30))
def test_acknowledged_anchor_uses_the_playbooks_own_period(received, ack_days):
    ack = Step("ack", due_anchor="received", due_days=ack_days, marks="acknowledged")
    feedback = Step("feedback", phase="conclude", order=9, due_anchor="acknowledged", due_months=3, marks="feedback")
    states = schedule(Case(received_at=received), [ack, feedback])
    assert states[0].due_at == received + timedelta(days=ack_days)
    assert states[1].due_at == add_months(received + timedelta(days=ack_days), 3)


def test_overdue_and_the_current_phase():
    received = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    ack = Step("ack", due_anchor="received", due_days=7, marks="acknowledged")
    triage = Step("triage", phase="assess", order=2)
    states = schedule(Case(received_at=received), [ack, triage])
    assert states[0].overdue(received + timedelta(days=8))
    assert not states[0].overdue(received + timedelta(days=6))
    assert states[0].due_soon(received + timedelta(days=5))
    assert current_phase([ack, triage]) == "receive"
    ack.done_at = received
    assert current_phase([ack, triage]) == "assess"
    triage.done_at = received
    assert current_phase([ack, triage]) == "conclude"
