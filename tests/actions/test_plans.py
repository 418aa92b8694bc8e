"""The list of plans: owned and co-owned, with progress and overdue counts."""

from datetime import timedelta

from django.utils import timezone

from actions.models import Action, ActionPlan
from tests.actions.helpers import client_for, url


def test_lists_owned_and_co_owned_plans_with_progress(people, partner, plan):
    yesterday = timezone.localdate() - timedelta(days=1)
    plan.add_action(title="Code of conduct", by=people.manager)
    done = plan.add_action(title="Reporting channel", by=people.manager)
    Action.objects.filter(pk=done.pk).update(status="done")
    plan.add_action(title="Late", due_on=yesterday, by=people.manager)
    ActionPlan.start(organisation=partner.org, title="Our own plan", by=partner.admin)

    response = people.client("viewer").get(url("plans", people.org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Safeguarding 2026" in html
    assert "Our own plan" not in html
    assert "1 of 3 done" in html
    assert "1 overdue" in html

    html = client_for(partner.viewer).get(url("plans", partner.org)).content.decode()
    assert "Safeguarding 2026" in html and "Our own plan" in html
    assert "Hulp Zonder Grenzen" in html


def test_empty_state_explains_where_plans_come_from(people):
    html = people.client("member").get(url("plans", people.org)).content.decode()
    assert "No action plans yet." in html
    assert "Plans come from assessments" in html
    assert "Start a plan by hand" not in html  # only managers and admins start plans
    assert "Start a plan by hand" in people.client("manager").get(url("plans", people.org)).content.decode()


def test_outsider_gets_404(people, plan):
    assert people.client("outsider").get(url("plans", people.org)).status_code == 404
