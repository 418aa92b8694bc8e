"""The glossary: an A–Z index, search in both languages, 25 terms a page, one page per term."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from framework.models import GlossaryTerm

GLOSSARY = reverse("framework:glossary")


pytestmark = pytest.mark.usefixtures("framework_for_module")


@pytest.fixture
def framework(db) -> None:
    """The shipped content: loaded once for this module (framework_for_module)."""


def client_in(language: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def slugs(response) -> list[str]:
    return [term.slug for term in response.context["page"].object_list]


def test_the_first_page_lists_25_terms_in_dutch_alphabetical_order(framework):
    response = client_in("nl").get(GLOSSARY)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nl">' in page
    terms = list(response.context["page"].object_list)
    assert len(terms) == 25
    assert [t.term_nl.lower() for t in terms] == sorted(t.term_nl.lower() for t in terms)
    assert '<span class="muted" lang="en">· Action plan</span>' in page  # "Actieplan", with its English term


def test_in_english_the_terms_are_english_and_sorted_by_their_english_name(framework):
    response = client_in("en").get(GLOSSARY)

    terms = list(response.context["page"].object_list)
    assert '<html lang="en">' in response.content.decode()
    assert terms[0].term_en.lower() == min(t.term_en.lower() for t in GlossaryTerm.objects.all())
    assert ">Acknowledgement of receipt</a>" in response.content.decode()


def test_pagination_is_accessible_and_keeps_the_search(framework):
    total = GlossaryTerm.objects.count()
    first = client_in("en").get(GLOSSARY)
    page = first.content.decode()

    assert '<nav class="pagination" aria-label="Pages of the glossary">' in page
    assert f'<span aria-current="page">Page 1 of {(total + 24) // 25}</span>' in page
    assert f'href="{GLOSSARY}?page=2" rel="next"' in page
    assert 'rel="prev"' not in page

    last = client_in("en").get(GLOSSARY, {"page": (total + 24) // 25})
    assert len(slugs(last)) == total - 25 * ((total - 1) // 25)
    assert 'rel="next"' not in last.content.decode()

    searched = client_in("en").get(GLOSSARY, {"q": "e", "page": "1"})
    assert f'href="{GLOSSARY}?q=e&amp;page=2" rel="next"' in searched.content.decode()


def test_a_page_number_out_of_range_or_not_a_number_still_answers(framework):
    assert client_in("en").get(GLOSSARY, {"page": "999"}).context["page"].number > 1
    assert client_in("en").get(GLOSSARY, {"page": "abc"}).context["page"].number == 1


def test_search_finds_a_term_by_its_dutch_word_on_the_english_page(framework):
    response = client_in("en").get(GLOSSARY, {"q": "vertrouwenspersoon"})

    assert slugs(response) == ["confidential-adviser"]
    assert "1 term found." in response.content.decode()


def test_search_finds_a_term_by_its_english_word_on_the_dutch_page(framework):
    response = client_in("nl").get(GLOSSARY, {"q": "survivor care"})

    assert slugs(response) == ["aftercare"]
    with translation.override("nl"):
        found = ngettext("%(counter)s term found.", "%(counter)s terms found.", 1) % {"counter": 1}
    assert found != "1 term found."
    assert found in response.content.decode()


def test_search_looks_in_definitions_too(framework):
    response = client_in("en").get(GLOSSARY, {"q": "137,203"})  # not there: the scheme's figures are not copied
    assert slugs(response) == []
    response = client_in("en").get(GLOSSARY, {"q": "previous employers"})
    assert slugs(response) == ["misconduct-disclosure-scheme"]


def test_a_search_without_results_says_so(framework):
    response = client_in("en").get(GLOSSARY, {"q": "xylophone"})

    page = response.content.decode()
    assert "0 terms found." in page
    assert "No term matches your search." in page
    assert "pagination" not in page


def test_the_a_to_z_index_links_letters_that_have_terms(framework):
    response = client_in("nl").get(GLOSSARY)

    page = response.content.decode()
    assert f'<a href="{GLOSSARY}?letter=K">K</a>' in page  # Klokkenluider
    assert '<span class="muted">X</span>' in page


def test_a_letter_shows_the_terms_that_start_with_it_in_the_active_language(framework):
    dutch = client_in("nl").get(GLOSSARY, {"letter": "k"})
    english = client_in("en").get(GLOSSARY, {"letter": "W"})

    assert "whistleblower" in slugs(dutch)  # Klokkenluider
    assert all(t.term_nl.upper().startswith("K") for t in dutch.context["page"].object_list)
    assert "whistleblower" in slugs(english)
    assert '<a href="/framework/glossary/?letter=K" aria-current="page"><strong>K</strong></a>' in (
        dutch.content.decode()
    )


def test_a_letter_that_is_not_a_letter_is_ignored(framework):
    assert len(slugs(client_in("en").get(GLOSSARY, {"letter": "<script>"}))) == 25


def test_a_term_in_both_languages_with_its_related_terms(framework):
    response = client_in("en").get(reverse("framework:term", args=["whistleblower"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Whistleblower</h1>" in page
    assert '<td lang="nl">Klokkenluider</td>' in page
    assert '<td lang="en">Whistleblower</td>' in page
    assert f'<a href="{reverse("framework:term", args=["reporter"])}">Reporter</a>' in page


def test_a_term_in_dutch(framework):
    response = client_in("nl").get(reverse("framework:term", args=["whistleblower"]))

    assert "<h1>Klokkenluider</h1>" in response.content.decode()


def test_retired_related_terms_are_not_linked_but_a_retired_term_keeps_its_page(framework):
    GlossaryTerm.objects.filter(slug="reporter").update(retired=True)

    whistleblower = client_in("en").get(reverse("framework:term", args=["whistleblower"])).content.decode()
    reporter = client_in("en").get(reverse("framework:term", args=["reporter"]))

    assert reverse("framework:term", args=["reporter"]) not in whistleblower
    assert reporter.status_code == 200
    assert "no longer part of the glossary" in reporter.content.decode()
    assert "reporter" not in slugs(client_in("en").get(GLOSSARY, {"letter": "R"}))


def test_an_unknown_term_is_404(framework):
    assert client_in("en").get(reverse("framework:term", args=["nonsense"])).status_code == 404


def test_queries_do_not_grow_with_the_glossary(framework):
    def count_queries(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_in("en").get(url).status_code == 200
        return len(queries)

    term_url = reverse("framework:term", args=["integrity-system"])
    before = (count_queries(GLOSSARY), count_queries(GLOSSARY + "?q=a&page=2"), count_queries(term_url))
    integrity_system = GlossaryTerm.objects.get(slug="integrity-system")
    for i in range(60):
        extra = GlossaryTerm.objects.create(
            slug=f"extra-{i}", term_nl=f"Extra {i}", term_en=f"Extra {i}", definition_nl="a", definition_en="a",
            source="t",
        )  # fmt: skip
        integrity_system.related.add(extra)

    assert (count_queries(GLOSSARY), count_queries(GLOSSARY + "?q=a&page=2"), count_queries(term_url)) == before
