"""Any step can become an action in the organisation's roadmap action plan."""

from actions.models import Action, ActionPlan
from roadmap.models import StepAction, plan_code
from tests.roadmap.helpers import url


def test_a_step_becomes_an_action_in_the_roadmap_plan(people, roadmap):
    response = people.client("member").post(url("step_action", people.org, code="risk-scan"))
    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/{people.org.slug}/plans/actions/{action.code}/"
    plan = action.plan
    assert (plan.organisation, plan.partner, plan.title) == (people.org, None, "Integrity roadmap")
    assert (plan.source_kind, plan.source_code) == ("roadmap", plan_code(people.org))
    assert action.title == "Map the integrity risks, partners included"
    assert "What “done” looks like" in action.description and "with a measure for each risk" in action.description
    assert action.created_by == people.member
    assert action.events.get().organisation == people.org


def test_every_step_goes_into_the_same_plan_and_a_step_only_once(people, roadmap):
    client = people.client("member")
    client.post(url("step_action", people.org, code="risk-scan"))
    client.post(url("step_action", people.org, code="code-of-conduct"))
    response = client.post(url("step_action", people.org, code="risk-scan"))
    assert response.status_code == 302
    assert ActionPlan.objects.count() == 1 and Action.objects.count() == 2
    assert StepAction.objects.filter(organisation=people.org).count() == 2
    html = client.get(url("step", people.org, code="risk-scan")).content.decode()
    assert "This step is an action in your action plan" in html


def test_each_organisation_has_its_own_plan(people, roadmap):
    people.client("member").post(url("step_action", people.org, code="risk-scan"))
    people.client("outsider").post(url("step_action", people.other_org, code="risk-scan"))
    assert ActionPlan.objects.count() == 2
    assert plan_code(people.org) != plan_code(people.other_org)
    assert plan_code(people.org) == plan_code(people.org)


def test_a_small_organisation_gets_its_own_way_of_doing_it_in_the_description(people, roadmap):
    people.org.size_category = "A"
    people.org.save(update_fields=["size_category"])
    people.client("member").post(url("step_action", people.org, code="handling-protocol"))
    assert "peer organisation" in Action.objects.get().description


def test_viewers_get_403_and_outsiders_404(people, roadmap):
    assert people.client("viewer").post(url("step_action", people.org, code="risk-scan")).status_code == 403
    assert people.client("outsider").post(url("step_action", people.org, code="risk-scan")).status_code == 404
    assert not ActionPlan.objects.exists()
