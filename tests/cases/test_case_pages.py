"""The case pages as a handler uses them: list, register, read, triage, steps, notes, people, conclusion."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Entry, Event
from cases.models import Case, CaseStep, Note
from tests.conftest import PASSWORD


def url(view, case, **extra):
    return reverse(f"cases:{view}", kwargs={"slug": case.organisation.slug, "code": case.code, **extra})


def test_the_list_shows_only_my_cases(case, people, client, unlocked):
    officer = unlocked(people.officer)
    page = officer.get(reverse("cases:cases", kwargs={"slug": "hulp"}))
    assert case.reference in page.content.decode()
    # The admin is not on the case: it does not exist for them, whatever their role.
    client.force_login(people.admin)
    page = client.get(reverse("cases:cases", kwargs={"slug": "hulp"}))
    assert case.reference not in page.content.decode()
    assert client.get(url("case", case)).status_code == 404
    assert Entry.objects.filter(event=Event.CASE_ACCESS_DENIED, actor=people.admin.email).exists()


def test_register_a_case_by_phone(people, playbook, keys, unlocked):
    officer = unlocked(people.officer)
    response = officer.post(
        reverse("cases:case_new", kwargs={"slug": "hulp"}),
        {"source": "phone", "received_on": "2026-11-20", "summary": "The driver asked for money at the checkpoint."},
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("case", case)
    page = officer.get(url("case", case)).content.decode()
    assert "The driver asked for money at the checkpoint." in page
    assert b"checkpoint" not in bytes(case.summary)


def test_register_refuses_a_future_day_and_keeps_the_text(people, playbook, keys, unlocked):
    officer = unlocked(people.officer)
    response = officer.post(
        reverse("cases:case_new", kwargs={"slug": "hulp"}),
        {"source": "phone", "received_on": "2999-01-01", "summary": "Keep me"},
    )
    assert response.status_code == 200
    assert "Keep me" in response.content.decode()
    assert not Case.objects.exists()


def test_members_cannot_register_cases(people, playbook, client):
    client.force_login(people.member)
    assert client.get(reverse("cases:case_new", kwargs={"slug": "hulp"})).status_code == 403


def test_locked_page_shows_the_steps_not_the_file(case, people, client, english):
    client.force_login(people.officer)
    page = client.get(url("case", case)).content.decode()
    assert "/steps/acknowledge/" in page
    assert "warehouse" not in page
    assert "Unlock" in page


def test_tick_a_step_with_a_note_and_attachment(case, people, unlocked):
    officer = unlocked(people.officer)
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 the letter", content_type="application/pdf")
    response = officer.post(
        url("case_step", case, step="acknowledge"),
        {"checked": ["0", "1"], "note": "Acknowledged by phone.", "attachment": upload},
    )
    assert response.status_code == 302
    step = case.steps.get(code="acknowledge")
    assert step.done_at is not None and step.checked == [0, 1]
    case.refresh_from_db()
    assert case.acknowledged_at is not None
    page = officer.get(url("case", case)).content.decode()
    assert "Acknowledged by phone." in page
    assert "letter.pdf" in page
    found = re.search(r"/attachments/([0-9a-f]+)/", page)
    assert found is not None
    token = found.group(1)
    download = officer.get(url("case_attachment", case, name=token))
    assert download.content == b"%PDF-1.4 the letter"
    assert Entry.objects.filter(event=Event.CASE_ATTACHMENT_DOWNLOADED).exists()


def test_a_step_cannot_be_ticked_out_of_order(case, people, unlocked, english):
    officer = unlocked(people.officer)
    response = officer.post(url("case_step", case, step="triage"), {})
    assert response.status_code == 200
    assert case.steps.get(code="triage").done_at is None
    assert "Do these steps first" in response.content.decode() or "puts these steps first" in response.content.decode()


def test_notification_step_needs_date_recipient_and_what_was_sent(case, people, unlocked):
    officer = unlocked(people.officer)
    response = officer.post(url("case_step", case, step="notify-cbf"), {"checked": []})
    assert response.status_code == 200
    assert case.steps.get(code="notify-cbf").done_at is None
    response = officer.post(
        url("case_step", case, step="notify-cbf"),
        {"notified_on": "2026-11-20", "notified_to": "CBF meldpunt", "note": "Joint form sent"},
    )
    assert response.status_code == 302
    step = case.steps.get(code="notify-cbf")
    assert str(step.notified_on) == "2026-11-20" and step.notified_to == "CBF meldpunt"
    assert Note.objects.filter(step=step).count() == 1


def test_triage_switches_playbook_and_keeps_done_steps(case, people, unlocked, make_playbook):
    from framework.models import ViolationType

    ViolationType.objects.create(
        code="financial", name_nl="Financieel", name_en="Financial", definition_nl="d", definition_en="d"
    )
    fraud_playbook = make_playbook("fraud", ["financial"], is_default=False)
    officer = unlocked(people.officer)
    officer.post(url("case_step", case, step="register"), {})
    response = officer.post(
        url("case_triage", case), {"category": "financial", "severity": "high", "retaliation_risk": "low"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.playbook == fraud_playbook and case.triaged_at is not None
    assert case.steps.get(code="register").done_at is not None
    assert Entry.objects.filter(event=Event.CASE_PLAYBOOK_SWITCHED).exists()


def test_assign_needs_separate_people_and_a_conflict_check(case, people, unlocked, client, english):
    officer = unlocked(people.officer)
    admin_membership = people.admin.memberships.get(organisation=people.org)
    response = officer.post(
        url("case_people", case), {"assign-person": admin_membership.pk, "assign-role": "investigator"}
    )
    assert response.status_code == 302
    officer_membership = people.officer.memberships.get(organisation=people.org)
    response = officer.post(
        url("case_people", case), {"assign-person": officer_membership.pk, "assign-role": "decision_maker"}
    )
    assert response.status_code == 200
    assert "already" in response.content.decode()
    # The admin first answers the conflict question.
    client.force_login(people.admin)
    assert client.get(url("case", case))["Location"] == url("case_conflict", case)
    client.post(url("case_conflict", case), {"answer": "none"})
    assert client.get(url("case", case)).status_code == 200


def test_declaring_a_conflict_removes_the_case(case, people, unlocked, client, keys):
    from cases.handling import assign

    assign(case, people.admin, "investigator", by=people.officer, by_private_key=keys[people.officer])
    client.force_login(people.admin)
    response = client.post(url("case_conflict", case), {"answer": "conflict"})
    assert response.status_code == 302
    assert client.get(url("case", case)).status_code == 404
    assert case.reference not in client.get(reverse("cases:cases", kwargs={"slug": "hulp"})).content.decode()
    assert Entry.objects.filter(event=Event.CASE_CONFLICT_DECLARED).exists()


def test_exclude_asks_for_confirmation(case, people, unlocked, client, keys, english):
    officer = unlocked(people.officer)
    member = people.member.memberships.get(organisation=people.org)
    page = officer.post(url("case_exclude", case), {"exclude-person": member.pk})
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    assert not case.exclusions.exists()
    officer.post(url("case_exclude", case), {"exclude-person": member.pk, "confirmed": "yes"})
    assert case.exclusions.filter(user=people.member).exists()


def test_conclude_by_the_decision_maker_with_actions(case, people, unlocked, keys):
    from cases.handling import assign, tick

    assign(case, people.manager, "decision_maker", by=people.officer, by_private_key=keys[people.officer])
    for step in case.steps.exclude(phase="conclude").order_by("order"):
        tick(case, step, by=people.officer)
    officer = unlocked(people.officer)
    assert officer.get(url("case_conclude", case)).status_code == 403
    manager = unlocked(people.manager)
    manager.post(url("case_conflict", case), {"answer": "none"})
    response = manager.post(
        url("case_conclude", case),
        {
            "outcome": "substantiated",
            "measures": "Contract ended",
            "lessons": "Check drivers",
            "actions": "Train drivers on the code\nAdd a clause on checkpoints",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_concluded and case.outcome == "substantiated"
    # Without a speak-up report, feedback to the reporter is given outside Samen: its step stays to be ticked.
    assert list(CaseStep.objects.filter(case=case, done_at__isnull=True).values_list("code", flat=True)) == ["feedback"]
    from actions.models import ActionPlan

    plan = ActionPlan.objects.get(source_code=case.code)
    assert plan.actions.count() == 2
    page = manager.get(url("case", case)).content.decode()
    assert "Contract ended" in page


def test_summary_pdf_for_unlocked_handlers_only(case, people, unlocked, client):
    client.force_login(people.officer)
    assert client.get(url("case_pdf", case)).status_code == 302  # locked: to the unlock page
    officer = unlocked(people.officer)
    response = officer.get(url("case_pdf", case))
    assert response["Content-Type"] == "application/pdf"
    assert Entry.objects.filter(event=Event.CASE_EXPORTED).exists()


@pytest.mark.parametrize("persona", ["viewer", "member", "manager"])
def test_settings_are_for_officers_and_admins(people, client, persona):
    client.force_login(people.user(persona))
    assert client.get(reverse("cases:case_settings", kwargs={"slug": "hulp"})).status_code == 403


def test_settings_save(people, client):
    client.force_login(people.officer)
    response = client.post(
        reverse("cases:case_settings", kwargs={"slug": "hulp"}), {"separation": "block", "min_group_size": 10}
    )
    assert response.status_code == 302
    assert people.org.case_settings.separation == "block"
    assert PASSWORD


def test_conclusion_can_start_a_draft_dilemma(case, people, unlocked, keys):
    from cases.handling import assign, tick
    from dilemmas.models import Dilemma

    assign(case, people.officer, "decision_maker", by=people.officer, by_private_key=keys[people.officer], force=True)
    for step in case.steps.exclude(phase="conclude").order_by("order"):
        tick(case, step, by=people.officer)
    officer = unlocked(people.officer)
    response = officer.post(
        url("case_conclude", case),
        {"outcome": "inconclusive", "lessons": "Sealed lessons", "dilemma": "A funder asks you to skip the checks."},
    )
    draft = Dilemma.objects.get(author=people.officer)
    assert response["Location"] == reverse("dilemmas:edit", kwargs={"slug": "hulp", "code": draft.code})
    assert draft.status == "draft" and draft.organisation == people.org
    assert "skip the checks" in (draft.situation_nl + draft.situation_en)
    assert "Sealed lessons" not in (draft.situation_nl + draft.situation_en)


def test_the_list_shows_what_is_due_next_and_what_is_overdue(case, people, client):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(people.officer)
    page = client.get(reverse("cases:cases", kwargs={"slug": "hulp"}) + "?state=overdue").content.decode()
    assert case.reference not in page  # just opened: nothing overdue
    Case.objects.filter(pk=case.pk).update(received_at=timezone.now() - timedelta(days=10))
    from cases.handling import refresh_due

    refresh_due(Case.objects.get(pk=case.pk))
    page = client.get(reverse("cases:cases", kwargs={"slug": "hulp"}) + "?state=overdue").content.decode()
    assert case.reference in page
    assert "Stap acknowledge" in page or "Step acknowledge" in page
    assert "badge warn" in page
