"""The power-awareness session with two organisations, from preparing it to the agreed changes.

People of Hulp and of Kampala join from their phones, list the decisions, score who holds the
influence; Samen ranks the decisions by how far the two organisations' views lie apart (checked
against figures worked out by hand below); an agreed change becomes an action in the shared plan that
both organisations see; the summary shows counts, not names.
"""

import math

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from actions.models import Action, ActionPlan
from dialogue.models import Session
from power.models import Affiliation, Decision, Score, Stage
from power.results import gaps
from tests.power.conftest import join, url


def test_the_power_awareness_session_with_two_organisations(people, partner):
    manager = people.client("manager")

    # Hulp's manager prepares the session for the partnership, and opens it.
    response = manager.post(url("session_new"), {"partnership": str(partner.partnership.code), "title": ""})
    session = Session.objects.get(kind=Session.Kind.POWER)
    assert response.url == url("session", code=session.code)
    assert session.title == "Power awareness: Hulp Zonder Grenzen and Kampala Women's Network"
    assert session.organisation == people.org and session.partnership == partner.partnership
    manager.post(url("open", code=session.code))
    session.refresh_from_db()
    assert session.is_live and session.current == Stage.DECISIONS and len(session.join_code) == 8
    page = manager.get(url("session", code=session.code)).content.decode()
    assert session.join_code in page and "<svg" in page  # the code and its QR code

    # Two people of Hulp and three of Kampala join from their phones; a fourth of Kampala will be removed.
    h1, _p = join(session, people.org, name="Anna")
    h2, _p = join(session, people.org)
    k1, _p = join(session, partner.org, name="Grace", language="fr")
    k2, _p = join(session, partner.org)
    k3, _p = join(session, partner.org)
    k4, disruptive = join(session, partner.org, name="Troll")
    assert Affiliation.objects.filter(session=session, side=partner.org).count() == 4
    assert "Stage 1 of 4" in h1.get(reverse("power_join:room", kwargs={"code": session.join_code})).content.decode()

    # Stage 1: participants list decisions; the facilitator adds one and merges a duplicate.
    room = reverse("power_join:propose", kwargs={"code": session.join_code})
    h1.post(room, {"text": "Budget allocation"})
    k1.post(room, {"text": "Choice of target groups"})
    k2.post(room, {"text": "Who decides the budget"})
    manager.post(url("decision_add", code=session.code), {"text": "Hiring of project staff"})
    budget = Decision.objects.get(session=session, text="Budget allocation")
    duplicate = Decision.objects.get(session=session, text="Who decides the budget")
    manager.post(url("decision_merge", code=duplicate.code), {"into": str(budget.code), "text": ""})
    assert list(Decision.objects.filter(session=session).values_list("text", flat=True)) == [
        "Budget allocation",
        "Choice of target groups",
        "Hiring of project staff",
    ]
    groups = Decision.objects.get(session=session, text="Choice of target groups")
    hiring = Decision.objects.get(session=session, text="Hiring of project staff")

    # The facilitator removes a disruptive participant; Kampala's manager co-facilitates: moves on to scoring.
    manager.post(url("participant_remove", code=disruptive.code))
    kampala = partner.client("manager")
    kampala.post(url("stage", slug="kampala", code=session.code), {"stage": Stage.SCORING})
    session.refresh_from_db()
    assert session.current == Stage.SCORING

    # Stage 2: everyone scores (1 = entirely Hulp … 5 = entirely Kampala).
    scores = {
        h1: (3, 2, 4),
        h2: (3, 4, 5),
        k1: (1, 3, 2),
        k2: (1, 3, 2),
        k3: (2, 3, 2),
        k4: (5, 5, 5),  # removed: refused
    }
    score_url = reverse("power_join:score", kwargs={"code": session.join_code})
    for client, (b, g, h) in scores.items():
        client.post(score_url, {str(budget.code): b, str(groups.code): g, str(hiring.code): h})
    assert Score.objects.filter(session=session).count() == 15
    assert not Score.objects.filter(participant=disruptive).exists()

    # Stage 3: where the views differ most, worked out by hand:
    #   hiring:  Hulp (4+5)/2 = 4.5, spread 0.5;  Kampala (2+2+2)/3 = 2;      gap 2.5
    #   budget:  Hulp (3+3)/2 = 3,   spread 0;    Kampala (1+1+2)/3 = 4/3;    gap 5/3
    #   groups:  Hulp (2+4)/2 = 3,   spread 1;    Kampala (3+3+3)/3 = 3;      gap 0
    manager.post(url("stage", code=session.code), {"stage": Stage.RESULTS})
    ranked = gaps(session, [people.org, partner.org])
    assert [r.decision.text for r in ranked] == [
        "Hiring of project staff",
        "Budget allocation",
        "Choice of target groups",
    ]
    assert [r.gap for r in ranked] == pytest.approx([2.5, 5 / 3, 0.0])
    hiring_hulp, hiring_kampala = ranked[0].sides
    assert (hiring_hulp.mean, hiring_hulp.spread, hiring_hulp.count) == pytest.approx((4.5, 0.5, 2))
    assert (hiring_kampala.mean, hiring_kampala.count) == pytest.approx((2.0, 3))
    assert ranked[1].sides[1].spread == pytest.approx(math.sqrt(2 / 9))
    assert ranked[2].sides[0].spread == pytest.approx(1.0)
    results = manager.get(url("results", code=session.code)).content.decode()
    assert (
        results.index("Hiring of project staff")
        < results.index("Budget allocation")
        < results.index("Choice of target groups")
    )
    assert "<svg" in results and "2.5" in results and "1.7" in results
    # The participants see the same table on their phones.
    assert (
        "Hiring of project staff"
        in k1.get(reverse("power_join:room", kwargs={"code": session.join_code})).content.decode()
    )

    # Stage 4: they agree what to change; it becomes an action of the shared plan, owned by both.
    manager.post(url("stage", code=session.code), {"stage": Stage.CHANGES})
    response = kampala.post(
        url("change_add", slug="kampala", code=session.code),
        {"change-text": "Kampala hires its own project staff", "change-decision": str(hiring.code)},
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get(source_kind=ActionPlan.Source.SESSION, source_code=session.code)
    assert (plan.organisation, plan.partner) == (people.org, partner.org)
    action = Action.objects.get(plan=plan)
    assert action.title == "Kampala hires its own project staff"
    for client, slug in ((people.client("viewer"), "hulp"), (partner.client("viewer"), "kampala")):
        assert client.get(reverse("actions:action", kwargs={"slug": slug, "code": action.code})).status_code == 200

    # Closing ends the code; the summary, for both partners, counts participants and names nobody.
    manager.post(url("close", code=session.code))
    session.refresh_from_db()
    assert session.is_closed
    ended = k1.get(reverse("power_join:room", kwargs={"code": session.join_code}))
    with translation.override("fr"):  # Grace joined in French: the goodbye is in her language
        assert escape(gettext("The session has ended")) in ended.content.decode()
    for client, slug in ((manager, "hulp"), (partner.client("member"), "kampala")):
        summary = client.get(url("summary", slug=slug, code=session.code)).content.decode()
        assert "2 participants from Hulp Zonder Grenzen" in summary
        assert "4 participants from Kampala Women&#x27;s Network" in summary
        assert "Kampala hires its own project staff" in summary
        assert reverse("actions:action", kwargs={"slug": slug, "code": action.code}) in summary
        assert "Anna" not in summary and "Grace" not in summary and "Troll" not in summary
