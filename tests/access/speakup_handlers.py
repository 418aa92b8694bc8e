"""Access-matrix rows for the handler side of speak-up (speakup/views/channels.py and handlers.py).

Channels are configured by admins and integrity officers (other members 403, outsiders 404). The inbox
answers every member, and lists only the reports they are assigned to. In the world the officer is the
one handler of the channel: every report page sends them to unlock their key first (302), and gives
everyone else 404 — the admin too: need to know, not role.
"""

from typing import Any

from organisations.models import Membership
from speakup.models import Channel, Report
from tests.access.rows import Row, org_page, same, statuses
from tests.speakup.factories import add_attachment, quick_handler, quick_report

CONFIG = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=200, admin=200)
CONFIG_POST = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=302, admin=302)
# Report pages: the assigned officer is sent to unlock; everyone else, whatever their role, gets 404.
ASSIGNED = same(404, anonymous=302, officer=302)


def _channel(world: Any) -> Channel:
    if "speakup_channel" not in world.objects:
        channel, _created = Channel.objects.get_or_create(
            slug="hulp-meldpunt", defaults={"organisation": world.people.org}
        )
        quick_handler(channel, world.people.officer)
        # The manager has a key but does not handle the channel: the one who can be added.
        quick_handler(Channel.objects.create(organisation=world.people.org, slug="hulp-ander"), world.people.manager)
        report, _reporter = quick_report(channel, {"what": "Something happened"})
        world.objects.update(speakup_channel=channel, speakup_report=report, speakup_attachment=add_attachment(report))
    return world.speakup_channel


def org(world: Any) -> dict[str, Any]:
    return {"slug": world.org.slug}


def channel(world: Any) -> dict[str, Any]:
    return {"slug": world.org.slug, "code": _channel(world).code}


def handler(world: Any) -> dict[str, Any]:
    officer = Membership.objects.get(user=world.people.officer, organisation=world.org)
    return {**channel(world), "member": officer.code}


def report(world: Any) -> dict[str, Any]:
    _channel(world)
    found: Report = world.speakup_report
    return {"slug": world.org.slug, "code": found.code}


def attachment(world: Any) -> dict[str, Any]:
    _channel(world)
    return {**report(world), "name": world.speakup_attachment.file.name.rsplit("/", 1)[-1]}


def channel_form(slug: str) -> Any:
    def data(world: Any) -> dict[str, Any]:
        return {
            "owner": "organisation",
            "slug": slug,
            "is_open": "on",
            "languages": ["en"],
            "intro_en": "Tell us.",
            "retention_days": "90",
            "max_reports_per_hour": "30",
            "max_attachment_mb": "5",
        }

    return data


def add_manager(world: Any) -> dict[str, Any]:
    _channel(world)
    return {"person": str(Membership.objects.get(user=world.people.manager, organisation=world.org).code)}


ROWS = [
    Row("speakup:channels", CONFIG, kwargs=org),
    Row("speakup:channel_add", CONFIG, kwargs=org),
    Row("speakup:channel_add", CONFIG_POST, kwargs=org, method="post", data=channel_form("new-channel")),
    Row("speakup:channel_edit", CONFIG, kwargs=channel),
    Row("speakup:channel_edit", CONFIG_POST, kwargs=channel, method="post", data=channel_form("hulp-meldpunt")),
    Row("speakup:channel_handlers", CONFIG, kwargs=channel),
    Row("speakup:channel_handlers", CONFIG_POST, kwargs=channel, method="post", data=add_manager),
    Row("speakup:channel_handler_remove", CONFIG, kwargs=handler),
    Row("speakup:channel_handler_remove", CONFIG_POST, kwargs=handler, method="post"),
    Row("speakup:inbox", org_page(), kwargs=org, query="?status=new&category=&page=1"),
    Row("speakup:report", ASSIGNED, kwargs=report),
    Row("speakup:report_reply", ASSIGNED, kwargs=report, method="post", data=lambda world: {"body": "Hello"}),
    Row("speakup:report_reply", same(405, anonymous=302), kwargs=report, note="GET"),
    Row("speakup:report_acknowledge", ASSIGNED, kwargs=report),
    Row("speakup:report_acknowledge", ASSIGNED, kwargs=report, method="post", data=lambda world: {"body": "Received"}),
    Row("speakup:report_close", ASSIGNED, kwargs=report),
    Row("speakup:report_close", ASSIGNED, kwargs=report, method="post"),
    Row("speakup:attachment_download", ASSIGNED, kwargs=attachment),
]
