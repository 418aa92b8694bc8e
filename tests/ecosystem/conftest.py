"""Small IATI files written by the tests themselves, so that they run where ../shared is absent; the overlay's world."""

from pathlib import Path

import pytest

from assessments.models import Assessment
from ecosystem.models import ImportedOrganisation
from organisations.models import Organisation, Partnership
from speakup.models import Channel
from tests.assessments.helpers import make_final, small_library
from tests.ecosystem.map_world import Graph

HULP = '<reporting-org ref="NL-KVK-41160054" type="21"><narrative>Hulp Zonder Grenzen</narrative></reporting-org>'


def activity(
    identifier: str,
    reporting: str = HULP,
    body: str = "",
    last_updated: str = "2024-01-01T00:00:00",
) -> str:
    return (
        f'<iati-activity last-updated-datetime="{last_updated}" default-currency="EUR" xml:lang="en">'
        f"<iati-identifier>{identifier}</iati-identifier>{reporting}"
        f"<title><narrative>Activity {identifier}</narrative></title>{body}</iati-activity>"
    )


def org(role: str, ref: str = "", name: str = "", type_: str = "") -> str:
    ref_attribute = f' ref="{ref}"' if ref else ""
    type_attribute = f' type="{type_}"' if type_ else ""
    narrative = f"<narrative>{name}</narrative>" if name else ""
    return f'<participating-org role="{role}"{ref_attribute}{type_attribute}>{narrative}</participating-org>'


def transaction(
    type_: str, value: str = "1000", provider: str = "", receiver: str = "", day: str = "2024-03-01"
) -> str:
    provider_org = f'<provider-org ref="{provider}"/>' if provider else ""
    receiver_org = f'<receiver-org ref="{receiver}"/>' if receiver else ""
    return (
        f'<transaction><transaction-type code="{type_}"/><transaction-date iso-date="{day}"/>'
        f'<value value-date="{day}">{value}</value>{provider_org}{receiver_org}</transaction>'
    )


@pytest.fixture
def iati_file(tmp_path):
    """`iati_file(*activities, version=…, name=…)` writes an activity file and returns its path."""
    count = 0

    def write(*activities: str, version: str = "2.03", name: str = "") -> Path:
        nonlocal count
        count += 1
        path = tmp_path / (name or f"activities-{count}.xml")
        path.write_text(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{version}">\n'
            + "\n".join(activities)
            + "\n</iati-activities>\n",
            encoding="utf-8",
        )
        return path

    return write


# Hulp funds Kampala (a current partnership, both on Samen and in the IATI data). Kampala pays Gulu (in the
# IATI data only) and works with Mbale (on Samen, with a speak-up channel). Ander Fonds funds Kampala too
# and requested Kampala's assessment: its tier is Ander's and Kampala's, not Hulp's, until Kampala shares it.
@pytest.fixture
def world(people):
    kampala = Organisation.objects.create(slug="kampala", name="Kampala Women", iati_identifier="XM-TEST-KAMPALA")
    mbale = Organisation.objects.create(slug="mbale", name="Mbale Youth", iati_identifier="XM-TEST-MBALE")
    people.org.iati_identifier = "XM-TEST-HULP"
    people.org.save()
    partnership = Partnership.objects.create(organisation=people.org, partner=kampala, kind=Partnership.Kind.FUNDING)
    Partnership.objects.create(organisation=people.other_org, partner=kampala, kind=Partnership.Kind.FUNDING)
    graph = Graph()
    hulp_node, kampala_node, gulu_node, mbale_node, ander_node = graph.orgs("Hulp", "Kampala", "Gulu", "Mbale", "Ander")
    ImportedOrganisation.objects.link_samen_organisations()
    graph.fund(hulp_node, kampala_node)
    graph.pay(kampala_node, gulu_node, 300)
    graph.fund(kampala_node, mbale_node)
    graph.fund(ander_node, kampala_node)
    Channel.objects.create(organisation=mbale, slug="mbale-speakup")
    assessment = make_final(
        Assessment.objects.create(library=small_library(), organisation=kampala, requester=people.other_org)
    )
    Assessment.objects.filter(pk=assessment.pk).update(final_rating="high")
    return {
        "kampala": kampala,
        "mbale": mbale,
        "partnership": partnership,
        "assessment": assessment,
        "nodes": {"hulp": hulp_node, "kampala": kampala_node, "gulu": gulu_node, "mbale": mbale_node},
    }
