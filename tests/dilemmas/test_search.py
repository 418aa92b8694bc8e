"""Full-text search of the library, on whichever database runs the suite (CI runs it on SQLite and PostgreSQL).

The behaviour tests hold for both backends; the last tests check each backend's own machinery: the SQLite
FTS5 triggers, PostgreSQL's table of documents and the trigger that keeps it.
"""

import re

import pytest
from django.db import IntegrityError, connection, router, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from dilemmas.forms import LibraryFilterForm
from dilemmas.links import for_topic
from dilemmas.models import Context, Dilemma, SearchDocument, Status
from dilemmas.search import RankedMatches, postgres_vector, search, terms
from framework.models import ViolationSubtype
from organisations.models import Consent, Organisation
from tests.dilemmas.conftest import make_dilemma

pytestmark = pytest.mark.usefixtures("taxonomy")


def library(people, persona: str = "member", query: str = ""):
    return people.client(persona).get(reverse("dilemmas:library", kwargs={"slug": "hulp"}) + query)


def found(queryset) -> list[str]:
    return [d.title_en or d.title_nl for d in queryset]


@pytest.fixture
def three(people):
    """Three published dilemmas of `hulp` about different things."""
    return {
        "rice": make_dilemma(people.org, people.member, tags=["conflict-of-interest-nepotism"]),
        "diems": make_dilemma(
            people.org,
            people.member,
            title_en="Per diems for a training",
            situation_en="Participants of a workshop expect per-diems above the real costs.",
            question_en="What allowance do you pay?",
            context=Context.FUNDER_PARTNER,
            tags=["misuse-of-funds"],
        ),
        "customs": make_dilemma(
            people.org,
            people.member,
            languages="nl",
            title_en="",
            situation_en="",
            question_en="",
            reflection_en="",
            title_nl="Smeergeld bij de douane",
            situation_nl="Een douanebeambte vraagt contant geld om vaccins vrij te geven. Financiële druk.",
            question_nl="Betaal je?",
            context=Context.GOVERNMENT,
            tags=["corruption"],
        ),
    }


def test_words_in_either_language_find_a_dilemma_and_prefixes_count(people, three):
    visible = Dilemma.objects.visible_to(people.org)
    assert found(search(visible, "douane")) == ["Smeergeld bij de douane"]
    assert found(search(visible, "diem")) == ["Per diems for a training"]  # "per-diems" and "diems" both
    assert found(search(visible, "COUSIN")) == ["Our cousin supplies the rice"]
    # Tag names count too, in both languages: "Corruptie" is the Dutch name of the tag.
    assert found(search(visible, "corruptie")) == ["Smeergeld bij de douane"]


def test_every_word_must_match(people, three):
    visible = Dilemma.objects.visible_to(people.org)
    assert found(search(visible, "cousin rice")) == ["Our cousin supplies the rice"]
    assert found(search(visible, "cousin vaccins")) == []


def test_a_match_in_the_title_ranks_above_a_match_in_the_text(people):
    body = make_dilemma(
        people.org, people.member, title_en="Fuel for the trucks", situation_en="A training on safety, with lunch."
    )
    title = make_dilemma(people.org, people.member, title_en="A training too far", situation_en="Costs rise.")
    assert found(search(Dilemma.objects.visible_to(people.org), "training")) == [title.title_en, body.title_en]


def test_search_operators_and_punctuation_are_plain_words(people, three):
    visible = Dilemma.objects.visible_to(people.org)
    for query in ['NOT "', "cousin OR", "*", "cousin) AND (", "rice:*", "a'b", "!!", "near(", "-", "_", "__x__", "ĳs"]:
        list(search(visible, query))  # no syntax error from the database
    assert terms('NOT "cousin" -rice*') == ["not", "cousin", "rice"]
    assert found(search(visible, '"cousin"')) == ["Our cousin supplies the rice"]


def test_search_finds_only_what_the_organisation_may_see(people, three):
    other = people.other_org
    make_dilemma(other, people.outsider, title_en="Another cousin, privately")
    make_dilemma(people.org, people.manager, title_en="A cousin in a draft", status=Status.DRAFT)
    assert found(search(Dilemma.objects.visible_to(people.org), "cousin")) == ["Our cousin supplies the rice"]
    assert found(search(Dilemma.objects.visible_to(other), "cousin")) == ["Another cousin, privately"]


