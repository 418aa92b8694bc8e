"""The clause files: both languages everywhere, only known placeholders and choices, errors naming file and line."""

import shutil
from pathlib import Path

import pytest

from agreements.models import Agreement, ClauseSet
from framework.loader import ContentError, load_all
from tests.agreements.conftest import CLAUSE_FILE, make

HEAD = """kind: agreement_clauses
version: "1.0"
code: partnership-integrity
"""


def write(tmp_path: Path, body: str) -> Path:
    """The shipped file with `body` in place of its clauses (phrases kept), in a content folder of its own."""
    folder = tmp_path / "content"
    (folder / "agreements").mkdir(parents=True)
    shipped = CLAUSE_FILE.read_text()
    phrases = shipped[shipped.index("phrases:") : shipped.index("clauses:")]
    (folder / "agreements" / "test.yaml").write_text(HEAD + phrases + body)
    return folder


def error(folder: Path) -> str:
    with pytest.raises(ContentError) as exc:
        load_all(folder)
    return str(exc.value)


def line_of(folder: Path, needle: str) -> int:
    lines = (folder / "agreements" / "test.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_the_shipped_file_loads(db):
    folder_results = load_all(CLAUSE_FILE.parent.parent)
    assert any(r.kind == "agreement_clauses" and not r.skipped for r in folder_results)
    clause_set = ClauseSet.objects.get(code="partnership-integrity")
    assert clause_set.version == "1.0" and not clause_set.retired
    assert len(clause_set.content["clauses"]) == 10


def test_a_missing_language_is_refused_with_file_and_line(db, tmp_path):
    folder = write(
        tmp_path,
        """clauses:
  - code: parties
    heading_nl: Partijen
    heading_en: Parties
    paragraphs:
      - text_nl: Tussen {parties}.
""",
    )
    message = error(folder)
    assert message.startswith(f"agreements/test.yaml, line {line_of(folder, '- text_nl: Tussen')}:")
    assert "missing translation 'text_en'" in message


def test_an_unknown_placeholder_is_refused_with_file_and_line(db, tmp_path):
    folder = write(
        tmp_path,
        """clauses:
  - code: parties
    heading_nl: Partijen
    heading_en: Parties
    paragraphs:
      - text_nl: Tussen {parties}.
        text_en: Between {partys}.
""",
    )
    message = error(folder)
    assert message.startswith(f"agreements/test.yaml, line {line_of(folder, '- text_nl: Tussen')}:")
    assert "unknown placeholder '{partys}' in 'text_en'" in message
    assert not ClauseSet.objects.exists()


def test_a_placeholder_outside_its_choice_is_refused(db, tmp_path):
    folder = write(
        tmp_path,
        """clauses:
  - code: parties
    heading_nl: Partijen
    heading_en: Parties
    paragraphs:
      - text_nl: De alliantie {alliance}.
        text_en: The alliance {alliance}.
""",
    )
    assert "put the text under 'if: kind=alliance'" in error(folder)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("reportin=joint", "unknown choice 'reportin'"),
        ("reporting=jointly", "'jointly' is not a value of 'reporting'"),
        ("reporting", "unknown yes/no choice 'reporting'"),
    ],
)
def test_an_unknown_choice_is_refused(db, tmp_path, condition, expected):
    folder = write(
        tmp_path,
        f"""clauses:
  - code: reporting
    heading_nl: Meldingen
    heading_en: Reports
    paragraphs:
      - if: {condition}
        text_nl: Samen.
        text_en: Together.
""",
    )
    message = error(folder)
    assert expected in message
    assert f"line {line_of(folder, '- if:')}" in message


def test_a_missing_phrase_is_refused(db, tmp_path):
    folder = tmp_path / "content"
    (folder / "agreements").mkdir(parents=True)
    text = CLAUSE_FILE.read_text().replace("  - code: made-with\n", "  - code: made-by\n")
    (folder / "agreements" / "test.yaml").write_text(text)
    assert "unknown phrase 'made-by'" in error(folder)


def test_a_used_version_cannot_change_its_text(people, clause_set, partnership, tmp_path):
    make(people, partnership)
    folder = tmp_path / "content"
    (folder / "agreements").mkdir(parents=True)
    changed = CLAUSE_FILE.read_text().replace("Integrity agreement", "Integrity pact")
    (folder / "agreements" / "integrity-agreement.yaml").write_text(changed)
    assert "give the file a new version" in error(folder)

    # A new version is a new clause set; the old one stays, retired, for the agreement made from it.
    (folder / "agreements" / "integrity-agreement.yaml").write_text(changed.replace('version: "1.0"', 'version: "1.1"'))
    load_all(folder)
    current = ClauseSet.objects.current("partnership-integrity")
    assert current is not None and current.version == "1.1"
    assert Agreement.objects.get().clause_set.version == "1.0"
    assert ClauseSet.objects.get(version="1.0").retired


def test_an_unused_version_may_be_reworded(db, tmp_path):
    folder = tmp_path / "content"
    (folder / "agreements").mkdir(parents=True)
    shutil.copy(CLAUSE_FILE, folder / "agreements" / "integrity-agreement.yaml")
    load_all(folder)
    path = folder / "agreements" / "integrity-agreement.yaml"
    path.write_text(path.read_text().replace("Integrity agreement", "Integrity pact"))
    results = load_all(folder)
    assert results[0].changes.updated == ["clause set partnership-integrity 1.0"]
    assert ClauseSet.objects.get().content["phrases"]["title"]["en"] == "Integrity pact"
