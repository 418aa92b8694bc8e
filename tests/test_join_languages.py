"""The participants' pages of dilemma and power-awareness sessions (join/) in French and Spanish too.

People join these sessions from their phone without an account, often at a partner organisation abroad,
and choose their language among Dutch, English, French and Spanish (dialogue.models.PARTICIPANT_LANGUAGES).
So the French and Spanish catalogues must translate every message those pages show: their templates, the
public views, the forms used there, the step labels and prompts of a dilemma, the stages and the influence
scale of a power-awareness session, and what the site's base template shows a visitor without an account
(the power pages extend it). The rest of Samen is Dutch and English only.

The messages are found with the regexes of tests/speakup/test_public_languages.py; for modules that also
hold messages of the facilitators' pages, only the named classes, functions and assignments are read.
"""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.translation import trans_real

from dialogue.models import Session
from tests.power.conftest import open_session, partner, session  # noqa: F401  (fixtures, asked for by name)
from tests.speakup.test_public_languages import python_messages, template_messages

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATES = [
    BASE_DIR / "dialogue" / "templates" / "dialogue" / "public",
    BASE_DIR / "power" / "templates" / "power" / "public",
]
# Whole modules: every message in them is shown to participants.
PYTHON = [
    BASE_DIR / "dialogue" / "views" / "public.py",
    BASE_DIR / "dialogue" / "participants.py",
    BASE_DIR / "power" / "views" / "public.py",
]
# Modules that also serve the facilitators' pages: only these top-level names are read.
PARTS = {
    BASE_DIR / "dialogue" / "forms.py": ["JoinCodeForm", "JoinForm", "VoteForm"],
    BASE_DIR / "dialogue" / "models.py": ["Step"],
    BASE_DIR / "dialogue" / "running.py": ["STEP_PROMPTS"],
    BASE_DIR / "power" / "forms.py": ["JoinForm", "DecisionForm", "ScoresForm"],
    BASE_DIR / "power" / "models.py": ["Stage", "Influence", "influence_labels"],
}
# What templates/base.html shows a visitor without an account (the power pages extend it).
SITE_BASE = [
    "Skip to content",
    "Language",
    "Switch",
    "Main",
    "Shared language",
    "Log in",
    "Samen — integrity in partnerships and alliances.",
    "The shared language",
]


def _named(path: Path, names: list[str]) -> str:
    """The source of the top-level classes, functions and assignments of `path` called `names`."""
    text = path.read_text()
    found: dict[str, str] = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            name = node.name
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
        else:
            continue
        if name in names:
            found[name] = ast.get_source_segment(text, node) or ""
    missing = set(names) - set(found)
    assert not missing, f"{path.relative_to(BASE_DIR)} no longer defines {sorted(missing)}: update PARTS"
    return "\n".join(found.values())


def _singular(message: str) -> str:
    # A {% blocktranslate count %} block is found whole: its msgid is the singular, whitespace trimmed.
    return " ".join(re.split(r"{%\s*plural\s*%}", message)[0].split())


def join_messages() -> list[str]:
    messages = [
        _singular(m)
        for folder in TEMPLATES
        for path in sorted(folder.rglob("*.html"))
        for m in template_messages(path.read_text())
    ]
    messages += [m for path in PYTHON for m in python_messages(path.read_text())]
    messages += [m for path, names in PARTS.items() for m in python_messages(_named(path, names))]
    return sorted(set(messages + SITE_BASE))


def test_the_extraction_finds_the_messages():
    messages = join_messages()
    for expected in [
        "Join a session",  # dialogue template
        "You scored %(counter)s decision.",  # power template, plural
        "No session has this code. Check it and try again.",  # dialogue view
        "These scores cannot be counted: the session has moved on or ended.",  # power view
        "The eight letters and digits on the facilitator's screen.",  # dialogue form
        "I am from",  # power form
        "Stakeholders and their interests",  # a step
        "Who is affected — in our organisation, at the partner, in the community — and what do they need?",
        "Score who holds the influence",  # a stage
        "Mostly %(name)s",  # the scale
        "Step %(n)s of %(total)s: %(label)s",  # blocktranslate with variables
    ]:
        assert expected in messages
    # Only the participants' parts of the shared modules: nothing of the facilitators' forms.
    assert "Search the library" not in messages
    assert "Same decision as" not in messages
    assert len(messages) > 80


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_join_message_is_translated(lang):
    catalogue = polib.pofile(str(BASE_DIR / "locale" / lang / "LC_MESSAGES" / "django.po"))
    translated = {e.msgid for e in catalogue if (e.msgstr or all(e.msgstr_plural.values())) and "fuzzy" not in e.flags}
    missing = [m for m in join_messages() if m not in translated]
    assert not missing, f"{len(missing)} join-page message(s) without a {lang} translation: {missing[:20]}"


@pytest.fixture
def compiled_translations() -> None:
    call_command("compile_translations", verbosity=0)
    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]


WORDS = {
    # The code form of /join/, and its answer to a code no session has.
    "start": {"fr": "Rejoindre une session", "es": "Unirse a una sesión"},
    "unknown": {"fr": "Aucune session n’a ce code", "es": "Ninguna sesión tiene este código"},
    # The power-awareness session's join page (it extends the site's base template).
    "power": {"fr": "Je viens de", "es": "Vengo de"},
}


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_join_pages_speak_french_and_spanish(request, lang, compiled_translations):
    live: Session = request.getfixturevalue("open_session")
    client = Client()
    pages = {
        "start": client.get(f"/join/?lang={lang}"),
        "unknown": client.get(f"/join/?lang={lang}&code=ZZZZ2222"),
        "power": client.get(reverse("power_join:enter", kwargs={"code": live.join_code}) + f"?lang={lang}"),
    }
    assert pages["start"].status_code == pages["power"].status_code == 200
    assert pages["unknown"].status_code == 404
    for name, response in pages.items():
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html, name
        assert response["Content-Language"] == lang, name
        assert WORDS[name][lang] in html, name
    assert "Join a session" not in pages["start"].content.decode()
    assert "No session has this code" not in pages["unknown"].content.decode()
    assert "I am from" not in pages["power"].content.decode()
    assert "Skip to content" not in pages["power"].content.decode()


def test_a_participant_who_chose_spanish_reads_the_room_in_spanish(request, compiled_translations):
    live: Session = request.getfixturevalue("open_session")
    kampala = request.getfixturevalue("partner").org
    client = Client()
    url = reverse("power_join:enter", kwargs={"code": live.join_code})
    joined = client.post(url, {"side": str(kampala.code), "display_name": "", "language": "es"})
    assert joined.status_code == 302
    room = client.get(joined["Location"])
    html = room.content.decode()
    assert room.status_code == 200 and '<html lang="es">' in html
    assert "List the decisions" not in html
    assert "Add the decision" not in html