def test_the_page_filters_on_topic_context_and_language_with_the_search(people, three, english):
    page = library(people, query="?tag=financial").content.decode()  # a type finds its sub-types' dilemmas
    assert "Per diems for a training" in page and "Our cousin" not in page and "Smeergeld" not in page
    page = library(people, query="?tag=corruption&tag=conflict-of-interest-nepotism").content.decode()
    assert "Smeergeld" in page and "Our cousin" in page and "Per diems" not in page
    page = library(people, query="?context=funder-partner").content.decode()
    assert "Per diems" in page and "Our cousin" not in page
    page = library(people, query="?language=nl").content.decode()
    assert "Smeergeld" in page and "Per diems" not in page
    assert "Only in Dutch" in page  # said on the English interface
    page = library(people, query="?language=en&q=cousin").content.decode()
    assert "Our cousin" in page and "1 dilemma found, best match first." in page
    # An unknown topic (an old link) is ignored, not an error.
    response = library(people, query="?tag=no-such-topic&tag=corruption")
    assert response.status_code == 200 and "Smeergeld" in response.content.decode()


def test_the_filters_show_what_was_asked_in_each_language_and_taxonomy(people, three, english):
    """The choice fields are kept ready per language, taxonomy and values (dilemmas.views.library.choice_fields)."""
    unticked = library(people, query="?q=cousin").content.decode()
    assert 'value="corruption"' in unticked and 'value="corruption" checked' not in unticked
    assert unticked.count(" checked") == 0 and unticked.count('<option value="" selected>') == 2  # "Any", twice
    asked = "q=cousin&tag=corruption&context=funder-partner&language=en"
    ticked = library(people, query=f"?{asked}").content.decode()
    assert 'value="corruption"' in ticked and ticked.count(" checked") == 1
    assert '<option value="funder-partner" selected>' in ticked and '<option value="en" selected>' in ticked
    # Exactly what the form renders itself, whatever order the topics were asked in.
    form = LibraryFilterForm(QueryDict(asked))
    form.filters()
    for name in ("tag", "context", "language"):
        assert str(form[name]) in ticked
    two = library(people, query="?tag=financial&tag=corruption").content.decode()
    topics = re.search(r"<fieldset>.*?</fieldset>", two, re.S)
    assert topics and topics.group(0).count(" checked") == 2
    assert topics.group(0) in library(people, query="?tag=corruption&tag=financial").content.decode()
    again = library(people, query="?q=rice").content.decode()
    assert again.count(" checked") == 0
    # A topic renamed by the framework's content shows at once.
    ViolationSubtype.objects.filter(code="corruption").update(name_en="Bribery")
    renamed = library(people, query="?q=cousin&tag=corruption").content.decode()
    assert "Bribery" in renamed and renamed.count(" checked") == 1
    User.objects.filter(pk=people.member.pk).update(language="nl")
    dutch = library(people, query="?q=cousin").content.decode()
    assert dutch.count(" checked") == 0 and "(in het algemeen)" in dutch and "(in general)" not in dutch
    assert dutch.count('<option value="" selected>Alle</option>') == 2


def test_no_match_says_so_and_offers_the_whole_library(people, three, english):
    page = library(people, query="?q=zebra").content.decode()
    assert "No dilemma matches your search." in page
    assert f'href="{reverse("dilemmas:library", kwargs={"slug": "hulp"})}"' in page


def test_an_empty_library_says_where_dilemmas_come_from(people, english):
    page = library(people).content.decode()
    assert "The library is still empty." in page and "Write a dilemma" in page
    assert "Write a dilemma" not in library(people, "viewer").content.decode()


def test_long_results_are_paginated_and_keep_the_filters(people, english):
    for n in range(23):
        make_dilemma(people.org, people.member, title_en=f"Rice number {n}")
    first = library(people, query="?q=rice").content.decode()
    assert "23 dilemmas found" in first and "Page 1 of 2" in first
    assert "?q=rice&amp;page=2" in first
    second = library(people, query="?q=rice&page=2").content.decode()
    assert second.count('<article class="card">') == 3


