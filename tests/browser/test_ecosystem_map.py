"""The ecosystem map in the browser: the interactive map with a search and a filter, and its table fallback.

A member of Hulp opens the map (centred on Hulp, found by its IATI identifier), sees Cytoscape draw it
from the JSON data under the strict CSP, searches Kampala by its French name, recentres on it, and
narrows the map to funding relations. On a phone with JavaScript off, the same page shows the SVG
overview and the tables, and a link in the table recentres the map.
"""

from django.urls import reverse

from ecosystem.models import ImportedOrganisation, OrganisationName
from organisations.models import Organisation, Role
from tests.browser.test_assessment_journey import PhoneWithoutJavaScript, member
from tests.conftest import PASSWORD
from tests.ecosystem.map_world import Graph


def build() -> tuple[Organisation, dict[str, ImportedOrganisation]]:
    hulp = Organisation.objects.create(
        slug="hulp", name="Hulp Zonder Grenzen", kind="member", country="NL", iati_identifier="XM-TEST-HULP"
    )
    graph = Graph()
    nodes = dict(
        zip(
            ["hulp", "kampala", "gulu", "ministry"],
            graph.orgs("Hulp", "Kampala Women", "Gulu Youth", "Ministry"),
            strict=True,
        )
    )
    OrganisationName.objects.create(organisation=nodes["kampala"], language="fr", name="Réseau des femmes de Kampala")
    graph.fund(nodes["hulp"], nodes["kampala"])
    graph.pay(nodes["kampala"], nodes["gulu"], 400)
    graph.fund(nodes["ministry"], nodes["hulp"])
    return hulp, nodes


def test_the_map_with_a_search_and_a_filter(transactional_db, english, browse):
    hulp, nodes = build()
    person = member(hulp, "member@hulp.example", Role.MEMBER, "Mira Member")
    browse.log_in(person.email, PASSWORD)
    map_url = reverse("ecosystem_map:map", kwargs={"slug": "hulp"})
    browse.goto(map_url)
    browse.page.wait_for_selector("#ecosystem-map[data-ready=true] canvas")
    assert "Ecosystem around Hulp" in browse.text()
    assert browse.page.evaluate("() => cytoscape !== undefined")

    browse.fill({"q": "femmes de Kampala"})
    browse.submit("main form[role=search] [type=submit]")
    browse.follow("main .map-results a")
    assert f"org={nodes['kampala'].code}" in browse.page.url
    assert "Ecosystem around Kampala Women" in browse.text()
    browse.page.wait_for_selector("#ecosystem-map[data-ready=true] canvas")
    assert "Gulu Youth" in browse.text("#map-nodes-heading + .table-wrap")

    browse.page.select_option("main #map-filters [name=kind]", "participation")
    browse.submit("main #map-filters [type=submit]")
    assert "kind=participation" in browse.page.url
    table = browse.text("#map-nodes-heading + .table-wrap")
    assert "Hulp" in table and "Gulu Youth" not in table
    browse.page.wait_for_selector("#ecosystem-map[data-ready=true] canvas")

    # The network figures of the centre, computed by the worker (at once in tests), with their method.
    browse.follow("main a:text('Network figures')")
    assert "How these figures are made" in browse.text()
    assert "Kampala Women" in browse.text()


def test_the_table_fallback_without_javascript(transactional_db, english, open_browser):
    hulp, _ = build()
    person = member(hulp, "viewer@hulp.example", Role.VIEWER, "Vera Viewer")
    phone = PhoneWithoutJavaScript(open_browser)
    phone.log_in(person.email)
    phone.goto(reverse("ecosystem_map:map", kwargs={"slug": "hulp"}))
    assert phone.page.locator("#ecosystem-map").is_hidden()
    assert phone.page.locator("main figure svg circle").count() == 4
    text = phone.text()
    assert "Kampala Women" in text and "Ministry" in text
    phone.click("main #map-nodes-heading + .table-wrap a:text('Kampala Women')")
    assert "Ecosystem around Kampala Women" in phone.text()
    assert phone.page.locator("main figure svg circle").count() == 4
