"""The shipped content: the taxonomy of domain.md and a glossary of the sector's words, in Dutch and English."""

from typing import Any

import pytest
import yaml

from framework.loader import CONTENT_DIR, content_files
from framework.models import GlossaryTerm, ResearchCategory, ViolationSubtype, ViolationType

TYPES = {
    "abuse-of-power": {"corruption", "conflict-of-interest-nepotism", "information-misuse", "funding-threats"},
    "financial": {"fraud", "misuse-of-funds", "theft", "tax-evasion", "assets-against-aims"},
    "interpersonal": {
        "sexual-harassment",
        "intimidation-violence",
        "aggression",
        "discrimination",
        "bullying",
        "sexual-exploitation-abuse",
    },
    # The configurable fourth type Samen adds (see the comment at the top of taxonomy.yaml).
    "other-violations": {"private-time-misconduct", "gifts-hospitality", "retaliation", "other-code-breach"},
}

# The words the foundation issue names, by the slug they have in glossary.yaml.
REQUIRED_TERMS = [
    "integrity-system", "confidential-adviser", "reporting-point", "wrongdoing", "due-diligence", "safeguarding",
    "psea", "sea", "seah", "whistleblower", "reporter", "integrity-officer", "code-of-conduct", "comply-or-explain",
    "moral-deliberation", "cbf-recognition", "partner-organisation", "alliance", "power-awareness-tool",
    "misconduct-disclosure-scheme", "chs", "iati", "acknowledgement-of-receipt", "feedback", "hearing-both-sides",
    "aftercare", "retaliation", "conflict-of-interest", "capacity-strengthening", "due-diligence-passport",
    "charter-for-change", "principles-of-partnership", "iso-37002", "whistleblower-protection-act",
    "eu-whistleblower-directive", "red-flag", "yellow-flag", "risk-tier", "action-plan", "guide",
    "step-by-step-plan", "ecosystem", "consent", "de-identification", "minimum-group-size",
    "annual-integrity-account",
]  # fmt: skip


pytestmark = pytest.mark.usefixtures("framework_for_module")


@pytest.fixture
def framework(db) -> None:
    """The shipped content: loaded once for this module (framework_for_module)."""


def test_every_file_declares_its_kind_and_version():
    files = list(content_files(CONTENT_DIR))
    assert {f.name for f in files} >= {"taxonomy.yaml", "glossary.yaml"}
    for path in files:
        data = yaml.safe_load(path.read_text())
        assert data.get("kind"), path
        assert data.get("version"), path


def test_the_taxonomy_has_the_four_top_types_in_order(framework):
    assert list(ViolationType.objects.active().values_list("code", flat=True)) == [
        "abuse-of-power",
        "financial",
        "interpersonal",
        "other-violations",
    ]


@pytest.mark.parametrize("type_code", TYPES)
def test_every_subtype_of_domain_md_is_there(framework, type_code):
    subtypes = set(ViolationSubtype.objects.active().filter(type__code=type_code).values_list("code", flat=True))
    assert subtypes == TYPES[type_code]


def test_types_and_subtypes_are_complete_in_both_languages(framework):
    entries: list[Any] = [*ViolationType.objects.all(), *ViolationSubtype.objects.all()]
    for entry in entries:
        for field in ["name_nl", "name_en", "definition_nl", "definition_en", "example_nl", "example_en"]:
            assert getattr(entry, field).strip(), f"{entry.code}: {field} is empty"


def test_research_categories_map_onto_the_nine_dutch_categories(framework):
    mapped = set(ViolationSubtype.objects.exclude(research_category="").values_list("research_category", flat=True))
    for violation_type in ViolationType.objects.all():
        mapped |= set(violation_type.research_categories)
    assert mapped == set(ResearchCategory.values)


def test_sea_follows_the_un_bulletin(framework):
    sea = ViolationSubtype.objects.get(code="sexual-exploitation-abuse")
    assert "vulnerable position" in sea.definition_en
    assert "physical intrusion of a sexual nature" in sea.definition_en
    assert "under 18" in sea.definition_en


def test_the_glossary_has_at_least_45_terms_complete_in_both_languages(framework):
    terms = list(GlossaryTerm.objects.active())
    assert len(terms) >= 45
    for term in terms:
        for field in ["term_nl", "term_en", "definition_nl", "definition_en"]:
            assert getattr(term, field).strip(), f"{term.slug}: {field} is empty"


def test_the_glossary_has_every_word_the_sector_asked_for(framework):
    present = set(GlossaryTerm.objects.values_list("slug", flat=True))
    assert not set(REQUIRED_TERMS) - present


def test_the_legal_deadlines_are_stated_as_domain_md_has_them(framework):
    act = GlossaryTerm.objects.get(slug="whistleblower-protection-act")
    assert "7 days" in act.definition_en and "7 dagen" in act.definition_nl
    assert "3 months" in act.definition_en and "3 maanden" in act.definition_nl
    assert "≤ 8 high, 9–14 moderate, ≥ 15 low" in GlossaryTerm.objects.get(slug="risk-tier").definition_en


def test_most_terms_point_at_related_terms(framework):
    with_related = GlossaryTerm.objects.filter(related__isnull=False).distinct().count()
    assert with_related >= 0.9 * GlossaryTerm.objects.count()
