"""The ecosystem map: the bounded walk (depth, both directions, filters, cap), its layout, and the map page and data."""

import gc
import weakref
from datetime import date

import pytest
from django.urls import reverse

from ecosystem.adjacency import network
from ecosystem.graph import RING_STEP, Filters, goal_seeds, walk
from ecosystem.models import OrganisationName, Role
from ecosystem.views.map import _figure
from organisations.models import Alliance, AllianceMember
from tests.ecosystem.map_world import Graph


def name(graph, pk: int) -> str:
    organisation = graph.nodes[pk].organisation
    assert organisation is not None
    return organisation.name


def names(graph) -> dict[str, int]:
    return {name(graph, pk): node.hop for pk, node in graph.nodes.items()}


@pytest.fixture
def chain(db):
    """A → B → C → D → E, and F → A (F funds A: reached by walking backwards)."""
    graph = Graph()
    a, b, c, d, e, f = graph.orgs("A", "B", "C", "D", "E", "F")
    graph.fund(a, b)
    graph.fund(b, c)
    graph.pay(c, d, 500)
    graph.fund(d, e)
    graph.fund(f, a)
    return {o.name: o for o in (a, b, c, d, e, f)}


def test_depth_counts_hops_in_both_directions(chain):
    assert names(walk([chain["A"].pk], 1)) == {"A": 0, "B": 1, "F": 1}
    assert names(walk([chain["A"].pk], 2)) == {"A": 0, "B": 1, "F": 1, "C": 2}
    assert names(walk([chain["A"].pk], 3)) == {"A": 0, "B": 1, "F": 1, "C": 2, "D": 3}
    assert names(walk([chain["C"].pk], 1)) == {"C": 0, "B": 1, "D": 1}


def test_depth_is_kept_between_one_and_three(chain):
    assert walk([chain["A"].pk], 9).depth == 3
    assert walk([chain["A"].pk], 0).depth == 1


def test_edges_join_only_organisations_on_the_map(chain):
    graph = walk([chain["A"].pk], 2)
    pairs = {(name(graph, e.source), name(graph, e.target)) for e in graph.edges}
    assert pairs == {("A", "B"), ("B", "C"), ("F", "A")}


def test_several_relations_between_two_organisations_are_one_edge_per_kind(db):
    graph = Graph()
    a, b = graph.orgs("A", "B")
    graph.fund(a, b)
    graph.fund(a, b)
    graph.pay(a, b)
    edges = walk([a.pk], 1).edges
    assert sorted((e.kind, e.relations) for e in edges) == [("participation", 2), ("transaction", 1)]


def test_filter_by_kind_follows_only_that_kind(chain):
    only_payments = Filters(kind="transaction")
    assert names(walk([chain["C"].pk], 3, only_payments)) == {"C": 0, "D": 1}


def test_filter_by_sector_country_period_and_role(db):
    graph = Graph()
    hub, water, health, old, extending = graph.orgs("Hub", "Water", "Health", "Old", "Extending")
    graph.fund(hub, water, sector="14030", country="UG", start=date(2022, 1, 1), end=date(2024, 12, 31))
    graph.fund(hub, health, sector="12220", country="KE", start=date(2023, 1, 1), end=date(2025, 12, 31))
    graph.fund(hub, old, sector="14030", country="UG", start=date(2010, 1, 1), end=date(2012, 12, 31))
    graph.fund(hub, extending, target_role=Role.EXTENDING)
    assert set(names(walk([hub.pk], 1, Filters(sector="14030")))) == {"Hub", "Water", "Old"}
    assert set(names(walk([hub.pk], 1, Filters(country="KE")))) == {"Hub", "Health"}
    assert set(names(walk([hub.pk], 1, Filters(year_from=2020)))) == {"Hub", "Water", "Health", "Extending"}
    assert set(names(walk([hub.pk], 1, Filters(year_to=2012)))) == {"Hub", "Old", "Extending"}
    assert set(names(walk([hub.pk], 1, Filters(role=Role.EXTENDING)))) == {"Hub", "Extending"}


def test_the_walk_stops_at_the_cap_and_says_so(db):
    graph = Graph()
    centre, a, b, c, x, *ys = graph.orgs("Centre", "A", "B", "C", "X", *[f"Y{i}" for i in range(5)])
    for near in (a, b, c):
        graph.fund(centre, near)
    # X is linked to two organisations of the first hop, each Y to one: X is kept first.
    graph.fund(a, x)
    graph.fund(b, x)
    for y in ys:
        graph.fund(c, y)
    full = walk([centre.pk], 2, cap=100)
    assert len(full.nodes) == 10 and not full.capped
    capped = walk([centre.pk], 2, cap=5)
    assert len(capped.nodes) == 5 and capped.capped
    assert set(names(capped)) == {"Centre", "A", "B", "C", "X"}
    assert all(e.source in capped.nodes and e.target in capped.nodes for e in capped.edges)
    assert walk([centre.pk], 1, cap=2).capped


