"""load_framework: idempotent, updates what changed, retires what disappeared, and refuses bad files clearly."""

import re
import textwrap
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from framework.loader import LOADERS, STAGES, Changes, Document
from framework.models import GlossaryTerm, LoadedFile, ViolationSubtype, ViolationType
from tests.framework.conftest import load

TAXONOMY = """\
kind: taxonomy
version: "1"
types:
  - code: financial
    name_nl: Financiële schendingen
    name_en: Financial violations
    definition_nl: Geld onrechtmatig gebruikt.
    definition_en: Money used unlawfully.
    research_categories: [fraud_theft]
    subtypes:
      - code: fraud
        name_nl: Fraude
        name_en: Fraud
        definition_nl: Bewust misleiden voor voordeel.
        definition_en: Deceiving for gain.
        research_category: fraud_theft
      - code: theft
        name_nl: Diefstal
        name_en: Theft
        definition_nl: Wegnemen om te houden.
        definition_en: Taking to keep.
  - code: interpersonal
    name_nl: Interpersoonlijke schendingen
    name_en: Interpersonal violations
    definition_nl: Gedrag dat de waardigheid aantast.
    definition_en: Conduct that harms dignity.
    subtypes:
      - code: bullying
        name_nl: Pesten
        name_en: Bullying
        definition_nl: Herhaald kwetsen.
        definition_en: Repeatedly hurting.
"""

GLOSSARY = """\
kind: glossary
version: "1"
terms:
  - slug: reporter
    term_nl: Melder
    term_en: Reporter
    definition_nl: Wie een vermoeden meldt.
    definition_en: Who reports a concern.
    related: [whistleblower]
  - slug: whistleblower
    term_nl: Klokkenluider
    term_en: Whistleblower
    definition_nl: Melder van een misstand.
    definition_en: Reporter of wrongdoing.
    related: [reporter]
  - slug: consent
    term_nl: Toestemming
    term_en: Consent
    definition_nl: Een herroepbare keuze om te delen.
    definition_en: A revocable choice to share.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def content(tmp_path: Path) -> Path:
    write(tmp_path, "taxonomy.yaml", TAXONOMY)
    write(tmp_path, "glossary.yaml", GLOSSARY)
    return tmp_path


def test_first_load_creates_everything_and_records_the_files(db, content):
    output = load(content)

    assert "taxonomy.yaml (taxonomy, version 1): 5 created" in output
    assert "glossary.yaml (glossary, version 1): 3 created" in output
    assert set(ViolationType.objects.values_list("code", flat=True)) == {"financial", "interpersonal"}
    assert ViolationSubtype.objects.get(code="fraud").type.code == "financial"
    assert set(GlossaryTerm.objects.get(slug="reporter").related.values_list("slug", flat=True)) == {"whistleblower"}
    files = {f.name: f for f in LoadedFile.objects.all()}
    assert files["glossary.yaml"].kind == "glossary"
    assert files["glossary.yaml"].version == "1"
    assert len(files["glossary.yaml"].sha256) == 64


def test_second_run_skips_unchanged_files_and_changes_nothing(db, content):
    load(content)
    before = list(GlossaryTerm.objects.values()) + list(ViolationSubtype.objects.values())
    loaded_at = LoadedFile.objects.get(name="glossary.yaml").loaded_at

    output = load(content, verbosity=2)

    assert "glossary.yaml (glossary, version 1): unchanged, skipped" in output
    assert "0 of 2 files loaded" in output
    assert list(GlossaryTerm.objects.values()) + list(ViolationSubtype.objects.values()) == before
    assert LoadedFile.objects.get(name="glossary.yaml").loaded_at == loaded_at


def test_forced_reload_of_unchanged_content_reports_no_changes(db, content):
    load(content)

    output = load(content, force=True)

    assert "glossary.yaml (glossary, version 1): 0 created, 0 updated, 0 retired" in output
    assert "taxonomy.yaml (taxonomy, version 1): 0 created, 0 updated, 0 retired" in output


def test_a_changed_file_updates_its_entries(db, content):
    load(content)
    write(
        content,
        "glossary.yaml",
        GLOSSARY.replace('version: "1"', 'version: "2"')
        .replace("Who reports a concern.", "The person who reports a concern.")
        .replace("related: [reporter]", "related: [reporter, consent]"),
    )

    output = load(content, verbosity=2)

    assert "glossary.yaml (glossary, version 2): 0 created, 2 updated, 0 retired" in output
    assert "updated: term reporter" in output
    assert "updated: term whistleblower" in output
    assert GlossaryTerm.objects.get(slug="reporter").definition_en == "The person who reports a concern."
    assert set(GlossaryTerm.objects.get(slug="whistleblower").related.values_list("slug", flat=True)) == {
        "reporter",
        "consent",
    }
    assert LoadedFile.objects.get(name="glossary.yaml").version == "2"
    assert "taxonomy.yaml (taxonomy, version 1): unchanged, skipped" in output


def test_a_removed_entry_is_retired_not_deleted_and_comes_back_when_restored(db, content):
    load(content)
    without_consent = GLOSSARY.split("  - slug: consent")[0]
    write(content, "glossary.yaml", without_consent)

    output = load(content)

    assert "retired: term consent" in output
    consent = GlossaryTerm.objects.get(slug="consent")
    assert consent.retired
    assert set(GlossaryTerm.objects.active().values_list("slug", flat=True)) == {"reporter", "whistleblower"}

    write(content, "glossary.yaml", GLOSSARY)
    load(content)
    consent.refresh_from_db()
    assert not consent.retired


def test_a_removed_subtype_is_retired_and_a_moved_subtype_follows_its_new_type(db, content):
    load(content)
    changed = TAXONOMY.replace(
        """      - code: theft
        name_nl: Diefstal
        name_en: Theft
        definition_nl: Wegnemen om te houden.
        definition_en: Taking to keep.
