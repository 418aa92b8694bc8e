"""Assessment libraries in load_framework: bad files are refused with file and line; versions never rewrite answers."""

import re
import textwrap
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from framework.models import AnswerOption, AssessmentLibrary, LibraryArea, Requirement, SuggestedAction
from tests.framework.conftest import load

NAME = "libraries/check.yaml"

WEIGHTED = """\
kind: assessment_library
version: "1.0"
code: check
scoring: weighted
validity_years: 5
name_nl: Toets
name_en: Check
description_nl: Een toets.
description_en: A check.
thresholds:
  - tier: high
    min: null
    max: 2
  - tier: moderate
    min: 3
    max: 4
  - tier: low
    min: 5
    max: null
options:
  - code: "no"
    weight: 0
    label_nl: Nee
    label_en: "No"
  - code: "yes"
    weight: 3
    label_nl: Ja
    label_en: "Yes"
areas:
  - code: rules
    name_nl: Regels
    name_en: Rules
requirements:
  - code: code-of-conduct
    area: rules
    text_nl: Er is een gedragscode.
    text_en: There is a code of conduct.
    guidance_nl: Kijk of hij is vastgesteld.
    guidance_en: Check it was adopted.
    evidence_examples_nl: [De code, Het besluit]
    evidence_examples_en: [The code, The decision]
    suggested_actions:
      - title_nl: Schrijf een code
        title_en: Write a code
        description_nl: Gebruik het model.
        description_en: Use the model.
  - code: reporting
    area: rules
    text_nl: Er is een meldkanaal.
    text_en: There is a reporting channel.
    guidance_nl: Vraag het medewerkers.
    guidance_en: Ask staff.
    options:
      - code: "no"
        weight: 0
        label_nl: Nee
        label_en: "No"
      - code: partly
        weight: 1
        label_nl: Deels
        label_en: Partly
      - code: "yes"
        weight: 3
        label_nl: Ja
        label_en: "Yes"
    suggested_actions:
      - title_nl: Richt een kanaal in
        title_en: Set up a channel
        description_nl: Ook anoniem.
        description_en: Anonymous too.
"""

LEVELS = "".join(
    f"""  - level: {n}
    label_nl: Niveau {n}
    label_en: Level {n}
    description_nl: Betekenis {n}.
    description_en: Meaning {n}.
"""
    for n in range(6)
)

MATURITY = (
    WEIGHTED.replace("scoring: weighted", "scoring: maturity")
    .replace("code: check", "code: baseline")
    .split("thresholds:")[0]
    + "levels:\n"
    + LEVELS
    + "areas:"
    + WEIGHTED.split("areas:")[1]
)
# A maturity library answers on the 0–5 scale: drop the answer options of the second requirement.
MATURITY = re.sub(r"    options:\n(      .*\n)+", "", MATURITY)


