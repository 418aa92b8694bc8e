"""Cards that apps above `organisations` add to the organisation overview.

An app registers a card from its AppConfig.ready(); the overview asks each card for its context and
shows the card when that is not None. `organisations` so shows assessments, action plans, the
roadmap or health checks without importing those apps.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from organisations.models import Membership


@dataclass(frozen=True)
class Card:
    name: str
    # A template that renders one <section class="card">; it receives `card` (the context below),
    # `organisation` and `membership`.
    template: str
    # The card's figures for this person in this organisation, or None to leave the card out.
    context: Callable[[Membership], dict[str, Any] | None]
    order: int = 100


_cards: dict[str, Card] = {}


def register(
    name: str, *, template: str, context: Callable[[Membership], dict[str, Any] | None], order: int = 100
) -> None:
    _cards[name] = Card(name=name, template=template, context=context, order=order)


def cards_for(membership: Membership) -> list[tuple[Card, dict[str, Any]]]:
    shown = []
    for card in sorted(_cards.values(), key=lambda c: (c.order, c.name)):
        context = card.context(membership)
        if context is not None:
            shown.append((card, context))
    return shown
