"""The security baseline: settings from the environment, headers, error pages, and pages without inline code."""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

import samen.urls
from samen.settings import env, envbool, envint

# This module doubles as a urlconf (see `error_urls`): the project's routes plus views that fail on purpose.


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    *samen.urls.urlpatterns,
    path("test-forbidden/", forbidden, name="test_forbidden"),
    path("test-broken/", broken, name="test_broken"),
]
handler400 = samen.urls.handler400
handler403 = samen.urls.handler403
handler404 = samen.urls.handler404
handler500 = samen.urls.handler500

BASE_DIR = Path(settings.BASE_DIR)


# Environment helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "TRUE", " On "])
def test_envbool_reads_true(monkeypatch, value):
    monkeypatch.setenv("SAMEN_TEST_FLAG", value)
    assert envbool("SAMEN_TEST_FLAG", False) is True


@pytest.mark.parametrize("value", ["0", "false", "no", "off", ""])
def test_envbool_reads_false(monkeypatch, value):
    monkeypatch.setenv("SAMEN_TEST_FLAG", value)
    assert envbool("SAMEN_TEST_FLAG", True) is False


def test_envbool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("SAMEN_TEST_FLAG", raising=False)
    assert envbool("SAMEN_TEST_FLAG", True) is True
    assert envbool("SAMEN_TEST_FLAG", False) is False


@pytest.mark.parametrize("value", ["maybe", "2", "ja"])
def test_envbool_refuses_anything_else(monkeypatch, value):
    monkeypatch.setenv("SAMEN_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="SAMEN_TEST_FLAG"):
        envbool("SAMEN_TEST_FLAG", False)


def test_envint(monkeypatch):
    monkeypatch.delenv("SAMEN_TEST_NUMBER", raising=False)
    assert envint("SAMEN_TEST_NUMBER", 12) == 12
    monkeypatch.setenv("SAMEN_TEST_NUMBER", "30")
    assert envint("SAMEN_TEST_NUMBER", 12) == 30
    for bad in ["twelve", "1.5", ""]:
        monkeypatch.setenv("SAMEN_TEST_NUMBER", bad)
        with pytest.raises(ImproperlyConfigured, match="SAMEN_TEST_NUMBER"):
            envint("SAMEN_TEST_NUMBER", 12)


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-the-file\n")
    monkeypatch.setenv("SAMEN_TEST_SECRET", "from-the-variable")
    monkeypatch.setenv("SAMEN_TEST_SECRET_FILE", str(secret))
    # The file wins, without its trailing newline.
    assert env("SAMEN_TEST_SECRET") == "from-the-file"


def test_an_unreadable_secret_file_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SAMEN_TEST_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SAMEN_TEST_SECRET_FILE"):
        env("SAMEN_TEST_SECRET")


def load_settings(**variables: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with only the given variables set (plus PATH)."""
    code = (
        "import samen.settings as s; "
        "print(s.DEBUG, s.SECRET_KEY, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_debug_is_off_unless_asked_and_then_a_secret_key_is_required():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_from_a_secret_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("a-long-random-production-secret\n")
    result = load_settings(SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr
    # DEBUG off; the key from the file; HTTPS-only cookies, HSTS for a year, redirect to HTTPS.
    assert result.stdout.split() == ["False", "a-long-random-production-secret", "True", "31536000", "True"]


@pytest.mark.parametrize(("variables", "disabled"), [({}, "True"), ({"DATABASE_SERVER_SIDE_CURSORS": "1"}, "False")])
def test_postgresql_uses_client_side_cursors_unless_asked(variables, disabled):
    """PgBouncer's transaction pooling (README) needs client-side cursors; on SQLite the option is left as it was."""
    code = "import samen.settings as s; print(s.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS'))"
    environment = {"PATH": os.environ.get("PATH", ""), "DEBUG": "1"}
    postgres = {**environment, "DATABASE_URL": "postgres://samen@127.0.0.1:5432/samen", **variables}
    for env_vars, expected in ((postgres, disabled), (environment, "False")):
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=BASE_DIR, env=env_vars, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected


def test_a_bad_boolean_stops_the_start(tmp_path):
    result = load_settings(DEBUG="sometimes")
    assert result.returncode != 0
    assert "DEBUG='sometimes' is not a boolean" in result.stderr


# Security headers ---------------------------------------------------------------------------------


@pytest.fixture
def home_response(db):
    return Client().get(reverse("home"))


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_content_security_policy_allows_only_this_site(home_response):
    header = home_response.headers["Content-Security-Policy"]
    directives = csp_directives(header)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "http" not in header, "no other origin is allowed"


def test_other_security_headers(home_response):
    assert home_response.headers["X-Frame-Options"] == "DENY"
    assert home_response.headers["Referrer-Policy"] == "same-origin"
    assert home_response.headers["X-Content-Type-Options"] == "nosniff"
    assert home_response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


# Error pages --------------------------------------------------------------------------------------


def assert_site_layout(response: Any) -> None:
    html = response.content.decode()
    assert 'class="skip-link"' in html
    assert '<main id="main"' in html
    assert "css/samen.css" in html


def test_404_page_has_the_site_layout(db):
    response = Client().get("/no/such/page/at/all/")
    assert response.status_code == 404
    assert_site_layout(response)


@pytest.mark.urls("tests.test_settings")
def test_403_page_has_the_site_layout(db):
    response = Client().get("/test-forbidden/")
    assert response.status_code == 403
    assert_site_layout(response)


@pytest.mark.urls("tests.test_settings")
def test_500_page_is_plain_but_styled(db):
    response = Client(raise_request_exception=False).get("/test-broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "css/samen.css" in html
    assert "a bug" not in html


# No inline code and nothing from another origin ---------------------------------------------------


class InlineCodeFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.problems.append("inline <script> without src")
        if tag == "style":
            self.problems.append("inline <style> element")
        for name, value in attributes.items():
            if name == "style":
                self.problems.append(f"style= attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name}= event handler on <{tag}>")
            url = value or ""
            external = url.startswith(("http://", "https://", "//")) and not url.startswith("http://testserver/")
            if name in {"src", "href", "action"} and external:
                self.problems.append(f"{name}={value} on <{tag}> points to another origin")


PUBLIC_PAGES = [
    "home",
    "accounts:login",
    "accounts:password_reset",
    "framework:taxonomy",
    "framework:glossary",
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_have_no_inline_code_or_foreign_origins(db, name):
    response = Client().get(reverse(name))
    assert response.status_code == 200
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    assert not finder.problems, f"{name}: " + "; ".join(finder.problems)


def test_the_not_found_page_has_no_inline_code_either(db):
    finder = InlineCodeFinder()
    finder.feed(Client().get("/no/such/page/").content.decode())
    assert not finder.problems


# Documentation ------------------------------------------------------------------------------------


def test_readme_documents_every_environment_variable():
    source = (BASE_DIR / "samen" / "settings.py").read_text()
    names = set(re.findall(r"""\benv(?:bool|int)?\(\s*f?["']([A-Z][A-Z0-9_]*)["']""", source))
    assert "SECRET_KEY" in names
    readme = (BASE_DIR / "README.md").read_text()
    undocumented = sorted(name for name in names if f"`{name}`" not in readme)
    assert not undocumented, f"README.md does not describe: {undocumented}"
