"""Scoring: one score per participant and decision, only while the room scores, never by a removed
participant, always on the 1–5 scale."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from power import running
from power.models import Score, Stage
from tests.power.conftest import join, url


@pytest.fixture
def scoring(people, open_session):
    budget = running.add_decision(open_session, "Budget allocation", by=people.manager)
    hiring = running.add_decision(open_session, "Hiring of project staff", by=people.manager)
    running.set_stage(open_session, Stage.SCORING)
    return open_session, budget, hiring


def score_url(session):
    return reverse("power_join:score", kwargs={"code": session.join_code})


def test_the_database_keeps_one_score_per_participant_and_decision(people, partner, scoring):
    session, budget, _hiring = scoring
    _client, participant = join(session, partner.org)
    Score.objects.create(session=session, organisation=people.org, decision=budget, participant=participant, value=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            session=session, organisation=people.org, decision=budget, participant=participant, value=4
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            session=session, organisation=people.org, decision=budget, participant=participant, value=6
        )


def test_scoring_again_changes_the_score_and_never_adds_one(people, partner, scoring):
    session, budget, hiring = scoring
    client, participant = join(session, partner.org)
    assert client.post(score_url(session), {str(budget.code): "1", str(hiring.code): "2"}).status_code == 302
    assert client.post(score_url(session), {str(budget.code): "4"}).status_code == 302
    assert dict(Score.objects.filter(participant=participant).values_list("decision__text", "value")) == {
        "Budget allocation": 4,
        "Hiring of project staff": 2,
    }


def test_a_removed_participant_cannot_score(people, partner, scoring):
    session, budget, _hiring = scoring
    client, participant = join(session, partner.org)
    people.client("manager").post(url("participant_remove", code=participant.code))
    response = client.post(score_url(session), {str(budget.code): "3"})
    assert response.status_code == 403
    assert "removed you from this session" in response.content.decode()
    assert not Score.objects.exists()
    participant.refresh_from_db()
    with pytest.raises(running.PowerError):
        running.score(participant, budget, 3)


def test_scores_off_the_scale_or_empty_are_refused_with_a_clear_error(people, partner, scoring):
    session, budget, _hiring = scoring
    client, _participant = join(session, partner.org)
    response = client.post(score_url(session), {str(budget.code): "9"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    response = client.post(score_url(session), {})
    assert response.status_code == 400
    assert "Choose who holds the influence for at least one decision." in response.content.decode()
    assert not Score.objects.exists()


def test_no_scoring_outside_the_scoring_stage(people, partner, scoring):
    session, budget, _hiring = scoring
    client, participant = join(session, partner.org)
    running.set_stage(session, Stage.RESULTS)
    response = client.post(score_url(session), {str(budget.code): "3"})
    assert response.status_code == 302  # back to the room, where the results are
    assert not Score.objects.exists()
    session.refresh_from_db()
    with pytest.raises(running.PowerError):
        running.score(participant, budget, 3)


def test_a_decision_of_another_session_cannot_be_scored(people, partner, scoring):
    session, _budget, _hiring = scoring
    other = running.create(organisation=people.org, partnership=partner.partnership, title="Other", by=people.manager)
    foreign = running.add_decision(other, "Elsewhere", by=people.manager)
    _client, participant = join(session, partner.org)
    with pytest.raises(running.PowerError):
        running.score(participant, foreign, 3)


def test_the_score_form_names_both_organisations_on_the_scale(people, partner, scoring):
    session, _budget, _hiring = scoring
    client, _participant = join(session, partner.org)
    page = client.get(reverse("power_join:room", kwargs={"code": session.join_code})).content.decode()
    assert "Entirely Hulp Zonder Grenzen" in page and "Shared equally" in page
    assert "Mostly Kampala Women&#x27;s Network" in page
    assert "<legend>Budget allocation</legend>" in page
