"""Full-text search of the dilemma library, one interface over the database's own full-text engine.

    search(Dilemma.objects.visible_to(org), "per diem") → the matching dilemmas of that queryset, best first

Every word of the query must match, as a word or the start of one ("diem" finds "per-diems"), in a
title or any other text of the dilemma in either language (a Dutch word finds a dilemma on the
English interface and the reverse). Titles weigh four times as much as the rest.

- SQLite: the FTS5 table `dilemmas_dilemma_fts` (migration 0002), read through `SearchEntry`, ranked
  by bm25. Diacritics are ignored ("financiele" finds "financiële").
- PostgreSQL: a weighted tsvector with the 'simple' configuration (no stemming: the library is in two
  languages and a Dutch stemmer would mangle the English text), prefix tsquery, ranked by ts_rank, served
  by the GIN index of migration 0002. Diacritics count here (no unaccent extension needed).
- Any other database: every word as a case-insensitive "contains", newest first, no ranking.

The filters (visibility, tags, context, language) are the queryset's own, so they apply before
ranking and pagination on every backend.
"""

import re
from collections.abc import Iterator
from typing import overload

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q
from django.db.models.expressions import CombinedExpression

from dilemmas.models import Dilemma, DilemmaQuerySet, SearchEntry

MAX_TERMS = 8
WORD = re.compile(r"\w+")


def terms(query: str) -> list[str]:
    """The words of a query, lower-cased; punctuation and search operators are dropped."""
    return [word.lower() for word in WORD.findall(query)][:MAX_TERMS]


def postgres_vector() -> CombinedExpression:
    """The document PostgreSQL searches; migration 0002 indexes exactly this expression."""
    return SearchVector("title_nl", "title_en", weight="A", config="simple") + SearchVector(
        "search_text", weight="B", config="simple"
    )


class RankedMatches:
    """SQLite's matches, best first, as a sequence the paginator slices: one page of dilemmas is fetched at a time.

    The FTS5 table leads the query and the filtered queryset is only a condition on it. Joined the other
    way round, SQLite's planner walks the dilemma table and runs the full-text match once per row: on
    50,000 dilemmas that is seconds instead of milliseconds.
    """

    def __init__(self, queryset: DilemmaQuerySet, match: str) -> None:
        self.queryset = queryset
        # `dilemma_id + 0` is an expression, not the rowid column: SQLite cannot use it to look rows up
        # one by one, so it scans the matches and checks each against the queryset's ids, computed once.
        self.entries = (
            SearchEntry.objects.filter(document__match=match)
            .alias(candidate=F("dilemma_id") + 0)
            .filter(candidate__in=queryset.values("pk"))
        )

    def count(self) -> int:
        return self.entries.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Dilemma: ...

    @overload
    def __getitem__(self, index: slice) -> list[Dilemma]: ...

    def __getitem__(self, index: int | slice) -> Dilemma | list[Dilemma]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = list(self.entries.order_by("rank", "dilemma_id").values_list("dilemma_id", flat=True)[index])
        found = self.queryset.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def __iter__(self) -> Iterator[Dilemma]:
        return iter(self[:])


def search(queryset: DilemmaQuerySet, query: str) -> "DilemmaQuerySet | RankedMatches":
    """The dilemmas of `queryset` that match every word of `query`, best first.

    Without words, `queryset` itself. What comes back counts (`count()`), slices and iterates, so it
    goes straight into a Paginator: a queryset on PostgreSQL, `RankedMatches` on SQLite. Apply
    select_related and prefetch_related before searching; they carry over.
    """
    words = terms(query)
    if not words:
        return queryset
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite":
        # Each word quoted (a bare word could be an FTS5 operator such as NOT) and matched as a prefix.
        return RankedMatches(queryset, " ".join(f'"{word}"*' for word in words))
    if vendor == "postgresql":
        # \w+ words hold no tsquery operators, so they can be joined into a raw prefix query safely.
        tsquery = SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config="simple")
        return (
            queryset.annotate(search_vector=postgres_vector())
            .filter(search_vector=tsquery)
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
            .order_by("-rank", "pk")
        )
    found = Q()
    for word in words:
        found &= Q(title_nl__icontains=word) | Q(title_en__icontains=word) | Q(search_text__icontains=word)
    return queryset.filter(found)
