"""Sector insights: a network (Partos-like) sees figures across the members that opted in, and nothing else.

The network `netwerk` has an administrator, an integrity officer, a manager and a viewer. Seven members
of size C opt in (each with one case of fraud a year and an acknowledgement after 2 days); the personas'
organisation `hulp` (size D) is a member too and decides for itself.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Entry, Event
from cases.annual import current_year
from insights import sector
from insights.models import SectorSettings, subject
from organisations.models import Consent, Organisation
from tests.insights import builders

pytestmark = pytest.mark.django_db
YEAR = current_year()


@pytest.fixture
def network(people):
    org = builders.organisation("Netwerk", kind=Organisation.Kind.NETWORK)
    org.people = {role: builders.person(org, role) for role in ("admin", "officer", "manager", "viewer")}  # type: ignore[attr-defined]
    return org


@pytest.fixture
def members(network):
    fraud = builders.category("financial")
    orgs = []
    for _ in range(7):
        member = builders.organisation("Member", kind=Organisation.Kind.MEMBER, size="C")
        builders.opt_in(member, network, builders.person(member))
        builders.case(member, builders.at(YEAR, 1, 10), fraud, acknowledged_after=2, feedback_after=30)
        orgs.append(member)
    return orgs


def this_year(figures: sector.SectorFigures) -> sector.YearFigures:
    found = figures.year(YEAR)
    assert found is not None
    return found


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sector_url(org, name: str = "sector", query: str = "") -> str:
    return reverse(f"insights:{name}", kwargs={"slug": org.slug}) + query


def test_officers_see_the_figures(network, members, english):
    page = client_of(network.people["officer"]).get(sector_url(network)).content.decode()
    assert "Reports per category per year" in page
    figures = sector.figures(network, YEAR)
    assert figures.members.value == 7
    fraud = str(builders.category("financial").pk)
    assert this_year(figures).by_category[fraud].value == 7
    assert this_year(figures).medians.acknowledge.value == pytest.approx(2)
    assert "How these figures are made" in page


def test_who_may_see_the_sector_page(people, network, members):
    for role in ("admin", "officer"):
        assert client_of(network.people[role]).get(sector_url(network)).status_code == 200
    for role in ("manager", "viewer"):
        assert client_of(network.people[role]).get(sector_url(network)).status_code == 403
    # A member organisation's admin is an outsider of the network: 404.
    assert people.client("admin").get(sector_url(network)).status_code == 404
    assert Client().get(sector_url(network)).status_code == 302


def test_a_non_network_has_no_sector_pages(people):
    for name in ("sector", "sector_pdf", "sector_settings"):
        for persona in ("admin", "officer", "viewer"):
            assert people.client(persona).get(sector_url(people.org, name)).status_code == 404


def test_members_that_did_not_opt_in_are_not_counted(people, network, members):
    fraud = builders.category("financial")
    for _ in range(6):
        builders.case(people.org, builders.at(YEAR, 2, 1), fraud)
    # A consent for another subject, or to another network, does not count either.
    other_network = builders.organisation("Other network", kind=Organisation.Kind.NETWORK)
    builders.opt_in(people.org, other_network, people.admin)
    Consent.objects.create(
        organisation=people.org, subject="partnerships", scope=Consent.Scope.ORGANISATION, to_organisation=network
    )
    figures = sector.figures(network, YEAR)
    assert figures.members.value == 7
    assert this_year(figures).by_category[str(fraud.pk)].value == 7


def test_revoking_removes_a_member_at_once(people, network, members, english):
    fraud = builders.category("financial")
    for _ in range(6):
        builders.case(people.org, builders.at(YEAR, 2, 1), fraud)
    admin = people.client("admin")
    opt_in_url = sector_url(people.org, "opt_in")
    response = admin.post(opt_in_url, {"network": str(network.code), "action": "give"})
    assert response.status_code == 302
    assert this_year(sector.figures(network, YEAR)).by_category[str(fraud.pk)].value == 13
    assert Entry.objects.filter(event=Event.CONSENT_GIVEN, target=subject(network)).exists()

    admin.post(opt_in_url, {"network": str(network.code), "action": "revoke"})
    figures = sector.figures(network, YEAR)
    assert figures.members.value == 7
    assert this_year(figures).by_category[str(fraud.pk)].value == 7
    assert Entry.objects.filter(event=Event.CONSENT_REVOKED, target=subject(network)).exists()
    assert "Let Netwerk" in admin.get(opt_in_url).content.decode()


def test_only_admins_opt_in(people, network):
    opt_in_url = sector_url(people.org, "opt_in")
    for persona in ("officer", "manager", "member", "viewer"):
        assert people.client(persona).get(opt_in_url).status_code == 200
        response = people.client(persona).post(opt_in_url, {"network": str(network.code), "action": "give"})
        assert response.status_code == 403
    assert people.client("outsider").get(opt_in_url).status_code == 404
    assert not Consent.objects.filter(subject=subject(network)).exists()


def test_opting_in_to_an_unknown_network_is_a_400(people):
    response = people.client("admin").post(
        sector_url(people.org, "opt_in"), {"network": str(people.other_org.code), "action": "give"}
    )
    assert response.status_code == 400
    assert not Consent.objects.filter(subject__startswith="insights:").exists()


def test_too_few_members_show_nothing(network, english):
    fraud = builders.category("financial")
    for _ in range(4):
        member = builders.organisation("Member", size="C")
        builders.opt_in(member, network, builders.person(member))
        for _ in range(5):
            builders.case(member, builders.at(YEAR, 1, 10), fraud)
    page = client_of(network.people["officer"]).get(sector_url(network)).content.decode()
    assert "Fewer than 5 member organisations are counted." in page
    assert "Reports per category per year" not in page


def test_empty_network(network, english):
    page = client_of(network.people["admin"]).get(sector_url(network)).content.decode()
    assert "No member organisation is counted yet." in page


def test_a_small_size_category_is_not_shown(network, members):
    """One member of size A among seven of size C: its count of organisations and its cases stay hidden."""
    fraud = builders.category("financial")
    small = builders.organisation("Small", size="A")
    builders.opt_in(small, network, builders.person(small))
    for _ in range(6):
        builders.case(small, builders.at(YEAR, 1, 12), fraud)
    figures = sector.figures(network, YEAR)
    assert figures.members_by_size["A"].hidden
    # Its cases would be the total minus size C: so size C is hidden as well, and the total shows.
    assert this_year(figures).by_category_size[(str(fraud.pk), "A")].hidden
    assert this_year(figures).by_category_size[(str(fraud.pk), "C")].hidden
    assert this_year(figures).by_category[str(fraud.pk)].value == 13


def test_the_minimum_is_the_networks_own_with_a_floor(network, members, english):
    admin = client_of(network.people["admin"])
    settings_url = sector_url(network, "sector_settings")
    response = admin.post(settings_url, {"min_organisations": 4, "min_cases": 5})
    assert response.status_code == 400
    assert "At least 5" in response.content.decode()
    assert admin.post(settings_url, {"min_organisations": 8, "min_cases": 5}).status_code == 302
    assert SectorSettings.of(network).min_organisations == 8
    # Seven members are now too few.
    assert sector.figures(network, YEAR).too_few
    assert client_of(network.people["officer"]).get(settings_url).status_code == 403


def test_filters(network, members, english):
    officer = client_of(network.people["officer"])
    fraud = builders.category("financial")
    page = officer.get(sector_url(network, query=f"?year={YEAR}&category={fraud.pk}&size=C")).content.decode()
    assert "Members of size category" in page
    for bad in (f"?year={YEAR + 1}", "?year=x", f"?year={YEAR}&size=Z", f"?year={YEAR}&category=nope"):
        assert officer.get(sector_url(network, query=bad)).status_code == 400


def test_pdf(network, members):
    response = client_of(network.people["officer"]).get(sector_url(network, "sector_pdf", f"?year={YEAR}"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert Entry.objects.filter(event=Event.EXPORT, target=f"sector insights {YEAR}").exists()


def test_standing_share_and_roadmap(network, members):
    today = timezone.localdate()
    for member in members:
        partner = builders.partner_of(member)
        builders.final_assessment(partner, member, today + timedelta(days=200), rating="low")
        builders.partner_of(member)
    figures = sector.figures(network, YEAR)
    assert figures.standing.assessed_share.value == pytest.approx(50)
    assert figures.standing.assessed_share_by_size["C"].value == pytest.approx(50)


def test_queries_do_not_grow_with_members_or_cases(network, members):
    officer = client_of(network.people["officer"])
    officer.get(sector_url(network))
    cache.clear()  # the computation is measured, not the cache
    with CaptureQueriesContext(connection) as before:
        officer.get(sector_url(network))
    fraud = builders.category("financial")
    for _ in range(6):
        member = builders.organisation("Member", size="B")
        builders.opt_in(member, network, builders.person(member))
        builders.case(member, builders.at(YEAR, 1, 10), fraud)
        builders.partner_of(member)
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        officer.get(sector_url(network))
    assert len(after) == len(before)


def test_consent_is_listed_on_the_members_sharing_page(people, network, english):
    builders.opt_in(people.org, network, people.admin)
    page = people.client("member").get(reverse("organisations:sharing", kwargs={"slug": people.org.slug}))
    assert "Our figures, counted in sector insights" in page.content.decode()


def test_handling_times_count_feedback_from_the_end_of_the_acknowledgement_period(people):
    from cases.stats import handling_times

    builders.case(people.org, builders.at(YEAR, 4, 1), feedback_after=30)
    builders.case(people.org, builders.at(YEAR, 4, 2), acknowledged_after=3, feedback_after=10)
    builders.case(people.org, builders.at(YEAR - 1, 4, 2), acknowledged_after=3)
    times = sorted(handling_times([people.org.pk], YEAR), key=lambda t: t.acknowledge_days or 0)
    assert [(t.acknowledge_days, t.feedback_days) for t in times] == [
        (None, pytest.approx(30)),
        (pytest.approx(3), pytest.approx(10)),
    ]
