"""Every page has Dutch and English: the Dutch catalogue is complete, translated and not fuzzy."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape
from django.utils.translation import trans_real

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"
IN_CI = os.environ.get("CI", "").lower() == "true"

# What `make messages` leaves out; the copy below leaves out the same, plus what holds no text to translate.
NOT_SOURCE = {".git", ".venv", "node_modules", "tests", "bench", "docs", "staticfiles", "media", "static"}

needs_catalogue = pytest.mark.skipif(
    not CATALOGUE.exists(), reason="no catalogue yet: run `make messages` to create locale/nl/LC_MESSAGES/django.po"
)


def describe(entries: list[polib.POEntry]) -> str:
    return "\n".join(f"  - {entry.msgid[:100]!r}" for entry in entries[:30])


@needs_catalogue
def test_every_dutch_message_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = catalogue.untranslated_entries()
    fuzzy = [entry for entry in catalogue.fuzzy_entries() if not entry.obsolete]
    assert not untranslated, f"{len(untranslated)} Dutch message(s) without a translation:\n{describe(untranslated)}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy Dutch message(s) to check and unmark:\n{describe(fuzzy)}"


@needs_catalogue
def test_the_catalogue_has_every_message_in_the_code(tmp_path):
    """Extract the messages again from a copy of the project and merge them: nothing may be new."""
    missing = [tool for tool in ("xgettext", "msgmerge") if shutil.which(tool) is None]
    if missing:
        message = f"GNU gettext is not installed ({', '.join(missing)} missing): cannot re-extract messages"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)

    # Work on a copy: makemessages writes next to the sources it finds, and must not touch the real catalogue.
    copy = tmp_path / "samen"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=lambda directory, names: [
            n for n in names if n in NOT_SOURCE or n.endswith((".sqlite3", ".mo")) or n == "__pycache__"
        ],
    )
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "nl", "--no-obsolete", "--no-location"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr

    before = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(CATALOGUE))}
    merged = polib.pofile(str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    new = [entry for entry in merged if (entry.msgctxt, entry.msgid) not in before]
    untranslated = merged.untranslated_entries()
    fuzzy = [entry for entry in merged.fuzzy_entries() if not entry.obsolete]
    hint = "Run `make messages`, translate the new entries in locale/nl/LC_MESSAGES/django.po, and commit it."
    assert not new, f"{len(new)} message(s) in the code are not in the catalogue:\n{describe(new)}\n{hint}"
    assert not untranslated, f"Untranslated after re-extraction:\n{describe(untranslated)}\n{hint}"
    assert not fuzzy, f"Fuzzy after re-extraction:\n{describe(fuzzy)}\n{hint}"


@pytest.fixture
def compiled_translations() -> None:
    """The .mo files as `make translations` builds them, and Django reading the fresh ones."""
    call_command("compile_translations", verbosity=0)
    # Django caches catalogues per process; one compiled after the first request would go unseen.
    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]


@needs_catalogue
def test_home_page_speaks_dutch_and_english(db, compiled_translations):
    dutch = Client(headers={"accept-language": "nl"}).get("/")
    english = Client(headers={"accept-language": "en"}).get("/")

    assert dutch.status_code == english.status_code == 200
    assert '<html lang="nl">' in dutch.text
    assert '<html lang="en">' in english.text
    catalogue = polib.pofile(str(CATALOGUE))
    # The Dutch words come from the catalogue ("Inloggen" or whatever the translator chose).
    for english_text in ["Samen: integrity in partnerships and alliances", "Log in"]:
        entry = catalogue.find(english_text)
        assert entry is not None and entry.msgstr, f"{english_text!r} has no Dutch translation"
        translated = escape(entry.msgstr)
        assert f">{translated}<" in dutch.text
        assert f">{english_text}<" in english.text
        if entry.msgstr != english_text:
            assert f">{english_text}<" not in dutch.text
            assert f">{translated}<" not in english.text


def test_catalogues_are_compiled_beside_and_renamed_into_place(tmp_path, settings, monkeypatch):
    """A reader never sees half a .mo file: it is written under another name, then renamed over the old one."""
    messages = tmp_path / "nl" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="Hello", msgstr="Hallo"))
    catalogue.save(str(messages / "django.po"))
    (messages / "django.mo").write_bytes(b"the old catalogue")
    os.utime(messages / "django.mo", (0, 0))  # older than the .po: compiled again
    settings.LOCALE_PATHS = [tmp_path]
    written: list[str] = []
    save = polib.POFile.save_as_mofile

    def recorded(po: polib.POFile, path: str) -> None:
        written.append(path)
        save(po, path)

    monkeypatch.setattr(polib.POFile, "save_as_mofile", recorded)
    call_command("compile_translations", verbosity=0)
    assert written and all(not path.endswith("/django.mo") for path in written)
    assert sorted(p.name for p in messages.iterdir()) == ["django.mo", "django.po"]  # nothing left behind
    hello = polib.mofile(str(messages / "django.mo")).find("Hello")
    assert hello is not None and hello.msgstr == "Hallo"
