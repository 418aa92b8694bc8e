"""Links that apps above `organisations` add to a partnership's page (its agreements, its health checks…).

Registered from the owning app's AppConfig.ready(), so `organisations` names none of their URLs.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from organisations.models import Membership, Partnership


@dataclass(frozen=True)
class Link:
    label: str | Promise
    # (the viewer's membership, the partnership) → the URL, or None when this viewer gets no link
    url: Callable[[Membership, Partnership], str | None]
    order: int = 100


_links: dict[str, Link] = {}


def register(
    name: str, *, label: str | Promise, url: Callable[[Membership, Partnership], str | None], order: int = 100
) -> None:
    _links[name] = Link(label=label, url=url, order=order)


def links_for(membership: Membership, partnership: Partnership) -> list[tuple[str, str]]:
    shown = []
    for link in sorted(_links.values(), key=lambda link: link.order):
        target = link.url(membership, partnership)
        if target:
            shown.append((str(link.label), target))
    return shown
