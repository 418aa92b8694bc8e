"""The `dilemma` kind of content file: the starter library loads, and bad files are refused with file and line."""

import shutil
from pathlib import Path

import pytest

from dilemmas.loader import one_question
from dilemmas.models import Context, Dilemma, Option, Status
from framework.loader import ContentError, load_all
from framework.models import LoadedFile
from tests.dilemmas.conftest import STARTERS, content_with_taxonomy

GOOD = """\
kind: dilemma
version: "1.0"
dilemmas:
  - code: first
    context: alliance
    tags: [fraud, abuse-of-power]
    title_nl: Eerste
    title_en: First
    situation_nl: Iets gebeurde.
    situation_en: Something happened.
    question_nl: Wat doe je?
    question_en: What do you do?
    options:
      - {nl: Een, en: One}
      - {nl: Twee, en: Two}
      - {nl: Drie, en: Three}
    reflection_nl: Weeg het.
    reflection_en: Weigh it.
    variations:
      - {nl: Wat als?, en: What if?}
  - code: second
    context: supplier
    tags: [corruption]
    title_nl: Tweede
    title_en: Second
    situation_nl: Nog iets.
    situation_en: Something else.
    question_nl: Betaal je?
    question_en: Do you pay?
    options:
      - {nl: Ja, en: "Yes"}
      - {nl: Nee, en: "No"}
      - {nl: Later, en: Later}
      - {nl: Nooit, en: Never}
    reflection_nl: Denk na.
    reflection_en: Think.
    variations:
      - {nl: Wat als het meer is?, en: What if it is more?}
"""


def write(folder: Path, text: str, name: str = "test.yaml") -> Path:
    (folder / "dilemmas").mkdir(exist_ok=True)
    (folder / "dilemmas" / name).write_text(text)
    return folder


def test_the_whole_framework_loads_with_at_least_25_starter_dilemmas_in_both_languages(db):
    results = load_all()
    loaded = [r for r in results if r.kind == "dilemma"]
    assert len(loaded) == len(list(STARTERS.glob("*.yaml"))) >= 5
    starters = list(Dilemma.objects.framework().prefetch_related("options", "variations", "types", "subtypes"))
    assert len(starters) >= 25
    for dilemma in starters:
        assert dilemma.status == Status.PUBLISHED and dilemma.languages == "nl,en" and not dilemma.retired
        for field in ("title", "situation", "question", "reflection"):
            assert getattr(dilemma, f"{field}_nl") and getattr(dilemma, f"{field}_en"), (dilemma.slug, field)
        assert one_question(dilemma.question_nl) and one_question(dilemma.question_en), dilemma.slug
        options = list(dilemma.options.all())
        assert 3 <= len(options) <= 4 and [o.position for o in options] == list(range(1, len(options) + 1))
        assert all(o.text_nl and o.text_en for o in options)
        assert 1 <= len(dilemma.variations.all()) <= 2
        assert dilemma.tags, dilemma.slug
        assert dilemma.search_text, dilemma.slug
    # About partnerships: the library covers the contexts partnerships have, not one of them.
    assert len({d.context for d in starters}) >= 6
    assert Context.ALLIANCE in {d.context for d in starters}
    # Loading again changes nothing and skips the files.
    assert all(r.skipped for r in load_all() if r.kind == "dilemma")


def test_loading_creates_options_in_order_and_tags_of_both_levels(db, tmp_path):
    folder = write(content_with_taxonomy(tmp_path), GOOD)
    result = next(r for r in load_all(folder) if r.kind == "dilemma")
    assert result.changes.created == ["dilemma first", "dilemma second"]
    first = Dilemma.objects.get(slug="first")
    assert [o.text_en for o in first.options.all()] == ["One", "Two", "Three"]
    assert [t.code for t in first.types.all()] == ["abuse-of-power"]
    assert [s.code for s in first.subtypes.all()] == ["fraud"]
    assert first.organisation is None and first.source == "dilemmas/test.yaml"
    assert LoadedFile.objects.get(name="dilemmas/test.yaml").kind == "dilemma"


