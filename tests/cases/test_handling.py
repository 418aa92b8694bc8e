"""The handling functions: opening a case, the playbook's steps, ticking in order, roles and exclusion."""

import pytest

from audit.models import Entry, Event
from cases import keys as case_keys
from cases.handling import (
    ExcludedPerson,
    RoleConflict,
    StepOutOfOrder,
    adopt_playbook,
    assign,
    exclude,
    open_case,
    tick,
)
from cases.models import Case, CaseSettings
from tests.cases.conftest import STEPS


def test_open_case_copies_the_playbook_and_seals_the_summary(case, people, keys):
    assert case.reference.endswith("-0001")
    assert [s.code for s in case.steps.all()] == [s[0] for s in STEPS]
    assert b"warehouse" not in bytes(case.summary)
    opened = case_keys.open_with(case_keys.case_keys(case, keys[people.officer]), case.summary_version, case.summary)
    assert opened == b"A call about the warehouse."
    assert Entry.objects.filter(event=Event.CASE_OPENED, target=case.reference).exists()
    second = open_case(people.org, by=people.officer, source=Case.Source.EMAIL)
    assert second.reference.endswith("-0002")


def test_a_step_waits_for_the_steps_the_playbook_puts_first(case, people):
    triage = case.steps.get(code="triage")
    with pytest.raises(StepOutOfOrder):
        tick(case, triage, by=people.officer)
    tick(case, case.steps.get(code="acknowledge"), by=people.officer)
    tick(case, triage, by=people.officer)
    case.refresh_from_db()
    assert case.acknowledged_at is not None


def test_switching_playbook_keeps_what_was_done(case, people, make_playbook):
    tick(case, case.steps.get(code="register"), by=people.officer, note="Registered in the log")
    other = make_playbook("fraud", ["fraud"], is_default=False)
    other.steps.filter(code="register").delete()
    adopt_playbook(case, other)
    codes = set(case.steps.values_list("code", flat=True))
    assert "register" in codes  # done under the previous playbook: kept, with its note
    assert case.steps.get(code="register").notes.count() == 1
    assert case.playbook == other


def test_one_person_two_roles_warns_or_blocks(case, people, keys):
    with pytest.raises(RoleConflict):
        assign(case, people.officer, "investigator", by=people.officer, by_private_key=keys[people.officer])
    assign(case, people.officer, "investigator", by=people.officer, by_private_key=keys[people.officer], force=True)
    CaseSettings.objects.create(organisation=people.org, separation=CaseSettings.Separation.BLOCK)
    with pytest.raises(RoleConflict):
        assign(
            case, people.officer, "decision_maker", by=people.officer, by_private_key=keys[people.officer], force=True
        )


def test_excluded_person_loses_the_key_and_the_case(case, people, keys):
    assign(case, people.admin, "investigator", by=people.officer, by_private_key=keys[people.officer])
    assert case_keys.holds_newest(case, people.admin)
    exclude(case, people.admin, by=people.officer)
    assert not Case.objects.for_person(people.admin, people.org).exists()
    assert not case_keys.holds_newest(case, people.admin)
    assert case_keys.holds_newest(case, people.officer)
    with pytest.raises(ExcludedPerson):
        assign(case, people.admin, "investigator", by=people.officer, by_private_key=keys[people.officer])


def test_people_on_a_case_from_a_report_read_the_report_too(people, playbook, keys):
    from speakup import keys as report_keys
    from speakup.models import Channel, ChannelHandler
    from tests.speakup.conftest import store_report

    channel = Channel.objects.create(organisation=people.org, slug="hulp-meldpunt")
    ChannelHandler.objects.create(channel=channel, user=people.officer)
    report, _receipt = store_report(channel, {"what": "Money asked at the checkpoint"})
    case = open_case(people.org, by=people.officer, source=Case.Source.SPEAKUP, report=report)
    assign(case, people.admin, "investigator", by=people.officer, by_private_key=keys[people.officer])
    opened = report_keys.open_for_handler(report, report.key_version, report.content, keys[people.admin])
    assert b"checkpoint" in opened
    exclude(case, people.admin, by=people.officer)
    report.refresh_from_db()
    newest = report.keys.order_by("-version").first()
    assert newest is not None
    assert not newest.grants.filter(user=people.admin).exists()
