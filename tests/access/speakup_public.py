"""The public speak-up channel: anyone may use it, signed in or not, and every persona gets the same answer.

Pages after the receipt login send every persona (none of whom logged in with a receipt) back to it.
"""

from collections.abc import Callable
from typing import Any

from speakup.models import Channel
from tests.access.rows import Row, same


def channel(**extra: Any) -> Callable[[Any], dict[str, Any]]:
    def build(world: Any) -> dict[str, Any]:
        found, _created = Channel.objects.get_or_create(
            slug="hulp-meldpunt", defaults={"organisation": world.people.org}
        )
        return {"slug": found.slug, **extra}

    return build


ROWS = [
    Row("speakup_public:channel", same(200), kwargs=channel()),
    Row("speakup_public:channel", same(404), kwargs=lambda world: {"slug": "no-such-channel"}, note="unknown"),
    Row("speakup_public:home", same(200), kwargs=channel(lang="fr")),
    Row("speakup_public:home", same(404), kwargs=channel(lang="de"), note="language the channel does not speak"),
    Row("speakup_public:report", same(200), kwargs=channel(lang="es")),
    Row("speakup_public:report", same(200), kwargs=channel(lang="en"), method="post", note="empty: form errors"),
    Row(
        "speakup_public:receipt_download",
        same(200),
        kwargs=channel(lang="en"),
        method="post",
        data=lambda world: {"receipt": "1234 5678 9012 3456"},
    ),
    Row("speakup_public:receipt_download", same(405), kwargs=channel(lang="en"), note="GET"),
    Row("speakup_public:receipt_login", same(200), kwargs=channel(lang="nl")),
    Row(
        "speakup_public:receipt_login",
        same(200),
        kwargs=channel(lang="en"),
        method="post",
        data=lambda world: {"receipt": "123"},
        note="malformed: field error",
    ),
    Row("speakup_public:followup", same(302), kwargs=channel(lang="en"), note="no receipt login"),
    Row("speakup_public:reply", same(302), kwargs=channel(lang="en"), method="post", data=lambda world: {"body": "x"}),
    Row("speakup_public:attachment", same(302), kwargs=channel(lang="en", number=1)),
    Row("speakup_public:leave", same(302), kwargs=channel(lang="en"), method="post"),
]
