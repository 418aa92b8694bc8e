"""The taxonomy pages: open to everyone, in Dutch and English, searchable in both, with a steady query count."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from framework.models import ViolationSubtype, ViolationType
from tests.conftest import People

TAXONOMY = reverse("framework:taxonomy")


pytestmark = pytest.mark.usefixtures("framework_for_module")


@pytest.fixture
def framework(db) -> None:
    """The shipped content: loaded once for this module (framework_for_module)."""


def client_in(language: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def test_anyone_sees_every_type_with_its_subtypes_in_dutch(framework):
    response = client_in("nl").get(TAXONOMY)

    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()
    for name in ["Machtsmisbruik", "Financiële schendingen", "Interpersoonlijke schendingen", "Pesten", "Fraude"]:
        assert name in response.content.decode()
    # The English name stands beside the Dutch one, marked as English for screen readers.
    assert '<span class="muted" lang="en">· Abuse of power</span>' in response.content.decode()


def test_the_same_page_in_english(framework):
    response = client_in("en").get(TAXONOMY)

    assert '<html lang="en">' in response.content.decode()
    assert ">Abuse of power</a>" in response.content.decode()
    assert '<span class="muted" lang="nl">· Machtsmisbruik</span>' in response.content.decode()


def test_the_language_cookie_also_chooses_the_language(framework):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    assert ">Financial violations</a>" in client.get(TAXONOMY).content.decode()


def test_a_signed_in_member_sees_it_too(people: People, framework):
    assert people.client("viewer").get(TAXONOMY).status_code == 200


@pytest.mark.parametrize(("language", "q"), [("en", "pesten"), ("nl", "bullying"), ("nl", "PESTEN")])
def test_search_finds_a_subtype_by_its_dutch_or_english_words(framework, language, q):
    response = client_in(language).get(TAXONOMY, {"q": q})

    assert [s.code for t in response.context["types"] for s in t.shown_subtypes] == ["bullying"]
    assert response.context["count"] == 1
    assert "1 result" in response.content.decode() or "1 resultaat" in response.content.decode()


def test_search_by_words_in_a_definition(framework):
    response = client_in("en").get(TAXONOMY, {"q": "ghost staff"})

    assert [s.code for t in response.context["types"] for s in t.shown_subtypes] == ["fraud"]


def test_a_type_that_matches_shows_all_its_subtypes(framework):
    response = client_in("en").get(TAXONOMY, {"q": "Financiële"})

    [financial] = response.context["types"]
    assert financial.code == "financial"
    assert len(financial.shown_subtypes) == 5
    assert response.context["count"] == 1


def test_a_search_without_results_says_so_and_offers_a_way_on(framework):
    response = client_in("en").get(TAXONOMY, {"q": "xylophone"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "0 results" in page
    assert "Nothing in the taxonomy matches" in page
    assert reverse("framework:glossary") + "?q=xylophone" in page


def test_retired_entries_are_not_listed(framework):
    ViolationSubtype.objects.filter(code="bullying").update(retired=True)

    assert "Pesten" not in client_in("nl").get(TAXONOMY).content.decode()


def test_one_type_with_its_subtypes(framework):
    response = client_in("en").get(reverse("framework:violation_type", args=["interpersonal"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Interpersonal violations" in page
    assert 'id="sexual-exploitation-abuse"' in page
    assert "Inappropriate behaviour towards others" in page  # the research category
    assert "Example:" in page


def test_an_unknown_code_is_404(framework):
    assert client_in("en").get(reverse("framework:violation_type", args=["nonsense"])).status_code == 404


def test_a_subtype_code_leads_to_its_place_on_the_type_page(framework):
    response = client_in("en").get(reverse("framework:violation_type", args=["bullying"]))

    assert response.status_code == 302
    assert response["Location"] == reverse("framework:violation_type", args=["interpersonal"]) + "#bullying"


def test_a_retired_type_still_has_its_page_with_a_notice(framework):
    ViolationType.objects.filter(code="other-violations").update(retired=True)

    response = client_in("en").get(reverse("framework:violation_type", args=["other-violations"]))

    assert response.status_code == 200
    assert "no longer part of the taxonomy" in response.content.decode()


def test_queries_do_not_grow_with_the_taxonomy(framework):
    def count_queries(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_in("en").get(url).status_code == 200
        return len(queries)

    detail = reverse("framework:violation_type", args=["financial"])
    before = (count_queries(TAXONOMY), count_queries(TAXONOMY + "?q=a"), count_queries(detail))
    financial = ViolationType.objects.get(code="financial")
    for i in range(30):
        extra = ViolationType.objects.create(
            code=f"extra-{i}", order=10 + i, name_nl="X", name_en="X", definition_nl="a", definition_en="a", source="t"
        )
        for parent in (extra, financial):
            ViolationSubtype.objects.create(
                type=parent, code=f"sub-{parent.code}-{i}", name_nl="Y", name_en="Y", definition_nl="a",
                definition_en="a", source="t",
            )  # fmt: skip

    assert (count_queries(TAXONOMY), count_queries(TAXONOMY + "?q=a"), count_queries(detail)) == before
