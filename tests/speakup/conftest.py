"""Speak-up test fixtures, shared by the key, public-channel and handler tests.

handler       → a channel `hulp-meldpunt` of `hulp` with `people.officer` as its handler,
                who has a handler key (password `PASSWORD`; recovery key on the fixture)
make_report   → make_report(channel, {"what": "…"}) stores a report as a submit would,
                returns (report, receipt code)
unlocked      → a client logged in as the officer with their key unlocked for the session
"""

import json
from dataclasses import dataclass
from typing import Any

import nacl.pwhash.argon2id as argon2id
import pytest
from django.test import Client
from django.urls import reverse
from nacl.public import PrivateKey

from accounts.models import User
from speakup import crypto, keys
from speakup.models import Channel, ChannelHandler, Report
from tests.conftest import PASSWORD, People


@pytest.fixture(autouse=True)
def fast_key_derivation(settings):
    """The smallest Argon2id work libsodium allows: tests measure behaviour, bench/ measures cost."""
    settings.SPEAKUP_ARGON2_OPSLIMIT = argon2id.OPSLIMIT_MIN
    settings.SPEAKUP_ARGON2_MEMLIMIT = argon2id.MEMLIMIT_MIN


@dataclass
class Handler:
    channel: Channel
    user: User
    private_key: PrivateKey
    recovery_key: str
    password: str = PASSWORD


def add_handler(channel: Channel, user: User) -> tuple[PrivateKey, str]:
    """Make `user` a handler of `channel` with a key; returns their private key and recovery key."""
    ChannelHandler.objects.create(channel=channel, user=user)
    _handler_key, recovery_key = keys.setup(user, PASSWORD)
    return keys.open_with_password(user, PASSWORD), recovery_key


@pytest.fixture
def handler(people: People) -> Handler:
    channel = Channel.objects.create(organisation=people.org, slug="hulp-meldpunt")
    private_key, recovery_key = add_handler(channel, people.officer)
    return Handler(channel=channel, user=people.officer, private_key=private_key, recovery_key=recovery_key)


def store_report(channel: Channel, content: dict[str, Any], **fields: Any) -> tuple[Report, str]:
    """Store a report the way a submission does; returns it and its receipt code."""
    receipt = crypto.new_receipt()
    opslimit, memlimit = keys.argon2_limits()
    reporter_key, lookup = crypto.reporter_keys(receipt, bytes(channel.salt), opslimit, memlimit)
    report_key = crypto.new_keypair()
    fields.setdefault("organisation", channel.organisation)
    report = Report.objects.create(
        channel=channel,
        receipt_lookup=lookup,
        reporter_public_key=bytes(reporter_key.public_key),
        content=crypto.seal(bytes(report_key.public_key), json.dumps(content).encode()),
        key_version=1,
        **fields,
    )
    keys.issue_key(report, report_key, channel.handler_users())
    return report, receipt


@pytest.fixture
def make_report(db):
    return store_report


@pytest.fixture
def unlocked(handler: Handler) -> Client:
    client = Client()
    client.force_login(handler.user)
    slug = handler.channel.organisation.slug  # type: ignore[union-attr]
    response = client.post(reverse("speakup:unlock", kwargs={"slug": slug}), {"password": PASSWORD})
    assert response.status_code == 302, response
    return client
