"""A dilemma session in the browser: one facilitator and three phones, each in its own browser context.

The manager prepares a session from the library (two dilemmas), starts it and shows the code → one
phone types the code at /join/, two come straight to the join address (as from the QR code), each
with its own language → all three vote on the first dilemma; in individual mode each phone shows the
distribution after its own vote and the first phone's distribution grows as the others vote, without
a reload (htmx polling) → the facilitator's control page counts the votes live → the facilitator
moves to the next step, and the phones show it by themselves → then to the next dilemma, and the
phones reload to its vote form → an agreement is recorded, the session is closed, its report counts
three participants and names only those who gave a name → a phone is told the session has ended.
Every page, and every page after a live update, is checked by axe.
"""

from typing import Any

from django.urls import reverse

from dialogue.models import Participant, Record, Session, Vote
from tests.conftest import PASSWORD, People
from tests.dilemmas.conftest import make_dilemma

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def wait_for_text(tab: Any, text: str, selector: str = "main") -> None:
    """Wait (for htmx's polling, without a reload by hand) until `selector` shows `text`; then check the page."""
    tab.page.wait_for_function(
        "([selector, text]) => { const el = document.querySelector(selector); "
        "return el && el.innerText.includes(text); }",
        arg=[selector, text],
        timeout=20_000,
    )
    tab.check()


def test_one_facilitator_and_three_phones_vote_live(
    transactional_db: None, people: People, english: None, open_browser: Any
) -> None:
    slug = people.org.slug
    rice = make_dilemma(people.org, people.admin)
    rice.set_variations([{"en": "What if the cousin's prices were 20% higher?"}])
    make_dilemma(
        people.org,
        people.admin,
        title_en="A gift after the audit",
        situation_en="After the audit the partner's finance officer sends a hamper.",
        question_en="Do you accept it?",
    )

    # The facilitator prepares the session and starts it --------------------------------------------
    desk = open_browser(locale="en-GB")
    desk.log_in(people.manager.email, PASSWORD)
    desk.goto(reverse("dialogue:sessions", kwargs={"slug": slug}))
    assert "No sessions yet." in desk.text()
    desk.follow(f"main a[href='{reverse('dialogue:new', kwargs={'slug': slug})}']")
    desk.fill({"title": "Partners and procurement"})
    desk.page.locator("main input[name=mode][value=individual]").check()
    desk.submit()
    session = Session.objects.get()
    assert desk.path == reverse("dialogue:compose", kwargs={"slug": slug, "code": session.code})
    for title in ("Our cousin supplies the rice", "A gift after the audit"):
        desk.submit(f"main .candidates li:has-text('{title}') [type=submit]")
        assert f"“{title}” is added to the session." in desk.text()
    desk.submit("main form[action$='/start/'] [type=submit]")
    assert desk.path == reverse("dialogue:run", kwargs={"slug": slug, "code": session.code})
    code = desk.page.locator("main .join-code").inner_text().strip()
    assert len(code) == 8 and desk.page.locator("main .qr svg").count() == 1
    assert "0 participants" in desk.text("#live-results")

    # Three phones join: one types the code, two come from the QR code --------------------------------
    phones = []
    for index, (name, language) in enumerate([("Ann", "en"), ("", "nl"), ("Chidi <b>", "en")]):
        phone = open_browser(locale="en-GB", **PHONE)
        if index == 0:
            phone.goto(reverse("join:start"))
            phone.fill({"code": code.lower()})
            phone.submit()
        else:
            phone.goto(reverse("join:enter", kwargs={"code": code}))
        phone.fill({"display_name": name, "language": language})
        phone.submit()
        assert phone.path == reverse("join:room", kwargs={"code": code})
        assert "Our cousin supplies the rice" in phone.text()
        phones.append(phone)
    assert Participant.objects.count() == 3
    wait_for_text(desk, "3 participants", "#live-results")

    # They vote; the first phone's distribution grows live ---------------------------------------------
    first, second, third = phones
    first.page.locator("main input[name=choice][value='2']").check()
    first.submit("main form.vote [type=submit]")
    assert "You chose B. Your vote is counted." in first.text()
    assert "1 vote so far." in first.text("#live")
    second.page.locator("main input[name=choice][value='2']").check()
    second.submit("main form.vote [type=submit]")
    third.page.locator("main input[name=choice][value='3']").check()
    third.submit("main form.vote [type=submit]")
    wait_for_text(first, "3 votes so far.", "#live")
    assert Vote.objects.count() == 3
    wait_for_text(desk, "3 votes", "#live-results")
    assert desk.page.locator("#live-results svg").count() == 1

    # The facilitator walks the steps and puts a "what if…?"; the phones follow by themselves -----------
    desk.submit("main form:has(input[name=step][value=facts]) button:has-text('Next step')")
    wait_for_text(first, "Step 2 of 8: The facts", "#live")
    desk.submit("main .variations form [type=submit]")
    wait_for_text(third, "20% higher", "#live")

    # The next dilemma: the phones reload to its vote form --------------------------------------------
    desk.submit("main .session-items form [type=submit]")
    for phone in phones:
        wait_for_text(phone, "A gift after the audit")
        assert phone.page.locator("main form.vote").count() == 1

    # An agreement, then the session is closed and reported -------------------------------------------
    desk.page.locator("main input[name=kind][value=agreement]").check()
    desk.fill({"text": "Ask two quotes for every purchase over 500 euro."})
    desk.submit("main form[action$='/records/'] [type=submit]")
    assert Record.objects.get().kind == "agreement"
    desk.submit("main form[action$='/close/'] [type=submit]")
    assert desk.path == reverse("dialogue:report", kwargs={"slug": slug, "code": session.code})
    report = desk.text()
    assert "Ann, Chidi <b>" in report and "Ask two quotes" in report
    assert desk.page.locator("main .chart svg").count() == 1

    # The phones see it by themselves: their next poll reloads the room, which says so. (Opening the room by hand
    # here raced that reload: the browser aborted one of the two navigations.)
    ended = ["The session has ended", "De sessie is afgelopen", "The session has ended"]  # the second is in Dutch
    for phone, text in zip(phones, ended, strict=True):
        wait_for_text(phone, text)
    assert first.path == reverse("join:room", kwargs={"code": code})
