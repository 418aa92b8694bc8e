"""The shipped libraries: the baseline, PSEA capacity and the relationship check, complete in Dutch and English."""

from collections import Counter

import pytest

from framework.models import AnswerOption, AssessmentLibrary, Requirement, SuggestedAction

pytestmark = pytest.mark.usefixtures("framework_for_module")


@pytest.fixture
def framework(db) -> None:
    """The shipped content: loaded once for this module (framework_for_module)."""


BASELINE_AREAS = [
    "code-of-conduct", "reporting", "investigation", "prevention", "safeguarding", "finance", "downstream",
    "moral-learning", "accountability",
]  # fmt: skip


def library(code: str) -> AssessmentLibrary:
    return AssessmentLibrary.objects.current().get(code=code)


def test_three_libraries_are_shipped(framework):
    assert set(AssessmentLibrary.objects.current().values_list("code", "scoring")) == {
        ("partner-integrity-baseline", "maturity"),
        ("psea-capacity", "weighted"),
        ("partnership-relationship-check", "mutual"),
    }


def test_the_baseline_has_30_to_50_requirements_in_the_nine_areas(framework):
    baseline = library("partner-integrity-baseline")

    assert list(baseline.areas.values_list("code", flat=True)) == BASELINE_AREAS
    per_area = Counter(baseline.requirements.values_list("area__code", flat=True))
    assert set(per_area) == set(BASELINE_AREAS), "every area has requirements"
    assert 30 <= sum(per_area.values()) <= 50
    assert (baseline.validity_years, baseline.target_level) == (3, 3)
    assert {r.weight for r in baseline.requirements.all()} <= {1, 2, 3}


def test_the_baseline_explains_every_level_of_the_chs_scale(framework):
    levels = library("partner-integrity-baseline").levels.all()

    assert [level.level for level in levels] == [0, 1, 2, 3, 4, 5]
    assert levels[3].label_en == "Meets the requirement"


def test_baseline_requirements_have_guidance_and_evidence_examples(framework):
    for requirement in library("partner-integrity-baseline").requirements.all():
        assert requirement.answer_kind == "maturity"
        for field in ["guidance_nl", "guidance_en", "evidence_examples_nl", "evidence_examples_en"]:
            assert getattr(requirement, field).strip(), f"{requirement.code}: {field}"


def test_every_requirement_of_every_library_has_a_suggested_action(framework):
    without = Requirement.objects.filter(suggested_actions__isnull=True)
    assert not without.exists(), list(without.values_list("code", flat=True))


def test_psea_has_the_six_iasc_principles_and_tiers_that_cover_every_total(framework, english):
    psea = library("psea-capacity")
    requirements = list(psea.requirements.prefetch_related("options"))
    lowest = sum(min(o.weight for o in r.options.all()) for r in requirements)
    highest = sum(max(o.weight for o in r.options.all()) for r in requirements)

    assert len(requirements) == 6
    assert psea.validity_years == 5
    assert psea.threshold_rows == [
        ("high", "High risk", "≤ 8"),
        ("moderate", "Moderate risk", "9–14"),
        ("low", "Low risk", "≥ 15"),
    ]
    tiers = [psea.tier_for(total) for total in range(lowest, highest + 1)]
    assert None not in tiers
    assert tiers.count("high") == 9 and tiers.count("moderate") == 6
    assert psea.tier_for(highest) == "low", "the best answers reach the lowest risk"


def test_the_relationship_check_asks_10_to_16_questions_on_a_1_to_5_scale(framework):
    check = library("partnership-relationship-check")
    requirements = list(check.requirements.prefetch_related("options"))

    assert 10 <= len(requirements) <= 16
    assert check.areas.count() >= 3
    for requirement in requirements:
        assert [o.weight for o in requirement.options.all()] == [1, 2, 3, 4, 5], requirement.code


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (AssessmentLibrary, ["name", "description"]),
        (Requirement, ["text"]),
        (AnswerOption, ["label"]),
        (SuggestedAction, ["title", "description"]),
    ],
)
def test_everything_is_written_in_dutch_and_english(framework, model, fields):
    for row in model.objects.all():
        for field in fields:
            nl, en = getattr(row, f"{field}_nl"), getattr(row, f"{field}_en")
            assert nl.strip() and en.strip(), f"{row}: {field}"
