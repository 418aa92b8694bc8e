"""What the guide's links and related items point at in two other apps: the framework's playbooks (cases)
and the starter dilemmas (dilemmas).

Read-only, and only here: the guide does not otherwise import feature apps (docs/decisions/0009). It reads
framework content, which every organisation sees: playbooks without an organisation and published
dilemmas without one. An organisation's dilemma is named by its code and checked against what the
organisation may see (`visible_dilemma_codes`); the dilemma's own page decides who opens it.
"""

import uuid
from collections.abc import Iterable

from cases.models import Playbook
from dilemmas.models import Dilemma
from organisations.models import Organisation


def playbook_codes() -> set[str]:
    """The codes of the framework's playbooks in use (a retired one's page stays readable, but is not linked anew)."""
    return set(Playbook.objects.active().filter(organisation__isnull=True).values_list("code", flat=True))


def starter_slugs() -> set[str]:
    """The slugs of the starter dilemmas in the library."""
    return set(Dilemma.objects.framework().published().values_list("slug", flat=True))


def starter_codes(slugs: Iterable[str]) -> dict[str, uuid.UUID]:
    """Starter dilemmas' codes by slug (their pages are opened by code); a slug not in the library is left out."""
    return dict(Dilemma.objects.framework().published().filter(slug__in=set(slugs)).values_list("slug", "code"))


def visible_dilemma_codes(viewer: Organisation, codes: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of `codes` name dilemmas in the library `viewer` sees."""
    return set(Dilemma.objects.visible_to(viewer).filter(code__in=set(codes)).values_list("code", flat=True))


def playbooks(codes: list[str]) -> list[Playbook]:
    """The framework's playbooks with these codes, in the order given (retired ones too: their page stays)."""
    found = {p.code: p for p in Playbook.objects.filter(organisation__isnull=True, code__in=codes)}
    return [found[code] for code in codes if code in found]


def starters(slugs: list[str]) -> list[Dilemma]:
    """The starter dilemmas with these slugs still in the library, in the order given."""
    found = {d.slug: d for d in Dilemma.objects.framework().published().filter(slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found]
