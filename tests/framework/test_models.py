"""Content shows in the active language, and falls back to the other one when a text is missing."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from framework.models import GlossaryTerm, ViolationSubtype, ViolationType


def make_term(**fields: str) -> GlossaryTerm:
    values = {
        "slug": "melder",
        "term_nl": "Melder",
        "term_en": "Reporter",
        "definition_nl": "NL",
        "definition_en": "EN",
    }
    values.update(fields)
    return GlossaryTerm.objects.create(source="test.yaml", **values)


def test_text_follows_the_active_language(db):
    term = make_term()
    with translation.override("nl"):
        assert (term.term, term.term_other, term.definition, str(term)) == ("Melder", "Reporter", "NL", "Melder")
    with translation.override("en"):
        assert (term.term, term.term_other, term.definition, str(term)) == ("Reporter", "Melder", "EN", "Reporter")


def test_a_language_without_content_gets_dutch(db):
    term = make_term()
    with translation.override("fr"):
        assert term.term == "Melder"


def test_a_missing_translation_falls_back_to_the_other_language(db):
    term = make_term(definition_en="")
    with translation.override("en"):
        assert term.definition == "NL"


def test_codes_are_unique_in_the_database(db):
    violation_type = ViolationType.objects.create(
        code="financial", name_nl="F", name_en="F", definition_nl="d", definition_en="d", source="t.yaml"
    )
    with transaction.atomic(), pytest.raises(IntegrityError):
        ViolationType.objects.create(
            code="financial", name_nl="G", name_en="G", definition_nl="d", definition_en="d", source="t.yaml"
        )
    ViolationSubtype.objects.create(
        type=violation_type, code="fraud", name_nl="F", name_en="F", definition_nl="d", definition_en="d", source="t"
    )
    with transaction.atomic(), pytest.raises(IntegrityError):
        ViolationSubtype.objects.create(
            type=violation_type,
            code="fraud",
            name_nl="F",
            name_en="F",
            definition_nl="d",
            definition_en="d",
            source="t",
        )
    make_term()
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_term()


def test_a_subtype_maps_only_onto_a_known_research_category(db):
    violation_type = ViolationType.objects.create(
        code="financial", name_nl="F", name_en="F", definition_nl="d", definition_en="d", source="t.yaml"
    )
    with transaction.atomic(), pytest.raises(IntegrityError):
        ViolationSubtype.objects.create(
            type=violation_type, code="fraud", name_nl="F", name_en="F", definition_nl="d", definition_en="d",
            source="t", research_category="embezzlement",
        )  # fmt: skip
