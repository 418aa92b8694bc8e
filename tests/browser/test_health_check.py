"""A health-check round of a partnership, in the browser, with people of both organisations.

The funder's manager sets up the check and starts a round with three people of each side → a
member of the funder answers on a desktop; a member of the partner answers on a 360 px phone with
JavaScript off (its twin tab with JavaScript on runs axe on the same pages) → the others answer →
the manager closes the round → the results show where the two organisations' views differ, the
largest difference first → the review meeting is recorded → an action goes into the shared plan.
"""

from django.test import Client

from actions.models import ActionPlan
from health.dimensions import all_dimensions
from health.models import Answered, Rating, Round, Schedule
from organisations.models import Organisation, Partnership, Role
from tests.browser.test_assessment_journey import PhoneWithoutJavaScript, member, url
from tests.conftest import PASSWORD

CODES = [d.code for d in all_dimensions()]
FUNDER_COLOURS = {code: "green" for code in CODES} | {"transparency": "amber"}
PARTNER_COLOURS = {code: "green" for code in CODES} | {"funding": "red", "transparency": "amber", "equality": "amber"}


def answer_by_post(user, organisation: Organisation, round: Round, colours: dict[str, str]) -> None:
    client = Client()
    client.force_login(user)
    response = client.post(url("health:round_answer", organisation, code=round.code), colours)
    assert response.status_code == 302


def test_a_round_with_two_organisations_from_answers_to_actions(transactional_db, english, open_browser):
    funder = Organisation.objects.create(slug="gelijk", name="Fonds Gelijkwaardig", kind="funder", country="NL")
    partner = Organisation.objects.create(slug="mbale", name="Mbale Youth Collective", kind="partner", country="UG")
    Partnership.objects.create(organisation=funder, partner=partner, kind=Partnership.Kind.FUNDING)
    manager = member(funder, "manager@gelijk.example", Role.MANAGER, "Femke Manager")
    funder_members = [member(funder, f"m{n}@gelijk.example", Role.MEMBER, f"Gelijk Member {n}") for n in (1, 2)]
    partner_manager = member(partner, "manager@mbale.example", Role.MANAGER, "Moses Manager")
    partner_members = [member(partner, f"m{n}@mbale.example", Role.MEMBER, f"Mbale Member {n}") for n in (1, 2)]

    # The funder's manager sets up the check and starts a round with people of both sides ----------
    desk = open_browser()
    desk.log_in(manager.email, PASSWORD)
    desk.goto(url("health:checks", funder))
    assert "No health checks yet." in desk.text()
    desk.follow(f"main a[href='{url('health:check_new', funder)}']")
    subject = desk.page.locator("main select[name=subject] option").nth(1).get_attribute("value")
    desk.fill({"subject": subject or "", "kind": "informal"})
    desk.submit()
    schedule = Schedule.objects.get()
    assert desk.path == url("health:check", funder, code=schedule.code)
    desk.follow(f"main a[href='{url('health:round_new', funder, code=schedule.code)}']")
    boxes = desk.page.locator("main input[name=participants]")
    assert boxes.count() == 6
    for index in range(boxes.count()):
        boxes.nth(index).check()
    desk.submit("main form button[type=submit]")
    round = Round.objects.get()
    round_page = url("health:round", funder, code=round.code)
    assert desk.path == round_page
    assert round.participants.count() == 6

    # A member of the partner answers on a phone without JavaScript ---------------------------------
    phone = PhoneWithoutJavaScript(open_browser)
    phone.log_in(partner_members[0].email)
    phone.goto(url("health:round", partner, code=round.code))
    answer_page = url("health:round_answer", partner, code=round.code)
    phone.click(f"main a[href='{answer_page}']")
    assert phone.path == answer_page
    # Sending with a colour missing keeps what was chosen and says what is missing.
    for code in CODES[:-1]:
        phone.page.check(f"main input[name='{code}'][value='{PARTNER_COLOURS[code]}']")
    phone.page.fill("main [name='funding-comment']", "Money arrives months late")
    phone.click("main form button[type=submit]")
    assert "Choose green, amber or red." in phone.text()
    assert phone.page.locator("main [name='funding-comment']").input_value() == "Money arrives months late"
    phone.page.check(f"main input[name='{CODES[-1]}'][value='{PARTNER_COLOURS[CODES[-1]]}']")
    phone.click("main form button[type=submit]")
    assert phone.path == url("health:round", partner, code=round.code)
    assert "Your answers are saved without your name" in phone.text()

    # A member of the funder answers on a desktop; the others answer too ---------------------------
    funder_tab = open_browser()
    funder_tab.log_in(funder_members[0].email, PASSWORD)
    funder_tab.goto(url("health:round_answer", funder, code=round.code))
    for code, colour in FUNDER_COLOURS.items():
        funder_tab.page.check(f"main input[name='{code}'][value='{colour}']")
    funder_tab.submit("main form button[type=submit]")
    assert funder_tab.path == round_page
    answer_by_post(funder_members[1], funder, round, FUNDER_COLOURS)
    answer_by_post(manager, funder, round, FUNDER_COLOURS)
    answer_by_post(partner_members[1], partner, round, PARTNER_COLOURS)
    answer_by_post(partner_manager, partner, round, PARTNER_COLOURS)
    assert Answered.objects.count() == 6 and Rating.objects.count() == 6 * len(CODES)

    # The manager closes the round; the results show where the views differ ------------------------
    desk.goto(round_page)
    assert "Where our views differ" not in desk.text()
    desk.submit(f"main form[action='{url('health:round_close', funder, code=round.code)}'] button")
    text = desk.text()
    differences = text[text.index("Where our views differ") :]
    assert differences.index("Funding and support") < differences.index("Equality and power")
    assert "100 points apart — Fonds Gelijkwaardig sees it more positively than Mbale Youth Collective" in text
    assert "Transparency:" not in differences  # both amber: no difference
    assert "Money arrives months late" in text

    # The review meeting is recorded and an action goes into the shared plan -----------------------
    desk.follow(f"main a[href='{url('health:round_review', funder, code=round.code)}']")
    desk.fill({"notes": "Payment delays hurt the programme.", "agreements": "Pay each tranche within 30 days."})
    desk.submit()
    assert desk.path == round_page
    assert "Pay each tranche within 30 days." in desk.text()
    desk.fill({"title": "Agree a payment calendar with Mbale"})
    desk.submit(f"main form[action='{url('health:round_action', funder, code=round.code)}'] button")
    plan = ActionPlan.objects.get()
    assert (plan.source_kind, plan.source_code, plan.partner) == ("health_check", schedule.code, partner)
    assert "Agree a payment calendar with Mbale" in desk.text()

    # The partner's people see the same results and the action ---------------------------------------
    phone.goto(url("health:round", partner, code=round.code))
    assert "Agree a payment calendar with Mbale" in phone.text()
    assert "Pay each tranche within 30 days." in phone.text()
    assert not phone.bugs
