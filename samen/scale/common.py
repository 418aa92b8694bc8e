"""What every stage of the generator shares: the profile, the seeded randomness and bulk inserts."""

import itertools
import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.db import connection, models

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

BATCH = 2_000
SLUG_PREFIX = "scale-"  # every generated organisation's slug starts with it: how a second run is recognised
EMAIL_DOMAIN = "scale.example"
# The password that locks the generated handlers' keys (speakup.keys.setup); their accounts have none.
HANDLER_KEY_PASSWORD = "scale-handler-key-password"  # noqa: S105 -- generated data in a throwaway database
HANDLER_RECOVERY_KEY = "SCALE-SCALE-SCALE-SCALE-SCALE-SCALE-SCALE-SCALE"


@dataclass(frozen=True)
class Profile:
    name: str
    members: int
    partners: int
    partnerships: int
    assessments: int
    answers_per_assessment: int
    actions: int
    cases: int
    dilemmas: int
    relations: int


PROFILES = {
    # DESIGN.md's performance budget: the sector.
    "sector": Profile("sector", 600, 20_000, 40_000, 20_000, 60, 30_000, 10_000, 5_000, 200_000),
    # About a hundredth of it, for tests.
    "small": Profile("small", 6, 200, 400, 200, 60, 300, 100, 50, 2_000),
}


@dataclass
class Context:
    """The state the stages pass on: what earlier stages made, by the keys later stages need."""

    profile: Profile
    seed: int
    now: datetime
    rng: random.Random
    out: Callable[[str], None]
    members: list[Any] = field(default_factory=list)  # Organisation, largest first
    member_weights: list[float] = field(default_factory=list)  # cumulative Zipf weights of `members`
    partners: list[Any] = field(default_factory=list)
    partnerships: list[Any] = field(default_factory=list)
    people: dict[tuple[int, str], Any] = field(default_factory=dict)  # (organisation pk, role) → User
    handlers: dict[int, Any] = field(default_factory=dict)  # member pk → User with a handler key
    library: Any = None
    requirements: list[Any] = field(default_factory=list)
    assessments: list[Any] = field(default_factory=list)

    def uuid(self) -> uuid.UUID:
        """A version-4 UUID from the seeded generator (models' defaults use the system's randomness)."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def member(self) -> Any:
        """A member organisation, chosen by size: a few large funders, a long tail of small ones."""
        return self.rng.choices(self.members, cum_weights=self.member_weights)[0]


def zipf_cumulative(n: int, exponent: float = 1.1) -> list[float]:
    """Cumulative weights 1/rank^exponent: rank 1 gets about a seventh of everything at n = 600."""
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, n + 1)))


def spread(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split over `weights` (relative, not cumulative) in whole numbers, largest remainders first."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts


def insert(model: type[models.Model], fields: list[str], rows: Iterable[tuple[Any, ...]], batch: int = 10_000) -> int:
    """Plain INSERTs of value tuples (already in the database's form), for the largest tables: several times
    faster than model instances through bulk_create. Returns the number of rows."""
    meta = model._meta
    quote = connection.ops.quote_name
    column = {f.name: f.column for f in meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 -- names from the model, values as parameters
    count = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(itertools.islice(iterator, batch)):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def bulk(model: type[M], objects: Iterable[M], batch_size: int = BATCH) -> list[M]:
    """bulk_create in batches; the objects come back with their primary keys (SQLite ≥ 3.35 and PostgreSQL)."""
    made: list[M] = []
    batch: list[M] = []
    for obj in objects:
        batch.append(obj)
        if len(batch) >= batch_size:
            made += model.objects.bulk_create(batch)  # type: ignore[attr-defined]
            batch = []
    if batch:
        made += model.objects.bulk_create(batch)  # type: ignore[attr-defined]
    return made
