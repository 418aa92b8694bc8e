"""Reports, messages and attachments made the way the public pages make them, for the handler tests.

`tests/speakup/conftest.py` stores a report as a submission does (`store_report`); these add what
a reporter sends afterwards, open things as the reporter, and make handler keys without Argon2id
for the access matrix (which runs outside tests/speakup and its fast key derivation).
"""

import json
import secrets
from typing import Any

from django.core.files.base import ContentFile
from nacl.public import PrivateKey

from accounts.models import User
from speakup import crypto, keys
from speakup.models import Attachment, Channel, ChannelHandler, HandlerKey, Message, Report
from tests.speakup.conftest import store_report

__all__ = ["add_attachment", "add_reporter_message", "quick_handler", "quick_report", "reporter_key", "store_report"]


def reporter_key(report: Report, receipt: str) -> PrivateKey:
    """The reporter's private key, derived from their receipt as the follow-up page does."""
    opslimit, memlimit = keys.argon2_limits()
    private_key, lookup = crypto.reporter_keys(receipt, bytes(report.channel.salt), opslimit, memlimit)
    assert lookup == report.receipt_lookup
    return private_key


def add_reporter_message(report: Report, text: str) -> Message:
    body, version = keys.seal_for_report(report, text.encode())
    return Message.objects.create(report=report, from_reporter=True, body=body, key_version=version)


def add_attachment(
    report: Report, name: str = "evidence.pdf", data: bytes = b"%PDF-1.4 test", content_type: str = "application/pdf"
) -> Attachment:
    sealed_bytes, version = keys.seal_for_report(report, data)
    sealed_name, _version = keys.seal_for_report(report, name.encode())
    attachment = Attachment(
        report=report, name=sealed_name, content_type=content_type, size=len(data), key_version=version
    )
    attachment.file.save("upload", ContentFile(sealed_bytes), save=False)
    attachment.save()
    return attachment


def quick_handler(channel: Channel, user: User) -> PrivateKey:
    """A handler with a key pair, without Argon2id: their key cannot be unlocked with a password."""
    private_key = crypto.new_keypair()
    unusable = secrets.token_bytes(crypto.KEY_BYTES)
    HandlerKey.objects.create(
        user=user,
        public_key=bytes(private_key.public_key),
        by_password=crypto.lock(unusable, bytes(private_key)),
        password_salt=crypto.new_salt(),
        by_recovery=crypto.lock(unusable, bytes(private_key)),
        recovery_salt=crypto.new_salt(),
    )
    ChannelHandler.objects.create(channel=channel, user=user)
    return private_key


def quick_report(channel: Channel, content: dict[str, Any], **fields: Any) -> tuple[Report, PrivateKey]:
    """A report sealed like a submission, with a random reporter key instead of one from a receipt (no Argon2id)."""
    reporter = crypto.new_keypair()
    report_key = crypto.new_keypair()
    fields.setdefault("organisation", channel.organisation)
    report = Report.objects.create(
        channel=channel,
        receipt_lookup=secrets.token_hex(32),
        reporter_public_key=bytes(reporter.public_key),
        content=crypto.seal(bytes(report_key.public_key), json.dumps(content).encode()),
        key_version=1,
        **fields,
    )
    keys.issue_key(report, report_key, channel.handler_users())
    return report, reporter
