"""Adding an action: members and above of either organisation; the owner is a person of either one."""

from datetime import date

from actions.models import Action
from tests.actions.helpers import client_for, errors, url


def owner_code(user, organisation) -> str:
    return str(user.memberships.get(organisation=organisation).code)


def test_member_adds_an_action_owned_by_a_partner_person(people, partner, plan):
    response = people.client("member").post(
        url("action_add", people.org, code=plan.code),
        {
            "title": "Set up a reporting channel",
            "description": "WhatsApp and a box at the office",
            "owner": owner_code(partner.member, partner.org),
            "due_on": "2026-06-30",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("plan", people.org, code=plan.code)
    action = Action.objects.get()
    assert (action.owner, action.due_on, action.status, action.created_by) == (
        partner.member,
        date(2026, 6, 30),
        "todo",
        people.member,
    )
    assert action.events.get().organisation == people.org


def test_the_partner_adds_actions_too(people, partner, plan):
    response = client_for(partner.member).post(
        url("action_add", partner.org, code=plan.code),
        {"title": "Train the board", "owner": owner_code(people.officer, people.org)},
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.owner == people.officer
    assert action.organisation == people.org
    assert action.events.get().organisation == partner.org


def test_owner_must_be_in_either_organisation(people, partner, plan):
    response = people.client("member").post(
        url("action_add", people.org, code=plan.code),
        {"title": "Keep me", "owner": owner_code(people.outsider, people.other_org)},
    )
    assert response.status_code == 200
    assert errors(response, "owner") == [
        "The owner must be a person in Hulp Zonder Grenzen / Kampala Women's Network. Choose someone from the list."
    ]
    assert 'value="Keep me"' in response.content.decode()
    assert not Action.objects.exists()


def test_a_due_date_in_a_bad_format_is_explained(people, plan):
    response = people.client("member").post(
        url("action_add", people.org, code=plan.code), {"title": "Keep me too", "due_on": "31/02/2026"}
    )
    assert errors(response, "due_on") == ["Enter the date as year-month-day, for example 2026-03-31."]
    html = response.content.decode()
    assert 'value="Keep me too"' in html and 'value="31/02/2026"' in html
    assert not Action.objects.exists()


def test_owners_to_choose_from_are_both_organisations_people(people, partner, plan):
    html = people.client("member").get(url("action_add", people.org, code=plan.code)).content.decode()
    assert "Kampala Member (Kampala Women&#x27;s Network)" in html
    assert "Officer (Hulp Zonder Grenzen)" in html
    assert "Outsider" not in html


def test_viewers_may_not_add_and_outsiders_get_404(people, partner, plan):
    path = url("action_add", people.org, code=plan.code)
    assert people.client("viewer").post(path, {"title": "x"}).status_code == 403
    assert (
        client_for(partner.viewer).post(url("action_add", partner.org, code=plan.code), {"title": "x"}).status_code
        == 403
    )
    assert people.client("outsider").post(path, {"title": "x"}).status_code == 404
    assert not Action.objects.exists()
