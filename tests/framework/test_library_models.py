"""Library versions compare as numbers; weighted totals fall in exactly one tier."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from framework.models import AssessmentLibrary, version_key


def make_library(version: str = "1.0", code: str = "baseline", **fields: object) -> AssessmentLibrary:
    values: dict[str, object] = {
        "name_nl": "Basistoets",
        "name_en": "Baseline",
        "description_nl": "NL",
        "description_en": "EN",
        "scoring": "maturity",
        "source": "libraries/baseline.yaml",
    }
    values.update(fields)
    return AssessmentLibrary.objects.create(code=code, version=version, **values)


def test_versions_compare_as_numbers():
    assert version_key("1.10") > version_key("1.9") > version_key("1.0")
    assert version_key("2") > version_key("1.99")


def test_current_picks_the_newest_version_of_each_library_by_number(db):
    for version in ["1.9", "1.10", "1.2"]:
        make_library(version)
    make_library("2.0", retired=True)
    make_library("1.0", code="psea", scoring="weighted")

    current = AssessmentLibrary.objects.current()

    assert sorted(current.values_list("code", "version")) == [("baseline", "1.10"), ("psea", "1.0")]
    assert current.filter(scoring="weighted").get().code == "psea", "still a queryset"


def test_a_library_version_is_unique(db):
    make_library("1.0")
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_library("1.0")


def test_names_follow_the_active_language(db):
    library = make_library()
    with translation.override("en"):
        assert (library.name, library.name_other, str(library)) == ("Baseline", "Basistoets", "Baseline 1.0")
    with translation.override("nl"):
        assert library.description == "NL"


THRESHOLDS = [
    {"tier": "low", "min": 15, "max": None},
    {"tier": "high", "min": None, "max": 8},
    {"tier": "moderate", "min": 9, "max": 14},
]


@pytest.mark.parametrize(
    ("total", "tier"),
    [(0, "high"), (8, "high"), (8.5, "moderate"), (9, "moderate"), (14, "moderate"), (15, "low"), (18, "low")],
)
def test_tier_for_a_total(total, tier):
    assert AssessmentLibrary(thresholds=THRESHOLDS).tier_for(total) == tier


def test_no_tier_without_thresholds_or_below_the_first():
    assert AssessmentLibrary(thresholds=[]).tier_for(3) is None
    assert AssessmentLibrary(thresholds=[{"tier": "high", "min": 2, "max": None}]).tier_for(1) is None
