"""Samen works on a 360 px wide phone: no page scrolls sideways."""

from django.urls import reverse

from tests.conftest import PASSWORD, totp_code

PHONE = {"width": 360, "height": 740}


def assert_no_horizontal_scroll(browse) -> None:
    width = browse.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{browse.path} is {width}px wide on a {PHONE['width']}px phone"


def test_dashboard_and_lists_fit_a_phone(people, open_browser):
    browse = open_browser(viewport=PHONE, is_mobile=True, has_touch=True)
    browse.goto(reverse("home"))
    assert_no_horizontal_scroll(browse)

    browse.log_in(people.admin.email, PASSWORD, code=totp_code())
    assert browse.path == reverse("organisations:dashboard", kwargs={"slug": people.org.slug})
    assert_no_horizontal_scroll(browse)

    for name in ["partners", "people", "alliances"]:
        browse.goto(reverse(f"organisations:{name}", kwargs={"slug": people.org.slug}))
        assert_no_horizontal_scroll(browse)
