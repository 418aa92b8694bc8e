"""The integrity overlay: only what Hulp may see about its partners, nothing about cases, and the blind spots.

Hulp funds Kampala (a current partnership, both on Samen and in the IATI data). Kampala pays Gulu (in the
IATI data only) and works with Mbale (on Samen, with a speak-up channel). Ander Fonds funds Kampala too
and requested Kampala's assessment: its tier is Ander's and Kampala's, not Hulp's, until Kampala shares it.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionPlan
from agreements.models import Agreement, ClauseSet
from assessments.models import Assessment, consent_subject
from ecosystem.models import ImportedOrganisation
from ecosystem.overlay import blind_spots, overlay, viewer_nodes
from organisations.models import Consent, Organisation, Partnership
from speakup.models import Channel
from tests.ecosystem.map_world import Graph


def data(people, persona="member", **query):
    url = reverse("ecosystem_map:data", kwargs={"slug": "hulp"})
    return people.client(persona).get(url + "?" + urlencode({"depth": 2, **query}))


def node(response, label):
    return next(n["data"] for n in response.json()["nodes"] if n["data"]["label"] == label)


def test_a_partners_assessment_shows_but_not_a_tier_it_did_not_share(people, world):
    response = data(people)
    kampala = node(response, "Kampala")
    assert kampala["integrity"]["assessed"] is True
    assert kampala["integrity"]["tier"] == ""
    # The tier of Ander's request appears nowhere in what Hulp receives.
    assert "high" not in response.content.decode()


def test_the_tier_shows_once_the_partner_shares_it(people, world):
    kampala_admin = people.admin  # who gave it does not matter to the overlay
    consent = Consent.give(
        organisation=world["kampala"],
        subject=consent_subject(world["assessment"].code),
        by=kampala_admin,
        scope=Consent.Scope.ORGANISATION,
        to_organisation=people.org,
    )
    assert node(data(people), "Kampala")["integrity"]["tier"] == "high"
    consent.revoke(by=kampala_admin)
    assert node(data(people), "Kampala")["integrity"]["tier"] == ""


def test_an_expired_assessment_is_not_current(people, world):
    Assessment.objects.update(valid_until=timezone.localdate() - timedelta(days=1))
    assert node(data(people), "Kampala")["integrity"]["assessed"] is False


def test_actions_count_only_in_plans_hulp_owns_with_the_partner(people, world):
    ours = ActionPlan.start(organisation=people.org, partner=world["kampala"], title="Ours", by=people.admin)
    yesterday = timezone.localdate() - timedelta(days=1)
    ours.add_action(title="Overdue", due_on=yesterday, by=people.admin)
    ours.add_action(title="Open", due_on=yesterday + timedelta(days=30), by=people.admin)
    done = ours.add_action(title="Done", due_on=yesterday, by=people.admin)
    Action.objects.filter(pk=done.pk).update(status=Action.Status.DONE)
    theirs = ActionPlan.start(organisation=people.other_org, partner=world["kampala"], title="Theirs", by=None)
    theirs.add_action(title="Not ours", due_on=yesterday, by=None, by_organisation=people.other_org)
    integrity = node(data(people), "Kampala")["integrity"]
    assert (integrity["open_actions"], integrity["overdue_actions"]) == (2, 1)


def test_an_agreement_in_place(people, world):
    assert node(data(people), "Kampala")["integrity"]["agreement"] is False
    clauses = ClauseSet.objects.create(code="test", version="1", content={}, source="test")
    agreement = Agreement.objects.create(
        organisation=people.org,
        partnership=world["partnership"],
        clause_set=clauses,
        choices={},
        parties={},
        language="en",
        signed_on=timezone.localdate() - timedelta(days=10),
    )
    assert node(data(people), "Kampala")["integrity"]["agreement"] is True
    # Past its review date, the agreement no longer counts as in place.
    agreement.review_on = timezone.localdate() - timedelta(days=1)
    agreement.save(update_fields=["review_on"])
    assert node(data(people), "Kampala")["integrity"]["agreement"] is False


def test_a_speak_up_channel_is_existence_only(people, world):
    assert node(data(people), "Kampala")["integrity"]["channel"] is False
    Channel.objects.create(organisation=world["kampala"], slug="kampala-speakup")
    assert node(data(people), "Kampala")["integrity"]["channel"] is True


def test_the_overlay_says_nothing_about_cases(people, world):
    integrity = node(data(people), "Kampala")["integrity"]
    assert set(integrity) == {"assessed", "tier", "open_actions", "overdue_actions", "agreement", "channel"}
    assert set(overlay(people.org, {world["kampala"].pk})[world["kampala"].pk].__dict__) == set(integrity)


def test_organisations_that_are_not_partners_get_no_overlay(people, world):
    response = data(people)
    for label in ("Hulp", "Mbale", "Gulu", "Ander"):
        assert "integrity" not in node(response, label)
    world["partnership"].status = Partnership.Status.ENDED
    world["partnership"].save(update_fields=["status"])
    assert "integrity" not in node(data(people), "Kampala")


def test_another_organisation_sees_its_own_overlay_not_hulps(people, world):
    # Ander requested the assessment: its tier is Ander's to see; Hulp's actions are not.
    ActionPlan.start(organisation=people.org, partner=world["kampala"], title="Ours", by=None).add_action(
        title="Hulp's", by=None, by_organisation=people.org
    )
    url = reverse("ecosystem_map:data", kwargs={"slug": "ander"})
    kampala = ImportedOrganisation.objects.get(identifier="XM-TEST-KAMPALA")
    response = people.client("outsider").get(f"{url}?org={kampala.code}&depth=1")
    integrity = node(response, "Kampala")["integrity"]
    assert integrity["tier"] == "high"
    assert integrity["open_actions"] == 0


def test_blind_spots_are_partners_of_partners_without_assessment_or_channel(people, world):
    response = data(people, colour="integrity")
    assert node(response, "Gulu")["blind_spot"] is True
    assert node(response, "Mbale")["blind_spot"] is False  # it has a speak-up channel
    assert node(response, "Kampala")["blind_spot"] is False  # a partner, not a partner's partner
    spots, capped = blind_spots(people.org)
    assert {o.name for o in spots} == {"Gulu", "Ander"} and not capped


def test_the_page_lists_partners_and_blind_spots(people, world, english):
    url = reverse("ecosystem_map:map", kwargs={"slug": "hulp"})
    text = people.client("viewer").get(url + "?colour=integrity").content.decode()
    assert "Your partners on this map" in text
    assert "Not shared with you" in text
    assert "Blind spots around your partners" in text and "Gulu" in text
    assert "High risk" not in text


def test_the_overlay_reads_the_same_through_the_partners_subquery(people, world, monkeypatch):
    """Past LITERAL_KEYS partners the queries filter on the viewer's partners as a subquery; rows of partners not
    asked about are left out, and what is asked about reads the same."""
    Partnership.objects.create(organisation=people.org, partner=world["mbale"], kind=Partnership.Kind.FUNDING)
    both = {world["kampala"].pk, world["mbale"].pk}
    literal = overlay(people.org, both)
    monkeypatch.setattr("ecosystem.overlay.LITERAL_KEYS", 0)
    assert overlay(people.org, both) == literal
    assert literal[world["mbale"].pk].channel and not literal[world["kampala"].pk].channel
    assert set(overlay(people.org, {world["kampala"].pk})) == {world["kampala"].pk}


def test_the_partners_on_the_map_are_listed_a_page_at_a_time(people, world, english, monkeypatch):
    Partnership.objects.create(organisation=people.org, partner=world["mbale"], kind=Partnership.Kind.FUNDING)
    monkeypatch.setattr("ecosystem.views.map.PAGE_SIZE", 1)
    url = reverse("ecosystem_map:map", kwargs={"slug": "hulp"})
    first = people.client("viewer").get(url + "?colour=integrity&page=1").content.decode()
    second = people.client("viewer").get(url + "?partners_page=2").content.decode()
    # The link to the next page of partners keeps the rest of the query (the other lists' pages too).
    assert 'href="?colour=integrity&amp;page=1&amp;partners_page=2" rel="next"' in first
    overlay_part = [page.split('id="map-overlay-heading"')[1].split("</section>")[0] for page in (first, second)]
    assert "Page 1 of 2" in overlay_part[0] and "Page 2 of 2" in overlay_part[1]
    names = [{name for name in ("Kampala", "Mbale") if f">{name}</a>" in part} for part in overlay_part]
    assert len(names[0]) == len(names[1]) == 1 and names[0] != names[1]


def test_the_viewer_and_its_partners_are_found_by_link_or_by_identifier(people):
    """An import links organisations it knows by identifier; one given its identifier later is found by it."""
    kampala = Organisation.objects.create(slug="kampala", name="Kampala Women", iati_identifier="XM-TEST-KAMPALA")
    gulu = Organisation.objects.create(slug="gulu", name="Gulu Youth")
    stranger = Organisation.objects.create(slug="stranger", name="Stranger", iati_identifier="XM-TEST-STRANGER")
    for partner in (kampala, gulu):
        Partnership.objects.create(organisation=people.org, partner=partner, kind=Partnership.Kind.FUNDING)
    graph = Graph()
    hulp_node, kampala_node, gulu_node, stranger_node = graph.orgs("Hulp", "Kampala", "Gulu", "Stranger")
    ImportedOrganisation.objects.link_samen_organisations()  # Kampala and Stranger, by their identifiers
    # Hulp and Gulu get their identifiers after the import: found by them, not by a link.
    people.org.iati_identifier = "XM-TEST-HULP"
    people.org.save()
    gulu.iati_identifier = "XM-TEST-GULU"
    gulu.save()
    unlinked = ImportedOrganisation.objects.filter(pk__in=[hulp_node.pk, gulu_node.pk], samen_organisation=None)
    assert unlinked.count() == 2
    mine, partners = viewer_nodes(people.org)
    assert mine == {hulp_node.pk}
    assert partners == {kampala_node.pk: kampala.pk, gulu_node.pk: gulu.pk}
    assert stranger_node.pk not in partners and stranger.pk not in partners.values()
