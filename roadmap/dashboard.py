"""The roadmap card on the organisation overview: steps done of the organisation's steps, and the next one."""

from typing import Any

from organisations.models import Membership
from roadmap.progress import standing


def card(membership: Membership) -> dict[str, Any] | None:
    state = standing(membership.organisation)
    if state is None:
        return None
    next_steps = state.next_steps
    return {
        "done": state.done,
        "total": state.total,
        "percent": state.percent,
        "next_step": next_steps[0] if next_steps else None,
        "size_known": state.size_known,
    }