def test_the_walk_needs_a_bounded_number_of_queries(chain, django_assert_max_num_queries):
    # One per hop, the edges and the organisations.
    with django_assert_max_num_queries(5):
        walk([chain["A"].pk], 3)


def test_rings_put_the_centre_in_the_middle_and_each_hop_further_out(chain):
    graph = walk([chain["A"].pk], 2)
    by_name = {name(graph, pk): n for pk, n in graph.nodes.items()}
    assert (by_name["A"].x, by_name["A"].y) == (0, 0)
    one = (by_name["B"].x ** 2 + by_name["B"].y ** 2) ** 0.5
    two = (by_name["C"].x ** 2 + by_name["C"].y ** 2) ** 0.5
    assert one == pytest.approx(RING_STEP, abs=0.5)
    assert two > one


def test_a_goal_starts_from_the_organisations_most_active_on_it(db):
    graph = Graph()
    big, small, other, x, y = graph.orgs("Big", "Small", "Other", "X", "Y")
    graph.fund(big, x, sector="15170")
    graph.fund(big, y, sector="15170")
    graph.fund(small, x, sector="15170")
    graph.fund(other, y, sector="11110")
    seeds = goal_seeds(Filters(sector="15170"), limit=2)
    assert seeds[0] == big.pk
    assert other.pk not in goal_seeds(Filters(sector="15170"))


# The page and its data --------------------------------------------------------------------------------


@pytest.fixture
def hulp_network(people):
    """Hulp (linked by its IATI identifier) funds Kampala, which pays Gulu; the ministry funds Hulp."""
    people.org.iati_identifier = "NL-KVK-41160054"
    people.org.save()
    graph = Graph()
    hulp = graph.orgs("Hulp")[0]
    hulp.identifier = "NL-KVK-41160054"
    hulp.save()
    kampala, gulu, ministry = graph.orgs("Kampala Women", "Gulu Youth", "Ministry")
    OrganisationName.objects.create(organisation=kampala, language="fr", name="Réseau des femmes de Kampala")
    graph.fund(hulp, kampala, sector="15170", country="UG")
    graph.pay(kampala, gulu, 400)
    graph.fund(ministry, hulp, sector="15170")
    return {"hulp": hulp, "kampala": kampala, "gulu": gulu, "ministry": ministry}


def map_url(name="ecosystem_map:map", **query) -> str:
    from urllib.parse import urlencode

    return reverse(name, kwargs={"slug": "hulp"}) + ("?" + urlencode(query) if query else "")


def test_the_map_starts_at_the_viewers_own_organisation(people, hulp_network, english):
    response = people.client("viewer").get(map_url())
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ecosystem around Hulp" in text
    for name in ("Kampala Women", "Ministry", "Gulu Youth"):
        assert name in text
    assert "<svg" in text and 'role="img"' in text


def test_an_organisation_not_in_the_data_is_told_so(people, english):
    response = people.client("member").get(map_url())
    assert response.status_code == 200
    assert "not in the imported IATI data" in response.content.decode()


def test_search_finds_names_in_every_language(people, hulp_network, english):
    response = people.client("member").get(map_url(q="femmes de Kampala"))
    assert response.status_code == 200
    assert f"org={hulp_network['kampala'].code}" in response.content.decode()
    by_identifier = people.client("member").get(map_url(q="xm-test-gulu")).content.decode()
    assert f"org={hulp_network['gulu'].code}" in by_identifier


def test_a_filter_narrows_the_map(people, hulp_network, english):
    client = people.client("member")
    data = client.get(map_url("ecosystem_map:data", depth=2)).json()
    assert {n["data"]["label"] for n in data["nodes"]} == {"Hulp", "Kampala Women", "Gulu Youth", "Ministry"}
    only_funding = client.get(map_url("ecosystem_map:data", depth=2, kind="participation")).json()
    assert {n["data"]["label"] for n in only_funding["nodes"]} == {"Hulp", "Kampala Women", "Ministry"}
    page = client.get(map_url(depth=2, kind="participation")).content.decode()
    assert "Gulu Youth" not in page


