"""Links from a topic to what other apps hold on it.

A topic is a list of taxonomy codes (violation types or sub-types): an assessment requirement's `topics`,
a case's category. Pages of the core apps (a gap in an assessment, an action in a plan) show a link to
every source registered here — the dilemma library, for one — without importing the apps that hold
them (ADR 9: registries instead of imports upward). Apps register from `AppConfig.ready()`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    # (organisation slug, topic codes) -> the URL of that organisation's material on those topics.
    url: Callable[[str, list[str]], str]


SOURCES: dict[str, Source] = {}


def register(key: str, *, label: str | Promise, url: Callable[[str, list[str]], str]) -> None:
    SOURCES[key] = Source(key, label, url)


def links(codes: Iterable[str], slug: str) -> list[tuple[str, str]]:
    """(label, URL) for each registered source, for these topic codes; none when there is no topic."""
    topics = list(dict.fromkeys(code for code in codes if code))
    if not topics:
        return []
    return [(str(source.label), source.url(slug, topics)) for source in SOURCES.values()]
