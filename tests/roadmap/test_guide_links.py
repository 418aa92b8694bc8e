"""Steps link to guide pages by slug: a link shows only when the page exists; a missing guide breaks nothing."""

import pytest
import yaml

from framework.loader import CONTENT_DIR
from framework.models import GlossaryTerm
from roadmap import progress
from roadmap.models import Step
from tests.roadmap.helpers import url

STEP = "code-of-conduct"


def test_without_the_guide_the_step_shows_no_links(people, roadmap, monkeypatch):
    monkeypatch.setattr(progress, "GUIDE_MODEL", ("guide", "NoSuchModel"))
    response = people.client("member").get(url("step", people.org, code=STEP))
    assert response.status_code == 200
    assert response.context["guide_links"] == []
    assert "In the guide" not in response.content.decode()


def test_links_only_to_pages_that_exist_and_are_not_retired(people, roadmap, monkeypatch):
    # Any content model with `slug` and `retired` stands in for the guide's pages here.
    monkeypatch.setattr(progress, "GUIDE_MODEL", ("framework", "GlossaryTerm"))
    monkeypatch.setattr(progress, "reverse", lambda name, kwargs: f"/o/{kwargs['slug']}/guide/pages/{kwargs['page']}/")
    GlossaryTerm.objects.create(slug="code-of-conduct", term_nl="Gedragscode", term_en="Code of conduct", source="t")
    GlossaryTerm.objects.create(slug="building-an-integrity-system", term_nl="x", term_en="x", source="t", retired=True)
    step = Step.objects.get(code=STEP)
    assert step.guide_pages == ["building-an-integrity-system", "code-of-conduct"]
    response = people.client("member").get(url("step", people.org, code=STEP))
    assert response.context["guide_links"] == [("Code of conduct", "/o/hulp/guide/pages/code-of-conduct/")]
    assert 'href="/o/hulp/guide/pages/code-of-conduct/"' in response.content.decode()


def test_every_guide_page_a_step_names_is_in_the_guide(roadmap):
    folder = CONTENT_DIR / "guide"
    if not folder.is_dir():
        pytest.skip("The guide's content is not in this tree")
    slugs = {yaml.safe_load(path.read_text()).get("slug") for path in folder.glob("*.yaml")}
    named = {slug for step in Step.objects.all() for slug in step.guide_pages}
    assert named - slugs == set()
