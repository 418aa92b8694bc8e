"""Network figures against values worked out by hand, their cache, and the figures page."""

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from ecosystem.figures import betweenness, dependency, figures_for, funding_concentration, partners_by_role
from ecosystem.models import Activity, NetworkFigures, Role
from organisations.models import Alliance, AllianceMember, Organisation
from tests.ecosystem.map_world import Graph


def undirected(*pairs: tuple[str, str]) -> dict[str, set[str]]:
    adjacency: dict[str, set[str]] = {}
    for a, b in pairs:
        adjacency.setdefault(a, set()).add(b)
        adjacency.setdefault(b, set()).add(a)
    return adjacency


def test_betweenness_of_a_path():
    # a - b - c: only the pair (a, c) runs through b.
    assert betweenness(undirected(("a", "b"), ("b", "c"))) == {"a": 0, "b": 1, "c": 0}


def test_betweenness_of_a_star():
    # The centre of a star with 4 leaves lies on the path of each of the 6 pairs of leaves.
    scores = betweenness(undirected(*[("hub", leaf) for leaf in "wxyz"]))
    assert scores["hub"] == 6
    assert all(scores[leaf] == 0 for leaf in "wxyz")


def test_betweenness_splits_between_equal_paths():
    # a - b - d and a - c - d: two shortest paths for (a, d), half through b and half through c;
    # d - e adds (a, e), (b, e), (c, e): d lies on all three, b and c on half of (a, e) each.
    scores = betweenness(undirected(("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e")))
    assert scores == pytest.approx({"a": 0.5, "b": 1.0, "c": 1.0, "d": 3.5, "e": 0.0})


@pytest.fixture
def funded(db):
    """Hulp is funded by the ministry (300) and a foundation (100), pays Kampala 200 of its 800, and funds Gulu."""
    graph = Graph()
    hulp, ministry, foundation, kampala, donor, gulu, lead = graph.orgs(
        "Hulp", "Ministry", "Foundation", "Kampala", "Donor", "Gulu", "Lead"
    )
    graph.pay(ministry, hulp, 200)
    graph.pay(ministry, hulp, 100)
    graph.pay(foundation, hulp, 100)
    graph.pay(ministry, hulp, 5000, type_="2")  # a commitment: not counted
    graph.fund(ministry, hulp)
    graph.pay(hulp, kampala, 200)
    graph.pay(donor, kampala, 600)
    graph.fund(hulp, gulu)
    graph.fund(hulp, lead, target_role=Role.ACCOUNTABLE)
    return {o.name: o for o in (hulp, ministry, foundation, kampala, donor, gulu, lead)}


def test_partners_by_role(funded):
    counts = partners_by_role({funded["Hulp"].pk})
    assert counts == {
        "funding": 1,
        "implementing": 1,
        "accountable": 1,
        "providers": 2,
        "receivers": 1,
    }


def test_funding_concentration_is_the_largest_funders_share(funded):
    result = funding_concentration({funded["Hulp"].pk})
    assert result is not None
    assert result["basis"] == "amount" and result["currency"] == "EUR"
    assert result["share"] == pytest.approx(0.75)
    assert result["largest"]["name"] == "Ministry"
    assert result["funders"] == 2


def test_funding_concentration_counts_activities_without_amounts(db):
    graph = Graph()
    hulp, a, b = graph.orgs("Hulp", "A", "B")
    graph.fund(a, hulp)
    graph.fund(a, hulp)
    graph.fund(b, hulp)
    result = funding_concentration({hulp.pk})
    assert result is not None
    assert result["basis"] == "activities"
    assert result["share"] == pytest.approx(2 / 3)


def test_dependency_is_our_share_of_a_partners_funding(funded):
    rows = dependency({funded["Hulp"].pk})
    assert [(r["name"], r["share"]) for r in rows] == [("Kampala", pytest.approx(0.25))]
    assert rows[0]["from_us"] == "200.00" and rows[0]["total"] == "800.00"


