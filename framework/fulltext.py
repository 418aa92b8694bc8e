"""One full-text search over the database's own engine, for every searchable model (the dilemma library, the guide).

    search(queryset, "per diem", index) → the rows of `queryset` that match every word, best first

Every word of the query must match, as a word or the start of one ("diem" finds "per-diems"), in any
indexed text in either language (a Dutch word finds a row on the English interface and the reverse).
Titles weigh more than the rest; each index says how much.

What is shared lives here: the words of a query, the match each backend understands, the choice of
backend by `connection.vendor`, the ranking, and the way the match leads the query on SQLite. What is
not: each app keeps its own index through its own migrations and describes it with an `Index`:

- SQLite: an FTS5 table with external content (the searched table itself, so the text is not stored
  twice), kept in step by triggers, ranked by bm25 with per-column weights set in the migration, read
  through an unmanaged model (`Index.entries`) whose primary key is the searched row and which has a
  `document` column of type `FullTextDocument` and a `rank` column. Diacritics are ignored
  ("financiele" finds "financiële") when the table is made with `remove_diacritics`.
- PostgreSQL: the weighted tsvector `Index.vector()` builds, with the 'simple' configuration (no
  stemming: the texts are in two languages and a Dutch stemmer would mangle the English), a prefix
  tsquery, ranked by ts_rank, served by a GIN index on exactly that expression. Diacritics count here.
- Any other database: every word as a case-insensitive "contains" over `Index.fields`, no ranking.

Filters are the queryset's own, so they apply before ranking and pagination on every backend.
"""

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import F, Q, QuerySet

MAX_TERMS = 8
WORD = re.compile(r"\w+")
CONFIG = "simple"

M = TypeVar("M", bound=models.Model)


def terms(query: str) -> list[str]:
    """The words of a query, lower-cased; punctuation and search operators are dropped."""
    return [word.lower() for word in WORD.findall(query)][:MAX_TERMS]


def fts5_match(words: Sequence[str]) -> str:
    """The FTS5 query for `words`: each quoted (a bare word could be an operator such as NOT), each a prefix."""
    return " ".join(f'"{word}"*' for word in words)


def tsquery(words: Sequence[str]) -> SearchQuery:
    """The PostgreSQL query for `words`: all of them, each a prefix."""
    # \w+ words hold no tsquery operators, so they can be joined into a raw prefix query safely.
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config=CONFIG)


def weighted_vector(*groups: tuple[str, Sequence[str]]) -> Any:
    """A weighted tsvector: `("A", ["title_nl", "title_en"]), ("B", [...])`. A migration indexes exactly this."""
    parts = [SearchVector(*columns, weight=weight, config=CONFIG) for weight, columns in groups]
    vector: Any = parts[0]
    for part in parts[1:]:
        vector = vector + part
    return vector


class FullTextDocument(models.TextField):
    """FTS5's hidden column named after its table: what `document__match` puts on the left of MATCH."""


@FullTextDocument.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


@dataclass(frozen=True)
class Index:
    """How one model is searched: its FTS5 table (SQLite), its weighted document (PostgreSQL), its text columns."""

    entries: type[models.Model]
    vector: Callable[[], Any]
    fields: tuple[str, ...]


class RankedMatches(Generic[M]):
    """SQLite's matches, best first, as a sequence the paginator slices: one page of rows is fetched at a time.

    The FTS5 table leads the query and the filtered queryset is only a condition on it. Joined the other
    way round, SQLite's planner walks the searched table and runs the full-text match once per row: on
    50,000 dilemmas that is seconds instead of milliseconds.
    """

    def __init__(self, queryset: QuerySet[M], entries: QuerySet[Any]) -> None:
        self.queryset = queryset
        self.key = entries.model._meta.pk.attname
        # `key + 0` is an expression, not the rowid column: SQLite cannot use it to look rows up one by one,
        # so it scans the matches and checks each against the queryset's ids, computed once.
        self.entries = entries.alias(candidate=F(self.key) + 0).filter(candidate__in=queryset.values("pk"))

    def count(self) -> int:
        return self.entries.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> M: ...

    @overload
    def __getitem__(self, index: slice) -> list[M]: ...

    def __getitem__(self, index: int | slice) -> M | list[M]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = list(self.entries.order_by("rank", self.key).values_list(self.key, flat=True)[index])
        found = self.queryset.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def __iter__(self) -> Iterator[M]:
        return iter(self[:])


def search(queryset: QuerySet[M], query: str, index: Index) -> "QuerySet[M] | RankedMatches[M]":
    """The rows of `queryset` that match every word of `query`, best first.

    Without words, `queryset` itself. What comes back counts (`count()`), slices and iterates, so it
    goes straight into a Paginator: a queryset on PostgreSQL, `RankedMatches` on SQLite. Apply
    select_related and prefetch_related before searching; they carry over.
    """
    words = terms(query)
    if not words:
        return queryset
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite":
        return RankedMatches(queryset, index.entries._default_manager.filter(document__match=fts5_match(words)))
    if vendor == "postgresql":
        wanted = tsquery(words)
        return (
            queryset.annotate(search_vector=index.vector())
            .filter(search_vector=wanted)
            .annotate(rank=SearchRank(F("search_vector"), wanted))
            .order_by("-rank", "pk")
        )
    found = Q()
    for word in words:
        either = Q()
        for field in index.fields:
            either |= Q(**{f"{field}__icontains": word})
        found &= either
    return queryset.filter(found)
