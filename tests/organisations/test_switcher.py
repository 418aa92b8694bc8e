"""A person in two organisations switches between them from the header."""

from organisations.models import Membership, Role
from tests.organisations.helpers import url


def test_switcher_lists_both_organisations_and_marks_the_current_one(people):
    Membership.objects.create(user=people.manager, organisation=people.other_org, role=Role.VIEWER)
    client = people.client("manager")
    content = client.get(url("dashboard", people.org)).content.decode()
    assert '<details class="switcher">' in content
    assert f'href="{url("dashboard", people.org)}" aria-current="true"' in content
    assert f'href="{url("dashboard", people.other_org)}"' in content
    other = client.get(url("dashboard", people.other_org)).content.decode()
    assert f'href="{url("dashboard", people.other_org)}" aria-current="true"' in other
    assert f'href="{url("dashboard", people.org)}" aria-current="true"' not in other


def test_the_home_page_returns_to_the_organisation_last_used(people):
    Membership.objects.create(user=people.manager, organisation=people.other_org, role=Role.VIEWER)
    client = people.client("manager")
    client.get(url("dashboard", people.other_org))
    assert client.get("/").url == url("dashboard", people.other_org)