def test_the_data_carries_positions_sizes_and_links_to_recentre(people, hulp_network):
    data = people.client("member").get(map_url("ecosystem_map:data", depth=1, size="relations")).json()
    assert data["capped"] is False and data["cap"] == 5000 and data["found"] == len(data["nodes"])
    by_label = {n["data"]["label"]: n for n in data["nodes"]}
    assert by_label["Hulp"]["position"] == {"x": 0.0, "y": 0.0}
    assert by_label["Hulp"]["data"]["hop"] == 0
    assert f"org={hulp_network['kampala'].code}" in by_label["Kampala Women"]["data"]["url"]
    assert {e["data"]["kind"] for e in data["edges"]} == {"participation"}
    assert all(n["data"]["size"] >= 14 for n in data["nodes"])


def test_the_map_centres_on_an_organisation_by_its_code(people, hulp_network):
    data = people.client("member").get(map_url("ecosystem_map:data", org=hulp_network["gulu"].code, depth=1)).json()
    assert {n["data"]["label"] for n in data["nodes"]} == {"Gulu Youth", "Kampala Women"}


def test_an_unknown_organisation_code_is_404(people, hulp_network):
    response = people.client("member").get(map_url(org="00000000-0000-0000-0000-000000000000"))
    assert response.status_code == 404


def test_a_goal_centres_the_map_on_a_sector(people, hulp_network):
    data = people.client("member").get(map_url("ecosystem_map:data", goal_sector="15170", depth=1)).json()
    labels = {n["data"]["label"] for n in data["nodes"]}
    assert labels == {"Hulp", "Kampala Women", "Ministry"}


def test_an_alliance_centres_on_its_members_for_its_members_only(people, hulp_network):
    ours = Alliance.objects.create(name="Dutch Alliance", lead=people.org)
    AllianceMember.objects.create(alliance=ours, organisation=people.org)
    data = people.client("viewer").get(map_url("ecosystem_map:data", alliance=ours.code, depth=1)).json()
    assert {n["data"]["label"] for n in data["nodes"] if n["data"]["hop"] == 0} == {"Hulp"}
    theirs = Alliance.objects.create(name="Their Alliance", lead=people.other_org)
    assert people.client("admin").get(map_url(alliance=theirs.code)).status_code == 404


def test_bad_filters_are_refused_with_the_reason(people, hulp_network, english):
    client = people.client("member")
    page = client.get(map_url(depth=7, year_from=2025, year_to=2020, country="Uganda"))
    assert page.status_code == 400
    assert "two-letter country code" in page.content.decode()
    assert client.get(map_url("ecosystem_map:data", depth="x")).status_code == 400
    assert client.get(map_url("ecosystem_map:nodes_csv", country="123")).status_code == 400


def test_the_page_reads_a_fixed_number_of_queries(people, hulp_network, django_assert_max_num_queries):
    client = people.client("member")
    client.get(map_url(depth=3))
    graph = Graph()
    more = graph.orgs(*[f"More{i}" for i in range(30)])
    for org in more:
        graph.fund(hulp_network["kampala"], org)
        graph.pay(org, hulp_network["gulu"])
    with django_assert_max_num_queries(40):
        assert client.get(map_url(depth=3)).status_code == 200


def test_the_page_loads_the_map_script_without_inline_code(people, hulp_network):
    text = people.client("member").get(map_url()).content.decode()
    assert 'src="/static/ecosystem/map.js"' in text
    assert 'src="/static/vendor/cytoscape/cytoscape.min.js"' in text
    assert "<script>" not in text and " style=" not in text and "onclick" not in text


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("partners", {"A": 2, "B": 2, "C": 1, "F": 1}),
        ("funders", {"A": 1, "B": 1, "C": 1, "F": 0}),
        ("funded", {"A": 1, "B": 1, "C": 0, "F": 1}),
        ("relations", {"A": 2, "B": 2, "C": 1, "F": 1}),
    ],
)
def test_node_sizes_count_the_chosen_figure_along_the_edges_on_the_map(chain, size, expected):
    graph = walk([chain["A"].pk], 2)
    drawn = {pk for pk in graph.nodes if name(graph, pk) != "C"} if size == "partners" else set(graph.nodes)
    found = _figure(graph, size, drawn)
    assert {name(graph, pk): value for pk, value in found.items()} == {
        key: value for key, value in expected.items() if size != "partners" or key != "C"
    }


def test_the_network_is_kept_out_of_the_garbage_collectors_sight_and_freed_on_a_new_version(chain):
    first = network()
    assert gc.get_freeze_count() > 0
    survivor = weakref.ref(first)
    del first
    Graph().fund(chain["E"], chain["F"])  # a new relation: a new data version
    assert network() is not survivor()
    gc.collect()
    assert survivor() is None
