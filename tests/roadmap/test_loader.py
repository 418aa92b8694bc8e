"""The roadmap file loads through the framework loader; bad files are refused with file and line."""

import shutil
from pathlib import Path

import pytest

from framework.loader import ContentError, load_all
from framework.models import LoadedFile
from roadmap.models import SIZES, Block, Phase, Step
from tests.roadmap.helpers import ROADMAP_FILE, load_real_roadmap

GOOD = """\
kind: roadmap
version: "1.0"
code: test-roadmap
name_nl: Test
name_en: Test
blocks:
  - {code: repressive, name_nl: Repressief, name_en: Repressive}
phases:
  - {code: start, name_nl: Start, name_en: Start}
steps:
  - code: one
    block: repressive
    phase: start
    sizes: [A, B, C, D]
    title_nl: Een
    title_en: One
    why_nl: Waarom
    why_en: Why
    done_nl: Klaar
    done_en: Done
    guide: [a-page-that-does-not-exist-yet]
"""


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "content" / "roadmap"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test.yaml").write_text(text)
    return tmp_path / "content"


def test_the_shipped_roadmap_loads_with_every_text_in_both_languages(db):
    changes = load_real_roadmap()
    steps = list(Step.objects.select_related("block", "phase"))
    assert 20 <= len(steps) <= 35
    assert len(changes.created) == 1 + 4 + 4 + len(steps)
    assert list(Block.objects.values_list("code", flat=True)) == [
        "repressive",
        "preventive",
        "moral-learning",
        "accountability",
    ]
    assert Phase.objects.count() == 4
    for step in steps:
        for field in ("title", "why", "done"):
            assert getattr(step, f"{field}_nl") and getattr(step, f"{field}_en"), (step.code, field)
        assert step.sizes and set(step.sizes) <= set(SIZES)
        assert len(step.evidence_examples_nl.splitlines()) == len(step.evidence_examples_en.splitlines())
        for texts in step.how.values():
            assert texts["nl"] and texts["en"]
    # Every block has steps for the smallest organisations too.
    assert {s.block.code for s in steps if "A" in s.sizes} == set(Block.objects.values_list("code", flat=True))


def test_loading_again_changes_nothing_and_is_skipped_by_load_all(db, tmp_path):
    content = tmp_path / "content"
    (content / "roadmap").mkdir(parents=True)
    shutil.copy(ROADMAP_FILE, content / "roadmap" / ROADMAP_FILE.name)
    first = load_all(content)
    assert not first[0].skipped and first[0].version == "1.0"
    assert LoadedFile.objects.get(name="roadmap/integrity-system.yaml").kind == "roadmap"
    assert load_all(content)[0].skipped
    assert not load_real_roadmap()


def test_a_guide_page_that_does_not_exist_does_not_fail_the_load(db, tmp_path):
    load_all(write(tmp_path, GOOD))
    assert Step.objects.get(code="one").guide_pages == ["a-page-that-does-not-exist-yet"]


def test_a_step_removed_from_the_file_is_retired_and_changed_wording_is_updated(db, tmp_path):
    content = write(tmp_path, GOOD + GOOD.split("steps:\n")[1].replace("code: one", "code: two"))
    load_all(content)
    assert Step.objects.active().count() == 2
    results = load_all(write(tmp_path, GOOD.replace("title_en: One", "title_en: The first")))
    assert results[0].changes.retired == ["step two"]
    assert Step.objects.get(code="two").retired
    assert Step.objects.get(code="one").title_en == "The first"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("block: repressive\n    phase", "block: nowhere\n    phase"),
            "line 11, entry 'one': unknown block 'nowhere'",
        ),
        (("sizes: [A, B, C, D]", "sizes: [A, E]"), "unknown size category 'E'"),
        (("sizes: [A, B, C, D]", "sizes: []"), "'sizes' must list"),
        (("    title_en: One\n", ""), "missing field 'title_en'"),
        (("    why_nl: Waarom\n", ""), "missing field 'why_nl'"),
        (("sizes: [A, B, C, D]", "sizes: [C, D]"), "no step applies to size category A"),
        (("    guide: [a-page-that-does-not-exist-yet]", "    guide: [Not A Slug]"), "guide page slugs"),
        (
            ("    guide: [a-page-that-does-not-exist-yet]", "    how: {A: {nl: Klein}}"),
            "'how' for size A needs exactly 'nl' and 'en'",
        ),
        (('version: "1.0"', "version: first"), "version must be numbers"),
    ],
)
def test_bad_files_are_refused_with_file_line_and_entry(db, tmp_path, change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(ContentError) as error:
        load_all(write(tmp_path, GOOD.replace(old, new)))
    assert str(error.value).startswith("roadmap/test.yaml")
    assert message in str(error.value)
    assert not Step.objects.exists()


def test_how_must_explain_a_size_the_step_applies_to(db, tmp_path):
    text = GOOD.replace("sizes: [A, B, C, D]", "sizes: [A, B, C, D]\n    how: {E: {nl: x, en: y}}")
    with pytest.raises(ContentError, match="does not apply to it"):
        load_all(write(tmp_path, text))


def test_a_duplicate_step_is_refused(db, tmp_path):
    with pytest.raises(ContentError, match="duplicate step 'one'"):
        load_all(write(tmp_path, GOOD + GOOD.split("steps:\n")[1]))
