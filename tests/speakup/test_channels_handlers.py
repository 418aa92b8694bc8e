"""Handlers of a channel: adding someone with a handler key, explaining when they have none, removing
with a key rotation that shuts the removed handler out of anything sealed afterwards."""

import pytest
from django.urls import reverse

from audit.models import Entry
from organisations.models import Alliance, AllianceMember, Membership, Organisation
from speakup import crypto, keys
from speakup.models import Channel, ChannelHandler, HandlerGrant
from tests.conftest import make_user
from tests.speakup.conftest import add_handler
from tests.speakup.factories import quick_report


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text."""


def url(name: str, channel: Channel, **kwargs: object) -> str:
    return reverse(f"speakup:{name}", kwargs={"slug": "hulp", "code": channel.code, **kwargs})


def member_code(user, organisation) -> str:
    return str(Membership.objects.get(user=user, organisation=organisation).code)


def test_the_page_lists_handlers_and_who_could_be_added(people, handler):
    keys.setup(people.manager, "pw")
    html = people.client("admin").get(url("channel_handlers", handler.channel)).content.decode()
    assert "Officer" in html
    assert "Manager (Hulp Zonder Grenzen)" in html
    assert "Member (Hulp Zonder Grenzen) — no handler key yet" in html
    assert "must first set up their handler key" in html


def test_add_a_handler_who_has_a_key(people, handler):
    keys.setup(people.manager, "pw")
    response = people.client("admin").post(
        url("channel_handlers", handler.channel), {"person": member_code(people.manager, people.org)}
    )
    assert response.status_code == 302
    assert ChannelHandler.objects.filter(channel=handler.channel, user=people.manager).exists()
    entry = Entry.objects.get(event="speakup_handler_added")
    assert entry.target == people.manager.email and entry.actor == people.admin.email
    assert entry.detail == {"channel": "hulp-meldpunt"}


def test_someone_without_a_key_is_explained_what_to_do_first(people, handler):
    response = people.client("officer").post(
        url("channel_handlers", handler.channel), {"person": member_code(people.member, people.org)}
    )
    assert response.status_code == 200
    assert "has not set up a handler key yet" in response.context["form"].errors["person"][0]
    assert not ChannelHandler.objects.filter(user=people.member).exists()


def test_only_people_of_the_organisation_can_be_added(people, handler):
    response = people.client("officer").post(
        url("channel_handlers", handler.channel), {"person": member_code(people.outsider, people.other_org)}
    )
    assert response.context["form"].errors["person"] == ["Choose a person from the list."]


def test_alliance_channel_handlers_come_from_member_organisations(people):
    alliance = Alliance.objects.create(name="Dutch Humanitarian Alliance", lead=people.org)
    member_org = Organisation.objects.create(slug="lid", name="Lid Organisatie", kind="member")
    AllianceMember.objects.create(alliance=alliance, organisation=member_org)
    colleague = make_user("officer@lid.example", name="Lid Officer")
    Membership.objects.create(user=colleague, organisation=member_org, role="officer")
    keys.setup(colleague, "pw")
    channel = Channel.objects.create(alliance=alliance, slug="alliance")
    response = people.client("officer").post(
        url("channel_handlers", channel), {"person": member_code(colleague, member_org)}
    )
    assert response.status_code == 302
    assert channel.handlers.filter(user=colleague).exists()


def test_removing_a_handler_rotates_the_reports_key(people, handler):
    manager_key, _recovery = add_handler(handler.channel, people.manager)
    report, _reporter = quick_report(handler.channel, {"what": "before"})
    client = people.client("admin")

    page = client.get(url("channel_handler_remove", handler.channel, member=member_code(people.manager, people.org)))
    assert "They can read 1 report of this channel." in page.content.decode()
    response = client.post(
        url("channel_handler_remove", handler.channel, member=member_code(people.manager, people.org))
    )
    assert response.status_code == 302

    assert not ChannelHandler.objects.filter(user=people.manager).exists()
    assert not HandlerGrant.objects.filter(user=people.manager).exists()
    assert report.newest_key_version == 2
    sealed, version = keys.seal_for_report(report, b"written after the removal")
    assert version == 2
    with pytest.raises(crypto.DecryptionError):
        keys.open_for_handler(report, version, sealed, manager_key)
    # The manager's old private key opens nothing new even with the new key row in hand.
    new_key_row = report.keys.get(version=2)
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(manager_key, bytes(new_key_row.for_reporter))
    assert keys.open_for_handler(report, version, sealed, handler.private_key) == b"written after the removal"
    assert keys.open_for_handler(report, 1, report.content, handler.private_key).startswith(b"{")
    entry = Entry.objects.get(event="speakup_handler_removed")
    assert entry.target == people.manager.email and entry.actor == people.admin.email
    assert "before" not in str(entry.detail)


def test_a_removed_handler_no_longer_opens_the_report_page(people, handler, unlocked):
    report, _reporter = quick_report(handler.channel, {"what": "x"})
    add_handler(handler.channel, people.manager)
    keys.grant(report, people.manager, handler.private_key)
    people.client("admin").post(
        url("channel_handler_remove", handler.channel, member=member_code(people.officer, people.org))
    )
    assert unlocked.get(reverse("speakup:report", kwargs={"slug": "hulp", "code": report.code})).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("member", 403), ("manager", 403), ("outsider", 404)])
def test_only_admins_and_officers_manage_handlers(people, handler, persona, status):
    client = people.client(persona)
    code = member_code(people.officer, people.org)
    assert client.get(url("channel_handlers", handler.channel)).status_code == status
    assert client.post(url("channel_handler_remove", handler.channel, member=code)).status_code == status
    assert ChannelHandler.objects.filter(user=people.officer).exists()


def test_removing_someone_who_is_not_a_handler_is_not_found(people, handler):
    code = member_code(people.member, people.org)
    assert people.client("admin").get(url("channel_handler_remove", handler.channel, member=code)).status_code == 404
