"""The shipped playbooks (framework/content/playbooks/): they load cleanly with the rest of the framework,
keep the legal deadlines, care for survivors, and give every category of the taxonomy a playbook."""

from datetime import timedelta

import pytest
import yaml
from django.utils import timezone

from cases.deadlines import add_months, schedule
from cases.handling import adopt_playbook, playbook_for
from cases.models import Case, Marks, Playbook
from cases.playbooks import make_copy, uses
from framework.loader import CONTENT_DIR, load_all
from framework.models import ViolationSubtype, ViolationType

SHIPPED = ["abuse-of-power", "conflict-of-interest", "fraud-corruption", "general", "interpersonal", "safeguarding"]


pytestmark = pytest.mark.usefixtures("framework_for_module")


@pytest.fixture
def shipped(db) -> list[Playbook]:
    """The shipped playbooks, loaded once for this module (framework_for_module)."""
    return list(Playbook.objects.filter(organisation__isnull=True).prefetch_related("steps"))


def test_the_shipped_playbooks_load_cleanly_and_again_change_nothing(shipped):
    assert sorted(p.code for p in shipped) == SHIPPED
    assert all(not p.retired for p in shipped)
    assert [p.code for p in shipped if p.is_default] == ["general"]

    again = load_all(force=True)

    assert not [r.name for r in again if r.kind.startswith("playbook") and r.changes]


def test_the_index_lists_exactly_the_playbook_files():
    folder = CONTENT_DIR / "playbooks"
    index = yaml.safe_load((folder / "_index.yaml").read_text())
    files = {yaml.safe_load(p.read_text())["code"] for p in folder.glob("*.yaml") if p.name != "_index.yaml"}
    assert sorted(index["playbooks"]) == sorted(files) == SHIPPED


def test_every_playbook_acknowledges_within_7_days_and_gives_feedback_within_3_months(shipped):
    for playbook in shipped:
        steps = list(playbook.steps.all())
        acknowledging = [s for s in steps if s.marks == Marks.ACKNOWLEDGED]
        feedback = [s for s in steps if s.marks == Marks.FEEDBACK]
        assert len(acknowledging) == 1, playbook.code
        assert len(feedback) == 1, playbook.code
        ack, back = acknowledging[0], feedback[0]
        assert (ack.due_anchor, ack.due_days, ack.due_months) == ("received", 7, None), playbook.code
        assert (back.due_anchor, back.due_days, back.due_months) == ("acknowledged", None, 3), playbook.code


def test_every_step_is_written_in_dutch_and_english_with_guidance(shipped):
    for playbook in shipped:
        assert playbook.title_nl and playbook.title_en and playbook.intro_nl and playbook.intro_en
        phases = [s.phase for s in playbook.steps.all()]
        assert set(phases) == {"receive", "assess", "address", "conclude"}, playbook.code
        for step in playbook.steps.all():
            where = f"{playbook.code}/{step.code}"
            assert step.title_nl and step.title_en and step.guidance_nl and step.guidance_en, where
            assert step.guidance_nl != step.guidance_en, where
            assert step.checklist, where
            assert all(item["nl"] and item["en"] for item in step.checklist), where


def test_safeguarding_cares_for_the_survivor(shipped):
    safeguarding = next(p for p in shipped if p.code == "safeguarding")
    care = {s.code: s for s in safeguarding.steps.filter(victim_care=True)}
    assert {"immediate-safety", "medical-psychosocial", "consent", "refer", "iasc-principles"} <= set(care)
    assert "72" in care["medical-psychosocial"].guidance_en  # the window for PEP
    assert "18" in care["iasc-principles"].guidance_en
    # Safety comes first: the first step of the playbook.
    assert safeguarding.steps.order_by("order").first().code == "immediate-safety"


def test_notifying_directly_is_two_days_after_triage_and_says_it_is_a_setting(shipped):
    found = 0
    for playbook in shipped:
        for step in playbook.steps.filter(notify__in=["cbf", "funder"]):
            found += 1
            where = f"{playbook.code}/{step.code}"
            assert (step.due_anchor, step.due_days) == ("triaged", 2), where
            assert "setting" in step.guidance_en and "instelling" in step.guidance_nl, where
    assert found >= 8
    kinds = {s.notify for p in shipped for s in p.steps.all() if s.notify}
    assert kinds == {"cbf", "funder", "alliance", "partner", "authorities"}


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("fraud", "fraud-corruption"),
        ("misuse-of-funds", "fraud-corruption"),
        ("corruption", "fraud-corruption"),
        ("sexual-exploitation-abuse", "safeguarding"),
        ("sexual-harassment", "safeguarding"),
        ("bullying", "interpersonal"),
        ("discrimination", "interpersonal"),
        ("conflict-of-interest-nepotism", "conflict-of-interest"),
        ("information-misuse", "abuse-of-power"),
        ("funding-threats", "abuse-of-power"),
        ("retaliation", "general"),
    ],
)
def test_each_category_gets_its_playbook(shipped, people, category, expected):
    subtype = ViolationSubtype.objects.select_related("type").get(code=category)
    assert playbook_for(people.org, subtype.type, subtype).code == expected


def test_the_table_of_uses_tells_what_playbook_for_does(shipped, people):
    fraud = Playbook.objects.get(code="fraud-corruption", organisation__isnull=True)
    copy = make_copy(people.org, fraud, by=people.officer)
    copy.applies_to = ["fraud", "bullying", "corruption"]
    copy.save()

    table = uses(people.org)

    assert len(table) == ViolationType.objects.count() + ViolationSubtype.objects.count()
    for use in table:
        assert use.playbook == playbook_for(people.org, use.type, use.subtype), use
    bullying = next(u for u in table if u.subtype and u.subtype.code == "bullying")
    assert bullying.playbook == copy


def test_a_case_on_a_shipped_playbook_gets_the_legal_deadlines(shipped, people):
    received = timezone.now().replace(microsecond=0)
    general = next(p for p in shipped if p.code == "general")
    case = Case.objects.create(
        organisation=people.org, reference="2026-0001", source="phone", playbook=general, received_at=received
    )
    adopt_playbook(case, general)

    due = {state.step.code: state.due_at for state in schedule(case, list(case.steps.all()))}

    assert due["acknowledge"] == received + timedelta(days=7)
    # Not acknowledged yet: three months from the end of the 7 days.
    assert due["feedback"] == add_months(received + timedelta(days=7), 3)
    assert due["notify-cbf"] is None  # counts from triage, which has not happened
