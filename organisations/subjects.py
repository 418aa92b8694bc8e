"""What an organisation can share through a consent, and where the recipient sees it.

A consent names its subject as "<kind>" or "<kind>:<code>". Feature apps register the kinds they
share from their AppConfig.ready(), so `organisations` lists and follows every consent without
importing the apps above it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class SubjectKind:
    label: str | Promise
    # (viewer organisation slug, code in the subject) → the page where the recipient sees it
    url: Callable[[str, str], str]
    # False for need-to-know subjects (a case summary): managed where they live, never listed to every member.
    listed: bool = True


_kinds: dict[str, SubjectKind] = {}


def register(kind: str, *, label: str | Promise, url: Callable[[str, str], str], listed: bool = True) -> None:
    _kinds[kind] = SubjectKind(label=label, url=url, listed=listed)


def split(subject: str) -> tuple[str, str]:
    kind, _sep, code = subject.partition(":")
    return kind, code


def label(subject: str) -> str:
    kind = _kinds.get(split(subject)[0])
    return str(kind.label) if kind else subject


def url_for(subject: str, viewer_slug: str) -> str | None:
    kind_name, code = split(subject)
    kind = _kinds.get(kind_name)
    return kind.url(viewer_slug, code) if kind else None


def is_listed(subject: str) -> bool:
    """Whether the organisation's sharing page (seen by every member) lists consents of this subject."""
    kind = _kinds.get(split(subject)[0])
    return kind.listed if kind else True
