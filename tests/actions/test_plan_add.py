"""Starting a plan by hand: managers and admins, optionally co-owned with a partner."""

from actions.models import ActionPlan
from tests.actions.helpers import errors, url


def test_manager_starts_a_plan_co_owned_with_a_partner(people, partner):
    response = people.client("manager").post(
        url("plan_add", people.org), {"title": "After the field visit", "partner": str(partner.org.code)}
    )
    plan = ActionPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("plan", people.org, code=plan.code)
    assert (plan.organisation, plan.partner, plan.source_kind, plan.created_by) == (
        people.org,
        partner.org,
        "manual",
        people.manager,
    )


def test_partner_choices_are_this_organisations_partners_only(people, partner):
    html = people.client("admin").get(url("plan_add", people.org)).content.decode()
    assert "Kampala Women&#x27;s Network" in html
    assert "Ander Fonds" not in html
    response = people.client("admin").post(
        url("plan_add", people.org), {"title": "Sneaky", "partner": str(people.other_org.code)}
    )
    assert response.status_code == 200
    assert errors(response, "partner")
    assert 'value="Sneaky"' in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_title_is_required(people):
    response = people.client("manager").post(url("plan_add", people.org), {"title": ""})
    assert errors(response, "title") == ["This field is required."]


def test_members_and_viewers_may_not_start_plans(people):
    for persona in ("member", "viewer", "officer"):
        assert people.client(persona).post(url("plan_add", people.org), {"title": "x"}).status_code == 403
    assert people.client("outsider").get(url("plan_add", people.org)).status_code == 404
    assert not ActionPlan.objects.exists()
