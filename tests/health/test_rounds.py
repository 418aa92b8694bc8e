"""A round from start to actions: answering once and anonymously, closing, results, review, actions."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionPlan
from health.models import Answered, Participant, Rating, Round
from organisations.models import Membership
from tests.health.conftest import answer, answers, page, start_round


def test_a_manager_starts_a_round_with_people_of_both_organisations(people, partner, schedule):
    codes = [
        str(Membership.objects.get(user=user, organisation=org).code)
        for user, org in [(people.member, people.org), (partner.members[0], partner.org)]
    ]
    url = reverse("health:round_new", kwargs={"slug": "hulp", "code": schedule.code})
    response = people.client("manager").post(url, {"participants": codes})
    round = Round.objects.get(schedule=schedule)
    assert response.url == reverse("health:round", kwargs={"slug": "hulp", "code": round.code})
    assert set(round.participants.values_list("user__email", flat=True)) == {
        "member@hulp.example",
        "member1@kampala.example",
    }
    schedule.refresh_from_db()
    assert schedule.next_due_on > timezone.localdate()  # the next round is due one interval on


def test_starting_a_round_without_anyone_keeps_the_date_and_says_why(people, schedule):
    url = reverse("health:round_new", kwargs={"slug": "hulp", "code": schedule.code})
    response = people.client("manager").post(url, {"closes_on": "2099-12-31"})
    assert response.status_code == 200
    assert "Choose at least one person to answer." in response.content.decode()
    assert 'value="2099-12-31"' in response.content.decode()
    assert not Round.objects.exists()


def test_viewers_are_not_offered_as_participants(people, partner, schedule):
    response = page(people, "manager", "round_new", code=schedule.code)
    offered = {m.user.email for m in response.context["form"].memberships}
    assert "member1@kampala.example" in offered and "manager@hulp.example" in offered
    assert "viewer@hulp.example" not in offered and "viewer@kampala.example" not in offered
    assert "Member1" in response.content.decode()


def test_the_partners_manager_invites_its_own_people(people, partner, schedule):
    round = start_round(schedule, [(people.member, people.org)], people.manager)
    code = str(Membership.objects.get(user=partner.members[1], organisation=partner.org).code)
    client = people.client("member")
    client.force_login(partner.manager)
    url = reverse("health:round_invite", kwargs={"slug": "kampala", "code": round.code})
    assert client.post(url, {"participants": [code]}).status_code == 302
    assert Participant.objects.filter(round=round, user=partner.members[1], organisation=partner.org).exists()
    # Only its own people: a code of the other organisation is not among the choices.
    other = str(Membership.objects.get(user=people.officer, organisation=people.org).code)
    assert client.post(url, {"participants": [other]}).status_code == 200
    assert not Participant.objects.filter(round=round, user=people.officer).exists()


def test_a_participant_answers_once_and_the_answer_carries_no_name(people, partner, schedule):
    round = start_round(schedule, [(partner.members[0], partner.org)], people.manager)
    first = answer(round, partner.members[0], partner.org, answers("amber", comment="Slow payments"))
    assert first.status_code == 302
    again = answer(round, partner.members[0], partner.org, answers("red"))
    assert again.status_code == 302
    assert Rating.objects.filter(round=round).count() == 7
    assert set(Rating.objects.values_list("colour", flat=True)) == {"amber"}
    assert Answered.objects.filter(round=round).count() == 1

    # Anonymity: nothing in a rating points to a person or to when they answered.
    fields = {f.name for f in Rating._meta.get_fields()}
    assert fields == {"id", "round", "organisation", "dimension", "colour", "comment"}
    assert not any(f.is_relation and f.related_model is Participant for f in Rating._meta.get_fields())


def test_the_database_refuses_a_second_answer(people, partner, schedule):
    round = start_round(schedule, [(partner.members[0], partner.org)], people.manager)
    participant = round.participants.get()
    Answered.objects.create(round=round, participant=participant, organisation=partner.org)
    with pytest.raises(IntegrityError):
        Answered.objects.create(round=round, participant=participant, organisation=partner.org)


def test_a_missing_colour_keeps_the_other_answers(people, partner, schedule):
    round = start_round(schedule, [(partner.members[0], partner.org)], people.manager)
    data = answers("green", comment="Good calls")
    del data["funding"]
    response = answer(round, partner.members[0], partner.org, data)
    content = response.content.decode()
    assert response.status_code == 400
    assert "Choose green, amber or red." in content
    assert "Good calls" in content and 'value="green" id="id_equality_0" checked' in content
    assert not Rating.objects.exists() and not Answered.objects.exists()


def test_only_participants_answer(people, partner, schedule):
    round = start_round(schedule, [(people.member, people.org)], people.manager)
    assert page(people, "member", "round_answer", code=round.code).status_code == 200
    assert page(people, "officer", "round_answer", code=round.code).status_code == 403
    assert page(people, "outsider", "round_answer", code=round.code).status_code == 404


def test_results_show_after_closing_with_the_minimum_rule_and_the_differences(people, partner, schedule):
    hulp = [people.member, people.manager, people.admin]
    round = start_round(
        schedule, [(u, people.org) for u in hulp] + [(u, partner.org) for u in partner.members], people.manager
    )
    for user in hulp:
        answer(round, user, people.org, answers({"funding": "green", "communication": "green"}))
    for user in partner.members:
        answer(round, user, partner.org, answers({"funding": "red", "communication": "amber"}, comment="Late money"))

    before = page(people, "member", "round", code=round.code).content.decode()
    assert "Where our views differ" not in before  # nothing shown while answers come in

    close = reverse("health:round_close", kwargs={"slug": "hulp", "code": round.code})
    assert people.client("member").post(close).status_code == 403
    assert people.client("manager").post(close).status_code == 302
    response = page(people, "viewer", "round", code=round.code)
    content = response.content.decode()
    differences = content[content.index("Where our views differ") :]
    assert differences.index("Funding and support") < differences.index("Communication")
    assert "100 points apart — Hulp Zonder Grenzen sees it more positively than Kampala Women" in content
    assert "Late money" in content


def test_an_organisation_with_fewer_than_three_answers_is_not_broken_down(people, partner, schedule):
    round = start_round(
        schedule,
        [(people.member, people.org)] + [(u, partner.org) for u in partner.members],
        people.manager,
    )
    answer(round, people.member, people.org, answers("red", comment="Only I would say this"))
    for user in partner.members:
        answer(round, user, partner.org, answers("green"))
    round.close(by=people.manager)

    content = page(people, "member", "round", code=round.code).content.decode()
    assert "fewer than 3 answers" in content
    assert "Only I would say this" not in content
    assert " red</span>" in content  # the badges are there…
    assert "1 red" not in content  # …but not Hulp's one red answer
    results = page(people, "member", "round", code=round.code).context["results"]
    assert [row.overall.red for row in results.rows] == [0] * 7


def test_the_review_meeting_is_recorded_after_closing(people, partner, schedule):
    round = start_round(schedule, [(people.member, people.org)], people.manager)
    url = reverse("health:round_review", kwargs={"slug": "hulp", "code": round.code})
    assert people.client("manager").get(url).status_code == 302  # still open
    round.close(by=people.manager)
    bad = people.client("manager").post(url, {"held_on": "2099-01-01", "notes": "Talked"})
    assert bad.status_code == 400 and "Talked" in bad.content.decode()
    today = str(timezone.localdate())
    ok = people.client("manager").post(url, {"held_on": today, "notes": "Talked", "agreements": "Pay on time"})
    assert ok.status_code == 302
    round.refresh_from_db()
    assert (str(round.review_held_on), round.review_agreements) == (today, "Pay on time")
    assert "Pay on time" in page(people, "viewer", "round", code=round.code).content.decode()


def test_an_action_goes_into_the_shared_plan_of_the_check(people, partner, schedule):
    round = start_round(schedule, [(people.member, people.org)], people.manager)
    round.close(by=people.manager)
    url = reverse("health:round_action", kwargs={"slug": "hulp", "code": round.code})
    assert people.client("manager").post(url, {"title": " "}).status_code == 400
    assert people.client("manager").post(url, {"title": "Agree a payment calendar"}).status_code == 302
    assert people.client("manager").post(url, {"title": "Monthly call"}).status_code == 302
    plan = ActionPlan.objects.get()
    assert (plan.source_kind, plan.source_code, plan.organisation, plan.partner) == (
        "health_check",
        schedule.code,
        people.org,
        partner.org,
    )
    assert list(plan.actions.values_list("title", flat=True).order_by("created_at")) == [
        "Agree a payment calendar",
        "Monthly call",
    ]
    # The partner's manager adds to the same plan from its side.
    client = people.client("anonymous")
    client.force_login(partner.manager)
    response = client.post(
        reverse("health:round_action", kwargs={"slug": "kampala", "code": round.code}), {"title": "Share budgets"}
    )
    assert response.status_code == 302 and ActionPlan.objects.count() == 1 and plan.actions.count() == 3


def test_the_round_page_costs_a_fixed_number_of_queries(people, partner, schedule):
    hulp = [(u, people.org) for u in (people.member, people.manager, people.admin)]
    kampala = [(u, partner.org) for u in partner.members]

    def closed_round(who):
        round = start_round(schedule, who, people.manager)
        for user, org in who:
            answer(round, user, org, answers("amber", comment="More"))
        round.close(by=people.manager)
        return round

    small, big = closed_round(hulp), closed_round(hulp + kampala)
    page(people, "member", "round", code=small.code)
    with CaptureQueriesContext(connection) as few:
        page(people, "member", "round", code=small.code)
    with CaptureQueriesContext(connection) as many:
        page(people, "member", "round", code=big.code)
    assert len(many) == len(few)
