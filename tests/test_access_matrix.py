"""Every route of Samen, for every persona, with the status it must answer.

A URL pattern without a row here fails the suite: a new page is not done until someone has
decided who may see it.
"""

import importlib
import pkgutil

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access
from tests.access.rows import PERSONA_ORDER, Row
from tests.access.world import build_world

# The Django admin (for platform operators) is one row: its index; everything under it is Django's own.
ADMIN_NAMESPACE = "admin"


def all_rows() -> list[Row]:
    rows: list[Row] = []
    for module in pkgutil.iter_modules(tests.access.__path__):
        if module.name in {"rows", "world"}:
            continue
        rows.extend(importlib.import_module(f"tests.access.{module.name}").ROWS)
    return rows


def url_views(resolver: URLResolver | None = None, namespace: str = "") -> dict[str, object]:
    """Every route's name with its view (the admin as its index alone, with no view here)."""
    views: dict[str, object] = {}
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns == ADMIN_NAMESPACE:
                views["admin:index"] = None
                continue
            if ns is None and pattern.app_name is None and "static" in str(pattern.pattern):
                continue
            views |= url_views(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name; every route needs one"
            views[f"{namespace}{pattern.name}"] = pattern.callback
    return views


def url_names() -> set[str]:
    return set(url_views())


ROWS = all_rows()


def test_every_url_has_a_row():
    covered = {row.name for row in ROWS}
    missing = url_names() - covered
    assert not missing, f"URL patterns without an access-matrix row: {sorted(missing)}"
    unknown = covered - url_names()
    assert not unknown, f"Rows for URL names that do not exist: {sorted(unknown)}"


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.method}:{r.name}{':' + r.note if r.note else ''}" for r in ROWS])
def test_access(row: Row, people):
    if getattr(row.kwargs, "needs_framework", False):
        # Shipped content identifies no one and no persona changes it: loaded once, outside the personas' worlds.
        call_command("load_framework", verbosity=0)
    world = build_world(people)
    # The row's objects are made once too (its arguments and data make some and keep them in the world); the
    # data is built again for each persona below, as an uploaded file is read by the request that sends it.
    url = reverse(row.name, kwargs=row.kwargs(world)) + row.query
    row.data(world)
    got = {}
    for persona in PERSONA_ORDER:
        # Each persona meets the same world: what one persona's request changed is rolled back before the
        # next, so it cannot decide the next one's status.
        with transaction.atomic():
            client = people.client(persona)
            response = client.post(url, row.data(world)) if row.method == "post" else client.get(url)
            got[persona] = response.status_code
            transaction.set_rollback(True)
    assert got == row.expect, f"{row.method.upper()} {row.name}"
