"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Every page a test loads is checked by axe-core (the vendored copy, loaded by URL so the page's
Content-Security-Policy still applies) and for console errors about that policy. A page that was
loaded but never checked fails the test at teardown, so a new step cannot skip the checks.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls
# from the test body ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("SAMEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
AXE_PATH = "/static/vendor/axe-core/axe.min.js"

# Returns each violation as {id, impact, help, targets}.
AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test in this folder is a browser test, marked so `-m "not browser"` leaves them out.
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`"
        if os.environ.get("SAMEN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (SAMEN_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Browse:
    """One person's browser tab, with the checks every page must pass.

    Use `goto()` to open a page and `submit()` / `follow()` for anything that navigates: they wait
    for the new page and check it.
    """

    def __init__(self, context: Any, base_url: str) -> None:
        self.context = context
        self.base_url = base_url
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.csp_errors: list[str] = []
        self.js_errors: list[str] = []
        self.loaded: list[str] = []
        self.checked: set[str] = set()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.js_errors.append(str(error)))
        self.page.on("load", lambda page: self.loaded.append(page.url))

    def _on_console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_errors.append(message.text)

    # Navigation -----------------------------------------------------------------------------
    def url(self, name: str, **kwargs: Any) -> str:
        return self.base_url + reverse(name, kwargs=kwargs)

    def goto(self, path_or_url: str) -> Any:
        url = path_or_url if path_or_url.startswith("http") else self.base_url + path_or_url
        response = self.page.goto(url)
        self.check()
        return response

    def submit(self, selector: str = "main form [type=submit]") -> None:
        """Click a submit button (by default the first in the main content) and check the page it leads to."""
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()
        self.check()

    def follow(self, selector: str) -> None:
        """Click a link and check the page it leads to."""
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()
        self.check()

    def fill(self, fields: dict[str, str]) -> None:
        """Fill inputs of the main form by their name."""
        for name, value in fields.items():
            field = self.page.locator(f"main [name='{name}']")
            if field.evaluate("el => el.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)

    @property
    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def text(self, selector: str = "main") -> str:
        return self.page.locator(selector).inner_text()

    # Checks ---------------------------------------------------------------------------------
    def check(self) -> None:
        """Run axe-core on the current page and fail on any violation or Content-Security-Policy error."""
        self.page.wait_for_load_state("load")
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            # By URL, not by content: the page's CSP decides whether the script may run, as for any script.
            self.page.add_script_tag(url=self.base_url + AXE_PATH)
        violations = self.page.evaluate(AXE_RUN)
        assert not violations, f"axe found accessibility problems on {self.path}:\n" + "\n".join(
            f"  - {v['id']} ({v['impact']}): {v['help']} — at {', '.join(v['targets'][:5])}" for v in violations
        )
        self.assert_no_errors()
        self.checked.add(self.page.url)

    def assert_no_errors(self) -> None:
        assert not self.csp_errors, f"Content-Security-Policy errors on {self.path}:\n" + "\n".join(self.csp_errors)
        assert not self.js_errors, f"JavaScript errors on {self.path}:\n" + "\n".join(self.js_errors)

    def assert_all_pages_checked(self) -> None:
        unchecked = [url for url in self.loaded if url not in self.checked and url != "about:blank"]
        assert not unchecked, f"Pages loaded without the axe check (use goto/submit/follow): {unchecked}"

    # People ---------------------------------------------------------------------------------
    def log_in(self, email: str, password: str, code: str | None = None) -> None:
        self.goto(reverse("accounts:login"))
        self.fill({"email": email, "password": password})
        self.submit()
        if code is not None:
            assert self.path.startswith(reverse("accounts:verify")), f"expected the code step, got {self.path}"
            self.fill({"code": code})
            self.submit()

    def log_out(self) -> None:
        with self.page.expect_navigation():
            self.page.locator(f"form[action='{reverse('accounts:logout')}'] [type=submit]").click()
        self.check()


@pytest.fixture
def open_browser(browser: Any, live_server: Any) -> Iterator[Callable[..., Browse]]:
    """Open a fresh browser context (its own cookies): `open_browser()` or `open_browser(viewport=...)`."""
    opened: list[Browse] = []

    def _open(**context_options: Any) -> Browse:
        context_options.setdefault("locale", "nl-NL")
        tab = Browse(browser.new_context(**context_options), live_server.url)
        opened.append(tab)
        return tab

    yield _open
    try:
        for tab in opened:
            tab.assert_no_errors()
            tab.assert_all_pages_checked()
    finally:
        for tab in opened:
            tab.context.close()


@pytest.fixture
def browse(open_browser: Callable[..., Browse]) -> Browse:
    return open_browser()


@pytest.fixture
def framework_content(transactional_db: None) -> None:
    """The taxonomy and glossary, as `make run` loads them."""
    from django.core.management import call_command

    call_command("load_framework", verbosity=0)