def write(folder: Path, text: str, name: str = NAME) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line containing `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def refused(folder: Path) -> str:
    with pytest.raises(CommandError) as error:
        load(folder)
    assert not AssessmentLibrary.objects.exists(), "a bad file changes nothing"
    return str(error.value)


def test_a_weighted_library_loads_with_its_options_actions_and_thresholds(db, tmp_path):
    write(tmp_path, WEIGHTED)

    output = load(tmp_path, verbosity=2)

    assert f"{NAME} (assessment_library, version 1.0): 3 created" in output
    library = AssessmentLibrary.objects.get(code="check")
    assert (library.version, library.scoring, library.validity_years, library.source) == ("1.0", "weighted", 5, NAME)
    assert [t["tier"] for t in library.thresholds] == ["high", "moderate", "low"]
    first, second = library.requirements.order_by("order")
    assert first.answer_kind == second.answer_kind == Requirement.AnswerKind.CHOICE
    # The library's shared options apply where a requirement lists none of its own.
    assert [(o.code, o.weight) for o in first.options.all()] == [("no", 0), ("yes", 3)]
    assert [o.code for o in second.options.all()] == ["no", "partly", "yes"]
    assert first.evidence_examples_en == "The code\nThe decision"
    assert second.suggested_actions.get().title_en == "Set up a channel"


def test_a_maturity_library_loads_its_levels_and_no_options(db, tmp_path):
    write(tmp_path, MATURITY)

    load(tmp_path)

    library = AssessmentLibrary.objects.get(code="baseline")
    assert list(library.levels.values_list("level", flat=True)) == [0, 1, 2, 3, 4, 5]
    assert set(library.requirements.values_list("answer_kind", flat=True)) == {"maturity"}
    assert not AnswerOption.objects.exists()


# --- Bad input: every refusal names the file and the line --------------------------------------------


def test_a_duplicate_requirement_code_is_refused(db, tmp_path):
    text = WEIGHTED.replace("  - code: reporting\n", "  - code: code-of-conduct\n")
    write(tmp_path, text)

    message = refused(tmp_path)

    line = line_of(text, "- code: code-of-conduct", 2)
    first = line_of(text, "- code: code-of-conduct", 1)
    assert message.startswith(f"{NAME}, line {line}, entry 'code-of-conduct': duplicate requirement code")
    assert f"first defined on line {first}" in message


def test_a_duplicate_area_code_is_refused(db, tmp_path):
    text = WEIGHTED.replace(
        "    name_en: Rules\n", "    name_en: Rules\n  - code: rules\n    name_nl: Nog eens\n    name_en: Again\n"
    )
    write(tmp_path, text)

    assert refused(tmp_path).startswith(
        f"{NAME}, line {line_of(text, '- code: rules', 2)}, entry 'rules': duplicate area code 'rules'"
    )


def test_a_duplicate_option_code_is_refused(db, tmp_path):
    text = WEIGHTED.replace("      - code: partly\n", '      - code: "no"\n')
    write(tmp_path, text)

    line = line_of(text, '- code: "no"', 3)  # the shared "no", the requirement's "no", then the duplicate
    assert refused(tmp_path).startswith(f"{NAME}, line {line}, entry 'no': duplicate option code 'no'")


@pytest.mark.parametrize("field", ["name_en", "text_nl", "guidance_en", "label_nl", "title_en", "description_nl"])
def test_a_missing_translation_is_refused(db, tmp_path, field):
    # Remove the last occurrence of the field: the deepest entry that has one.
    lines = WEIGHTED.splitlines(keepends=True)
    index = max(i for i, line in enumerate(lines) if line.strip().startswith(f"{field}:"))
    del lines[index]
    write(tmp_path, "".join(lines))

    message = refused(tmp_path)

    assert re.match(rf"{re.escape(NAME)}, line \d+(, entry '[a-z-]+')?: missing field '{field}'", message), message


def test_a_translation_in_one_language_only_is_refused(db, tmp_path):
    text = WEIGHTED.replace("    evidence_examples_en: [The code, The decision]\n", "")
    write(tmp_path, text)

    message = refused(tmp_path)

    line = line_of(text, "- code: code-of-conduct")
    assert message.startswith(
        f"{NAME}, line {line}, entry 'code-of-conduct': missing translation 'evidence_examples_en'"
    )


def test_an_empty_translation_is_refused(db, tmp_path):
    write(tmp_path, WEIGHTED.replace("text_en: There is a reporting channel.", 'text_en: "  "'))

    assert "entry 'reporting': missing field 'text_en'" in refused(tmp_path)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("    min: 3\n", "    min: 2\n"), "thresholds overlap: tier 'moderate' and tier 'high'"),
        (("    min: 5\n", "    min: 6\n"), "thresholds leave a gap: totals from 5 to 5 have no tier"),
        (("    min: null\n    max: 2\n", "    min: 1\n    max: 2\n"), "totals from 0 to 0 have no tier"),
        (("    min: 5\n    max: null\n", "    min: 5\n    max: 5\n"), "totals from 6 to 6 have no tier"),
        (("    min: 5\n", "    min: 7\n    max: 9\n  - tier: extra\n    min: 10\n"), "unknown tier 'extra'"),
        (("  - tier: low\n", "  - tier: high\n"), "duplicate tier 'high'"),
    ],
)
def test_thresholds_that_overlap_or_leave_gaps_are_refused(db, tmp_path, change, expected):
    old, new = change
    write(tmp_path, WEIGHTED.replace(old, new, 1))

    message = refused(tmp_path)

    assert re.match(rf"{re.escape(NAME)}, line \d+", message), message
    assert expected in message


def test_thresholds_the_answers_cannot_reach_are_refused(db, tmp_path):
    # The highest total is 3 + 3 = 6: a tier from 7 can never be reached.
    text = WEIGHTED.replace("    min: 3\n    max: 4\n", "    min: 3\n    max: 6\n").replace(
        "    min: 5\n", "    min: 7\n"
    )
    write(tmp_path, text)

    message = refused(tmp_path)

    assert message.startswith(f"{NAME}, line {line_of(text, '- tier: low')}")
    assert "tier 'low' can never be reached: the highest total is 6" in message


def test_a_weighted_library_without_thresholds_is_refused(db, tmp_path):
    write(tmp_path, WEIGHTED.replace("thresholds:", "unused_thresholds:"))

    assert refused(tmp_path).startswith(f"{NAME}, line 1: a weighted library needs 'thresholds'")


def test_a_requirement_without_a_suggested_action_is_refused(db, tmp_path):
    text = MATURITY.split("    suggested_actions:\n      - title_nl: Richt")[0]
    write(tmp_path, text)

    message = refused(tmp_path)

    assert message.startswith(f"{NAME}, line {line_of(text, '- code: reporting')}, entry 'reporting':")
    assert "needs at least one suggested action" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("  - level: 5\n", "  - level: 4\n"), "duplicate level '4'"),
        (("  - level: 5\n", "  - level: 6\n"), "level 6 is outside the scale 0–5"),
        (("  - level: 0\n", "  - level: 7\n"), "level 7 is outside the scale 0–5"),
    ],
)
def test_maturity_levels_other_than_0_to_5_are_refused(db, tmp_path, change, expected):
    write(tmp_path, MATURITY.replace(*change))

    message = refused(tmp_path)

    assert re.match(rf"{re.escape(NAME)}, line \d+", message)
    assert expected in message


def test_a_missing_maturity_level_is_refused(db, tmp_path):
    text = MATURITY.replace(LEVELS, LEVELS.split("  - level: 5")[0])
    write(tmp_path, text)

    assert refused(tmp_path).startswith(
        f"{NAME}, line 1: the maturity scale needs exactly the levels 0 to 5 (missing: 5)"
    )


def test_an_unknown_area_is_refused(db, tmp_path):
    text = WEIGHTED.replace("    area: rules\n    text_nl: Er is een meldkanaal.", "    area: regels\n    text_nl: X.")
    write(tmp_path, text)

    assert refused(tmp_path).startswith(
        f"{NAME}, line {line_of(text, '- code: reporting')}, entry 'reporting': unknown area 'regels'"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('version: "1.0"', 'version: "1.0-beta"'), "version must be numbers separated by dots"),
        (("scoring: weighted", "scoring: stars"), "unknown scoring 'stars'"),
        (("code: check", "code: Check This"), "'code' must be a lowercase slug"),
        (("validity_years: 5", "validity_years: five"), "'validity_years' must be a whole number"),
        (("    weight: 3\n    label_nl: Ja", "    weight: lots\n    label_nl: Ja"), "'weight' must be a whole number"),
    ],
)
def test_other_bad_values_are_refused(db, tmp_path, change, expected):
    old, new = change
    write(tmp_path, WEIGHTED.replace(old, new, 1))

    message = refused(tmp_path)

    assert message.startswith(NAME)
    assert expected in message


def test_a_maturity_requirement_with_options_is_refused(db, tmp_path):
    options = '    options:\n      - code: "no"\n        weight: 0\n        label_nl: Nee\n        label_en: "No"\n'
    write(tmp_path, MATURITY.replace("    guidance_en: Ask staff.\n", "    guidance_en: Ask staff.\n" + options))

    assert "is answered on the 0–5 scale: no options" in refused(tmp_path)


def test_a_bad_library_rolls_back_the_other_files(db, tmp_path):
    write(tmp_path, MATURITY, "libraries/baseline.yaml")
    write(tmp_path, WEIGHTED.replace("area: rules", "area: nowhere", 1))

    with pytest.raises(CommandError, match="unknown area 'nowhere'"):
        load(tmp_path)

    assert not AssessmentLibrary.objects.exists()


def test_the_same_version_in_two_files_is_refused(db, tmp_path):
    write(tmp_path, WEIGHTED)
    write(tmp_path, WEIGHTED, "libraries/copy.yaml")

    with pytest.raises(CommandError, match=r"version 1.0 is already defined by libraries/check.yaml"):
        load(tmp_path)


# --- Versions ----------------------------------------------------------------------------------------


def test_an_unchanged_file_is_skipped(db, tmp_path):
    write(tmp_path, WEIGHTED)
    load(tmp_path)

    assert "unchanged, skipped" in load(tmp_path, verbosity=2)


def test_the_same_version_with_new_wording_updates_the_texts_in_place(db, tmp_path):
    write(tmp_path, WEIGHTED)
    load(tmp_path)
    requirement = Requirement.objects.get(code="reporting")
    ids = set(Requirement.objects.values_list("pk", flat=True))
    write(
        tmp_path,
        WEIGHTED.replace("There is a reporting channel.", "There is a safe reporting channel.")
        .replace("label_en: Partly", "label_en: In part")
        .replace("description_en: Anonymous too.", "description_en: Anonymous as well."),
    )

    output = load(tmp_path, verbosity=2)

    assert "0 created, 1 updated, 0 retired" in output
    assert "updated: requirement reporting" in output
    requirement.refresh_from_db()
    assert requirement.text_en == "There is a safe reporting channel."
    assert requirement.options.get(code="partly").label_en == "In part"
    assert requirement.suggested_actions.get().description_en == "Anonymous as well."
    assert set(Requirement.objects.values_list("pk", flat=True)) == ids, "the same rows, reworded"


OPTIONS_CHANGED = "requirement 'reporting': answer options or their weights changed"
WEIGHT_ADDED = "    area: rules\n    weight: 2\n    text_nl: Er is een meldkanaal."


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("      - code: partly\n", "      - code: somewhat\n"), OPTIONS_CHANGED),
        (("        weight: 1\n", "        weight: 2\n"), OPTIONS_CHANGED),
        (("    max: 2\n", "    max: 1\n", "    min: 3\n", "    min: 2\n"), "thresholds changed"),
        (("  - code: reporting\n", "  - code: hotline\n"), "added: hotline; requirements removed: reporting"),
        (
            ("    area: rules\n    text_nl: Er is een meldkanaal.", WEIGHT_ADDED),
            "requirement 'reporting': weight changed",
        ),
    ],
)
def test_the_same_version_with_another_structure_is_refused(db, tmp_path, change, expected):
    write(tmp_path, WEIGHTED)
    load(tmp_path)
    text = WEIGHTED
    for old, new in zip(change[::2], change[1::2], strict=True):
        text = text.replace(old, new, 1)
    write(tmp_path, text)

    with pytest.raises(CommandError) as error:
        load(tmp_path)

    message = str(error.value)
    assert message.startswith(f"{NAME}, line 1: library 'check' version 1.0 is already loaded with another structure")
    assert expected in message
    assert "give the file a new version (for example 1.1)" in message
    assert Requirement.objects.filter(code="reporting").exists(), "nothing changed"


def test_a_new_version_adds_rows_and_leaves_the_old_version_untouched(db, tmp_path):
    write(tmp_path, WEIGHTED)
    load(tmp_path)
    old = AssessmentLibrary.objects.get(code="check", version="1.0")
    # What an assessment holds on to: the exact requirement and option it was answered against.
    answered = Requirement.objects.get(library=old, code="reporting")
    chosen = answered.options.get(code="partly")
    old_rows = {
        model: sorted(model.objects.values_list("pk", flat=True))
        for model in (Requirement, AnswerOption, SuggestedAction, LibraryArea)
    }
    write(
        tmp_path,
        WEIGHTED.replace('version: "1.0"', 'version: "1.1"')
        .replace("      - code: partly\n        weight: 1\n", "      - code: partly\n        weight: 2\n")
        .replace("There is a reporting channel.", "There is a safe reporting channel."),
    )

    output = load(tmp_path)

    assert "(assessment_library, version 1.1): 3 created" in output
    assert list(AssessmentLibrary.objects.filter(code="check").values_list("version", flat=True)) == ["1.0", "1.1"]
    assert AssessmentLibrary.objects.current().get(code="check").version == "1.1"
    answered.refresh_from_db()
    chosen.refresh_from_db()
    assert (answered.library_id, answered.text_en, chosen.weight) == (old.pk, "There is a reporting channel.", 1)
    for model, pks in old_rows.items():
        assert set(pks) <= set(model.objects.values_list("pk", flat=True)), model
    new = Requirement.objects.get(library__version="1.1", code="reporting")
    assert new.pk != answered.pk
    assert new.options.get(code="partly").weight == 2


def test_a_library_can_be_retired_from_its_file(db, tmp_path):
    write(tmp_path, WEIGHTED)
    load(tmp_path)
    write(tmp_path, WEIGHTED.replace("validity_years: 5", "validity_years: 5\nretired: true"))

    load(tmp_path)

    assert AssessmentLibrary.objects.get(code="check").retired
    assert not AssessmentLibrary.objects.current().exists()
