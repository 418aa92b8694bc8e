"""Changing an action: status, owner, due date, text. Every change goes into the history."""

from datetime import date

from actions.models import Action
from tests.actions.helpers import client_for, errors, url


def form_data(action: Action, **changes: str) -> dict[str, str]:
    data = {
        "title": action.title,
        "description": action.description,
        "owner": "",
        "due_on": action.due_on.isoformat() if action.due_on else "",
        "status": action.status,
        "dropped_reason": "",
    }
    data.update(changes)
    return data


def test_changes_write_one_history_entry_each(people, partner, plan):
    action = plan.add_action(title="Screen staff", by=people.manager)
    owner = str(partner.member.memberships.get().code)
    response = client_for(partner.member).post(
        url("action_edit", partner.org, code=action.code),
        form_data(action, status="doing", owner=owner, due_on="2026-09-01", title="Screen all staff"),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.owner, action.due_on, action.title) == (
        "doing",
        partner.member,
        date(2026, 9, 1),
        "Screen all staff",
    )
    events = {e.kind: e for e in action.events.exclude(kind="created")}
    assert set(events) == {"status", "owner", "due", "edited"}
    assert (events["status"].old_value, events["status"].new_value) == ("todo", "doing")
    assert events["owner"].new_value == "Kampala Member (Kampala Women's Network)"
    assert events["due"].new_value == "2026-09-01"
    assert all(e.organisation == partner.org and e.author == partner.member for e in events.values())
    # The owning organisation sees who changed what, and from where.
    html = people.client("viewer").get(url("action", people.org, code=action.code)).content.decode()
    assert "status from To do to Doing" in html
    assert "Kampala Member" in html and "(Kampala Women&#x27;s Network)" in html


def test_saving_without_changes_writes_nothing(people, plan):
    action = plan.add_action(title="Screen staff", by=people.manager)
    response = people.client("member").post(url("action_edit", people.org, code=action.code), form_data(action))
    assert response.status_code == 302
    assert action.events.count() == 1


def test_dropping_needs_a_reason(people, plan):
    action = plan.add_action(title="Buy a safe", by=people.manager)
    path = url("action_edit", people.org, code=action.code)
    response = people.client("member").post(path, form_data(action, status="dropped", title="Buy a bigger safe"))
    assert response.status_code == 200
    assert errors(response, "dropped_reason") == ["Say why this action is dropped: both organisations will read it."]
    assert 'value="Buy a bigger safe"' in response.content.decode()
    action.refresh_from_db()
    assert action.status == "todo"

    people.client("member").post(path, form_data(action, status="dropped", dropped_reason="Files are digital now."))
    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == ("dropped", "Files are digital now.")
    assert action.events.get(kind="status").text == "Files are digital now."


def test_reopening_clears_the_reason(people, plan):
    action = plan.add_action(title="Buy a safe", by=people.manager)
    Action.objects.filter(pk=action.pk).update(status="dropped", dropped_reason="No")
    action.refresh_from_db()
    people.client("member").post(url("action_edit", people.org, code=action.code), form_data(action, status="todo"))
    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == ("todo", "")


def test_bad_owner_and_bad_date_are_explained(people, plan):
    action = plan.add_action(title="Screen staff", by=people.manager)
    outsider = str(people.outsider.memberships.get().code)
    response = people.client("member").post(
        url("action_edit", people.org, code=action.code), form_data(action, owner=outsider, due_on="next week")
    )
    assert response.status_code == 200
    assert errors(response, "owner")
    assert errors(response, "due_on") == ["Enter the date as year-month-day, for example 2026-03-31."]
    assert Action.objects.get().owner is None


def test_form_shows_current_values(people, plan):
    action = plan.add_action(title="Screen staff", owner=people.officer, due_on=date(2026, 5, 1), by=people.manager)
    html = people.client("member").get(url("action_edit", people.org, code=action.code)).content.decode()
    assert 'value="2026-05-01"' in html
    assert f'value="{people.officer.memberships.get().code}" selected' in html


def test_viewer_gets_403_and_outsider_404(people, partner, plan):
    action = plan.add_action(title="Screen staff", by=people.manager)
    assert people.client("viewer").get(url("action_edit", people.org, code=action.code)).status_code == 403
    assert (
        client_for(partner.viewer)
        .post(url("action_edit", partner.org, code=action.code), form_data(action, status="done"))
        .status_code
        == 403
    )
    assert people.client("outsider").get(url("action_edit", people.org, code=action.code)).status_code == 404
    action.refresh_from_db()
    assert action.status == "todo"
