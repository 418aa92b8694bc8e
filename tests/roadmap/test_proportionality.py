"""A small organisation gets proportionate steps: fewer, and lighter versions of the same work."""

from organisations.models import Organisation
from roadmap.models import Step
from roadmap.progress import standing
from tests.roadmap.helpers import url


def steps_for(size: str) -> set[str]:
    return set(Step.objects.for_size(size).values_list("code", flat=True))


def test_size_a_and_size_d_get_different_step_sets(roadmap):
    small, large = steps_for("A"), steps_for("D")
    assert len(small) < len(steps_for("B")) < len(steps_for("C")) < len(large)
    # The small organisation shares an external confidential adviser; the large one appoints internal ones.
    assert "confidential-adviser-shared" in small and "confidential-adviser-shared" not in large
    assert "confidential-advisers-internal" in large and "confidential-advisers-internal" not in small
    # Some steps are only for the largest organisations.
    assert {"integrity-committee", "external-review", "speak-up-channel"} <= large - small
    # The core of the Partos Code applies to everyone.
    assert {"code-of-conduct", "reporting-procedure", "publish-code", "annual-report"} <= small & large


def test_the_same_step_says_how_a_small_organisation_does_it(roadmap):
    step = Step.objects.get(code="handling-protocol")
    assert "peer organisation" in step.how_for("A")
    assert step.how_for("D") == ""


def test_the_page_follows_the_organisations_size(people, roadmap):
    client = people.client("member")
    large = {s.code for s in client.get(url("roadmap", people.org)).context["state"].steps}
    assert large == steps_for("D")
    Organisation.objects.filter(pk=people.org.pk).update(size_category="A")
    response = client.get(url("roadmap", people.org))
    assert {s.code for s in response.context["state"].steps} == steps_for("A")
    assert "The steps for size category A" in response.content.decode()


def test_without_a_size_category_the_page_asks_for_it_and_assumes_a(people, roadmap):
    Organisation.objects.filter(pk=people.org.pk).update(size_category="")
    response = people.client("manager").get(url("roadmap", people.org))
    html = response.content.decode()
    assert "has not said its size category yet" in html and "size category A" in html
    assert f'href="/o/{people.org.slug}/profile/"' in html
    people.org.refresh_from_db()
    state = standing(people.org)
    assert state is not None and state.size == "A" and not state.size_known
    assert {s.code for s in state.steps} == steps_for("A")


def test_a_step_outside_the_organisations_size_says_so_but_can_still_be_taken(people, roadmap):
    Organisation.objects.filter(pk=people.org.pk).update(size_category="A")
    response = people.client("member").get(url("step", people.org, code="integrity-committee"))
    assert response.status_code == 200
    assert "not part of the roadmap for size category A" in response.content.decode()
