"""Full-text search of the dilemma library, through the shared full-text search (framework/fulltext.py).

    search(Dilemma.objects.visible_to(org), "per diem") → the matching dilemmas of that queryset, best first
    top(org, "per diem") → the best five for another app's search page, and whether more match

Every word of the query must match, as a word or the start of one ("diem" finds "per-diems"), in a
title or any other text of the dilemma in either language (a Dutch word finds a dilemma on the
English interface and the reverse). Titles weigh four times as much as the rest.

The index is the library's own (migrations 0002 and 0004):
- SQLite: the FTS5 table `dilemmas_dilemma_fts`, read through `SearchEntry`, ranked by bm25 with the
  titles counting four times. Diacritics are ignored ("financiele" finds "financiële"). A word start of 2 to
  14 letters is read from a list of its own (migration 0008, ADR 0027), not merged from every word so starting.
- PostgreSQL: the table `dilemmas_searchdocument` (`SearchDocument`, migration 0007; a trigger keeps it):
  each dilemma's document, the titles weighted A, the other texts B, ranked by ts_rank.
- Any other database: every word as a case-insensitive "contains", newest first, no ranking.

Given the reader (`viewer`), the index also intersects the words with the reader's visibility tokens
(`audience_tokens`: the framework, the sector, the reader and its alliances) before it ranks — the FTS5
column `visibility`, PostgreSQL's GIN-indexed `SearchDocument.audience` — so a common word ranks the few
thousand dilemmas the reader may see rather than every match in the sector. On PostgreSQL the tokens lead:
the documents of what the reader may see are checked against the words, with no index on the words (ADR
0026). `visible_to` stays the authority on top.

The filters (visibility, tags, context, language) are the queryset's own, so they apply before
ranking and pagination on every backend.
"""

from typing import Any

from dilemmas.models import Dilemma, DilemmaQuerySet, SearchDocument, SearchEntry, audience_tokens
from framework import fulltext
from framework.fulltext import IdsFirst, RankedMatches, terms, weighted_vector
from organisations.models import Organisation

__all__ = ["IdsFirst", "RankedMatches", "postgres_vector", "search", "terms", "top"]


def postgres_vector() -> Any:
    """The document PostgreSQL searches: migration 0007's trigger writes this expression (a test compares them)."""
    return weighted_vector(("A", ["title_nl", "title_en"]), ("B", ["search_text"]))


INDEX = fulltext.Index(
    entries=SearchEntry,
    vector=postgres_vector,
    fields=("title_nl", "title_en", "search_text"),
    text_columns=("title_nl", "title_en", "search_text"),
    audience_column="visibility",
    documents=SearchDocument,
)


def search(
    queryset: DilemmaQuerySet,
    query: str,
    viewer: Organisation | None = None,
    among: Any = None,
) -> "IdsFirst[Dilemma]":
    """The dilemmas of `queryset` that match every word of `query`, best first.

    Without words, all of `queryset`, in its order. What comes back counts (`count()`), slices and
    iterates, so it goes straight into a Paginator: an `IdsFirst` (with words a `RankedMatches`), which reads
    the ids once, in order, for both the count and the page. Apply
    select_related and prefetch_related before searching; they carry over. With `viewer` (whose
    `visible_to` the queryset must be within), the index ranks only what the viewer may see. `among`: the
    viewer's `visible_ids` when the queryset is exactly `visible_to(viewer)` (no other filter), which the
    matches are then checked against directly (framework.fulltext.search).
    """
    if not terms(query):
        # The library without search words: its ids in order once, for the count and the page (see IdsFirst).
        return IdsFirst(queryset)
    audience = audience_tokens(viewer) if viewer is not None else ()
    found = fulltext.search(queryset, query, INDEX, audience, among)
    # Another database's queryset: its ids once too, for the count and the page.
    return found if isinstance(found, IdsFirst) else IdsFirst(found)


def top(viewer: Organisation, query: str, *, limit: int = 5) -> tuple[list[Dilemma], bool]:
    """The `limit` dilemmas of the library `viewer` sees that best match `query`, and whether more match.

    For another app's search page (the guide shows them beside its own pages, with a link to the library
    for the rest). Whether more match is read from one row more, not counted: on a big library a count
    runs the whole match a second time. Read as cards (`DilemmaQuerySet.cards`), with their organisation to
    say whose they are; without words in `query`, nothing.
    """
    if not terms(query):
        return [], False
    ids = Dilemma.objects.visible_ids(viewer)
    visible = Dilemma.objects.filter(pk__in=ids).cards()
    found = search(visible, query, viewer, among=ids).head(limit + 1)
    return found[:limit], len(found) > limit