def test_a_changed_text_is_found_by_its_new_words(people):
    dilemma = make_dilemma(people.org, people.member, status=Status.DRAFT)
    data = {
        "language": "en",
        "title": "Generator repairs",
        "situation": "A partner booked a generator repair as training materials.",
        "question": "How do you respond?",
        "option_1": "Report it",
        "option_2": "Correct it together",
        "option_3": "Leave it",
        "context": "local-partner",
    }
    url = reverse("dilemmas:edit", kwargs={"slug": "hulp", "code": dilemma.code})
    assert people.client("member").post(url, data).status_code == 302
    Dilemma.objects.filter(pk=dilemma.pk).update(status=Status.PUBLISHED, published_at=dilemma.created_at)
    visible = Dilemma.objects.visible_to(people.org)
    assert found(search(visible, "generator")) == ["Generator repairs"]
    assert found(search(visible, "rice")) == []
    assert found(search(visible, "correct together")) == ["Generator repairs"]  # the courses of action count


def test_a_link_for_a_topic_opens_the_filtered_library(people, three, english):
    url = for_topic(["corruption", "", "corruption", "misuse-of-funds"], slug="hulp")
    assert url == "/o/hulp/dilemmas/?tag=corruption&tag=misuse-of-funds"
    assert for_topic([], slug="hulp") == "/o/hulp/dilemmas/"
    page = people.client("viewer").get(url).content.decode()
    assert "Smeergeld" in page and "Per diems" in page and "Our cousin" not in page


def test_related_dilemmas_share_topics_closest_first(people, english):
    dilemma = make_dilemma(people.org, people.member, tags=["fraud", "corruption"], context=Context.SUPPLIER)
    both = make_dilemma(people.org, people.member, title_en="Both topics", tags=["fraud", "corruption"])
    one = make_dilemma(people.org, people.member, title_en="One topic", tags=["fraud"])
    make_dilemma(people.org, people.member, title_en="Unrelated", tags=["bullying"], context=Context.SUPPLIER)
    make_dilemma(people.other_org, people.outsider, title_en="Private elsewhere", tags=["fraud", "corruption"])
    related = found(Dilemma.objects.visible_to(people.org).related_to(dilemma))
    assert related == [both.title_en, one.title_en]
    page = people.client("member").get(reverse("dilemmas:dilemma", kwargs={"slug": "hulp", "code": dilemma.code}))
    text = page.content.decode()
    assert "Both topics" in text and "One topic" in text and "Unrelated" not in text and "Private elsewhere" not in text
    # Read as cards: a title and where it arises, not the texts nor the topics (no query per related dilemma).
    shown = page.context["related"]
    assert {"situation_en", "reflection_en"} <= shown[0].get_deferred_fields()
    assert not any("_prefetched_objects_cache" in vars(other) for other in shown)


def test_the_library_page_takes_the_same_number_of_queries_for_more_dilemmas(people, django_assert_max_num_queries):
    for n in range(3):
        make_dilemma(people.org, people.member, title_en=f"Rice {n}", tags=["fraud"])
    client = people.client("member")
    with django_assert_max_num_queries(14):
        client.get(reverse("dilemmas:library", kwargs={"slug": "hulp"}) + "?q=rice")
    for n in range(15):
        make_dilemma(people.org, people.member, title_en=f"More rice {n}", tags=["corruption", "fraud"])
    with django_assert_max_num_queries(14):
        client.get(reverse("dilemmas:library", kwargs={"slug": "hulp"}) + "?q=rice")


def test_our_dilemmas_page_takes_the_same_number_of_queries_for_more_dilemmas(people, django_assert_max_num_queries):
    """Its lists read only what they show (views.library.OURS_FIELDS): no field read later, row by row."""

    def add(n: int) -> None:
        for i in range(n):
            make_dilemma(people.org, people.member, title_en=f"Submitted {i}", status=Status.SUBMITTED)
            make_dilemma(people.org, people.member, title_en=f"Returned {i}", status=Status.RETURNED)
            make_dilemma(people.org, people.officer, title_en=f"Draft {i}", status=Status.DRAFT)
            make_dilemma(people.org, people.member, title_en=f"Published {i}", tags=["fraud"])

    add(1)
    client = people.client("officer")
    url = reverse("dilemmas:ours", kwargs={"slug": "hulp"})
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    add(4)
    with django_assert_max_num_queries(len(first)):
        text = client.get(url).content.decode()
    assert all(f"{kind} 3" in text for kind in ("Submitted", "Returned", "Draft", "Published"))


# --- Each backend's own machinery ---------------------------------------------------------------------


