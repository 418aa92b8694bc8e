"""A large neighbourhood summarised: organisations beyond what the map draws go into groups with their counts.

The draw limits are made small here (a handful instead of 500), so that a few dozen organisations show
what thousands would: the counts add up to what the walk found, a group opens to its members, the
viewer's partners are never hidden in a group, and the JSON, the table and the SVG say the same.
The network in memory follows the data (a relation added after a map was drawn is on the next one).
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from ecosystem import summary as summary_module
from ecosystem.adjacency import network
from ecosystem.graph import walk
from ecosystem.models import GraphVersion, ImportedOrganisation
from ecosystem.summary import ALL_TYPES, summarise
from organisations.models import Organisation, Partnership
from tests.ecosystem.map_world import Graph


@pytest.fixture
def star(db):
    """A hub funding 12 NGOs and 8 government bodies; the first NGO funds 5 more organisations (no type)."""
    graph = Graph()
    hub = graph.orgs("Hub")[0]
    ngos = graph.orgs(*[f"NGO {i:02}" for i in range(12)], type="22")
    governments = graph.orgs(*[f"Gov {i:02}" for i in range(8)], type="10")
    deeper = graph.orgs(*[f"Deep {i:02}" for i in range(5)])
    for target in (*ngos, *governments):
        graph.fund(hub, target)
    for target in deeper:
        graph.fund(ngos[0], target)
    return {"hub": hub, "ngos": ngos, "governments": governments, "deeper": deeper}


def test_a_small_neighbourhood_is_drawn_whole(star):
    graph = walk([star["hub"].pk], 2)
    result = summarise(graph, network().types)
    assert result.groups == [] and len(result.shown) == len(graph.nodes) == 26


def test_counts_in_the_groups_and_the_organisations_drawn_add_up_to_the_walk(star):
    graph = walk([star["hub"].pk], 2)
    result = summarise(graph, network().types, limit=10, shown=4)
    assert len(result.shown) == 4
    assert len(result.shown) + sum(len(g.members) for g in result.groups) == len(graph.nodes)
    members = [pk for g in result.groups for pk in g.members]
    assert len(members) == len(set(members)) and not set(members) & set(result.shown)
    # Drawn: the hub and the first three NGOs (ties go to the smaller key). Grouped: the other NGOs and the
    # government bodies under the hub, and the first NGO's partners under it.
    hub, first = star["hub"].pk, star["ngos"][0].pk
    assert result.shown == [hub, *(o.pk for o in star["ngos"][:3])]
    counts = {(g.anchor, g.kind): len(g.members) for g in result.groups}
    assert counts == {(hub, "ngo"): 9, (hub, "government"): 8, (first, "other"): 5}


def test_a_group_opens_to_its_members(star):
    graph = walk([star["hub"].pk], 1)
    types = network().types
    closed = summarise(graph, types, limit=8, shown=3)
    group = next(g for g in closed.groups if g.kind == "government")
    assert len(group.members) == 8
    opened = summarise(walk([star["hub"].pk], 1), types, limit=20, shown=3, expand={group.key})
    assert set(group.members) <= set(opened.shown)
    assert not any(g.kind == "government" for g in opened.groups)
    assert len(opened.shown) + opened.grouped == len(graph.nodes)


def test_a_group_opens_at_most_so_many_and_keeps_the_rest(star, monkeypatch):
    monkeypatch.setattr(summary_module, "EXPAND_CAP", 5)
    graph = walk([star["hub"].pk], 1)
    types = network().types
    key = next(g.key for g in summarise(graph, types, limit=8, shown=3).groups if g.kind == "government")
    opened = summarise(walk([star["hub"].pk], 1), types, limit=20, shown=3, expand={key})
    rest = next(g for g in opened.groups if g.key == key)
    assert len(rest.members) == 3
    assert len(opened.shown) + opened.grouped == len(graph.nodes)


def test_too_many_groups_are_merged_across_types(star):
    graph = walk([star["hub"].pk], 1)
    result = summarise(graph, network().types, limit=3, shown=2)
    assert [g.kind for g in result.groups] == [ALL_TYPES]
    assert len(result.shown) + result.grouped == len(graph.nodes)


def test_kept_organisations_are_never_in_a_group(star):
    last = star["governments"][-1].pk
    graph = walk([star["hub"].pk], 1)
    result = summarise(graph, network().types, keep={last}, limit=8, shown=3)
    assert last in result.shown
    assert all(last not in g.members for g in result.groups)


def test_group_edges_add_up_the_relations_of_their_members(star):
    graph = walk([star["hub"].pk], 1)
    result = summarise(graph, network().types, limit=8, shown=3)
    governments = next(g for g in result.groups if g.kind == "government")
    edge = next(e for e in result.edges if e.target == ("g", governments.key))
    assert edge.source == ("n", star["hub"].pk) and edge.relations == 8


def test_the_network_in_memory_follows_the_data(star):
    hub = star["hub"]
    before = walk([hub.pk], 1)
    late = Graph().orgs("Late")[0]
    Graph().fund(hub, late)
    after = walk([hub.pk], 1)
    assert late.pk not in before.nodes and late.pk in after.nodes
    token = GraphVersion.objects.get(pk=1).token
    ImportedOrganisation.objects.filter(pk=late.pk).update(type="10")  # not through save(): no new version …
    GraphVersion.bump()  # … until someone says so, as the importer does
    assert GraphVersion.objects.get(pk=1).token != token
    assert network().types[late.pk] == "10"


# The map's views with small limits.


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(summary_module, "DRAW_CAP", 8)
    monkeypatch.setattr(summary_module, "SHOWN", 3)


@pytest.fixture
def hulp_star(people, star):
    """Hulp is the hub in IATI; one of the government bodies is its partner on Samen."""
    ImportedOrganisation.objects.filter(pk=star["hub"].pk).update(samen_organisation=people.org)
    partner = Organisation.objects.create(slug="gov-07", name="Gov 07 on Samen", kind=Organisation.Kind.PARTNER)
    ImportedOrganisation.objects.filter(pk=star["governments"][7].pk).update(samen_organisation=partner)
    Partnership.objects.create(organisation=people.org, partner=partner)
    GraphVersion.bump()
    return star


def url(name: str = "ecosystem_map:map", **query: object) -> str:
    return reverse(name, kwargs={"slug": "hulp"}) + ("?" + urlencode(query) if query else "")


def test_the_data_sends_groups_with_counts_that_add_up(people, hulp_star, small_limits):
    data = people.client("member").get(url("ecosystem_map:data", depth=2)).json()
    groups = [n["data"] for n in data["nodes"] if n["data"].get("group")]
    single = [n["data"] for n in data["nodes"] if not n["data"].get("group")]
    assert groups and data["found"] == 26 and data["groups"] == len(groups)
    assert len(single) + sum(g["members"] for g in groups) == data["found"]
    assert data["grouped"] == sum(g["members"] for g in groups)
    # The partner is drawn one by one, with its overlay, though it comes last in the walk.
    assert any(n["label"] == "Gov 07" and "integrity" in n for n in single)
    ids = {n["data"]["id"] for n in data["nodes"]}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in data["edges"])
    # Short ids of this drawing, one per organisation or group, and positions in whole units: the data of a large
    # funder's map was 1.4 MB, most of it relations naming their ends by code.
    assert len(ids) == len(data["nodes"]) and all(len(i) <= 6 for i in ids)
    assert all(isinstance(n["position"]["x"], int) and isinstance(n["position"]["y"], int) for n in data["nodes"])


def test_opening_a_group_returns_its_members(people, hulp_star, small_limits):
    client = people.client("member")
    data = client.get(url("ecosystem_map:data", depth=1)).json()
    group = next(n["data"] for n in data["nodes"] if n["data"].get("group") and n["data"]["members"] > 1)
    opened = client.get(group["expand"]).json()
    labels = {n["data"]["label"] for n in opened["nodes"] if not n["data"].get("group")}
    before = {n["data"]["label"] for n in data["nodes"] if not n["data"].get("group")}
    assert len(labels - before) == group["members"]
    assert opened["found"] == data["found"]


def test_the_table_and_overview_show_the_groups_and_open_them(people, hulp_star, small_limits, english):
    client = people.client("member")
    page = client.get(url(depth=1)).content.decode()
    assert "shown one by one" in page and "(open the group)" in page
    assert 'stroke-dasharray="3 2"' in page  # a group in the SVG overview
    data = client.get(url("ecosystem_map:data", depth=1)).json()
    group = next(n["data"] for n in data["nodes"] if n["data"].get("group") and n["data"]["members"] > 1)
    assert group["url"] in page.replace("&amp;", "&")
    opened = client.get(group["url"]).content.decode()
    members = [n["data"]["label"] for n in client.get(group["expand"]).json()["nodes"]]
    assert all(label in opened for label in members if not label[0].isdigit())


def test_a_group_code_that_is_not_well_formed_is_refused(people, hulp_star):
    response = people.client("member").get(url("ecosystem_map:data", expand="not-a-group"))
    assert response.status_code == 400
