"""The management dashboard of Hulp: what it counts, who reads it, and that it costs the same queries at any size."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionPlan
from cases.annual import current_year
from health.models import Schedule
from insights import figures
from organisations.models import Consent, Partnership
from tests.insights import builders
from tests.organisations.helpers import query_count

pytestmark = pytest.mark.django_db


def url(people, **query: object) -> str:
    base = reverse("insights:dashboard", kwargs={"slug": people.org.slug})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_partners_by_tier_and_expiry(people):
    org, today = people.org, timezone.localdate()
    low = builders.partner_of(org)
    builders.final_assessment(low, org, today + timedelta(days=400), rating="low")
    # The older assessment of the same partner does not count: the latest one does.
    builders.final_assessment(low, org, today - timedelta(days=10), rating="high")
    expiring = builders.partner_of(org)
    builders.final_assessment(expiring, org, today + timedelta(days=30), rating="moderate")
    expired = builders.partner_of(org)
    builders.final_assessment(expired, org, today - timedelta(days=1), rating="high")
    builders.partner_of(org)  # never assessed
    # An assessment requested by someone else and not shared with Hulp is not Hulp's to count.
    hidden = builders.partner_of(org)
    builders.final_assessment(hidden, people.other_org, today + timedelta(days=400), rating="low")
    # Shared with Hulp through a consent: counted.
    shared = builders.partner_of(org)
    passport = builders.final_assessment(shared, None, today + timedelta(days=400), rating="")
    Consent.objects.create(
        organisation=shared,
        subject=passport.subject,
        scope=Consent.Scope.ORGANISATION,
        to_organisation=org,
    )
    # An ended partnership is not a current partner.
    builders.partner_of(org, status=Partnership.Status.ENDED)

    standing = figures.partner_standing(org, current_year())
    assert standing.partners == 6
    assert {s.key: s.count for s in standing.by_tier} == {
        "low": 1,
        "moderate": 1,
        "high": 1,
        "none": 1,
        "unassessed": 2,
    }
    assert {s.key: s.count for s in standing.by_expiry} == {"expired": 1, "expiring": 1, "current": 2, "none": 2}


def test_partners_as_on_the_end_of_a_past_year(people):
    org = people.org
    year = current_year() - 1
    partner = builders.partner_of(org)
    # Finalised after that year: not there yet on 31 December.
    builders.final_assessment(partner, org, date(year + 3, 6, 1), rating="low", finalised=date(year + 1, 2, 1))
    other = builders.partner_of(org)
    builders.final_assessment(other, org, date(year + 1, 2, 1), rating="low", finalised=date(year - 2, 2, 1))
    standing = figures.partner_standing(org, year)
    assert standing.as_on == date(year, 12, 31)
    assert {s.key: s.count for s in standing.by_expiry} == {"expired": 0, "expiring": 1, "current": 0, "none": 1}


def test_action_progress_of_the_year(people, english):
    org, year = people.org, current_year()
    today = timezone.localdate()
    mine = builders.plan(org, ActionPlan.Source.ASSESSMENT)
    builders.action(mine, Action.Status.DONE, date(year, 1, 15))
    builders.action(mine, Action.Status.TODO, today - timedelta(days=1) if today.timetuple().tm_yday > 1 else today)
    builders.action(mine, Action.Status.DROPPED, date(year, 12, 31))
    builders.action(mine, Action.Status.DOING, None)  # created this year, no due date
    builders.action(mine, Action.Status.TODO, date(year - 1, 5, 1))  # last year's: overdue, not in this year
    co_owned = ActionPlan.objects.create(
        organisation=people.other_org, partner=org, title="Shared", source_kind="roadmap"
    )
    builders.action(co_owned, Action.Status.DONE, date(year, 3, 1))
    builders.action(builders.plan(people.other_org), Action.Status.TODO, date(year, 3, 1))  # not ours

    progress = figures.action_progress(org, year)
    assert (progress.total.done, progress.total.open, progress.total.dropped) == (2, 2, 1)
    assert {s.key: (s.done, s.open, s.dropped) for s in progress.by_source} == {
        "assessment": (1, 2, 1),
        "roadmap": (1, 0, 0),
    }
    assert progress.overdue_now >= 1
    response = people.client("manager").get(url(people))
    assert response.status_code == 200
    assert "Actions due in" in response.content.decode()


def test_cases_counts_for_officers_and_admins_only(people, english):
    org, year = people.org, current_year()
    fraud = builders.category("financial")
    for _ in range(6):
        builders.case(org, builders.at(year, 1, 5), fraud, phase="assess")
    for _ in range(2):
        builders.case(org, builders.at(year, 1, 5), fraud, phase="address")
    for _ in range(3):
        builders.case(org, builders.at(year, 1, 6), fraud, concluded=True)
    builders.case(people.other_org, builders.at(year, 1, 6), fraud)

    cases = figures.case_figures(org, year)
    stages = {row.key: str(row.cell) for row in cases.by_stage.rows}
    assert stages["assess"] == "6"
    # Small groups are never shown as a number.
    assert stages["address"] == stages["concluded"] == "< 5"
    assert stages["receive"] == "0"
    assert str(cases.received) == "11"

    for persona in ("officer", "admin"):
        page = people.client(persona).get(url(people)).content.decode()
        assert "Cases received in the year by stage" in page
    page = people.client("manager").get(url(people)).content.decode()
    assert "Cases received in the year by stage" not in page
    assert "Partners and their assessments" in page


def test_health_trend_by_quarter_counts_only_enough_respondents(people, english):
    org, year = people.org, current_year()
    partner = builders.partner_of(org)
    partnership = Partnership.objects.get(organisation=org, partner=partner)
    schedule = Schedule.objects.create(
        organisation=org, partnership=partnership, title="Check", next_due_on=timezone.localdate()
    )
    builders.health_round(
        schedule, builders.at(year, 2, 10), {org: ["green", "green", "amber"], partner: ["red", "red"]}
    )
    trend = figures.health_trend(org, year)
    first_quarter = trend.quarters.index(f"{year} Q1")
    assert trend.ours[first_quarter] == pytest.approx(250 / 3)
    # Two people of the partner: too few to show.
    assert trend.partners[first_quarter] is None
    assert trend.rounds == 1


def test_empty_dashboard(people, english):
    page = people.client("admin").get(url(people)).content.decode()
    assert "No current partners." in page
    assert "No actions due in" in page
    assert "No health-check results" in page


def test_access(people):
    assert people.client("outsider").get(url(people)).status_code == 404
    assert people.client("anonymous").get(url(people)).status_code == 302
    for persona in ("member", "viewer"):
        assert people.client(persona).get(url(people)).status_code == 403
    for persona in ("manager", "officer", "admin"):
        assert people.client(persona).get(url(people)).status_code == 200


def test_bad_year_is_a_400_with_the_reason(people, english):
    for bad in ("soon", "1999", str(current_year() + 1)):
        response = people.client("admin").get(url(people, year=bad))
        assert response.status_code == 400
        assert 'aria-invalid="true"' in response.content.decode()


def test_past_year_can_be_chosen(people, english):
    year = current_year() - 1
    builders.case(people.org, builders.at(year), builders.category("financial"))
    page = people.client("officer").get(url(people, year=year)).content.decode()
    assert f"Cases received in {year}" in page


def test_queries_do_not_grow_with_the_data(people):
    client = people.client("officer")
    year = current_year()
    org = people.org

    def grow(n: int) -> None:
        for _ in range(n):
            partner = builders.partner_of(org)
            builders.final_assessment(partner, org, timezone.localdate() + timedelta(days=100), rating="low")
            plan = builders.plan(org)
            builders.action(plan, Action.Status.TODO, date(year, 1, 2))
            builders.case(org, builders.at(year, 1, 3), builders.category("financial"))

    grow(2)
    before = query_count(client, url(people), computed=True)
    grow(10)
    assert query_count(client, url(people), computed=True) == before


def test_sessions_held_by_quarter(people, english):
    from dialogue.models import Session

    year = current_year()
    for kind, month in (("dilemma", 1), ("dilemma", 2), ("power", 1)):
        opened = builders.at(year, month, 10)
        Session.objects.create(
            organisation=people.org,
            title="Session",
            kind=kind,
            status=Session.Status.CLOSED,
            opened_at=opened,
            closed_at=opened + timedelta(hours=2),
        )
    # Prepared but never held, and another organisation's: not counted.
    Session.objects.create(organisation=people.org, title="Draft", kind="dilemma")
    Session.objects.create(
        organisation=people.other_org,
        title="Theirs",
        status=Session.Status.CLOSED,
        opened_at=builders.at(year, 1, 10),
        closed_at=builders.at(year, 1, 11),
    )
    held = figures.sessions_held(people.org, year)
    assert held.total == 3
    assert held.rows[0][1] == [2, 0, 0, 0]
    page = people.client("manager").get(url(people)).content.decode()
    assert "Sessions held in" in page


def test_the_year_ends_at_midnight_in_the_readers_time(people):
    """Finalised at 23:30 on 31 December in Amsterdam counts for that year; at 00:30 on 1 January it does not."""
    org, year = people.org, current_year() - 1
    late, early = builders.partner_of(org), builders.partner_of(org)
    for partner, moment in ((late, (year, 12, 31, 23, 30)), (early, (year + 1, 1, 1, 0, 30))):
        assessment = builders.final_assessment(partner, org, date(year + 3, 1, 1), rating="low")
        assessment.finalised_at = datetime(*moment, tzinfo=ZoneInfo("Europe/Amsterdam"))
        assessment.save(update_fields=["finalised_at"])
    with timezone.override(ZoneInfo("Europe/Amsterdam")):
        standing = figures.partner_standing(org, year)
    assert {s.key: s.count for s in standing.by_tier}["low"] == 1
    assert {s.key: s.count for s in standing.by_tier}["unassessed"] == 1
