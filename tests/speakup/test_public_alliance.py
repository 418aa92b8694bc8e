"""An alliance channel: the reporter says which member the report is about; that member's handlers never get it."""

import pytest
from django.test import Client
from django.utils import timezone

from organisations.models import Alliance, AllianceMember
from speakup.models import Channel, HandlerGrant, Report
from tests.conftest import People
from tests.speakup.conftest import add_handler
from tests.speakup.test_public_support import (  # noqa: F401  (fixtures)
    no_traces_middleware,
    quick_public_settings,
    receipt_of,
    submit,
    url,
)


@pytest.fixture
def alliance_channel(people: People) -> Channel:
    alliance = Alliance.objects.create(
        name="Dutch Humanitarian Alliance", lead=people.org, starts_on=timezone.localdate()
    )
    AllianceMember.objects.create(alliance=alliance, organisation=people.org)
    AllianceMember.objects.create(alliance=alliance, organisation=people.other_org)
    channel = Channel.objects.create(alliance=alliance, slug="alliance-meldpunt")
    add_handler(channel, people.officer)  # works at Hulp, the lead
    add_handler(channel, people.outsider)  # works at Ander Fonds
    return channel


def granted(report: Report) -> set[str]:
    return set(HandlerGrant.objects.filter(report_key__report=report).values_list("user__email", flat=True))


def test_the_form_offers_every_member_and_the_alliance_as_a_whole(alliance_channel: Channel, people: People):
    page = Client().get(url("report", alliance_channel))
    assert "The alliance as a whole" in page.text
    assert people.org.name in page.text and people.other_org.name in page.text


def test_a_report_about_a_member_never_reaches_its_handlers(alliance_channel: Channel, people: People):
    receipt_of(submit(Client(), alliance_channel, concerns=str(people.other_org.code)))
    report = Report.objects.get()
    assert report.concerns == people.other_org
    assert report.organisation == people.org  # the lead receives it
    assert granted(report) == {people.officer.email}


def test_a_report_about_the_lead_goes_to_the_next_member(alliance_channel: Channel, people: People):
    receipt_of(submit(Client(), alliance_channel, concerns=str(people.org.code)))
    report = Report.objects.get()
    assert report.concerns == people.org
    assert report.organisation == people.other_org
    assert granted(report) == {people.outsider.email}


def test_a_report_about_the_alliance_as_a_whole_reaches_every_handler(alliance_channel: Channel, people: People):
    receipt_of(submit(Client(), alliance_channel, concerns="alliance"))
    report = Report.objects.get()
    assert report.concerns is None and report.organisation == people.org
    assert granted(report) == {people.officer.email, people.outsider.email}


def test_the_member_must_be_chosen(alliance_channel: Channel):
    response = submit(Client(), alliance_channel)
    assert 'href="#id_concerns_0"' in response.text
    assert not Report.objects.exists()
