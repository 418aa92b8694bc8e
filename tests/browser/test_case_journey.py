"""A safeguarding case, as people handle it in the browser: from a speak-up report to the reporter's feedback.

A reporter makes a report in the public channel (interpersonal misconduct: the form offers the
taxonomy's types) and keeps the receipt code → the channel's handler, an integrity officer, logs in
with two-factor authentication, unlocks their key, reads the report and opens a case for it; the case
starts on the playbook of the report's category, the officer registers the report and acknowledges
receipt, then triages it as sexual exploitation and abuse (severity high, retaliation risk high), which
switches the case to the safeguarding playbook and keeps the steps already done → the officer ticks the
steps of care for the survivor with notes and assigns the director as decision-maker → the director
confirms they have no conflict of interest, unlocks their key and does the decision-maker's steps → the
officer does the rest, in the order the playbook sets → the director concludes with an outcome, measures
and feedback → the reporter logs in with the receipt code and reads the status and the feedback, and
nothing else of the case.

The playbooks are the shipped content (framework.loader.load_all). Every page is checked by axe and
for Content-Security-Policy errors by the `browse` harness (tests/browser/conftest.py).
"""

import re
import time
from typing import Any

import nacl.pwhash.argon2id as argon2id
import pytest
from django.urls import reverse

from cases.models import Assignment, Case, CaseRole, CaseStep, Note
from framework.loader import load_all
from framework.models import ViolationSubtype, ViolationType
from organisations.models import Membership
from speakup import keys as speakup_keys
from speakup.models import Channel, Message, Report
from tests.browser.conftest import Browse
from tests.conftest import PASSWORD, People, totp_code
from tests.speakup.conftest import add_handler

SLUG = "hulp-meldpunt"
MIN_FILL_SECONDS = 1.0
WHAT = "Marker-c4se: a distribution worker promised a family an extra food parcel in exchange for sex."
# What the handlers write: sealed to the case, never shown to the reporter.
REGISTERED = "Marker-reg: account recorded in the reporter's words; one conversation, no repeats."
SAFETY = "Marker-safety: the worker is kept away from the distribution point while the case runs."
MEDICAL = "Marker-medical: PEP offered within 72 hours through the partner's clinic; the organisation pays."
CONSENT = "Marker-consent: the survivor agreed to an investigation, not to a police report for now."
REFERRAL = "Marker-referral: referred to the women's shelter in Gulu with the survivor's consent."
SENT = "Marker-sent: a serious incident report without names, as the protocol agreed."
MEASURES = "Marker-measures: the worker's contract was ended; the partner retrains its distribution staff."
SUPPORT = "Marker-support: counselling for six months, paid by the organisation."
LESSONS = "Marker-lessons: two people at every distribution, and a complaints box at each site."
FEEDBACK = (
    "Thank you for telling us. We looked into what you reported and took measures: the person no longer works "
    "for the project, and distributions are now always done by two people."
)
CARE_STEPS = {"immediate-safety", "medical-psychosocial", "consent", "refer", "iasc-principles", "ongoing-support"}
SEALED = [REGISTERED, SAFETY, MEDICAL, CONSENT, REFERRAL, SENT, MEASURES, SUPPORT, LESSONS]


@pytest.fixture
def fast_keys(settings: Any) -> None:
    """The smallest Argon2id work libsodium allows, and a shorter (still enforced) minimum fill time."""
    settings.SPEAKUP_ARGON2_OPSLIMIT = argon2id.OPSLIMIT_MIN
    settings.SPEAKUP_ARGON2_MEMLIMIT = argon2id.MEMLIMIT_MIN
    settings.SPEAKUP_MIN_FILL_SECONDS = MIN_FILL_SECONDS


@pytest.fixture
def content(transactional_db: None) -> None:
    """The shipped framework content: the taxonomy and the playbooks the case follows."""
    load_all()


