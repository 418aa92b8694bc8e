"""Listing the decisions: participants propose them while the room lists; facilitators add, reword,
merge and remove them; the starter list; free text stays text."""

import pytest
from django.urls import reverse

from power import running
from power.models import Change, Decision, Score, Stage
from tests.power.conftest import join, url


def propose_url(session):
    return reverse("power_join:propose", kwargs={"code": session.join_code})


def test_a_participant_proposes_a_decision_that_everyone_then_sees(people, partner, open_session):
    client, participant = join(open_session, partner.org)
    assert client.post(propose_url(open_session), {"text": "  Choice of   evaluators "}).status_code == 302
    decision = Decision.objects.get(session=open_session)
    assert decision.text == "Choice of evaluators" and decision.proposed_by == participant
    other, _p = join(open_session, people.org)
    assert (
        "Choice of evaluators"
        in other.get(reverse("power_join:room", kwargs={"code": open_session.join_code})).content.decode()
    )
    assert (
        "Choice of evaluators" in people.client("viewer").get(url("session", code=open_session.code)).content.decode()
    )


def test_an_empty_or_overlong_proposal_gets_a_clear_error(partner, open_session):
    client, _participant = join(open_session, partner.org)
    response = client.post(propose_url(open_session), {"text": "   "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(propose_url(open_session), {"text": "x" * 201})
    assert response.status_code == 400 and "at most 200 characters" in response.content.decode()
    assert not Decision.objects.exists()


def test_proposals_are_taken_only_while_the_room_lists_decisions(partner, open_session):
    client, _participant = join(open_session, partner.org)
    running.set_stage(open_session, Stage.SCORING)
    assert client.post(propose_url(open_session), {"text": "Late idea"}).status_code == 302
    assert not Decision.objects.exists()


def test_free_text_is_escaped_on_every_page(people, partner, open_session):
    client, _participant = join(open_session, partner.org, name="<b>Eve</b>")
    client.post(propose_url(open_session), {"text": "<script>alert(1)</script>"})
    facilitator = people.client("manager").get(url("session", code=open_session.code)).content.decode()
    participant = client.get(reverse("power_join:room", kwargs={"code": open_session.join_code})).content.decode()
    for page in (facilitator, participant):
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Eve</b>" not in facilitator and "&lt;b&gt;Eve&lt;/b&gt;" in facilitator


def test_the_facilitator_rewords_a_decision(people, open_session):
    decision = running.add_decision(open_session, "Budgt", by=people.manager)
    manager = people.client("manager")
    assert manager.get(url("decision_edit", code=decision.code)).status_code == 200
    assert manager.post(url("decision_edit", code=decision.code), {"text": "Budget allocation"}).status_code == 302
    decision.refresh_from_db()
    assert decision.text == "Budget allocation"
    response = manager.post(url("decision_edit", code=decision.code), {"text": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_merging_moves_scores_unless_the_participant_scored_both(people, partner, open_session):
    budget = running.add_decision(open_session, "Budget allocation", by=people.manager)
    duplicate = running.add_decision(open_session, "Who decides the budget", by=people.manager)
    _a, both = join(open_session, partner.org)
    _b, only_duplicate = join(open_session, people.org)
    running.set_stage(open_session, Stage.SCORING)
    running.score(both, budget, 2)
    running.score(both, duplicate, 5)
    running.score(only_duplicate, duplicate, 4)
    response = people.client("manager").post(
        url("decision_merge", code=duplicate.code), {"into": str(budget.code), "text": "Allocating the budget"}
    )
    assert response.status_code == 302
    assert not Decision.objects.filter(pk=duplicate.pk).exists()
    budget.refresh_from_db()
    assert budget.text == "Allocating the budget"
    assert dict(Score.objects.filter(decision=budget).values_list("participant", "value")) == {
        both.pk: 2,
        only_duplicate.pk: 4,
    }


def test_merging_with_itself_or_another_sessions_decision_is_refused(people, partner, open_session):
    budget = running.add_decision(open_session, "Budget allocation", by=people.manager)
    other = running.create(organisation=people.org, partnership=partner.partnership, title="Other", by=people.manager)
    foreign = running.add_decision(other, "Elsewhere", by=people.manager)
    manager = people.client("manager")
    for into in (budget, foreign):
        response = manager.post(url("decision_merge", code=budget.code), {"into": str(into.code)})
        assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert Decision.objects.filter(pk=budget.pk).exists()
    with pytest.raises(running.PowerError):
        running.merge(budget, budget)


def test_removing_a_decision_takes_its_scores_and_keeps_agreed_changes(people, partner, open_session):
    budget = running.add_decision(open_session, "Budget allocation", by=people.manager)
    _client, participant = join(open_session, partner.org)
    running.set_stage(open_session, Stage.SCORING)
    running.score(participant, budget, 3)
    running.agree(
        open_session, "Decide the budget together", decision=budget, by=people.manager, by_organisation=people.org
    )
    assert people.client("manager").post(url("decision_remove", code=budget.code)).status_code == 302
    assert not Decision.objects.exists() and not Score.objects.exists()
    assert Change.objects.get().decision is None


def test_the_starter_list_is_added_once(people, session):
    manager = people.client("manager")
    manager.post(url("starters", code=session.code), {"starters-language": "en"})
    manager.post(url("starters", code=session.code), {"starters-language": "en"})
    texts = list(Decision.objects.filter(session=session).values_list("text", flat=True))
    assert len(texts) == 12 and "Budget allocation" not in texts
    assert "Allocation of the budget over activities and partners" in texts
    assert manager.post(url("starters", code=session.code), {"starters-language": "de"}).status_code == 400


def test_nothing_changes_in_a_closed_session(people, open_session):
    decision = running.add_decision(open_session, "Budget allocation", by=people.manager)
    running.close(open_session)
    manager = people.client("manager")
    response = manager.post(url("decision_add", code=open_session.code), {"text": "Late"}, follow=True)
    assert "The session is closed: nothing can change any more." in response.content.decode()
    manager.post(url("decision_remove", code=decision.code))
    assert list(Decision.objects.values_list("text", flat=True)) == ["Budget allocation"]
    response = manager.post(url("change_add", code=open_session.code), {"change-text": "Too late"}, follow=True)
    assert "The session is not open." in response.content.decode()


def test_a_phone_cannot_flood_the_list(partner, open_session, monkeypatch):
    monkeypatch.setattr(running, "PROPOSALS_PER_PARTICIPANT", 2)
    client, _participant = join(open_session, partner.org)
    for text in ("One", "Two"):
        assert client.post(propose_url(open_session), {"text": text}).status_code == 302
    response = client.post(propose_url(open_session), {"text": "Three"})
    assert response.status_code == 400 and "The list is full" in response.content.decode()
    assert Decision.objects.count() == 2


def test_a_session_holds_a_bounded_number_of_decisions(people, open_session, monkeypatch):
    monkeypatch.setattr(running, "MAX_DECISIONS", 3)
    running.add_decision(open_session, "One", by=people.manager)
    assert running.add_starters(open_session, "en", by=people.manager) == 2
    response = people.client("manager").post(url("decision_add", code=open_session.code), {"text": "Four"}, follow=True)
    assert "as many decisions as a room can score" in response.content.decode()
    assert Decision.objects.count() == 3