def test_rewording_an_option_keeps_its_row_and_a_removed_dilemma_is_retired(db, tmp_path):
    folder = write(content_with_taxonomy(tmp_path), GOOD)
    load_all(folder)
    ids = list(Option.objects.filter(dilemma__slug="first").values_list("pk", flat=True))
    second = Dilemma.objects.get(slug="second")
    changed = GOOD.replace("{nl: Twee, en: Two}", "{nl: Twee keer, en: Twice}")
    changed = changed[: changed.index("  - code: second")]
    write(folder, changed)
    result = next(r for r in load_all(folder) if r.kind == "dilemma")
    assert result.changes.updated == ["dilemma first"] and result.changes.retired == ["dilemma second"]
    assert list(Option.objects.filter(dilemma__slug="first").values_list("pk", flat=True)) == ids
    assert Option.objects.get(pk=ids[1]).text_en == "Twice"
    second.refresh_from_db()
    assert second.retired and Option.objects.filter(dilemma=second).count() == 4  # retired, not deleted
    assert "twice" in Dilemma.objects.get(slug="first").search_text.lower()


def test_a_dilemma_defined_in_two_files_is_refused(db, tmp_path):
    folder = write(content_with_taxonomy(tmp_path), GOOD)
    load_all(folder)
    write(folder, GOOD.replace("code: second", "code: third"), name="other.yaml")
    with pytest.raises(ContentError, match=r"dilemmas/other.yaml.*'first' is already defined by dilemmas/test.yaml"):
        load_all(folder)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("context: supplier", "context: market"), r"line 21, entry 'second': unknown context 'market'"),
        (("tags: [corruption]", "tags: [bribes]"), r"line 21, entry 'second': unknown tag 'bribes'"),
        (("tags: [corruption]", "tags: []"), r"line 21, entry 'second': 'tags' must list one or more"),
        (("question_en: Do you pay?", "question_en: Do you pay? Or not?"), r"line 21.*'question_en' must be one"),
        (("question_nl: Betaal je?", "question_nl: Je betaalt."), r"line 21.*'question_nl' must be one question"),
        (("      - {nl: Nooit, en: Never}\n", ""), None),
        (("      - {nl: Drie, en: Three}\n", ""), r"line 4, entry 'first': 'options' must list 3 to 4"),
        (
            ("      - {nl: Later, en: Later}\n", "      - {nl: Later, en: Later}\n      - {nl: X, en: Y}\n"),
            r"line 21.*3 to 4",
        ),
        (("      - {nl: Een, en: One}", "      - {nl: Een}"), r"line 4.*needs exactly 'nl' and 'en'"),
        (("    title_en: Second\n", ""), r"line 21, entry 'second': missing field 'title_en'"),
        (("    reflection_en: Think.\n", "    reflectoin_en: Think.\n"), r"line 21.*unknown field\(s\) reflectoin_en"),
        (
            ("code: second", "code: first"),
            r"line 21, entry 'first': duplicate dilemma 'first' \(first defined on line 4\)",
        ),
        (("code: second", "code: Second One"), r"line 21: 'code' must be a lowercase slug"),
        (
            ("    variations:\n      - {nl: Wat als het meer is?, en: What if it is more?}\n", ""),
            r"line 21.*'variations'",
        ),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_nothing_is_written(db, tmp_path, change, message):
    old, new = change
    assert old in GOOD
    folder = write(content_with_taxonomy(tmp_path), GOOD.replace(old, new))
    if message is None:  # three courses of action are enough
        load_all(folder)
        assert Dilemma.objects.get(slug="second").options.count() == 3
        return
    with pytest.raises(ContentError, match=f"dilemmas/test.yaml, {message}"):
        load_all(folder)
    assert not Dilemma.objects.exists()


def test_a_dilemma_file_without_the_taxonomy_is_refused(db, tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copytree(STARTERS, folder / "dilemmas")
    with pytest.raises(ContentError, match="unknown tag"):
        load_all(folder)
