"""A power-awareness session in the browser: a facilitator and one phone from each partner organisation.

The funder's manager prepares a session for the partnership and opens it → a phone of the funder and
a phone of the partner join with the code (JavaScript on: the room follows the facilitator by itself)
→ the partner's participant lists a decision → the facilitator moves to scoring and both phones show
the score form without being reloaded by hand → both score → the facilitator's results show the
largest difference first → an agreed change goes into the shared plan → the session is closed and its
summary counts one participant per organisation. Every page is checked by axe.
"""

from typing import Any

from organisations.models import Organisation, Partnership, Role
from power.models import Decision
from tests.browser.test_assessment_journey import member, url
from tests.conftest import PASSWORD

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def wait_for_text(tab: Any, text: str) -> None:
    tab.page.wait_for_function(
        "text => document.querySelector('main') && document.querySelector('main').innerText.includes(text)",
        arg=text,
        timeout=20_000,
    )
    tab.check()


def test_a_power_awareness_session_with_a_phone_from_each_organisation(transactional_db, english, open_browser):
    funder = Organisation.objects.create(slug="gelijk", name="Fonds Gelijkwaardig", kind="funder", country="NL")
    partner = Organisation.objects.create(slug="mbale", name="Mbale Youth Collective", kind="partner", country="UG")
    Partnership.objects.create(organisation=funder, partner=partner, kind=Partnership.Kind.FUNDING)
    manager = member(funder, "manager@gelijk.example", Role.MANAGER, "Femke Manager")

    # The facilitator prepares the session with the starter list and opens it ------------------------
    desk = open_browser(locale="en-GB")
    desk.log_in(manager.email, PASSWORD)
    desk.goto(url("power:sessions", funder))
    desk.follow(f"main a[href='{url('power:session_new', funder)}']")
    desk.page.locator("main input[name=starters][value=en]").check()
    desk.submit()
    session_page = desk.path
    assert "Choice of the evaluators" in desk.text()
    desk.submit("main form[action$='/open/'] [type=submit]")
    code = desk.page.locator("main strong.codes").inner_text().strip()
    assert len(code) == 8
    assert desk.page.locator("main .qr svg").count() == 1

    # One phone of each organisation joins ----------------------------------------------------------
    phones = []
    for organisation in (funder, partner):
        phone = open_browser(locale="en-GB", **PHONE)
        phone.goto(f"/join/power/{code}/")
        phone.page.locator(f"main label:has-text('{organisation.name}')").click()
        phone.fill({"language": "en"})
        phone.submit()
        assert "Stage 1 of 4" in phone.text()
        phones.append(phone)
    funder_phone, partner_phone = phones

    # The partner lists a decision; the funder's phone sees it appear -------------------------------
    partner_phone.fill({"text": "Who signs off the annual budget"})
    partner_phone.submit()
    wait_for_text(funder_phone, "Who signs off the annual budget")

    # The facilitator moves to scoring: both phones follow by themselves -----------------------------
    desk.goto(session_page)
    desk.submit("main button[name=stage][value='2']")
    for phone in phones:
        wait_for_text(phone, "Stage 2 of 4")

    budget = Decision.objects.get(text="Who signs off the annual budget")
    evaluators = Decision.objects.get(text="Choice of the evaluators")
    for phone, (budget_score, evaluator_score) in ((funder_phone, (3, 2)), (partner_phone, (1, 2))):
        phone.page.locator(f"main input[name='{budget.code}'][value='{budget_score}']").check()
        phone.page.locator(f"main input[name='{evaluators.code}'][value='{evaluator_score}']").check()
        phone.submit("main form[action$='/scores/'] [type=submit]")
        assert "your scores are saved" in phone.text()

    # Results: the budget, where the views lie 2 apart, comes first --------------------------------------
    desk.submit("main button[name=stage][value='3']")
    wait_for_text(partner_phone, "Stage 3 of 4")
    rows = desk.page.locator("#power-results table tbody tr")
    assert "Who signs off the annual budget" in rows.nth(0).inner_text()
    assert "2.0" in rows.nth(0).inner_text()

    # An agreed change, then closing and the summary -----------------------------------------------------
    desk.submit("main button[name=stage][value='4']")
    desk.fill({"change-text": "Sign off the budget together"})
    desk.page.locator("main select[name=change-decision]").select_option(str(budget.code))
    desk.submit("main form[action$='/changes/'] [type=submit]")
    assert "Sign off the budget together" in desk.text()
    desk.submit("main form[action$='/close/'] [type=submit]")
    summary = desk.text()
    assert "1 participant from Fonds Gelijkwaardig" in summary
    assert "1 participant from Mbale Youth Collective" in summary
    assert "Sign off the budget together" in summary
    wait_for_text(partner_phone, "The session has ended")
