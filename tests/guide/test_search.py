"""The guide's search: the dilemma library's full-text search, over the framework's pages and the organisation's
own and shared pages, with the best matching dilemmas beside them.

Runs on whichever database runs the suite (CI runs it on SQLite and on PostgreSQL); the last tests check each
backend's own machinery: the SQLite FTS5 tables and their triggers, and the PostgreSQL GIN indexes.
"""

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dilemmas.search import top
from framework.fulltext import RankedMatches
from guide.models import GuidePage, OrganisationPage
from organisations.models import Consent, Organisation
from tests.dilemmas.conftest import make_dilemma

GUIDE = reverse("guide:guide", kwargs={"slug": "hulp"})


def page_url(slug: str) -> str:
    return reverse("guide:page", kwargs={"slug": "hulp", "page": slug})


def slugs(found) -> list[str]:
    return [page.slug for page in found]


def titles(found) -> list[str]:
    return [page.title for page in found]


def own_page(organisation, title: str, body: str = "Some text.\n", summary: str = "") -> OrganisationPage:
    page = OrganisationPage(organisation=organisation, title=title, summary=summary)
    page.set_body(body)
    page.save()
    return page


def search(q: str) -> list[str]:
    return slugs(GuidePage.objects.filter(retired=False).search(q))


def test_words_in_either_language_find_pages_and_prefixes_count(loaded):
    assert search("vertrouwenspersoon")[0] == "confidential-adviser"
    assert search("confidential adviser")[0] == "confidential-adviser"
    assert "confidential-adviser" in search("vertrouwens")  # the start of a word
    assert "psea-with-partners" in search("capaciteitstoets")  # a Dutch word only in the Dutch text
    assert search("vertrouwenspersoon zebra") == []  # every word must match


def test_a_match_in_the_title_ranks_first(loaded):
    found = search("PSEA")
    assert found[0] == "psea-with-partners" and "care-for-those-affected" in found[1:]
    assert search("gedragscode")[0] == "code-of-conduct"


def test_link_addresses_and_markup_are_not_searched(people):
    page = own_page(people.org, "Contacts", "**Call** [the desk](https://zanzibar.example/x) or see [more](guide:faq).")
    visible = OrganisationPage.objects.visible_to(people.org)
    assert titles(visible.search("desk call")) == ["Contacts"]
    assert titles(visible.search("zanzibar")) == [] and titles(visible.search("faq")) == []
    assert page.search_text == "Call the desk or see more."


def test_own_pages_rank_a_title_match_first_and_only_visible_pages_count(people):
    own_page(people.org, "Travel rules", "When you travel for the rice programme, keep receipts.")
    own_page(people.org, "Rice suppliers", "Who supplies us.")
    own_page(people.other_org, "Rice, privately", "Not shared.")
    shared = own_page(people.other_org, "Rice contracts of Ander", "Shared with Hulp.")
    consent = Consent.objects.create(
        organisation=people.other_org,
        subject=shared.subject,
        scope=Consent.Scope.ORGANISATION,
        to_organisation=people.org,
        given_by=people.outsider,
    )
    visible = OrganisationPage.objects.visible_to(people.org)
    assert titles(visible.search("rice")) in (
        ["Rice suppliers", "Rice contracts of Ander", "Travel rules"],
        ["Rice contracts of Ander", "Rice suppliers", "Travel rules"],
    )
    consent.revoke(people.outsider)
    assert titles(OrganisationPage.objects.visible_to(people.org).search("rice")) == ["Rice suppliers", "Travel rules"]


def test_search_operators_and_punctuation_are_plain_words(people, loaded, english):
    for query in ['NOT "', "partner OR", "*", "partner) AND (", "rice:*", "a'b", "!!", "near(", "-", "_"]:
        response = people.client("member").get(GUIDE, {"q": query})
        assert response.status_code == 200, query
    text = people.client("member").get(GUIDE, {"q": "!!"}).content.decode()
    assert "0 pages match" in text


