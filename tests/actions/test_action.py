"""An action with its history; progress notes from either organisation."""

from tests.actions.helpers import client_for, errors, url


def test_shows_the_action_and_its_history(people, partner, plan):
    action = plan.add_action(
        title="Screen new staff", description="Reference checks", owner=partner.member, by=people.manager
    )
    response = people.client("viewer").get(url("action", people.org, code=action.code))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Screen new staff" in html and "Reference checks" in html
    assert "Kampala Member" in html and "created the action" in html
    assert 'name="text"' not in html  # viewers get no note form


def test_both_organisations_add_notes_and_see_who_wrote_them(people, partner, plan):
    action = plan.add_action(title="Screen new staff", by=people.manager)
    response = client_for(partner.member).post(url("action", partner.org, code=action.code), {"text": "Started."})
    assert response.status_code == 302
    people.client("member").post(url("action", people.org, code=action.code), {"text": "Thanks!"})
    notes = list(
        action.events.filter(kind="note").order_by("id").values_list("text", "author__email", "organisation__slug")
    )
    assert notes == [("Started.", "member@kampala.example", "kampala"), ("Thanks!", "member@hulp.example", "hulp")]
    html = people.client("member").get(url("action", people.org, code=action.code)).content.decode()
    assert "Started." in html and "(Kampala Women&#x27;s Network)" in html


def test_an_empty_note_is_refused(people, plan):
    action = plan.add_action(title="Screen new staff", by=people.manager)
    response = people.client("member").post(url("action", people.org, code=action.code), {"text": "   "})
    assert response.status_code == 200
    assert errors(response, "text")
    assert not action.events.filter(kind="note").exists()


def test_viewers_may_not_write_notes_and_outsiders_get_404(people, plan):
    action = plan.add_action(title="Screen new staff", by=people.manager)
    path = url("action", people.org, code=action.code)
    assert people.client("viewer").post(path, {"text": "x"}).status_code == 403
    assert people.client("outsider").get(path).status_code == 404
    assert people.client("outsider").get(url("action", people.other_org, code=action.code)).status_code == 404
    assert not action.events.filter(kind="note").exists()
