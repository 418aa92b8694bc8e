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
  tsquery, ranked by ts_rank, served by a GIN index on that expression stored in a column. An index with
  visibility tokens keeps its documents in a table of their own instead (`Index.documents`): the reader's
  tokens, GIN-indexed, lead, and their documents are checked against the words. Diacritics count here.
- Any other database: every word as a case-insensitive "contains" over `Index.fields`, no ranking.

Filters are the queryset's own, so they apply before ranking and pagination on every backend.
"""

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connections, models
from django.db.models import Expression, F, Q, QuerySet

MAX_TERMS = 8
WORD = re.compile(r"\w+")
CONFIG = "simple"

M = TypeVar("M", bound=models.Model)


def terms(query: str) -> list[str]:
    """The words of a query, lower-cased; punctuation and search operators are dropped."""
    return [word.lower() for word in WORD.findall(query)][:MAX_TERMS]


def fts5_match(words: Sequence[str], columns: Sequence[str] = (), audience: Sequence[str] = (), among: str = "") -> str:
    """The FTS5 query for `words`: each quoted (a bare word could be an operator such as NOT), each a prefix.

    With `columns`, the words are looked for in those columns only; with `audience`, a row must also hold
    one of these tokens in the column `among` (tokens are words too, quoted all the same).
    """
    match = " ".join(f'"{word}"*' for word in words)
    if columns:
        match = f"{{{' '.join(columns)}}} : ({match})"
    if audience:
        anyone = " OR ".join(f'"{token}"' for token in audience)
        match += f" AND {among} : ({anyone})"
    return match


def tsquery(words: Sequence[str]) -> SearchQuery:
    """The PostgreSQL query for `words`: all of them, each a prefix."""
    # \w+ words hold no tsquery operators, so they can be joined into a raw prefix query safely.
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config=CONFIG)


def any_of(tokens: Sequence[str]) -> SearchQuery:
    """The PostgreSQL query for any one of `tokens` (letters and digits only), each as a whole word."""
    return SearchQuery(" | ".join(tokens), search_type="raw", config=CONFIG)


class StoredColumn(Expression):
    """A tsvector column the model does not declare (a generated column only PostgreSQL has), of the
    query's own table: `"guide_guidepage"."search_document"`, whatever alias that table has in the query."""

    output_field = SearchVectorField()

    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(self.column)}", []


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
    """How one model is searched: its FTS5 table (SQLite), its weighted document (PostgreSQL), its text columns.

    An index may also hold visibility tokens (see `search(audience=…)`): on SQLite in the FTS5 column
    `audience_column` (the words are then looked for in `text_columns` only). On PostgreSQL the weighted
    document may be stored in a column of the searched table (`document`) rather than computed from
    `vector()` for every row ranked, or kept in a table of its own (`documents`: a model whose primary key
    is the searched row, with tsvector fields `document` and `audience`, the tokens).
    """

    entries: type[models.Model]
    vector: Callable[[], Any]
    fields: tuple[str, ...]
    text_columns: tuple[str, ...] = ()
    audience_column: str = ""
    document: str = ""
    documents: type[models.Model] | None = None


FETCH_CHUNK = 500  # rows fetched by key per query: well within any database's limit on parameters


class IdsFirst(Generic[M]):
    """Rows of `queryset` as a sequence the paginator counts and slices: the ids of every row, in order, are
    read once (by the first count or slice), and one page of rows is then fetched by key.

    The paginator's count and its page thus cost one pass over what decides which rows come (visibility can
    be costly), not two; the rows themselves are fetched with the queryset's select_related, prefetch_related
    and only/defer, but without its filters again: the ids passed them already.
    """

    def __init__(self, queryset: QuerySet[M]) -> None:
        self.queryset = queryset
        self._ids: list[Any] | None = None

    def read_ids(self, limit: int | None = None) -> list[Any]:
        return list(self.queryset.values_list("pk", flat=True)[:limit])

    def ids(self) -> list[Any]:
        """The ids of every row, in order."""
        if self._ids is None:
            self._ids = self.read_ids()
        return self._ids

    def count(self) -> int:
        return len(self.ids())

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> M: ...

    @overload
    def __getitem__(self, index: slice) -> list[M]: ...

    def __getitem__(self, index: int | slice) -> M | list[M]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        return self._rows(self.ids()[index])

    def head(self, n: int) -> list[M]:
        """The first `n` rows; when no count was asked for, without reading every id (a search's best few)."""
        return self[:n] if self._ids is not None else self._rows(self.read_ids(n))

    def _rows(self, ids: list[Any]) -> list[M]:
        found: dict[Any, M] = {}
        manager = self.queryset.model._default_manager.db_manager(self.queryset.db)
        lookups = self.queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        for start in range(0, len(ids), FETCH_CHUNK):
            rows = manager.filter(pk__in=ids[start : start + FETCH_CHUNK])
            rows.query.select_related = self.queryset.query.select_related
            rows.query.deferred_loading = self.queryset.query.deferred_loading
            found.update((row.pk, row) for row in rows.prefetch_related(*lookups))
        return [found[pk] for pk in ids if pk in found]

    def __iter__(self) -> Iterator[M]:
        return iter(self[:])


