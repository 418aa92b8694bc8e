"""The list of checks, setting one up, a check with its rounds and trend, and the dashboard card."""

import re

from django.urls import reverse
from django.utils import timezone

from health.charts import trend_chart
from health.models import Schedule
from tests.health.conftest import answer, answers, page, start_round


def test_the_list_says_what_to_do_when_there_is_no_check(people):
    assert "No health checks yet." in page(people, "manager", "checks").content.decode()
    assert "A manager or administrator" in page(people, "member", "checks").content.decode()


def test_both_organisations_see_the_check_and_outsiders_do_not(people, partner, schedule):
    assert "Hulp and Kampala" in page(people, "viewer", "checks").content.decode()
    client = people.client("anonymous")
    client.force_login(partner.viewer)
    assert client.get(reverse("health:check", kwargs={"slug": "kampala", "code": schedule.code})).status_code == 200
    assert page(people, "outsider", "check", slug="ander", code=schedule.code).status_code == 404


def test_a_manager_sets_up_a_check_with_the_usual_rhythm(people, partner):
    url = reverse("health:check_new", kwargs={"slug": "hulp"})
    data = {"subject": f"p:{partner.partnership.code}", "kind": "formal", "next_due_on": "2026-09-01"}
    response = people.client("manager").post(url, data)
    schedule = Schedule.objects.get()
    assert response.url == reverse("health:check", kwargs={"slug": "hulp", "code": schedule.code})
    assert (schedule.interval_months, schedule.partnership) == (6, partner.partnership)
    assert schedule.organisation == people.org
    assert "Kampala" in schedule.title


def test_bad_input_keeps_what_was_typed(people, partner):
    url = reverse("health:check_new", kwargs={"slug": "hulp"})
    data = {"subject": "p:not-ours", "title": "Our check", "kind": "informal", "interval_months": "99"}
    response = people.client("manager").post(url, data)
    content = response.content.decode()
    assert response.status_code == 200 and not Schedule.objects.exists()
    assert 'value="Our check"' in content and "Ensure this value is less than or equal to 24." in content
    assert people.client("member").post(url, data).status_code == 403


def test_the_trend_chart_shows_each_closed_round(people, partner, schedule):
    hulp = [people.member, people.manager, people.admin]
    for colour in ("red", "amber", "green"):
        round = start_round(schedule, [(u, people.org) for u in hulp], people.manager)
        for user in hulp:
            answer(round, user, people.org, answers(colour))
        round.close(by=people.manager)
    content = page(people, "member", "check", code=schedule.code).content.decode()
    svg = content[content.index("<svg") : content.index("</svg>")]
    assert "<title" in svg and "style=" not in svg
    assert svg.count("<polyline") == 1  # Hulp's line; Kampala had no answers
    assert "Round 3" in svg
    # The table beside it: scores 0, 50, 100 for Hulp, "fewer than 3 answers" for Kampala.
    assert re.search(r"Hulp Zonder Grenzen</th><td>0</td><td>50</td><td>100</td>", content)
    assert "fewer than 3 answers" in content


def test_the_chart_escapes_names_and_leaves_gaps():
    svg = trend_chart(["R1", "R2", "R3"], [("<script>", [10, None, 90])], title="T & t")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "T &amp; t" in svg
    assert "<polyline" not in svg  # two points with a gap between: markers, no line


def test_the_dashboard_card_shows_checks_due_and_rounds_to_answer(people, partner, schedule):
    round = start_round(schedule, [(people.member, people.org)], people.manager)
    later = Schedule.objects.create(
        organisation=people.org,
        partnership=partner.partnership,
        title="Formal review",
        kind="formal",
        interval_months=6,
        next_due_on=timezone.localdate(),
    )
    response = people.client("member").get(reverse("organisations:dashboard", kwargs={"slug": "hulp"}))
    content = response.content.decode()
    assert "Next health checks" in content
    assert reverse("health:round_answer", kwargs={"slug": "hulp", "code": round.code}) in content
    assert reverse("health:check", kwargs={"slug": "hulp", "code": later.code}) in content
    answer(round, people.member, people.org, answers("green"))
    content = people.client("member").get(reverse("organisations:dashboard", kwargs={"slug": "hulp"})).content
    assert reverse("health:round_answer", kwargs={"slug": "hulp", "code": round.code}) not in content.decode()


def test_the_card_follows_rounds_opened_and_closed_without_signals(people, partner, schedule):
    """Inviting participants (bulk_create) and closing a round (an update) send no signal: they bump the
    overview's counters themselves, so the cached card changes at once."""
    from health.views import _invite

    def card():
        response = people.client("member").get(reverse("organisations:dashboard", kwargs={"slug": "hulp"}))
        return {registered.name: context for registered, context in response.context["cards"]}["health_checks"]

    assert ([s.pk for s in card()["next"]], card()["to_answer"]) == ([schedule.pk], [])
    round = start_round(schedule, [], people.manager)
    assert card()["next"] == []
    _invite(round, [people.member.memberships.get(organisation=people.org)], people.manager)
    assert [r.pk for r in card()["to_answer"]] == [round.pk]
    assert round.close(people.manager)
    assert ([s.pk for s in card()["next"]], card()["to_answer"]) == ([schedule.pk], [])
