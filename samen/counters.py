"""Counters that only grow: a version of some data, bumped by every change of it (docs/decisions/0016, 0023).

A cache keyed on the sum of the counters its data depends on (and on how many of them exist) is not served
after a change: the change adds one to its counters in its own transaction, so the sum read before a
computation is never older than the data read after it. A key's row is made on its first change; a key
without a row counts as 0. Many changes in one transaction (an import) bump each counter once: `bumps_once`.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.db.models import Count, F, Sum

T = TypeVar("T")


class Counter(models.Model):
    key = models.CharField(max_length=40, unique=True)
    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.key}: {self.number}"


# The bumps `bumps_once` collects, per counter model; None outside it.
_collected: ContextVar[dict[type[Counter], set[str]] | None] = ContextVar("collected_bumps", default=None)


def bump(model: type[Counter], keys: Iterable[str]) -> None:
    """Add one to each counter. Keys in order, one row at a time, so two changes never wait on each other's rows
    in opposite orders. Within `bumps_once`, at its end."""
    collected = _collected.get()
    if collected is not None:
        collected.setdefault(model, set()).update(keys)
        return
    for key in sorted(set(keys)):
        if model._default_manager.filter(key=key).update(number=F("number") + 1):
            continue
        try:
            with transaction.atomic():
                model._default_manager.create(key=key, number=1)
        except IntegrityError:  # made at the same moment by another request
            model._default_manager.filter(key=key).update(number=F("number") + 1)


@contextmanager
def bumps_once(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within, each counter bumped is bumped once, when the block ends without an error: for many changes in one
    transaction (an import of 2,000 partners made some 10,000 bumps of a few thousand counters, one query each).

    Only inside the transaction of those changes (`transaction.atomic`): the bumps then commit with them, before
    anyone reads the data. A change undone inside the block (a rolled-back savepoint) is still counted: one
    computation more, never one too few. Nested, the outermost block bumps.
    """
    if not transaction.get_connection(using).in_atomic_block:
        raise transaction.TransactionManagementError("bumps_once() runs inside the changes' transaction")
    if _collected.get() is not None:
        yield
        return
    collected: dict[type[Counter], set[str]] = {}
    token = _collected.set(collected)
    try:
        yield
    finally:
        _collected.reset(token)
    for model, keys in collected.items():
        bump(model, keys)


def version(model: type[Counter], keys: Iterable[str]) -> tuple[int, int]:
    """(the sum of the counters of `keys`, how many of them have a row): one query. Any bump changes it."""
    found = model._default_manager.filter(key__in=list(keys)).aggregate(total=Sum("number"), rows=Count("pk"))
    return found["total"] or 0, found["rows"] or 0


def numbers(model: type[Counter], keys: list[str]) -> tuple[int, ...]:
    """Each key's counter, in the order of `keys` (0 for a key never bumped): one query."""
    found = dict(model._default_manager.filter(key__in=keys).values_list("key", "number"))
    return tuple(found.get(key, 0) for key in keys)


def cached(namespace: str, material: Any, max_age: int, compute: Callable[[], T]) -> T:
    """`compute()`, from Django's cache under a key made of `material` — everything the result depends on, the
    versions read (before the data) included — and at most `max_age` seconds old. `compute` must not return None."""
    key = f"{namespace}:" + hashlib.sha256(repr(material).encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return cast(T, found)
    computed = compute()
    cache.set(key, computed, max_age)
    return computed
