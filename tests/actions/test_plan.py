"""One plan: its actions with owners from both organisations, filters, progress chart, recent history."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Action, ActionEvent
from framework.models import Requirement
from tests.actions.helpers import client_for, url


def test_shows_actions_owners_and_their_organisations(people, partner, plan):
    yesterday = timezone.localdate() - timedelta(days=1)
    plan.add_action(title="Appoint a confidential adviser", owner=people.officer, by=people.manager)
    plan.add_action(title="Translate the code of conduct", owner=partner.member, due_on=yesterday, by=partner.admin)

    response = people.client("viewer").get(url("plan", people.org, code=plan.code))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Appoint a confidential adviser" in html and "Translate the code of conduct" in html
    assert "Kampala Member" in html and "Kampala Women&#x27;s Network" in html
    assert "Overdue" in html
    # The figures stand beside the chart.
    assert "<svg" in html and "Progress of Safeguarding 2026" in html
    assert response.context["progress"]["overdue"] == 1
    # A viewer reads but gets no buttons that change anything.
    assert url("action_add", people.org, code=plan.code) not in html


def test_the_partner_sees_the_same_plan_and_who_changed_what(people, partner, plan):
    plan.add_action(title="Appoint a confidential adviser", by=people.manager)
    html = client_for(partner.viewer).get(url("plan", partner.org, code=plan.code)).content.decode()
    assert "Appoint a confidential adviser" in html
    assert "Manager" in html and "(Hulp Zonder Grenzen)" in html


def test_filters_by_status_owner_and_overdue(people, partner, plan):
    yesterday = timezone.localdate() - timedelta(days=1)
    plan.add_action(title="Mine late", owner=people.member, due_on=yesterday, by=people.member)
    plan.add_action(title="Theirs", owner=partner.member, by=people.member)
    done = plan.add_action(title="Done one", owner=people.member, due_on=yesterday, by=people.member)
    Action.objects.filter(pk=done.pk).update(status="done")
    client = people.client("member")
    member_code = people.member.memberships.get().code

    def titles(query: str) -> set[str]:
        response = client.get(url("plan", people.org, code=plan.code) + query)
        return {action.title for action, _org, _late in response.context["rows"]}

    assert titles("") == {"Mine late", "Theirs", "Done one"}
    assert titles("?status=done") == {"Done one"}
    assert titles("?status=open") == {"Mine late", "Theirs"}
    assert titles(f"?owner={member_code}") == {"Mine late", "Done one"}
    assert titles("?overdue=on") == {"Mine late"}
    assert titles("?owner=none") == set()
    assert (
        "No action matches these filters."
        in client.get(url("plan", people.org, code=plan.code) + "?owner=none").content.decode()
    )


def test_recent_changes_name_the_author_and_organisation(people, partner, plan):
    action = plan.add_action(title="Screen new staff", by=people.manager)
    ActionEvent.objects.create(action=action, author=partner.admin, organisation=partner.org, kind="note", text="Hi")
    html = people.client("member").get(url("plan", people.org, code=plan.code)).content.decode()
    assert "Kampala Admin" in html and "(Kampala Women&#x27;s Network)" in html
    assert "added a note" in html


def test_shows_the_linked_requirement(people, plan):
    requirement = Requirement.objects.select_related("library").first()
    if requirement is None:
        from django.core.management import call_command

        call_command("load_framework", verbosity=0)
        requirement = Requirement.objects.first()
    assert requirement is not None
    plan.add_action(title="Write the policy", requirement=requirement, by=people.manager)
    html = people.client("member").get(url("plan", people.org, code=plan.code)).content.decode()
    assert requirement.code in html


def test_empty_plan_says_what_to_do(people, plan):
    html = people.client("member").get(url("plan", people.org, code=plan.code)).content.decode()
    assert "No actions yet." in html


def test_outsider_and_other_organisations_plans_get_404(people, partner, plan):
    assert people.client("outsider").get(url("plan", people.org, code=plan.code)).status_code == 404
    # The outsider's own organisation in the address does not open someone else's plan.
    assert people.client("outsider").get(url("plan", people.other_org, code=plan.code)).status_code == 404


def _queries(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_actions(people, partner, plan):
    owners = [people.member, people.officer, partner.member, None]

    def add(n: int) -> None:
        start = plan.actions.count()
        for i in range(start, start + n):
            action = plan.add_action(
                title=f"Action {i}",
                owner=owners[i % 4],
                due_on=timezone.localdate() - timedelta(days=i % 3),
                by=people.manager if i % 2 else partner.admin,
            )
            if i % 5 == 0:
                ActionEvent.objects.create(action=action, author=people.member, organisation=people.org, kind="note")

    client = people.client("member")
    path = url("plan", people.org, code=plan.code)
    add(10)
    few = _queries(client, path)
    add(190)
    many = _queries(client, path)
    assert few == many
    assert _queries(client, path + "?page=4") == many
