"""Downloads of the map's current view: CSV of organisations and relations, GraphML, SVG; all well-formed."""

import csv
import gzip
import io
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from ecosystem.map_exports import overview_svg
from ecosystem.views.map import MapEdge, MapNode
from tests.ecosystem.map_world import Graph

# Parsing Samen's own output (no DOCTYPE, no entities), hence the noqa on each ElementTree parse.
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def network(people):
    people.org.iati_identifier = "XM-TEST-HULP"
    people.org.save()
    graph = Graph()
    hulp, kampala, gulu, sneaky = graph.orgs("Hulp", "Kampala & Co <Uganda>", "Gulu", "=HYPERLINK(evil)")
    graph.fund(hulp, kampala)
    graph.pay(kampala, gulu, 300)
    graph.fund(hulp, sneaky)
    return {"hulp": hulp, "kampala": kampala, "gulu": gulu}


def get(people, name, **query):
    url = reverse(f"ecosystem_map:{name}", kwargs={"slug": "hulp"}) + "?" + urlencode({"depth": 2, **query})
    return people.client("viewer").get(url)


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_organisations_csv(people, network, english):
    response = get(people, "nodes_csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *body = rows(response)
    assert header == ["Code", "Name", "IATI identifier", "Type", "Hops", "Figure", "Blind spot"]
    by_name = {row[1]: row for row in body}
    assert set(by_name) == {"Hulp", "Kampala & Co <Uganda>", "Gulu", "'=HYPERLINK(evil)"}
    assert by_name["Hulp"][4] == "0" and by_name["Gulu"][4] == "2"
    assert by_name["Hulp"][0] == str(network["hulp"].code)


def test_relations_csv_follows_the_filters(people, network, english):
    header, *body = rows(get(people, "edges_csv"))
    assert header == ["From (code)", "From", "To (code)", "To", "Kind", "Relations"]
    assert {(r[1], r[3], r[4]) for r in body} == {
        ("Hulp", "Kampala & Co <Uganda>", "participation"),
        ("Kampala & Co <Uganda>", "Gulu", "transaction"),
        ("Hulp", "'=HYPERLINK(evil)", "participation"),
    }
    _, *funding_only = rows(get(people, "edges_csv", kind="participation"))
    assert {r[4] for r in funding_only} == {"participation"}


def test_graphml_parses_and_holds_the_view(people, network):
    response = get(people, "graphml")
    assert response["Content-Type"].startswith("application/graphml+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314
    assert root.tag == f"{GRAPHML}graphml"
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None and graph.get("edgedefault") == "directed"
    nodes = {n.get("id"): n for n in graph.findall(f"{GRAPHML}node")}
    assert len(nodes) == 4 and len(graph.findall(f"{GRAPHML}edge")) == 3
    kampala = nodes[str(network["kampala"].code)]
    values = {d.get("key"): d.text for d in kampala.findall(f"{GRAPHML}data")}
    assert values["name"] == "Kampala & Co <Uganda>" and values["hop"] == "1"
    for edge in graph.findall(f"{GRAPHML}edge"):
        assert edge.get("source") in nodes and edge.get("target") in nodes


def test_svg_parses_with_a_circle_per_organisation(people, network):
    response = get(people, "svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f".//{SVG}circle")) == 4
    # The relations are segments of one path per kind (a transaction's dashed).
    assert sum(path.get("d", "").count("M") for path in root.findall(f".//{SVG}path")) == 3
    assert b"Kampala &amp; Co &lt;Uganda&gt;" in response.content


def test_an_empty_view_still_downloads(people, english):
    assert rows(get(people, "nodes_csv"))[1:] == []
    ElementTree.fromstring(get(people, "graphml").content)  # noqa: S314
    ElementTree.fromstring(get(people, "svg").content)  # noqa: S314


def test_the_overview_draws_each_relation_once_and_transactions_dashed():
    a = MapNode(code="a", name="A", identifier="", type="", type_label="", hop=0, x=0.4, y=-10.6)
    b = MapNode(code="b", name="B", identifier="", type="", type_label="", hop=1, x=100.2, y=50)
    c = MapNode(code="c", name="C", identifier="", type="", type_label="", hop=1, x=-100, y=50)
    edges = [
        MapEdge(source="a", target="b", kind="funding", relations=2),
        MapEdge(source="b", target="a", kind="funding", relations=1),  # the same segment, the other way round
        MapEdge(source="a", target="c", kind="transaction", relations=5),
    ]
    root = ElementTree.fromstring(overview_svg([a, b, c], edges, "Three"))  # noqa: S314
    solid, dashed = root.findall(f".//{SVG}path")
    assert solid.get("d") == "M0 -11L100 50" and solid.get("stroke-dasharray") is None
    assert dashed.get("d") == "M0 -11L-100 50" and dashed.get("stroke-dasharray") == "4 3"


@pytest.fixture
def wide_network(network):
    """Forty more partners of Hulp's: files long enough to be worth compressing (a short one is sent as it is)."""
    graph = Graph()
    for partner in graph.orgs(*(f"Partner organisation {n}" for n in range(40))):
        graph.fund(network["hulp"], partner)
    return network


@pytest.mark.parametrize("name", ["map", "data", "nodes_csv", "edges_csv", "graphml", "svg"])
def test_the_map_and_its_files_are_sent_compressed_to_who_accepts_it(people, wide_network, english, name):
    url = reverse(f"ecosystem_map:{name}", kwargs={"slug": "hulp"}) + "?depth=2"
    client = people.client("viewer")
    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert not plain.has_header("Content-Encoding") and "Accept-Encoding" in plain["Vary"]
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    body = b"".join(packed.streaming_content) if packed.streaming else packed.content
    unpacked = gzip.decompress(body)
    if name == "map":  # a page holds a fresh CSRF token each time; the rest must be the same bytes
        assert b"Kampala &amp; Co &lt;Uganda&gt;" in unpacked
    else:
        assert unpacked == (b"".join(plain.streaming_content) if plain.streaming else plain.content)