def test_the_results_page_shows_pages_own_pages_and_dilemmas(people, loaded, english):
    own_page(people.org, "Customs at the port", "Our agent at customs.")
    mine = make_dilemma(people.org, people.member, title_en="Customs wants a gift")
    text = people.client("member").get(GUIDE, {"q": "customs"}).content.decode()
    assert "pages match “customs”" in text
    assert page_url("dilemma-conversations") in text  # a guide page that names the customs dilemma
    assert "Customs at the port" in text
    dilemmas = text[text.index('id="found-dilemmas"') :]
    assert 'An "expediting fee" at customs' in dilemmas or "An &quot;expediting fee&quot; at customs" in dilemmas
    assert f"/o/hulp/dilemmas/{mine.code}/" in dilemmas and "Hulp Zonder Grenzen" in dilemmas
    assert "Samen starter library" in dilemmas
    assert "/o/hulp/dilemmas/?q=customs" in dilemmas


def test_at_most_five_dilemmas_and_a_link_to_the_library_for_the_rest(people, loaded, english):
    for number in range(7):
        make_dilemma(people.org, people.member, title_en=f"Zanzibar cloves {number}")
    text = people.client("member").get(GUIDE, {"q": "zanzibar"}).content.decode()
    dilemmas = text[text.index('id="found-dilemmas"') :]
    assert dilemmas.count("Zanzibar cloves") == 5
    assert "More dilemmas match: search the library for all of them" in dilemmas
    assert 'href="/o/hulp/dilemmas/?q=zanzibar"' in dilemmas
    assert "No page of the guide matches" in text


def test_top_dilemmas_reads_one_more_to_know_whether_more_match(people, loaded, english):
    for number in range(5):
        make_dilemma(people.org, people.member, title_en=f"Zanzibar cloves {number}")
    make_dilemma(people.org, people.member, title_en="Cloves", situation_en="Shipped from Zanzibar.")
    found, more = top(people.org, "zanzibar", limit=5)
    assert len(found) == 5 and more and "Cloves" not in [d.title_en for d in found]  # the title matches first
    found, more = top(people.org, "zanzibar", limit=6)
    assert len(found) == 6 and not more and found[-1].title_en == "Cloves"
    assert top(people.org, "!!") == ([], False)
    text = people.client("member").get(GUIDE, {"q": "zanzibar cloves"}).content.decode()
    assert "More dilemmas match" in text
    text = people.client("member").get(GUIDE, {"q": "shipped"}).content.decode()
    assert "Cloves" in text and "More dilemmas match" not in text and "Search the dilemma library with filters" in text


def test_the_results_read_what_they_show_not_the_texts(people, loaded, english):
    """A page's body, a dilemma's situation and reflection, and the search texts: kilobytes a row, never shown."""
    own_page(people.org, "Zanzibar contacts", "Call the Zanzibar desk.\n", summary="Who to call in Zanzibar")
    make_dilemma(people.org, people.member, title_en="Zanzibar cloves", question_en="Do you buy them?")
    with CaptureQueriesContext(connection) as queries:
        text = people.client("member").get(GUIDE, {"q": "zanzibar"}).content.decode()
    assert "Who to call in Zanzibar" in text and "Zanzibar cloves" in text and "Do you buy them?" in text
    selected = [query["sql"].split(" FROM ")[0] for query in queries]
    for column in ("body", "body_nl", "body_en", "search_text", "situation_en", "reflection_en"):
        assert not [sql for sql in selected if f'."{column}"' in sql], column


def test_no_dilemma_matches_says_so(people, loaded, english):
    text = people.client("member").get(GUIDE, {"q": "vertrouwenspersoon"}).content.decode()
    assert page_url("confidential-adviser") in text
    assert "No dilemma in your library matches." in text


def test_a_dilemma_of_another_organisation_is_not_shown(people, loaded, english):
    make_dilemma(people.other_org, people.outsider, title_en="Zanzibar, privately")
    text = people.client("member").get(GUIDE, {"q": "zanzibar"}).content.decode()
    assert "Zanzibar, privately" not in text and "No dilemma in your library matches." in text


