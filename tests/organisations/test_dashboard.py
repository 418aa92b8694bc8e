"""The organisation's overview: partners by country, alliances, people, pending invitations."""

from organisations.models import Alliance, AllianceMember, Invitation
from tests.organisations.helpers import partner_org, partnership, query_count, url


def test_new_organisation_sees_empty_states_that_say_what_to_do(people):
    response = people.client("manager").get(url("dashboard", people.org))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Add your first partner" in content
    assert url("partner_add", people.org) in content
    assert "Start an alliance" in content


def test_members_who_cannot_add_partners_are_told_who_can(people):
    content = people.client("viewer").get(url("dashboard", people.org)).content.decode()
    assert "Add your first partner" not in content
    assert "A manager or administrator of your organisation records its partners." in content


def test_partners_are_counted_by_country_of_the_other_party(people):
    partnership(people.org, partner_org("Kampala A", country="UG"))
    partnership(people.org, partner_org("Kampala B", country="UG"))
    partnership(people.org, partner_org("Bogotá", country="CO"))
    # Ander Fonds recorded a partnership with Hulp: it counts, under Ander's country.
    partnership(people.other_org, people.org)
    alliance = Alliance.objects.create(name="Dutch Relief", lead=people.org)
    AllianceMember.objects.create(alliance=alliance, organisation=people.org)
    Invitation.issue(people.org, "new@hulp.example", "member", people.admin)
    client = people.client("admin")
    response = client.get(url("dashboard", people.org))
    partners = {registered.name: card for registered, card in response.context["cards"]}["partners"]
    assert partners["count"] == 4
    assert partners["by_country"] == [("Uganda", 2), ("Colombia", 1), ("Netherlands", 1)]
    content = response.content.decode()
    assert "Dutch Relief" in content
    assert "new@hulp.example" in content


def test_queries_do_not_grow_with_partners(people):
    client = people.client("admin")
    partnership(people.org, partner_org("First", country="UG"))
    before = query_count(client, url("dashboard", people.org), computed=True)
    for n in range(5):
        partnership(people.org, partner_org(f"P{n}", country="KE"))
        Invitation.issue(people.org, f"i{n}@hulp.example", "member", people.admin)
    assert query_count(client, url("dashboard", people.org), computed=True) == before


def test_pending_invitations_are_for_managers_and_admins_only(people):
    Invitation.issue(people.org, "new@hulp.example", "member", people.admin)
    assert b"new@hulp.example" not in people.client("member").get(url("dashboard", people.org)).content
    assert b"new@hulp.example" in people.client("manager").get(url("dashboard", people.org)).content


def test_outsider_gets_404_and_anonymous_is_sent_to_log_in(people):
    assert people.client("outsider").get(url("dashboard", people.org)).status_code == 404
    assert people.client("anonymous").get(url("dashboard", people.org)).status_code == 302
    assert people.client("admin").get(url("dashboard", "no-such-org")).status_code == 404
