"""The map reads what it shows of the viewer's partners once per data version (ecosystem/overlay.py `read_viewer`,
ADR 0025), and keeps what it makes of a drawing (the JSON, the files, compressed; the tables as first opened).

The world is tests/ecosystem/conftest.py's: Hulp funds Kampala; Kampala works with Gulu (IATI only) and
Mbale (a channel).
"""

import gzip
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment
from ecosystem.models import OverlayVersion
from organisations.models import Alliance, AllianceMember, Organisation, Partnership
from samen import counters
from speakup.models import Channel
from tests.ecosystem.test_overlay import data, node

pytestmark = pytest.mark.usefixtures("english")


def cover() -> int:
    return counters.numbers(OverlayVersion, [OverlayVersion.COVER])[0]


def test_a_second_request_reads_the_overlay_from_memory(people, world):
    client = people.client("member")
    url = reverse("ecosystem_map:data", kwargs={"slug": "hulp"}) + "?depth=2"
    client.get(url)  # the first request also records when the membership was last used
    from ecosystem.overlay import COVERS, VIEWERS

    VIEWERS.clear()
    COVERS.clear()
    with CaptureQueriesContext(connection) as read:
        first = client.get(url).json()
    with CaptureQueriesContext(connection) as kept:
        second = client.get(url).json()
    assert len(kept) < len(read) - 8
    assert second == first
    assert node_data(second, "Kampala")["integrity"]["assessed"] is True


def node_data(payload, label):
    return next(n["data"] for n in payload["nodes"] if n["data"]["label"] == label)


def test_a_partners_assessment_finalised_by_another_funder_shows_on_the_next_request(people, world):
    Partnership.objects.create(organisation=people.org, partner=world["mbale"], kind=Partnership.Kind.FUNDING)
    assert node(data(people), "Mbale")["integrity"]["assessed"] is False
    before = cover()
    draft = Assessment.objects.create(
        library=world["assessment"].library, organisation=world["mbale"], requester=people.other_org
    )
    assert cover() == before  # a draft is shown nowhere
    assert node(data(people), "Mbale")["integrity"]["assessed"] is False
    draft.submit()
    assert cover() == before
    draft.finalise(rating="moderate")
    assert cover() > before
    assert node(data(people), "Mbale")["integrity"]["assessed"] is True


def test_a_channel_of_an_alliance_joined_shows_on_the_next_request(people, world):
    alliance = Alliance.objects.create(name="Lake Victoria", lead=world["mbale"])
    Channel.objects.create(alliance=alliance, slug="lake-speakup")
    assert node(data(people), "Kampala")["integrity"]["channel"] is False
    AllianceMember.objects.create(alliance=alliance, organisation=world["kampala"])
    assert node(data(people), "Kampala")["integrity"]["channel"] is True


def test_the_blind_spots_follow_the_cover(people, world):
    page = reverse("ecosystem_map:map", kwargs={"slug": "hulp"}) + "?depth=2"
    assert "Gulu" in blind_spot_section(people.client("member").get(page).content.decode())
    gulu = Organisation.objects.create(slug="gulu", name="Gulu", iati_identifier="XM-TEST-GULU")
    Channel.objects.create(organisation=gulu, slug="gulu-speakup")
    assert "Gulu" not in blind_spot_section(people.client("member").get(page).content.decode())


def blind_spot_section(page: str) -> str:
    return page[page.index('id="map-blind-heading"') :]


def test_the_data_is_compressed_once_and_says_so(people, world):
    client = people.client("member")
    url = reverse("ecosystem_map:data", kwargs={"slug": "hulp"}) + "?" + urlencode({"depth": 2})
    plain = client.get(url)
    first = client.get(url, headers={"accept-encoding": "gzip, deflate"})
    second = client.get(url, headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in plain
    assert first["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert gzip.decompress(first.content) == plain.content
    assert second.content == first.content  # kept, not compressed again


def test_the_files_keep_their_names_and_are_compressed(people, world):
    client = people.client("member")
    for route, ending in (("nodes_csv", ".csv"), ("edges_csv", ".csv"), ("graphml", ".graphml"), ("svg", ".svg")):
        url = reverse(f"ecosystem_map:{route}", kwargs={"slug": "hulp"}) + "?depth=2"
        plain = client.get(url)
        packed = client.get(url, headers={"accept-encoding": "gzip"})
        assert plain["Content-Disposition"].startswith("attachment;")
        assert plain["Content-Disposition"].rstrip('"').endswith(ending)
        assert packed["Content-Disposition"] == plain["Content-Disposition"]
        assert gzip.decompress(packed.content) == plain.content


def test_another_page_of_a_table_is_rendered_for_it(people, world):
    client = people.client("member")
    url = reverse("ecosystem_map:map", kwargs={"slug": "hulp"}) + "?depth=2"
    first = client.get(url).content.decode()
    again = client.get(url).content.decode()
    assert blind_spot_section(first) == blind_spot_section(again)
    # A page past the last shows the last page: the same rows, rendered for this query, not the kept ones.
    other = client.get(url + "&edges_page=2").content.decode()
    assert "Kampala" in other