def test_an_edited_page_is_found_by_its_new_words(people, english):
    page = own_page(people.org, "Contacts", "Call Anna.")
    url = reverse("guide:page_edit", kwargs={"slug": "hulp", "code": page.code})
    assert people.client("admin").post(url, {"title": "Contacts", "body": "Call Piet."}).status_code == 302
    visible = OrganisationPage.objects.visible_to(people.org)
    assert titles(visible.search("piet")) == ["Contacts"] and titles(visible.search("anna")) == []


# --- Each backend's own machinery ---------------------------------------------------------------------


def fts_rowids(table: str, word: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [word])  # noqa: S608 - our own names
        return sorted(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 indexes exist on SQLite only")
def test_the_sqlite_indexes_follow_every_change(people, loaded):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'guide_%'")
        triggers = {row[0] for row in cursor.fetchall()}
    # A migration that rebuilds a page table drops these: it must create them again (see migration 0003).
    assert triggers == {
        f"guide_{table}_fts_{name}"
        for table in ("guidepage", "organisationpage")
        for name in ("insert", "update", "delete")
    }
    framework_page = GuidePage.objects.get(slug="code-of-conduct")
    GuidePage.objects.filter(pk=framework_page.pk).update(title_en="Zanzibar")
    assert fts_rowids("guide_guidepage_fts", "zanzibar") == [framework_page.pk]
    page = own_page(people.org, "Nutmeg")
    assert fts_rowids("guide_organisationpage_fts", "nutmeg") == [page.pk]
    OrganisationPage.objects.filter(pk=page.pk).update(title="Cloves")
    assert fts_rowids("guide_organisationpage_fts", "nutmeg") == []
    assert fts_rowids("guide_organisationpage_fts", "cloves") == [page.pk]
    Organisation.objects.filter(pk=people.org.pk).delete()  # a cascade, not Django's delete of the row itself
    assert fts_rowids("guide_organisationpage_fts", "cloves") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 indexes exist on SQLite only")
def test_on_sqlite_the_full_text_match_leads_the_query(people, loaded):
    """Led by the page table, SQLite would run the match once per page: slow once organisations write many."""
    own_page(people.org, "Zanzibar cloves")
    for matches, table in (
        (GuidePage.objects.filter(retired=False).search("gedragscode"), "guide_guidepage_fts"),
        (OrganisationPage.objects.visible_to(people.org).search("zanzibar"), "guide_organisationpage_fts"),
    ):
        assert isinstance(matches, RankedMatches) and len(matches) >= 1
        for query in (matches.entries, matches.entries.order_by("rank")):
            sql, params = query.values("pk").query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                steps = [row[3] for row in cursor.fetchall()]
            assert steps[0].startswith(f"SCAN {table} VIRTUAL TABLE INDEX") and ":M" in steps[0], steps


@pytest.mark.skipif(connection.vendor != "sqlite", reason="diacritics are ignored by SQLite's tokenizer only")
def test_on_sqlite_diacritics_are_ignored(people):
    own_page(people.org, "Financiële controle")
    assert titles(OrganisationPage.objects.visible_to(people.org).search("financiele")) == ["Financiële controle"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN indexes exist on PostgreSQL only")
def test_postgres_answers_from_the_gin_indexes(people, loaded):
    for number in range(30):
        own_page(people.org, f"Rice {number}")
    own_page(people.org, "Zanzibar cloves")
    for queryset, index in (
        (GuidePage.objects.filter(retired=False).search("gedragscode"), "guide_page_search_document"),
        (OrganisationPage.objects.all().search("zanzibar"), "guide_own_page_search_document"),
    ):
        assert isinstance(queryset, QuerySet) and len(queryset) >= 1
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan, plan
        assert "to_tsvector" not in plan, plan  # the stored document is ranked, not computed again
