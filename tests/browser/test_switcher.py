"""A partner contact who works with two organisations switches between them."""

from django.urls import reverse

from organisations.models import Membership, Role
from tests.conftest import PASSWORD, make_user


def test_a_person_in_two_organisations_switches_between_them(people, browse):
    contact = make_user("contact@partner.example", name="Grace Wanjiru")
    Membership.objects.create(user=contact, organisation=people.org, role=Role.MEMBER)
    Membership.objects.create(user=contact, organisation=people.other_org, role=Role.MANAGER)

    browse.log_in(contact.email, PASSWORD)
    first = browse.path
    dashboards = {
        org.slug: reverse("organisations:dashboard", kwargs={"slug": org.slug})
        for org in (people.org, people.other_org)
    }
    assert first in dashboards.values()
    other = next(org for org in (people.org, people.other_org) if dashboards[org.slug] != first)

    switcher = browse.page.locator("header .switcher")
    assert switcher.count() == 1, "the header shows an organisation switcher to people in several organisations"
    if switcher.locator("summary").count():
        switcher.locator("summary").click()
    browse.follow(f"header .switcher a[href='{dashboards[other.slug]}']")

    assert browse.path == dashboards[other.slug]
    assert other.name in browse.text("main")

    # Home now returns to the organisation last worked in.
    browse.goto(reverse("home"))
    assert browse.path == dashboards[other.slug]
