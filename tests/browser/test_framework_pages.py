"""The shared language: the taxonomy and the glossary, open to everyone, checked by axe."""

from django.urls import reverse

from tests.browser.test_phone import PHONE, assert_no_horizontal_scroll


def test_browse_the_taxonomy_and_search_the_glossary(framework_content, browse):
    browse.goto(reverse("framework:taxonomy"))
    assert browse.page.locator("main h1").count() == 1

    browse.goto(reverse("framework:glossary"))
    terms = browse.page.locator("main a[href*='/framework/']")
    assert terms.count() >= 40 or browse.page.locator("main dt").count() >= 40

    search = browse.page.locator("main input[type=search], main input[name=q]").first
    search.fill("vertrouwenspersoon")
    with browse.page.expect_navigation():
        search.press("Enter")
    browse.check()
    assert "ertrouwenspersoon" in browse.text("main")


def test_framework_pages_fit_a_phone(framework_content, open_browser):
    browse = open_browser(viewport=PHONE, is_mobile=True, has_touch=True)
    for name in ["framework:taxonomy", "framework:glossary"]:
        browse.goto(reverse(name))
        assert_no_horizontal_scroll(browse)


def test_error_pages_are_accessible(db, browse):
    response = browse.goto("/this-page-does-not-exist/")
    assert response.status == 404
    assert browse.page.locator("main h1").count() == 1