def test_figures_are_computed_in_the_worker_and_cached(funded):
    figures = figures_for(organisation=funded["Hulp"])
    assert figures.computed_at is not None  # the ImmediateBackend ran the task
    assert figures.figures["concentration"]["share"] == pytest.approx(0.75)
    brokers = figures.figures["brokers"]
    # Hulp is the only organisation on paths between others in its two-hop network.
    assert brokers["top"][0]["name"] == "Hulp"
    computed_at = figures.computed_at
    assert figures_for(organisation=funded["Hulp"]).computed_at == computed_at


def test_figures_are_computed_again_after_an_import(funded):
    first = figures_for(organisation=funded["Hulp"])
    Graph().pay(funded["Foundation"], funded["Hulp"], 900)
    Activity.objects.update(imported_at=timezone.now() + timedelta(seconds=1))
    again = figures_for(organisation=funded["Hulp"])
    assert again.computed_at and first.computed_at and again.computed_at > first.computed_at
    assert again.figures["concentration"]["largest"]["name"] == "Foundation"


def test_figures_are_computed_again_when_a_day_old(funded):
    first = figures_for(organisation=funded["Hulp"])
    two_days_ago = timezone.now() - timedelta(days=2)
    NetworkFigures.objects.filter(pk=first.pk).update(
        requested_at=two_days_ago - timedelta(minutes=1), computed_at=two_days_ago
    )
    again = figures_for(organisation=funded["Hulp"]).computed_at
    assert again and first.computed_at and again > first.computed_at


def test_a_waiting_request_is_not_asked_for_twice(funded, monkeypatch):
    from ecosystem import figures as module

    asked: list[int] = []
    # A worker that has not run yet.
    monkeypatch.setattr(module, "compute_figures", SimpleNamespace(enqueue=asked.append))
    figures_for(organisation=funded["Hulp"])
    figures_for(organisation=funded["Hulp"])
    assert len(asked) == 1


def figures_url(**query) -> str:
    return reverse("ecosystem_map:figures", kwargs={"slug": "hulp"}) + ("?" + urlencode(query) if query else "")


def test_the_figures_page_explains_the_method(people, funded, english):
    response = people.client("viewer").get(figures_url(org=funded["Hulp"].code))
    assert response.status_code == 200
    text = response.content.decode()
    assert "The largest funder, Ministry, gives 75%" in text
    assert "Brandes" in text
    assert "Kampala" in text and "25%" in text


def test_an_alliances_figures_and_overlap(people, funded, english):
    people.org.iati_identifier = "XM-TEST-HULP"
    people.org.save()
    kampala = Organisation.objects.create(slug="kampala", name="Kampala Women", iati_identifier="XM-TEST-KAMPALA")
    ours = Alliance.objects.create(name="Dutch Alliance", lead=people.org)
    other = Alliance.objects.create(name="Second Alliance", lead=people.org)
    for alliance in (ours, other):
        AllianceMember.objects.create(alliance=alliance, organisation=people.org)
        AllianceMember.objects.create(alliance=alliance, organisation=kampala)
    theirs = Alliance.objects.create(name="Not ours", lead=people.other_org)
    AllianceMember.objects.create(alliance=theirs, organisation=kampala)
    response = people.client("member").get(figures_url(alliance=ours.code))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Second Alliance" in text and "Not ours" not in text
    cached = NetworkFigures.objects.get(alliance=ours)
    # Hulp and Kampala together: Hulp's payment to Kampala is inside the alliance, Donor's is from outside.
    assert cached.figures["partners_by_role"]["providers"] == 3
    assert people.client("member").get(figures_url(alliance=theirs.code)).status_code == 404


def test_the_figures_page_without_an_organisation_in_the_data(people, english):
    response = people.client("member").get(figures_url())
    assert response.status_code == 200
    assert "not in the imported IATI data" in response.content.decode()


def test_the_figures_page_refuses_a_bad_code(people):
    assert people.client("member").get(figures_url(org="not-a-code")).status_code == 400
    assert people.client("member").get(figures_url(org="00000000-0000-0000-0000-000000000000")).status_code == 404
