"""The overview's cards are kept in the cache under the organisation's data version (organisations/dashboard.py,
ADR 0023): a second visit reads them from there, and any change to what a card shows is on the next visit."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from actions.models import ActionPlan
from organisations.models import Alliance, AllianceMember, Invitation, Membership, OverviewVersion, Role
from samen import counters
from tests.insights.builders import final_assessment
from tests.organisations.helpers import partner_org, partnership, url

pytestmark = pytest.mark.usefixtures("english")


def cards(people, persona="manager"):
    response = people.client(persona).get(url("dashboard", people.org))
    assert response.status_code == 200
    return {registered.name: card for registered, card in response.context["cards"]}


def test_a_second_visit_reads_the_cards_from_the_cache(people):
    partnership(people.org, partner_org("Kampala"))
    client = people.client("manager")
    client.get(url("dashboard", people.org))  # the first visit also records when the organisation was last used
    cache.clear()
    with CaptureQueriesContext(connection) as computed:
        first = client.get(url("dashboard", people.org))
    with CaptureQueriesContext(connection) as cached:
        second = client.get(url("dashboard", people.org))
    assert len(cached) < len(computed) - 5
    assert second.context["cards"] == first.context["cards"]


def plan_with_action(people):
    plan = ActionPlan.start(
        organisation=people.org, partner=None, title="Basics", source_kind="manual", source_code=None, by=people.manager
    )
    plan.add_action(title="Publish the code of conduct", by=people.manager)


def join_alliance(people):
    alliance = Alliance.objects.create(name="Dutch Relief", lead=people.other_org)
    AllianceMember.objects.create(alliance=alliance, organisation=people.org)


def new_member(people):
    user = User.objects.create_user(email="new@hulp.example", password="x" * 16)
    Membership.objects.create(user=user, organisation=people.org, role=Role.MEMBER)


def finish_action(people):
    action = ActionPlan.objects.get(organisation=people.org).actions.get()
    action.status = "done"
    action.save(update_fields=["status"])


CHANGES = {
    # name: (what the test does, the card and figure that shows it, the figure before and after)
    "our partnership": (lambda p: partnership(p.org, partner_org("Gulu")), "partners", "count", 0, 1),
    # Recorded by the other side: both overviews count it.
    "their partnership": (lambda p: partnership(p.other_org, p.org), "partners", "count", 0, 1),
    "alliance joined": (join_alliance, "alliances", "count", 0, 1),
    "member added": (new_member, "people", "count", 5, 6),
    "invitation sent": (
        lambda p: Invitation.issue(p.org, "new@hulp.example", "member", p.admin),
        "invitations",
        "count",
        0,
        1,
    ),
    "plan with an action": (plan_with_action, "action_plans", "open", 0, 1),
}


@pytest.mark.parametrize("name", CHANGES)
def test_a_change_shows_on_the_next_visit(people, name):
    change, card, figure, before, after = CHANGES[name]
    assert cards(people)[card][figure] == before
    assert cards(people)[card][figure] == before  # from the cache
    change(people)
    assert cards(people)[card][figure] == after


def test_an_action_done_leaves_the_open_count(people):
    plan_with_action(people)
    assert cards(people)["action_plans"]["open"] == 1
    finish_action(people)
    assert cards(people)["action_plans"]["open"] == 0


def test_other_organisations_changes_leave_our_cards_cached(people):
    keys = [f"org:{people.org.pk}", OverviewVersion.EVERYONE, f"org:{people.other_org.pk}"]
    ours, everyone, theirs = counters.numbers(OverviewVersion, keys)
    partnership(people.other_org, partner_org("Gulu"))
    assert counters.numbers(OverviewVersion, keys) == (ours, everyone, theirs + 1)
    # Without a partner or a requester, a plan or an assessment concerns its own organisation only.
    ActionPlan.start(
        organisation=people.other_org, partner=None, title="Own", source_kind="manual", source_code=None, by=None
    )
    final_assessment(people.other_org, None, timezone.localdate() + timedelta(days=400))
    assert counters.numbers(OverviewVersion, keys) == (ours, everyone, theirs + 3)


def test_each_language_has_its_own_country_names(people):
    partnership(people.org, partner_org("Kampala", country="UG"))
    assert cards(people)["partners"]["by_country"] == [("Uganda", 1)]
    people.manager.language = "nl"
    people.manager.save(update_fields=["language"])
    assert cards(people)["partners"]["by_country"] == [("Oeganda", 1)]


def test_figures_as_of_today_are_counted_again_the_next_day(people, monkeypatch):
    plan = ActionPlan.start(
        organisation=people.org, partner=None, title="Basics", source_kind="manual", source_code=None, by=people.manager
    )
    today = timezone.localdate()
    plan.add_action(title="Publish the code of conduct", due_on=today, by=people.manager)
    assert cards(people)["action_plans"]["overdue"] == 0
    tomorrow = today + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert cards(people)["action_plans"]["overdue"] == 1


def test_counters_grow_from_nothing_and_are_read_in_order(db):
    counters.bump(OverviewVersion, ["org:1", "org:2", "org:1"])
    counters.bump(OverviewVersion, ["org:2"])
    assert counters.numbers(OverviewVersion, ["org:2", "org:3", "org:1"]) == (2, 0, 1)
    assert counters.version(OverviewVersion, ["org:1", "org:2", "org:3"]) == (3, 2)


def test_bumps_once_bumps_each_counter_once_at_the_end_and_never_after_an_error(db):
    with transaction.atomic(), counters.bumps_once():
        counters.bump(OverviewVersion, ["org:1", "org:2"])
        with counters.bumps_once():  # nested: the outer block bumps
            counters.bump(OverviewVersion, ["org:1"])
        assert counters.numbers(OverviewVersion, ["org:1", "org:2"]) == (0, 0)
    assert counters.numbers(OverviewVersion, ["org:1", "org:2"]) == (1, 1)
    with pytest.raises(ValueError), transaction.atomic(), counters.bumps_once():
        counters.bump(OverviewVersion, ["org:1"])
        raise ValueError
    assert counters.numbers(OverviewVersion, ["org:1"]) == (1,)
    counters.bump(OverviewVersion, ["org:1"])  # after the block: at once again
    assert counters.numbers(OverviewVersion, ["org:1"]) == (2,)


def test_bumps_once_refuses_to_run_outside_a_transaction(transactional_db):
    with pytest.raises(TransactionManagementError), counters.bumps_once():
        pass
