"""Someone removed from an organisation stops handling its reports, and its reports are re-keyed."""

from django.urls import reverse

from speakup.models import ChannelHandler, HandlerGrant
from tests.speakup.conftest import add_handler, store_report


def test_a_removed_member_loses_the_channel_and_every_grant(people, handler):
    add_handler(handler.channel, people.member)
    report, _receipt = store_report(handler.channel, {"what": "a concern"})
    assert HandlerGrant.objects.filter(report_key__report=report, user=people.member).exists()
    versions_before = report.keys.count()

    membership = people.member.memberships.get(organisation=people.org)
    url = reverse("organisations:member_remove", kwargs={"slug": "hulp", "code": membership.code})
    assert people.client("admin").post(url).status_code == 302

    assert not ChannelHandler.objects.filter(user=people.member).exists()
    assert not HandlerGrant.objects.filter(user=people.member).exists()
    assert report.keys.count() == versions_before + 1  # new content is sealed to a key they never had
    assert HandlerGrant.objects.filter(report_key__report=report, user=people.officer).count() == versions_before + 1
