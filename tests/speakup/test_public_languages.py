"""Every public speak-up page in NL, EN, FR and ES, under 100 KB, without inline script or style.

The French and Spanish catalogues must translate every message of the public pages (the rest of Samen
is Dutch and English only, so other entries there may stay empty). The messages are found with a small
regex over the public templates, the public forms and views; the Dutch catalogue has its own test.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils.translation import trans_real

from tests.speakup.conftest import Handler
from tests.speakup.test_public_support import (  # noqa: F401  (fixtures)
    no_traces_middleware,
    quick_public_settings,
    receipt_of,
    submit,
    url,
)

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATES = BASE_DIR / "speakup" / "templates" / "speakup" / "public"
PYTHON = [BASE_DIR / "speakup" / "forms_public.py", BASE_DIR / "speakup" / "views" / "public.py"]
# Shown on the follow-up page from speakup/models.py.
MODEL_LABELS = ["New", "Receipt acknowledged", "In progress", "Closed"]
LIMIT = 100 * 1024
STRING = r'"((?:[^"\\]|\\.)*)"'


def template_messages(text: str) -> list[str]:
    found = re.findall(r"{%\s*translate\s+" + STRING, text)
    found += re.findall(r"{%\s*translate\s+'((?:[^'\\]|\\.)*)'", text)
    for block in re.findall(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", text, re.DOTALL):
        found.append(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", block))
    return found


def python_messages(text: str) -> list[str]:
    found = []
    for call in re.findall(r"\b(?:_|gettext|gettext_noop|gettext_lazy)\(\s*((?:" + STRING + r"\s*)+)[,)]", text):
        found.append("".join(re.findall(STRING, call[0])))
    found += re.findall(r"ngettext\(\s*" + STRING, text)
    return found


def public_messages() -> list[str]:
    messages = [m for path in sorted(TEMPLATES.rglob("*.html")) for m in template_messages(path.read_text())]
    messages += [m for path in PYTHON for m in python_messages(path.read_text())]
    return sorted(set(messages + MODEL_LABELS))


def test_the_extraction_finds_the_messages():
    messages = public_messages()
    assert "Make a report" in messages
    assert "Report a concern to %(name)s" in messages
    assert (
        "This channel receives many reports right now. Your text is kept: please wait a few minutes and send it again."
        in messages
    )
    assert len(messages) > 80


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_public_message_is_translated(lang):
    catalogue = polib.pofile(str(BASE_DIR / "locale" / lang / "LC_MESSAGES" / "django.po"))
    translated = {e.msgid for e in catalogue if (e.msgstr or all(e.msgstr_plural.values())) and "fuzzy" not in e.flags}
    missing = [m for m in public_messages() if m not in translated]
    assert not missing, f"{len(missing)} public speak-up message(s) without a {lang} translation: {missing[:20]}"


@pytest.fixture
def compiled_translations() -> None:
    call_command("compile_translations", verbosity=0)
    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]


def every_page(client: Client, handler: Handler, lang: str) -> dict[str, str]:
    """Every public page in one language, the follow-up included (after a real submit and receipt login)."""
    channel = handler.channel
    pages = {name: client.get(url(name, channel, lang)) for name in ("home", "report", "receipt_login")}
    pages["channel"] = client.get(f"/speak-up/{channel.slug}/", headers={"accept-language": lang})
    pages["errors"] = submit(client, channel, lang, what="")
    pages["receipt"] = submit(client, channel, lang)
    client.post(url("receipt_login", channel, lang), {"receipt": receipt_of(pages["receipt"])})
    pages["followup"] = client.get(url("followup", channel, lang))
    for name, response in pages.items():
        assert response.status_code == 200, name
    return {name: response.content.decode() for name, response in pages.items()}


WORDS: dict[str, str | None] = {
    "nl": None,  # from the Dutch catalogue, whatever it says; the page must still be marked Dutch
    "en": "Make a report",
    "fr": "Faire un signalement",
    "es": "Hacer un informe",
}


@pytest.mark.parametrize("lang", ["nl", "en", "fr", "es"])
def test_every_page_renders_in_each_language_small_and_without_inline_code(
    handler: Handler, lang, compiled_translations
):
    pages = every_page(Client(), handler, lang)
    for name, html in pages.items():
        assert f'<html lang="{lang}">' in html, name
        assert len(html.encode()) < LIMIT, f"{name} is {len(html.encode())} bytes"
        assert "<script" not in html and "<style" not in html and " style=" not in html and " on" + "click=" not in html
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
        word = WORDS[lang]
        if word:
            assert word in html or name in ("receipt", "followup", "errors"), name
    if lang in ("fr", "es"):
        assert "Make a report" not in pages["home"]


def test_the_stylesheets_keep_the_pages_under_the_limit(handler: Handler):
    html = Client().get(url("report", handler.channel)).content
    css = sum(len((BASE_DIR / "static" / "css" / name).read_bytes()) for name in ("samen.css", "speakup.css"))
    assert len(html) + css < LIMIT


def test_the_language_is_in_the_url_never_in_a_cookie(handler: Handler):
    response = Client().get(url("home", handler.channel, "es"))
    assert response["Content-Language"] == "es"
    assert not response.cookies
    assert Client().get(url("home", handler.channel, "de")).status_code == 404
    handler.channel.languages = ["fr"]
    handler.channel.save()
    assert Client().get(url("home", handler.channel, "en")).status_code == 404
    assert '<html lang="fr">' in Client().get(f"/speak-up/{handler.channel.slug}/").text
