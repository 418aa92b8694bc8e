"""Switching the interface between Dutch and English, remembered for the person."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def dutch_for(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


def switch_language(browse, code: str) -> None:
    browse.page.locator("#language-select").select_option(code)
    browse.submit("header form:has(#language-select) [type=submit]")


def test_language_switch_changes_the_text_and_is_remembered_at_next_login(people, browse):
    browse.log_in(people.member.email, PASSWORD)
    dashboard = reverse("organisations:dashboard", kwargs={"slug": people.org.slug})
    assert browse.path == dashboard
    assert browse.page.locator("html").get_attribute("lang") == "nl"
    dutch = browse.text("header nav")

    switch_language(browse, "en")

    assert browse.path == dashboard, "switching language stays on the same page"
    assert browse.page.locator("html").get_attribute("lang") == "en"
    assert "Log out" in browse.text("header nav")
    english = browse.text("header nav")

    browse.log_out()
    browse.log_in(people.member.email, PASSWORD)
    assert browse.page.locator("html").get_attribute("lang") == "en", "the choice is remembered for the person"

    switch_language(browse, "nl")
    assert browse.page.locator("html").get_attribute("lang") == "nl"
    if not CATALOGUE.exists():
        pytest.skip("no Dutch catalogue yet (locale/nl/LC_MESSAGES/django.po): the text itself cannot change")
    # The Dutch words come from the catalogue, so this test does not pin one translator's choice.
    for english_text in ["Overview", "Partners", "Action plans", "Log out"]:
        dutch_text = dutch_for(english_text)
        assert dutch_text in dutch
        assert english_text in english
    assert dutch_for("Overview") != "Overview", "the Dutch catalogue translates the navigation"
    assert browse.text("header nav") == dutch


def test_anonymous_visitors_can_switch_language_too(db, browse):
    browse.goto(reverse("home"))
    switch_language(browse, "en")
    assert browse.path == reverse("home")
    assert browse.page.locator("html").get_attribute("lang") == "en"
    assert "Log in" in browse.text("main")