class RankedMatches(IdsFirst[M]):
    """A table of search entries' matches, best first (see IdsFirst): the ids of every match are read by one
    ranked query.

    The entries lead the query (SQLite's FTS5 table, PostgreSQL's table of documents) and the filtered
    queryset is only a condition on them. Joined the other way round, SQLite's planner walks the searched
    table and runs the full-text match once per row: on 50,000 dilemmas that is seconds instead of
    milliseconds. The paginator's count and its page cost one match and one ranking, not two. `entries`
    has a `rank` to order by, best first with `best_first` ("rank": FTS5's bm25 is lower for better).
    """

    def __init__(
        self, queryset: QuerySet[M], entries: QuerySet[Any], among: Any = None, best_first: str = "rank"
    ) -> None:
        super().__init__(queryset)
        self.key = entries.model._meta.pk.attname
        self.best_first = best_first
        ids = queryset.values("pk") if among is None else among
        if connections[entries.db].vendor == "sqlite":
            # `key + 0` is an expression, not the rowid column: SQLite cannot use it to look rows up one by
            # one, so it scans the matches and checks each against the queryset's ids, computed once.
            self.entries = entries.alias(candidate=F(self.key) + 0).filter(candidate__in=ids)
        else:
            self.entries = entries.filter(pk__in=ids)

    def read_ids(self, limit: int | None = None) -> list[Any]:
        return list(self.entries.order_by(self.best_first, self.key).values_list(self.key, flat=True)[:limit])


def search(
    queryset: QuerySet[M],
    query: str,
    index: Index,
    audience: Sequence[str] = (),
    among: Any = None,
) -> "QuerySet[M] | RankedMatches[M]":
    """The rows of `queryset` that match every word of `query`, best first.

    Without words, `queryset` itself. What comes back counts (`count()`), slices and iterates, so it
    goes straight into a Paginator: `RankedMatches` on SQLite and from a table of documents, else a queryset. Apply
    select_related and prefetch_related before searching; they carry over.

    With `audience` (an index with visibility tokens), only rows holding one of these tokens are matched
    and ranked: the index narrows the work to what the reader may see before it ranks. `queryset` still
    decides what is found; the tokens must be a superset of what it allows, or rows it allows are missed.

    `among`, when given, is a subquery (a queryset of ids, a RawSQL) of exactly the ids `queryset` holds (its
    only condition, `pk IN among`): the matches are then checked against it directly rather than through the
    queryset's table, which costs a lookup per id (2 ms for the 3,500 dilemmas a reader may see on SQLite).
    """
    words = terms(query)
    if not words:
        return queryset
    vendor = connections[queryset.db].vendor
    tokens = audience if index.audience_column or index.documents is not None else ()
    if vendor == "sqlite":
        match = fts5_match(words, index.text_columns, tokens, index.audience_column)
        return RankedMatches(queryset, index.entries._default_manager.filter(document__match=match), among)
    if vendor == "postgresql":
        wanted = tsquery(words)
        if index.documents is not None:
            documents = index.documents._default_manager.db_manager(queryset.db).filter(document=wanted)
            if tokens:
                documents = documents.filter(audience=any_of(tokens))
            ranked = documents.annotate(rank=SearchRank(F("document"), wanted))
            return RankedMatches(queryset, ranked, among, best_first="-rank")
        document = StoredColumn(index.document) if index.document else index.vector()
        found = queryset.alias(search_vector=document).filter(search_vector=wanted)
        return found.annotate(rank=SearchRank(F("search_vector"), wanted)).order_by("-rank", "pk")
    found = Q()
    for word in words:
        either = Q()
        for field in index.fields:
            either |= Q(**{f"{field}__icontains": word})
        found &= either
    return queryset.filter(found)
