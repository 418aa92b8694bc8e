"""Who sees and runs a power-awareness session: both partners' facilitators run it, every member of
either organisation reads it, read-only roles get 403 on changes, anyone else 404."""

from django.urls import reverse

from dialogue.models import Session
from organisations.models import Organisation, Partnership
from power import running
from power.models import Decision, Stage
from tests.conftest import make_user
from tests.power.conftest import join, url


def test_both_partners_see_the_session_in_their_list_and_outsiders_do_not(people, partner, session):
    for client, slug in ((people.client("viewer"), "hulp"), (partner.client("viewer"), "kampala")):
        page = client.get(url("sessions", slug=slug)).content.decode()
        assert "Hulp and Kampala" in page
    assert "Hulp and Kampala" not in people.client("outsider").get(url("sessions", slug="ander")).content.decode()


def test_the_partners_facilitator_runs_the_session(people, partner, open_session):
    kampala = partner.client("manager")
    assert kampala.get(url("session", slug="kampala", code=open_session.code)).status_code == 200
    response = kampala.post(
        url("decision_add", slug="kampala", code=open_session.code), {"text": "Choice of evaluators"}
    )
    assert response.status_code == 302
    assert Decision.objects.filter(session=open_session, text="Choice of evaluators").exists()
    kampala.post(url("stage", slug="kampala", code=open_session.code), {"stage": Stage.SCORING})
    open_session.refresh_from_db()
    assert open_session.current == Stage.SCORING


def test_the_partners_read_only_people_read_but_change_nothing(people, partner, open_session):
    decision = running.add_decision(open_session, "Budget allocation", by=people.manager)
    for persona in ("viewer", "member"):
        client = partner.client(persona)
        assert client.get(url("session", slug="kampala", code=open_session.code)).status_code == 200
        assert client.get(url("summary", slug="kampala", code=open_session.code)).status_code == 200
        assert client.get(url("results", slug="kampala", code=open_session.code)).status_code == 200
        assert (
            client.post(url("decision_add", slug="kampala", code=open_session.code), {"text": "X"}).status_code == 403
        )
        assert client.post(url("decision_remove", slug="kampala", code=decision.code)).status_code == 403
        assert client.post(url("close", slug="kampala", code=open_session.code)).status_code == 403
    assert Decision.objects.filter(session=open_session).count() == 1
    # They do not see the control forms either.
    page = partner.client("viewer").get(url("session", slug="kampala", code=open_session.code)).content.decode()
    assert "Add the decision" not in page and "Close the session" not in page


def test_an_outsider_gets_404_everywhere(people, partner, open_session):
    decision = running.add_decision(open_session, "Budget allocation", by=people.manager)
    _client, participant = join(open_session, partner.org)
    outsider = people.client("outsider")
    for name in ("session", "results", "summary"):
        assert outsider.get(url(name, slug="ander", code=open_session.code)).status_code == 404
    assert outsider.post(url("close", slug="ander", code=open_session.code)).status_code == 404
    assert outsider.get(url("decision_edit", slug="ander", code=decision.code)).status_code == 404
    assert outsider.post(url("participant_remove", slug="ander", code=participant.code)).status_code == 404
    # Through an organisation they are not a member of: 404 too.
    assert outsider.get(url("session", slug="hulp", code=open_session.code)).status_code == 404


def test_a_third_organisation_of_another_partnership_with_hulp_does_not_see_the_session(people, partner, session):
    third = Organisation.objects.create(slug="lima", name="Lima Salud", kind="partner", country="PE")
    Partnership.objects.create(organisation=people.org, partner=third)
    user = make_user("manager@lima.example", language="en")
    third.memberships.create(user=user, role="manager")
    client = partner.client("manager")
    client.force_login(user)
    assert client.get(url("session", slug="lima", code=session.code)).status_code == 404
    assert "Hulp and Kampala" not in client.get(url("sessions", slug="lima")).content.decode()


def test_only_an_active_partnership_of_the_organisation_can_have_a_session(people, partner):
    ended = Partnership.objects.create(
        organisation=people.org, partner=people.other_org, kind=Partnership.Kind.PEER, status=Partnership.Status.ENDED
    )
    manager = people.client("manager")
    page = manager.get(url("session_new"))
    assert str(partner.partnership.code) in page.content.decode()
    assert str(ended.code) not in page.content.decode()
    response = manager.post(url("session_new"), {"partnership": str(ended.code), "title": ""})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Session.objects.exists()


def test_a_new_session_can_start_from_the_starter_list(people, partner):
    response = people.client("officer").post(
        url("session_new"), {"partnership": str(partner.partnership.code), "title": "Who decides?", "starters": "nl"}
    )
    session = Session.objects.get()
    assert response.url == url("session", code=session.code)
    texts = list(Decision.objects.filter(session=session).values_list("text", flat=True))
    assert "Keuze van de evaluatoren" in texts and len(texts) == 12
    assert session.title == "Who decides?" and session.is_draft and session.kind == Session.Kind.POWER


def test_opening_gives_a_code_and_a_qr_code_to_join(people, partner, session):
    manager = people.client("manager")
    assert manager.post(url("open", code=session.code)).status_code == 302
    session.refresh_from_db()
    page = manager.get(url("session", code=session.code)).content.decode()
    assert session.join_code in page
    assert reverse("power_join:enter", kwargs={"code": session.join_code}) in page
    assert '<svg role="img"' in page and "QR code to join" in page
    # Opening twice is refused with a message, and the code stays.
    code = session.join_code
    response = manager.post(url("open", code=session.code), follow=True)
    assert "The session has been opened already." in response.content.decode()
    session.refresh_from_db()
    assert session.join_code == code


def test_the_partnership_page_of_either_side_leads_facilitators_to_a_new_session(people, partner):
    link = url("session_new", slug="kampala") + f"?partnership={partner.partnership.code}"
    partnership_page = reverse(
        "organisations:partnership", kwargs={"slug": "kampala", "code": partner.partnership.code}
    )
    assert link in partner.client("manager").get(partnership_page).content.decode()
    assert "power-awareness session" not in partner.client("viewer").get(partnership_page).content.decode()
    # The link chooses the partnership on the form.
    form = partner.client("manager").get(link).content.decode()
    assert f'<option value="{partner.partnership.code}" selected>' in form


def test_the_partner_side_may_hold_the_session_too(people, partner):
    kampala = partner.client("manager")
    response = kampala.post(url("session_new", slug="kampala"), {"partnership": str(partner.partnership.code)})
    session = Session.objects.get()
    assert response.url == url("session", slug="kampala", code=session.code)
    assert session.organisation == partner.org
    running.start(session)
    running.agree(session, "Share the budget", decision=None, by=partner.manager, by_organisation=partner.org)
    assert people.client("viewer").get(url("summary", code=session.code)).status_code == 200
    plan = running.plan_of(session)
    assert plan is not None and (plan.organisation, plan.partner) == (partner.org, people.org)
    # The scale keeps the partnership's order: 1 is Hulp, 5 is Kampala, whoever holds the session.
    assert running.sides(session) == [people.org, partner.org]
