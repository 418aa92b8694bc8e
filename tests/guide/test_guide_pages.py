"""The guide's index, its search in both languages, and one page with its related items."""

import pytest
from django.urls import reverse

from guide.models import GuidePage, OrganisationPage
from organisations.models import Consent

GUIDE = reverse("guide:guide", kwargs={"slug": "hulp"})

pytestmark = pytest.mark.usefixtures("framework_for_module")


@pytest.fixture
def loaded(db) -> None:
    """The shipped content: loaded once for this module (framework_for_module)."""


def page_url(slug: str) -> str:
    return reverse("guide:page", kwargs={"slug": "hulp", "page": slug})


def test_the_index_lists_every_section_and_page(people, loaded, english):
    response = people.client("viewer").get(GUIDE)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Building an integrity system" in text and "A report about a partner" in text
    for page in GuidePage.objects.active():
        assert page_url(page.slug) in text


def test_search_finds_a_dutch_word_on_the_english_interface(people, loaded, english):
    text = people.client("member").get(GUIDE, {"q": "vertrouwenspersoon"}).content.decode()
    assert page_url("confidential-adviser") in text
    assert page_url("accounting-for-integrity") not in text


def test_search_finds_an_english_word_on_the_dutch_interface(people, loaded):
    text = people.client("member").get(GUIDE, {"q": "Misconduct Disclosure"}).content.decode()
    assert page_url("psea-with-partners") in text
    assert page_url("code-of-conduct") not in text


def test_search_finds_own_pages_and_says_when_nothing_matches(people, loaded, english):
    OrganisationPage.objects.create(organisation=people.org, title="Our hotline", body="Call the hotline.")
    text = people.client("member").get(GUIDE, {"q": "hotline"}).content.decode()
    assert "Our hotline" in text
    text = people.client("member").get(GUIDE, {"q": "zzzqqq"}).content.decode()
    assert "0 pages match “zzzqqq”" in text
    assert "No page of the guide matches" in text and "No dilemma in your library matches." in text


def test_a_page_shows_its_text_links_and_related_items(people, loaded, english):
    response = people.client("member").get(page_url("reporting-procedure"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "A reporting procedure with fixed deadlines" in text
    assert "Een meldprocedure met vaste termijnen" in text  # the other language's title
    assert 'href="/o/hulp/guide/pages/protecting-reporter-and-reported/"' in text
    assert 'href="/framework/glossary/triage/"' in text
    assert "#req-rep-timelines" in text  # a related library requirement
    assert page_url("confidential-adviser") in text  # previous in the section
    assert page_url("dilemma-conversations") in text  # next


def test_a_page_in_dutch(people, loaded):
    text = people.client("member").get(page_url("reporting-procedure")).content.decode()
    assert "Binnen 7 dagen" in text


def test_an_unknown_or_retired_page_is_404(people, loaded):
    assert people.client("member").get(page_url("no-such-page")).status_code == 404
    GuidePage.objects.filter(slug="code-of-conduct").update(retired=True)
    assert people.client("member").get(page_url("code-of-conduct")).status_code == 404


def test_outsiders_get_404(people, loaded):
    assert people.client("outsider").get(GUIDE).status_code == 404
    assert people.client("outsider").get(page_url("code-of-conduct")).status_code == 404


def test_queries_do_not_grow_with_pages_and_shares(people, loaded, django_assert_max_num_queries):
    client = people.client("member")
    client.get(GUIDE)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # One page of each kind found already: a search that finds nothing skips fetching the rows.
    own = OrganisationPage.objects.create(organisation=people.other_org, title="Partner page", body="x")
    Consent.objects.create(
        organisation=people.other_org, subject=own.subject, scope=Consent.Scope.SECTOR, given_by=people.outsider
    )
    with CaptureQueriesContext(connection) as before:
        client.get(GUIDE, {"q": "partner"})
        client.get(page_url("due-diligence-passports"))
    for number in range(12):
        page = OrganisationPage.objects.create(organisation=people.other_org, title=f"Partner page {number}", body="x")
        Consent.objects.create(
            organisation=people.other_org, subject=page.subject, scope=Consent.Scope.SECTOR, given_by=people.outsider
        )
        OrganisationPage.objects.create(organisation=people.org, title=f"Own partner page {number}", body="y")
    with CaptureQueriesContext(connection) as after:
        response = client.get(GUIDE, {"q": "partner"})
        client.get(page_url("due-diligence-passports"))
    assert "Partner page 11" in response.content.decode()
    assert len(after) == len(before)
