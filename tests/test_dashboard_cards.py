"""The organisation overview shows the cards the feature apps register, with figures from their data."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionPlan

pytestmark = pytest.mark.usefixtures("english")


def overview(people, persona="member"):
    return people.client(persona).get(reverse("organisations:dashboard", kwargs={"slug": people.org.slug}))


def test_empty_cards_say_what_to_do_next(people):
    page = overview(people).content.decode()
    assert "No assessments yet." in page
    assert "No action plan yet." in page


def test_the_action_plan_card_counts_open_and_overdue_actions(people):
    plan = ActionPlan.start(
        organisation=people.org,
        partner=None,
        title="Integrity basics",
        source_kind="manual",
        source_code=None,
        by=people.manager,
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    plan.add_action(title="Publish the code of conduct", due_on=yesterday, by=people.manager)
    plan.add_action(title="Appoint a confidential adviser", by=people.manager)
    done = plan.add_action(title="Train the board", by=people.manager)
    done.status = "done"
    done.save(update_fields=["status"])

    response = overview(people)
    card = response.context["cards"]
    figures = dict((registered.name, context) for registered, context in card)["action_plans"]
    assert (figures["open"], figures["overdue"]) == (2, 1)
    assert "1 overdue" in response.content.decode()


def test_outsiders_see_nothing_of_our_cards(people):
    response = people.client("outsider").get(reverse("organisations:dashboard", kwargs={"slug": people.org.slug}))
    assert response.status_code == 404


def test_cards_cost_a_fixed_number_of_queries(people):
    overview(people)  # the first visit also records when the organisation was last used
    cache.clear()  # measure the cards computed, not taken from the cache
    with CaptureQueriesContext(connection) as before:
        overview(people)
    for number in range(5):
        ActionPlan.start(
            organisation=people.org,
            partner=None,
            title=f"Plan {number}",
            source_kind="manual",
            source_code=None,
            by=people.manager,
        ).add_action(title="An action", by=people.manager)
    with CaptureQueriesContext(connection) as after:
        overview(people)
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]


def test_handlers_see_counts_of_their_reports_and_others_no_card(people):
    from speakup.models import Channel, ChannelHandler, Report, ReportKey

    channel = Channel.objects.create(organisation=people.org, slug="hulp-meldpunt")
    ChannelHandler.objects.create(channel=channel, user=people.officer)
    assert "0 waiting for acknowledgement" in overview(people, "officer").content.decode()

    from speakup.models import HandlerGrant

    for days_ago in (1, 10):
        report = Report.objects.create(
            channel=channel,
            organisation=people.org,
            receipt_lookup=f"lookup-{days_ago}",
            reporter_public_key=b"k" * 32,
            content=b"sealed",
            key_version=1,
            created_on=timezone.localdate() - timedelta(days=days_ago),
        )
        key = ReportKey.objects.create(report=report, version=1, public_key=b"p" * 32, for_reporter=b"s")
        HandlerGrant.objects.create(report_key=key, user=people.officer, sealed=b"g")

    page = overview(people, "officer").content.decode()
    assert "Reports to handle" in page
    assert "2 waiting for acknowledgement" in page and "1 past the 7 days" in page
    assert "Reports to handle" not in overview(people, "admin").content.decode()  # not a handler: no card
