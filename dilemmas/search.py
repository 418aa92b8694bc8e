"""Full-text search of the dilemma library, one interface over the database's own full-text engine.

    search(Dilemma.objects.visible_to(org), "per diem") → the same queryset, matching dilemmas only, best first

Every word of the query must match, as a word or the start of one ("diem" finds "per-diems"), in a
title or any other text of the dilemma in either language (a Dutch word finds a dilemma on the
English interface and the reverse). Titles weigh four times as much as the rest.

- SQLite: the FTS5 table `dilemmas_dilemma_fts` (migration 0002), joined through `SearchEntry`,
  ranked by bm25. Diacritics are ignored ("financiele" finds "financiële").
- PostgreSQL: a weighted tsvector with the 'simple' configuration (no stemming: the library is in two
  languages and a Dutch stemmer would mangle the English text), prefix tsquery, ranked by ts_rank, served
  by the GIN index of migration 0002. Diacritics count here (no unaccent extension needed).
- Any other database: every word as a case-insensitive "contains", newest first, no ranking.

The filters (visibility, tags, context, language) are the queryset's own, so they apply before
ranking and pagination on every backend.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q
from django.db.models.expressions import CombinedExpression

from dilemmas.models import DilemmaQuerySet

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


def search(queryset: DilemmaQuerySet, query: str) -> DilemmaQuerySet:
    words = terms(query)
    if not words:
        return queryset
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite":
        # Each word quoted (a bare word could be an FTS5 operator such as NOT) and matched as a prefix.
        match = " ".join(f'"{word}"*' for word in words)
        return queryset.filter(search_entry__document__match=match).order_by("search_entry__rank", "pk")
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
