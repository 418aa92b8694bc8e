"""The library pages: public, in Dutch and English, any version, with a query count that does not grow."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from framework.models import AssessmentLibrary, Requirement, SuggestedAction
from tests.conftest import People

LIBRARIES = reverse("framework:libraries")


pytestmark = pytest.mark.usefixtures("framework_for_module")


@pytest.fixture
def framework(db) -> None:
    """The shipped content: loaded once for this module (framework_for_module)."""


BASELINE = reverse("framework:library", args=["partner-integrity-baseline"])


def client_in(language: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def test_the_list_shows_each_current_library_with_its_requirement_count_in_english(framework):
    response = client_in("en").get(LIBRARIES)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert "Partner integrity baseline" in page
    assert '<span class="muted" lang="nl">Basistoets integriteit voor partners</span>' in page
    counts = {lib.code: lib.requirement_count for lib in response.context["libraries"]}
    assert counts["psea-capacity"] == 6
    assert (
        counts["partner-integrity-baseline"]
        == Requirement.objects.filter(library__code="partner-integrity-baseline").count()
    )


def test_the_list_in_dutch(framework):
    page = client_in("nl").get(LIBRARIES).content.decode()

    assert '<html lang="nl">' in page
    assert "Basistoets integriteit voor partners" in page
    assert "PSEA-capaciteit van een partnerorganisatie" in page


def test_a_signed_in_member_sees_it_too(people: People, framework):
    assert people.client("viewer").get(LIBRARIES).status_code == 200


def test_a_library_shows_its_scale_areas_requirements_and_suggested_actions(framework):
    response = client_in("en").get(BASELINE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Meets the requirement" in page and "Not working towards it" in page
    assert 'id="area-safeguarding"' in page
    requirement = Requirement.objects.get(library__code="partner-integrity-baseline", code="rep-channels")
    assert escape(requirement.text_en) in page
    assert escape(requirement.guidance_en) in page
    assert escape(requirement.evidence_examples[0]) in page
    assert escape(requirement.suggested_actions.first().title_en) in page  # type: ignore[union-attr]


def test_a_library_in_dutch(framework):
    page = client_in("nl").get(BASELINE).content.decode()

    assert "Voldoet aan de eis" in page
    assert escape(Requirement.objects.get(code="rep-channels").text_nl) in page


def test_a_weighted_library_shows_its_answers_and_risk_tiers(framework):
    page = client_in("en").get(reverse("framework:library", args=["psea-capacity"])).content.decode()

    assert "Yes, and we can show it with documents" in page
    assert "≤ 8" in page and "9–14" in page and "≥ 15" in page
    assert "Moderate risk" in page


def test_an_older_version_is_shown_on_request_and_says_so(framework):
    current = AssessmentLibrary.objects.get(code="psea-capacity")
    old = AssessmentLibrary.objects.create(
        code="psea-capacity", version="0.9", name_nl="Oud", name_en="Old PSEA", description_nl="-",
        description_en="-", scoring="weighted", source="old.yaml",
    )  # fmt: skip

    assert client_in("en").get(reverse("framework:library", args=["psea-capacity"])).context["library"] == current
    response = client_in("en").get(reverse("framework:library", args=["psea-capacity"]), {"version": "0.9"})

    assert response.context["library"] == old
    assert "The current version is 1.0" in response.content.decode()
    assert old.get_absolute_url() == "/framework/libraries/psea-capacity/?version=0.9"


def test_unknown_libraries_and_versions_are_404(framework):
    assert client_in("en").get(reverse("framework:library", args=["nonsense"])).status_code == 404
    assert client_in("en").get(BASELINE, {"version": "9.9"}).status_code == 404


def test_a_retired_library_keeps_its_page_with_a_notice(framework):
    AssessmentLibrary.objects.filter(code="psea-capacity").update(retired=True)

    response = client_in("en").get(reverse("framework:library", args=["psea-capacity"]))

    assert response.status_code == 200
    assert "This library is retired" in response.content.decode()
    assert "psea-capacity" not in [lib.code for lib in client_in("en").get(LIBRARIES).context["libraries"]]


def test_queries_do_not_grow_with_the_requirements(framework):
    def count_queries(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_in("en").get(url).status_code == 200
        return len(queries)

    before = (count_queries(LIBRARIES), count_queries(BASELINE))
    template = Requirement.objects.get(code="rep-channels")
    for i in range(20):
        extra = Requirement.objects.create(
            library=template.library, area=template.area, code=f"extra-{i}", order=100 + i, text_nl="T", text_en="T"
        )
        SuggestedAction.objects.create(
            requirement=extra, title_nl="A", title_en="A", description_nl="D", description_en="D"
        )

    assert (count_queries(LIBRARIES), count_queries(BASELINE)) == before