""",
        "",
    ).replace(
        """      - code: bullying""",
        """      - code: theft
        name_nl: Diefstal
        name_en: Theft
        definition_nl: Wegnemen om te houden.
        definition_en: Taking to keep.
      - code: bullying""",
    )
    changed = changed.replace(
        """      - code: bullying
        name_nl: Pesten
        name_en: Bullying
        definition_nl: Herhaald kwetsen.
        definition_en: Repeatedly hurting.
""",
        "",
    )
    write(content, "taxonomy.yaml", changed)

    output = load(content)

    assert "retired: sub-type bullying" in output
    assert ViolationSubtype.objects.get(code="bullying").retired
    assert ViolationSubtype.objects.get(code="theft").type.code == "interpersonal"


def test_a_removed_type_is_retired_with_its_subtypes(db, content):
    load(content)
    write(content, "taxonomy.yaml", TAXONOMY.split("  - code: interpersonal")[0])

    output = load(content)

    assert "retired: type interpersonal" in output
    assert "retired: sub-type bullying" in output
    assert ViolationType.objects.get(code="interpersonal").retired


def test_malformed_yaml_names_the_file_and_line(db, content):
    write(content, "glossary.yaml", GLOSSARY + "  - slug: [unclosed\n")

    with pytest.raises(CommandError) as error:
        load(content)

    message = str(error.value)
    assert message.startswith("glossary.yaml, line ")
    assert "not valid YAML" in message


def test_a_syntax_error_anywhere_loads_nothing(db, content):
    write(content, "zz-broken.yaml", "kind: glossary\nversion: 1\nterms: [\n")

    with pytest.raises(CommandError, match=re.escape("zz-broken.yaml")):
        load(content)

    assert not GlossaryTerm.objects.exists()
    assert not ViolationType.objects.exists()


def test_a_missing_field_names_the_file_the_line_and_the_entry(db, content):
    write(content, "glossary.yaml", GLOSSARY.replace("    definition_en: Reporter of wrongdoing.\n", ""))

    with pytest.raises(CommandError) as error:
        load(content)

    assert str(error.value) == "glossary.yaml, line 10, entry 'whistleblower': missing field 'definition_en'"
    assert not GlossaryTerm.objects.exists(), "a file is loaded whole or not at all"


def test_a_missing_subtype_field_names_the_subtype(db, content):
    write(content, "taxonomy.yaml", TAXONOMY.replace("        name_en: Theft\n", ""))

    with pytest.raises(CommandError, match=r"taxonomy.yaml, line \d+, entry 'theft': missing field 'name_en'"):
        load(content)
    assert not GlossaryTerm.objects.exists(), "glossary.yaml loads first, and is rolled back with the bad file"


def test_a_duplicate_code_is_refused(db, content):
    write(content, "taxonomy.yaml", TAXONOMY.replace("code: theft", "code: fraud"))

    with pytest.raises(CommandError, match=r"taxonomy.yaml, line \d+, entry 'fraud': duplicate code 'fraud'"):
        load(content)
    assert not ViolationType.objects.exists()


def test_a_duplicate_slug_is_refused(db, content):
    write(content, "glossary.yaml", GLOSSARY.replace("slug: consent", "slug: reporter"))

    with pytest.raises(CommandError, match=r"duplicate slug 'reporter' \(first defined on line 4\)"):
        load(content)


def test_a_related_term_that_does_not_exist_is_refused(db, content):
    write(content, "glossary.yaml", GLOSSARY.replace("related: [reporter]", "related: [reporter, klokkenluider]"))

    with pytest.raises(CommandError) as error:
        load(content)

    assert "entry 'whistleblower'" in str(error.value)
    assert "related term 'klokkenluider' does not exist" in str(error.value)


def test_a_duplicated_yaml_key_is_refused(db, content):
    write(
        content,
        "glossary.yaml",
        GLOSSARY.replace("    term_en: Consent\n", "    term_en: Consent\n    term_en: Agreement\n"),
    )

    with pytest.raises(
        CommandError, match=re.escape("glossary.yaml, line 19: not valid YAML: duplicate key 'term_en'")
    ):
        load(content)


def test_a_code_that_is_not_a_slug_is_refused(db, content):
    write(content, "taxonomy.yaml", TAXONOMY.replace("code: bullying", "code: Bullying Mobbing"))

    with pytest.raises(CommandError, match="'code' must be a lowercase slug"):
        load(content)


def test_an_unknown_research_category_is_refused(db, content):
    write(content, "taxonomy.yaml", TAXONOMY.replace("research_category: fraud_theft", "research_category: embezzle"))

    with pytest.raises(CommandError, match="entry 'fraud': unknown research category 'embezzle'"):
        load(content)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nterms: []\n", "glossary.yaml: missing top-level field 'kind'"),
        ("kind: glossary\nterms: []\n", "glossary.yaml: missing top-level field 'version'"),
        ("kind: recipes\nversion: 1\n", "glossary.yaml: unknown kind 'recipes'"),
        ("- just a list\n", "glossary.yaml: the file must be a mapping"),
        ("kind: glossary\nversion: 1\nterms: []\n", "glossary.yaml, line 1: 'terms' must be a non-empty list"),
    ],
)
def test_the_top_of_a_file_is_checked(db, tmp_path, text, expected):
    write(tmp_path, "glossary.yaml", text)

    with pytest.raises(CommandError) as error:
        load(tmp_path)

    assert str(error.value).startswith(expected)


def test_an_empty_content_folder_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="No content files"):
        load(tmp_path)


def test_files_in_subfolders_are_loaded_under_their_relative_name(db, tmp_path):
    write(tmp_path, "languages/glossary.yaml", GLOSSARY)

    load(tmp_path)

    assert LoadedFile.objects.get().name == "languages/glossary.yaml"
    assert GlossaryTerm.objects.get(slug="consent").source == "languages/glossary.yaml"


def test_later_issues_add_a_kind_by_registering_a_loader(db, tmp_path, monkeypatch):
    seen: list[Document] = []

    def load_playbook(doc: Document) -> Changes:
        seen.append(doc)
        return Changes(created=[f"playbook {doc.data['code']}"])

    monkeypatch.setitem(LOADERS, "playbook", load_playbook)
    monkeypatch.setitem(STAGES, "playbook", 0)
    write(tmp_path, "playbooks/fraud.yaml", "kind: playbook\nversion: 3\ncode: fraud\n")

    output = load(tmp_path, verbosity=2)

    assert [doc.name for doc in seen] == ["playbooks/fraud.yaml"]
    assert seen[0].version == "3"
    assert "created: playbook fraud" in output
    assert LoadedFile.objects.get().kind == "playbook"
