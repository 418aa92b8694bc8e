"""The main navigation: kept per organisation, role, page and language (templates/base.html), never mixed up."""

from django.urls import reverse

from accounts.models import User
from tests.organisations.helpers import url


def nav(response) -> str:
    content = response.content.decode()
    return content[content.index('<nav aria-label="') : content.index("</nav>")]


def test_each_role_sees_its_own_links_whoever_came_first(people, english):
    tokens = f'href="{reverse("api_tokens:tokens", kwargs={"slug": people.org.slug})}"'
    admin_first = nav(people.client("admin").get(url("dashboard", people.org)))
    member_after = nav(people.client("member").get(url("dashboard", people.org)))
    admin_again = nav(people.client("admin").get(url("dashboard", people.org)))
    assert tokens in admin_first and tokens in admin_again
    assert "API tokens" not in member_after and tokens not in member_after


def test_the_current_page_is_marked_on_every_page(people, english):
    client = people.client("member")
    dashboard = nav(client.get(url("dashboard", people.org)))
    partners = nav(client.get(url("partners", people.org)))
    assert f'href="{url("dashboard", people.org)}" aria-current="page"' in dashboard
    assert f'href="{url("partners", people.org)}" aria-current="page"' not in dashboard
    assert f'href="{url("partners", people.org)}" aria-current="page"' in partners
    assert f'href="{url("dashboard", people.org)}" aria-current="page"' not in partners


def test_each_language_and_organisation_has_its_own(people, english):
    client = people.client("member")
    assert ">Partners<" in nav(client.get(url("partners", people.org)))
    User.objects.filter(pk=people.member.pk).update(language="nl")
    dutch = nav(people.client("member").get(url("partners", people.org)))
    assert ">Partners<" in dutch and ">Overzicht<" in dutch and ">Overview<" not in dutch
    other = nav(people.client("outsider").get(url("partners", people.other_org)))
    assert f"/o/{people.other_org.slug}/" in other and f"/o/{people.org.slug}/" not in other
