"""The actions API that other apps build on: starting plans, adding actions, named filters, invariants."""

import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from actions.models import Action, ActionEvent, ActionPlan


def test_start_returns_the_existing_plan_for_the_same_source(people, partner):
    source = uuid.uuid4()
    first = ActionPlan.start(
        organisation=people.org,
        partner=partner.org,
        title="From the assessment",
        source_kind="assessment",
        source_code=source,
        by=people.manager,
    )
    again = ActionPlan.start(
        organisation=people.org,
        partner=partner.org,
        title="Again",
        source_kind="assessment",
        source_code=source,
        by=people.admin,
    )
    assert again.pk == first.pk
    assert ActionPlan.objects.count() == 1
    # Manual plans have no source: each start is a new plan.
    ActionPlan.start(organisation=people.org, title="By hand", by=people.manager)
    ActionPlan.start(organisation=people.org, title="By hand", by=people.manager)
    assert ActionPlan.objects.filter(source_kind="manual").count() == 2


def test_for_organisation_is_owned_or_co_owned(people, partner, plan):
    own = ActionPlan.start(organisation=partner.org, title="Kampala only", by=partner.admin)
    assert set(ActionPlan.objects.for_organisation(partner.org)) == {plan, own}
    assert list(ActionPlan.objects.for_organisation(people.org)) == [plan]
    assert not ActionPlan.objects.for_organisation(people.other_org).exists()


def test_add_action_records_who_created_it_and_for_which_organisation(people, partner, plan):
    action = plan.add_action(title="Train staff", owner=partner.member, by=partner.admin)
    assert action.organisation == people.org  # the tenancy key is the plan's owner
    [event] = action.events.all()
    assert (event.kind, event.author, event.organisation) == ("created", partner.admin, partner.org)
    ours = plan.add_action(title="Budget the training", by=people.member)
    assert ours.events.get().organisation == people.org


def test_open_and_overdue(people, plan):
    today = timezone.localdate()
    late = plan.add_action(title="Late", due_on=today - timedelta(days=1), by=people.member)
    plan.add_action(title="Due today", due_on=today, by=people.member)
    plan.add_action(title="No date", by=people.member)
    done_late = plan.add_action(title="Done late", due_on=today - timedelta(days=3), by=people.member)
    Action.objects.filter(pk=done_late.pk).update(status="done")
    assert list(Action.objects.overdue()) == [late]
    done_late.refresh_from_db()
    assert late.is_overdue() and not done_late.is_overdue()
    assert Action.objects.open().count() == 3
    assert plan.progress() == {"todo": 3, "doing": 0, "done": 1, "dropped": 0, "overdue": 1, "total": 4}


def test_the_database_refuses_a_dropped_action_without_reason(people, plan):
    action = plan.add_action(title="Maybe", by=people.member)
    with pytest.raises(IntegrityError):
        Action.objects.filter(pk=action.pk).update(status="dropped", dropped_reason="")


def test_a_plan_cannot_be_co_owned_by_its_owner(people):
    with pytest.raises(IntegrityError):
        ActionPlan.objects.create(organisation=people.org, partner=people.org, title="Self")


def test_status_history_shows_labels(people, plan):
    action = plan.add_action(title="Train", by=people.member)
    event = ActionEvent(action=action, organisation=people.org, kind="status", old_value="todo", new_value="done")
    assert (event.old_display, event.new_display) == ("To do", "Done")
