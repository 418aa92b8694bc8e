"""Topics: a requirement names the taxonomy codes it guards against; its gaps and actions link to the
dilemma library on those topics (framework.topics, registered by the dilemmas app)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from actions.models import ActionPlan
from assessments.models import Assessment
from framework import topics
from framework.models import Requirement
from organisations.models import Organisation, Partnership
from tests.assessments.helpers import answer_all
from tests.framework.conftest import load
from tests.framework.test_library_loader import MATURITY, write

pytestmark = pytest.mark.usefixtures("english")


def _with_topics(area: str | None = None, requirement: str | None = None) -> str:
    text = MATURITY
    if area is not None:
        text = text.replace("  - code: rules\n", f"  - code: rules\n    topics: {area}\n")
    if requirement is not None:
        text = text.replace("    area: rules\n", f"    area: rules\n    topics: {requirement}\n", 1)
    return text


def test_an_area_gives_its_topics_to_its_requirements_and_a_requirement_may_name_its_own(framework, tmp_path):
    write(tmp_path, _with_topics(area="[financial]", requirement="[fraud, corruption, fraud]"))
    load(tmp_path, verbosity=0)
    found = dict(Requirement.objects.filter(library__code="baseline").values_list("code", "topics"))
    assert found == {"code-of-conduct": ["fraud", "corruption"], "reporting": ["financial"]}


def test_topics_change_with_the_wording_of_the_same_version(framework, tmp_path):
    write(tmp_path, _with_topics(area="[financial]"))
    load(tmp_path, verbosity=0)
    write(tmp_path, _with_topics(area="[retaliation]"))
    load(tmp_path, verbosity=0)
    found = list(Requirement.objects.filter(library__code="baseline").values_list("topics", flat=True))
    assert found == [["retaliation"], ["retaliation"]]


@pytest.mark.parametrize("value", ["[no-such-topic]", "fraud", "[1]"])
def test_a_topic_the_taxonomy_does_not_know_is_refused(framework, tmp_path, value):
    before = set(Requirement.objects.values_list("pk", flat=True))
    write(tmp_path, _with_topics(requirement=value))
    message = _refused_keeping(tmp_path, before)
    assert "topic" in message and "check.yaml" in message


def _refused_keeping(folder, before: set[int]) -> str:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        load(folder, verbosity=0)
    assert set(Requirement.objects.values_list("pk", flat=True)) == before, "a bad file changes nothing"
    return str(error.value)


def test_the_shipped_libraries_link_their_fraud_and_safeguarding_requirements(framework):
    baseline = Requirement.objects.filter(library__code="partner-integrity-baseline")
    assert baseline.get(code="fin-anti-fraud-policy").topics == ["fraud", "corruption"]
    assert baseline.get(code="sg-policy").topics == ["sexual-exploitation-abuse", "sexual-harassment"]
    assert baseline.get(code="coc-adopted").topics == []


def test_links_point_at_the_library_filtered_on_the_topics():
    found = dict(topics.links(["fraud", "", "corruption"], "hulp"))
    url = found["Dilemmas on this topic"]
    parts = urlsplit(url)
    assert parts.path == reverse("dilemmas:library", kwargs={"slug": "hulp"})
    assert parse_qs(parts.query)["tag"] == ["fraud", "corruption"]
    assert topics.links([], "hulp") == []


def test_a_gap_and_the_action_on_it_link_to_dilemmas_on_its_topic(framework, people):
    partner = Organisation.objects.create(slug="kampala", name="Kampala Women's Network", kind="partner")
    Partnership.objects.create(organisation=people.org, partner=partner, kind=Partnership.Kind.FUNDING)
    fraud = Requirement.objects.get(library__code="partner-integrity-baseline", code="fin-anti-fraud-policy")
    assessment = Assessment.objects.create(organisation=people.org, library=fraud.library, created_by=people.admin)
    answer_all(assessment, people.org, people.admin, level=3, **{fraud.code: 1})
    library = reverse("dilemmas:library", kwargs={"slug": people.org.slug})
    page = people.client("member").get(reverse("assessments:assessment", args=[people.org.slug, assessment.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{library}?tag=fraud&amp;tag=corruption"' in html
    assert html.count("Dilemmas on this topic") == 1, "only the gap with a topic links"

    plan = ActionPlan.start(organisation=people.org, partner=partner, title="Fraud", by=people.manager)
    action = plan.add_action(title="Adopt an anti-fraud policy", requirement=fraud, by=people.manager)
    page = people.client("member").get(reverse("actions:action", args=[people.org.slug, action.code]))
    assert f'href="{library}?tag=fraud&amp;tag=corruption"' in page.content.decode()