@pytest.fixture
def channel(people: People, fast_keys: None, content: None) -> Channel:
    """`hulp`'s channel, handled by the officer; the director has a handler key too (to decide on cases)."""
    found = Channel.objects.create(organisation=people.org, slug=SLUG)
    add_handler(found, people.officer)
    speakup_keys.setup(people.admin, PASSWORD)
    return found


class CasePages:
    """The addresses of one case, and the steps a handler ticks on it."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.slug = case.organisation.slug
        self.page = reverse("cases:case", kwargs={"slug": self.slug, "code": case.code})

    def step(self, code: str) -> str:
        return reverse("cases:case_step", kwargs={"slug": self.slug, "code": self.case.code, "step": code})

    def tick(
        self, tab: Browse, code: str, *, items: tuple[int, ...] = (), note: str = "", notified_to: str = ""
    ) -> None:
        """Open the step, tick checklist items, write a note (and for a notification, to whom), mark it done."""
        tab.goto(self.step(code))
        for index in items:
            tab.page.check(f"main input[name=checked][value='{index}']")
        fields = {"note": note} if note else {}
        if notified_to:
            fields["notified_to"] = notified_to  # "sent on" is today already
        tab.fill(fields)
        tab.submit("main form[enctype] [type=submit]")
        assert tab.path.startswith(self.page + "#phase-"), f"ticking {code} led to {tab.path}: {tab.text()}"
        step = CaseStep.objects.get(case=self.case, code=code)
        assert step.done_at is not None, f"{code} is not done"
        assert f"“{step.title_en}” is done." in tab.text()
        if items:
            assert step.checked == list(items)


def test_a_safeguarding_case_from_a_report_to_the_feedback_the_reporter_reads(
    people: People, channel: Channel, english: None, open_browser: Any
) -> None:
    slug = people.org.slug
    interpersonal = ViolationType.objects.get(code="interpersonal")
    abuse = ViolationSubtype.objects.get(code="sexual-exploitation-abuse")

    # 1. The reporter makes a report and keeps the receipt code ----------------------------------------
    reporter = open_browser()
    reporter.goto(reverse("speakup_public:report", kwargs={"slug": SLUG, "lang": "en"}))
    form_shown = time.monotonic()
    reporter.page.check(f"main input[name=category][value='{interpersonal.code}']")
    reporter.fill({"what": WHAT, "when": "Last Saturday", "where": "The distribution point near the market"})
    # The signed form token refuses a form sent sooner than the minimum fill time after it was shown.
    time.sleep(max(0.0, MIN_FILL_SECONDS + 0.3 - (time.monotonic() - form_shown)))
    reporter.submit("main form.speakup-form button[type=submit]")
    receipt = "".join(reporter.page.locator("main .receipt-code span").all_inner_texts())
    assert re.fullmatch(r"\d{16}", receipt), f"the receipt code on the page is {receipt!r}"
    report = Report.objects.get()
    assert report.category == interpersonal

    # 2. The officer unlocks, reads the report and opens a case for it ------------------------------------
    officer = open_browser()
    officer.log_in(people.officer.email, PASSWORD, code=totp_code())
    report_page = reverse("speakup:report", kwargs={"slug": slug, "code": report.code})
    officer.goto(f"{reverse('speakup:unlock', kwargs={'slug': slug})}?next={report_page}")
    officer.fill({"password": PASSWORD})
    officer.submit()
    assert officer.path == report_page, officer.path
    assert WHAT in officer.text(), "the report is not shown decrypted"
    officer.follow(f"main a[href='{reverse('cases:case_from_report', kwargs={'slug': slug, 'report': report.code})}']")
    officer.submit()
    case = Case.objects.get(report=report)
    pages = CasePages(case)
    assert officer.path == pages.page
    assert (case.source, case.category, case.playbook.code) == (Case.Source.SPEAKUP, interpersonal, "interpersonal")
    assert case.reference in officer.text() and "Interpersonal misconduct" in officer.text()

    # Receipt first: the playbook puts registering before acknowledging.
    officer.goto(pages.step("acknowledge"))
    assert "The playbook puts these steps first" in officer.text()
    assert not officer.page.locator("main form[enctype]").count()
    pages.tick(officer, "register", items=(0, 1), note=REGISTERED)
    pages.tick(officer, "acknowledge", items=(0, 1))
    report.refresh_from_db()
    assert report.status == Report.Status.ACKNOWLEDGED, "acknowledging on the case acknowledges the report"

    # 3. Triage: sexual exploitation and abuse, high severity and retaliation risk → the safeguarding playbook
    officer.follow(f"main a[href='{reverse('cases:case_triage', kwargs={'slug': slug, 'code': case.code})}']")
    officer.fill(
        {"category": interpersonal.code, "subtype": abuse.code, "severity": "high", "retaliation_risk": "high"}
    )
    officer.submit()
    assert officer.path == pages.page
    case.refresh_from_db()
    assert (case.subtype, case.severity, case.retaliation_risk) == (abuse, "high", "high")
    assert case.playbook.code == "safeguarding" and case.playbook.organisation is None
    page_text = officer.text()
    assert "The case now follows “Sexual exploitation, abuse and harassment”" in page_text
    assert "done under the previous playbook" in page_text  # register and acknowledge were kept
    steps = {s.code: s for s in case.steps.all()}
    assert {c for c, s in steps.items() if s.done_at} == {"register", "acknowledge"}
    care = {c for c, s in steps.items() if s.victim_care}
    assert care == CARE_STEPS
    assert page_text.count("care for those affected") == len(care)

    # 4. Care for the survivor, with notes ----------------------------------------------------------------
    pages.tick(officer, "immediate-safety", items=(0, 1, 2), note=SAFETY)
    pages.tick(officer, "medical-psychosocial", items=(0, 1, 2), note=MEDICAL)
    pages.tick(officer, "consent", items=(0, 1, 2), note=CONSENT)
    pages.tick(officer, "refer", items=(0, 1), note=REFERRAL)
    page_text = officer.text()
    for note in (SAFETY, MEDICAL, CONSENT, REFERRAL):
        assert note in page_text, "a note is not shown decrypted on the case page"
    for sealed in Note.objects.filter(case=case):
        assert not any(text.encode() in bytes(sealed.body) for text in SEALED), "a note is stored in plain text"

    # 5. The director joins as decision-maker -------------------------------------------------------------
    officer.follow(f"main a[href='{reverse('cases:case_people', kwargs={'slug': slug, 'code': case.code})}']")
    director_membership = Membership.objects.get(user=people.admin, organisation=people.org)
    officer.fill({"assign-person": str(director_membership.pk), "assign-role": CaseRole.DECISION_MAKER})
    officer.submit("main form[method=post]:not([action]) [type=submit]")
    assert f"{people.admin.display_name} is on the case." in officer.text()
    assert Assignment.objects.filter(case=case, user=people.admin, role=CaseRole.DECISION_MAKER).exists()

    # 6. The officer's steps up to the plan: conflict check, the triage step, the notifications -----------
    pages.tick(officer, "conflict-check", items=(0, 1))
    pages.tick(officer, "triage", items=(0, 1, 2))
    pages.tick(officer, "notify-cbf", note=SENT, notified_to="CBF, meldingen@cbf.example")
    pages.tick(officer, "notify-funder", note=SENT, notified_to="Ministry of Foreign Affairs")
    pages.tick(officer, "notify-partner", note=SENT, notified_to="Gulu Youth Forward, integrity officer")

    # 7. The director confirms no conflict of interest, unlocks and does the decision-maker's steps --------
    director = open_browser()
    director.log_in(people.admin.email, PASSWORD, code=totp_code())
    director.goto(pages.page)
    conflict = reverse("cases:case_conflict", kwargs={"slug": slug, "code": case.code})
    assert director.path == conflict, "a new person on the case confirms first that they have no conflict"
    assert WHAT not in director.text() and SAFETY not in director.text()
    director.submit("main button[name=answer][value=none]")
    assert director.path == pages.page
    assert Assignment.objects.get(case=case, user=people.admin).no_conflict_confirmed_at is not None
    assert SAFETY not in director.text(), "the file shows before the director unlocked their key"
    director.follow(f"main a[href^='{reverse('speakup:unlock', kwargs={'slug': slug})}']")
    director.fill({"password": PASSWORD})
    director.submit()
    assert director.path == pages.page, director.path
    assert SAFETY in director.text(), "the director, on the case, cannot read its notes"
    pages.tick(director, "iasc-principles", items=(0, 1, 2))
    pages.tick(director, "plan", items=(0, 1))

    # 8. The officer does the rest before the conclusion, in order ----------------------------------------
    pages.tick(officer, "investigate", items=(0, 1, 2))
    pages.tick(officer, "ongoing-support", items=(0, 1))
    pages.tick(officer, "feedback")
    assert not officer.page.locator(
        f"main a[href='{reverse('cases:case_conclude', kwargs={'slug': slug, 'code': case.code})}']"
    ).count(), "only a decision-maker concludes"

    # 9. The director concludes, with feedback to the reporter ---------------------------------------------
    director.goto(pages.page)
    director.follow(f"main a[href='{reverse('cases:case_conclude', kwargs={'slug': slug, 'code': case.code})}']")
    assert "are not done" not in director.text(), "steps before the conclusion are still open"
    director.fill(
        {"outcome": "substantiated", "measures": MEASURES, "support": SUPPORT, "lessons": LESSONS, "feedback": FEEDBACK}
    )
    assert director.page.is_checked("main input[name=close_report]")
    director.submit()
    assert director.path == pages.page
    case.refresh_from_db()
    assert case.outcome == Case.Outcome.SUBSTANTIATED and case.concluded_at is not None
    assert not case.steps.filter(done_at__isnull=True).exists()
    page_text = director.text()
    assert f"Case {case.reference} is concluded." in page_text
    assert MEASURES in page_text and FEEDBACK in page_text
    assert not any(text.encode() in bytes(case.conclusion) for text in (MEASURES, FEEDBACK))
    report.refresh_from_db()
    assert report.status == Report.Status.CLOSED
    assert Message.objects.filter(report=report, from_reporter=False).count() == 1

    # 10. The reporter reads the status and the feedback, and nothing else of the case -----------------------
    reporter = open_browser()
    reporter.goto(reverse("speakup_public:receipt_login", kwargs={"slug": SLUG, "lang": "en"}))
    reporter.fill({"receipt": " ".join(re.findall(r"\d{4}", receipt))})
    reporter.submit()
    assert reporter.path == reverse("speakup_public:followup", kwargs={"slug": SLUG, "lang": "en"}), reporter.text()
    status = reporter.page.locator("main dl.terms dt:text-is('Status') + dd").inner_text()
    assert status.strip() == "Closed", status
    assert "Your report is closed." in reporter.text()
    confirmed = reporter.page.locator("main dl.terms dt:text-is('Receipt confirmed') + dd").inner_text()
    assert not confirmed.startswith("Not yet"), confirmed
    handler_messages = reporter.page.locator("main article.speakup-message:not(.from-reporter)")
    assert handler_messages.count() == 1
    assert FEEDBACK in " ".join(handler_messages.first.inner_text().split())
    whole_page = reporter.page.content()
    for text in SEALED:
        assert text not in whole_page, f"the reporter sees what the handlers wrote: {text}"
    for detail in (case.reference, "Sexual exploitation, abuse and harassment", "Substantiated", "Severity"):
        assert detail not in whole_page, f"the reporter sees the case's {detail!r}"
