"""Access-matrix rows for the ecosystem map of `hulp`: the page, its data, its downloads and the network figures.

IATI data is public and the overlay holds only what `hulp` may see, so every member reads every view,
viewers included; the outsider (admin of `ander`) gets 404 and anonymous people are sent to log in.
(An alliance is a centre only for its lead and members; rows carry a fixed query, so that is tested in
tests/ecosystem/test_map.py.) The world's partner (Kampala) is on the map with an overlay, so the data row reads it.
"""

from ecosystem.models import ImportedOrganisation
from tests.access.rows import Row, org_page
from tests.ecosystem.map_world import Graph


def network(world) -> dict:
    """Hulp and its partner Kampala in the imported data, Hulp funding Kampala; the slug."""
    if "map_network" not in world.objects:
        graph = Graph()
        hulp, kampala = graph.orgs("Hulp in IATI", "Kampala in IATI")
        ImportedOrganisation.objects.filter(pk=hulp.pk).update(samen_organisation=world.org)
        ImportedOrganisation.objects.filter(pk=kampala.pk).update(samen_organisation=world.partner)
        graph.fund(hulp, kampala)
        world.objects["map_network"] = (hulp, kampala)
    return {"slug": world.org.slug}


GROUP = "00000000-0000-4000-8000-000000000000.ngo"

ROWS = [
    Row("ecosystem_map:map", org_page(), kwargs=network),
    Row(
        "ecosystem_map:map",
        org_page(),
        kwargs=network,
        query="?depth=3&kind=participation&colour=integrity",
        note="filtered",
    ),
    Row("ecosystem_map:map", org_page(), kwargs=network, query="?q=Kampala", note="search"),
    Row("ecosystem_map:data", org_page(), kwargs=network),
    # A group opened (ecosystem/summary.py): the same rules; a group not on the map is simply not opened.
    Row("ecosystem_map:data", org_page(), kwargs=network, query=f"?depth=3&expand={GROUP}", note="group opened"),
    Row("ecosystem_map:map", org_page(), kwargs=network, query=f"?depth=3&expand={GROUP}", note="group opened"),
    Row("ecosystem_map:nodes_csv", org_page(), kwargs=network),
    Row("ecosystem_map:edges_csv", org_page(), kwargs=network),
    Row("ecosystem_map:graphml", org_page(), kwargs=network),
    Row("ecosystem_map:svg", org_page(), kwargs=network),
    Row("ecosystem_map:figures", org_page(), kwargs=network),
]
