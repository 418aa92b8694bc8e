"""The key scheme on the models: handler keys, report keys and grants, and the unlock stash."""

import json

import pytest

from speakup import crypto, keys
from speakup.models import HandlerGrant
from tests.conftest import PASSWORD
from tests.speakup.conftest import add_handler


def reporter_key(report, receipt):
    opslimit, memlimit = keys.argon2_limits()
    private_key, lookup = crypto.reporter_keys(receipt, bytes(report.channel.salt), opslimit, memlimit)
    assert lookup == report.receipt_lookup
    return private_key


# Reporter ↔ handler -------------------------------------------------------------------------------


def test_handler_and_reporter_both_read_the_report_and_each_others_messages(handler, make_report):
    report, receipt = make_report(handler.channel, {"what": "marker-7c1e"})
    reporter = reporter_key(report, receipt)

    content = json.loads(keys.open_for_handler(report, report.key_version, report.content, handler.private_key))
    assert content == {"what": "marker-7c1e"}
    assert json.loads(keys.open_for_reporter(report, report.key_version, report.content, reporter)) == content

    question, version = keys.seal_for_report(report, b"When did this happen?")
    assert keys.open_for_reporter(report, version, question, reporter) == b"When did this happen?"
    answer, version = keys.seal_for_report(report, b"Last Tuesday")
    assert keys.open_for_handler(report, version, answer, handler.private_key) == b"Last Tuesday"