def fts_rowids(word: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM dilemmas_dilemma_fts WHERE dilemmas_dilemma_fts MATCH %s", [word])
        return sorted(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index exists on SQLite only")
def test_the_sqlite_index_follows_every_change(people):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'dilemmas_dilemma'")
        triggers = {row[0] for row in cursor.fetchall()}
    # A migration that rebuilds the dilemma table drops these: it must create them again (see migration 0002).
    assert triggers == {f"dilemmas_dilemma_fts_{name}" for name in ("insert", "update", "delete")}
    dilemma = make_dilemma(people.org, people.member, title_en="Zanzibar cloves")
    assert fts_rowids("zanzibar") == [dilemma.pk]
    Dilemma.objects.filter(pk=dilemma.pk).update(title_en="Nutmeg")
    assert fts_rowids("zanzibar") == [] and fts_rowids("nutmeg") == [dilemma.pk]
    Organisation.objects.filter(pk=people.org.pk).delete()  # a cascade, not Django's delete of the row itself
    assert fts_rowids("nutmeg") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index exists on SQLite only")
def test_on_sqlite_the_full_text_match_leads_the_query(people):
    """Led by the dilemma table, SQLite would run the match once per dilemma: seconds on a big library."""
    make_dilemma(people.org, people.member, title_en="Zanzibar cloves")
    matches = search(Dilemma.objects.visible_to(people.org), "zanzibar")
    assert isinstance(matches, RankedMatches) and found(matches) == ["Zanzibar cloves"]
    assert matches[0].title_en == "Zanzibar cloves" and len(matches) == 1
    for query in (matches.entries, matches.entries.order_by("rank")):
        sql, params = query.values("dilemma_id").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            steps = [row[3] for row in cursor.fetchall()]
        assert steps[0].startswith("SCAN dilemmas_dilemma_fts VIRTUAL TABLE INDEX") and ":M" in steps[0], steps


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index exists on SQLite only")
def test_on_sqlite_every_word_start_up_to_14_letters_has_a_list_of_its_own(people):
    """Without a prefix index of its length FTS5 merges the lists of every word so starting, twice a search:
    most of a common word's search (migration 0008). Longer starts still find their words."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'dilemmas_dilemma_fts'")
        declared = re.search(r"prefix='([\d ]+)'", cursor.fetchone()[0])
    assert declared and [int(n) for n in declared.group(1).split()] == list(range(2, 15))
    make_dilemma(people.org, people.member, title_en="Belangenverstrengeling bij partnerschappen")
    make_dilemma(people.org, people.member, title_en="Partners and a partnership")
    visible = Dilemma.objects.visible_to(people.org)
    assert sorted(found(search(visible, "partner", people.org))) == [
        "Belangenverstrengeling bij partnerschappen",
        "Partners and a partnership",
    ]
    assert found(search(visible, "partnership", people.org)) == ["Partners and a partnership"]
    assert found(search(visible, "partnerschap", people.org)) == ["Belangenverstrengeling bij partnerschappen"]
    for start in ("belangenverstr", "belangenverstre", "belangenverstrengeling"):  # 14, 15 and 22 letters
        assert found(search(visible, start, people.org)) == ["Belangenverstrengeling bij partnerschappen"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner choice")
def test_on_sqlite_the_consents_find_their_dilemmas_in_the_covering_index(people):
    """A unique index on `subject` alone would win (it promises one row) and read each dilemma's wide row."""
    sql, params = Dilemma.objects.filter(pk__in=Dilemma.objects.visible_ids(people.org)).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        steps = [row[3] for row in cursor.fetchall()]
    by_subject = [step for step in steps if "subject=" in step]
    assert by_subject and all("COVERING INDEX dilemma_visible_shared_ids" in step for step in by_subject), steps


def test_the_visibility_rule_is_compiled_once_per_reader_and_day(people):
    """Its SQL is kept (building it cost 3 ms a page), not its result: what changes shows at once."""
    reader = Organisation.objects.create(slug="reader", name="Reader", kind=Organisation.Kind.MEMBER)
    ours = make_dilemma(people.org, people.member, title_en="Shared later")
    assert ours not in Dilemma.objects.visible_to(reader)
    first = Dilemma.objects.visible_ids(reader)
    assert Dilemma.objects.visible_ids(reader).sql is first.sql  # the same kept text
    Consent.objects.create(
        organisation=people.org, subject=ours.subject, scope=Consent.Scope.ORGANISATION, to_organisation=reader
    )
    assert ours in Dilemma.objects.visible_to(reader)
    assert people.org.pk in Dilemma.objects.visible_ids(people.org).params  # another reader, its own key
    assert people.org.pk not in first.params and reader.pk in first.params


def test_a_subject_is_unique_and_never_empty(people):
    dilemma = make_dilemma(people.org, people.member)
    for subject in (dilemma.subject, ""):
        with pytest.raises(IntegrityError), transaction.atomic():
            Dilemma.objects.filter(pk=make_dilemma(people.org, people.member).pk).update(subject=subject)


def test_each_search_table_exists_on_its_own_database_only():
    """samen.routers: SQLite's FTS5 entries and PostgreSQL's documents are each migrated, flushed and dumped
    on their own kind of database only (a migration's historical model is judged by the app's model)."""
    on_sqlite = connection.vendor == "sqlite"
    assert router.allow_migrate("default", "dilemmas", model_name="searchentry") is on_sqlite
    assert router.allow_migrate("default", "dilemmas", model_name="searchdocument") is not on_sqlite
    assert router.allow_migrate("default", "dilemmas", model_name="dilemma") is True
    tables = connection.introspection.table_names()
    assert ("dilemmas_searchdocument" in tables) is not on_sqlite


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the table of search documents exists on PostgreSQL only")
def test_postgres_starts_from_the_readers_tokens(people):
    """The reader's tokens, GIN-indexed, lead; their documents are read from the table, never computed again."""
    for n in range(30):
        make_dilemma(people.org, people.member, title_en=f"Rice {n}")
    make_dilemma(people.org, people.member, title_en="Zanzibar cloves")
    assert found(search(Dilemma.objects.all(), "zanzibar")) == ["Zanzibar cloves"]  # without a reader too
    matches = search(Dilemma.objects.all(), "zanzibar", people.org)
    assert isinstance(matches, RankedMatches) and found(matches) == ["Zanzibar cloves"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = matches.entries.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "dilemma_search_audience_tokens" in plan, plan
    assert "to_tsvector" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the table of search documents exists on PostgreSQL only")
def test_the_postgres_documents_follow_every_change(people):
    """Migration 0007's trigger: every insert, change and delete, through Django or not, and what it writes is
    exactly the search's own document (`postgres_vector`) and the visibility tokens of 0004."""

    def document(dilemma: Dilemma) -> tuple[str, set[str]]:
        """The row's document, and its tokens without their positions."""
        words, tokens = SearchDocument.objects.filter(pk=dilemma.pk).values_list("document", "audience").get()
        return str(words), set(re.findall(r"'(\w+)'", str(tokens)))

    dilemma = make_dilemma(people.org, people.member, title_en="Zanzibar cloves")
    expected = Dilemma.objects.filter(pk=dilemma.pk).annotate(v=postgres_vector()).values_list("v", flat=True)
    words, tokens = document(dilemma)
    assert words == str(expected.get()) and "'zanzibar':1A" in words
    assert tokens == {f"vo{people.org.pk}"}
    Dilemma.objects.filter(pk=dilemma.pk).update(title_en="Pemba cloves")  # no save(), no signal
    assert "'pemba':1A" in document(dilemma)[0] and "zanzibar" not in document(dilemma)[0]
    Dilemma.objects.filter(pk=dilemma.pk).update(audience=f"vo{people.other_org.pk}")
    assert document(dilemma)[1] == {f"vo{people.org.pk}", f"vo{people.other_org.pk}"}
    Dilemma.objects.filter(pk=dilemma.pk).update(status=Status.DRAFT, published_at=None)
    assert document(dilemma)[1] == set()  # a draft is nobody's to find
    assert search(Dilemma.objects.all(), "pemba", people.org).count() == 0
    Dilemma.objects.filter(pk=dilemma.pk).delete()
    assert not SearchDocument.objects.filter(pk=dilemma.pk).exists()


def test_the_best_few_are_read_without_every_id(people):
    """`head(n)` (the guide's best five, a session's candidates) reads n ids, not all of them, unless counted."""
    for n in range(8):
        make_dilemma(people.org, people.member, title_en=f"Zanzibar cloves {n}")
    matches = search(Dilemma.objects.visible_to(people.org), "zanzibar", people.org)
    best = matches.head(3)
    assert len(best) == 3 and matches._ids is None
    assert [d.pk for d in best] == matches.ids()[:3]  # the same order as the full ranking
    assert [d.pk for d in matches.head(3)] == [d.pk for d in best]  # after a count, from the ids read
