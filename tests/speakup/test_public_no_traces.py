"""No traces of the reporter: not in the database, not in the media files, not in any log record."""

import logging
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from speakup.models import Attachment, Report
from tests.speakup.conftest import Handler
from tests.speakup.test_public_support import (  # noqa: F401  (fixtures)
    no_traces_middleware,
    png_bytes,
    quick_public_settings,
    receipt_of,
    submit,
    url,
)

CLIENT_IP = "203.0.113.77"
FORWARDED_IP = "198.51.100.23"


def database_bytes() -> bytes:
    """The whole database as bytes: the SQLite file image (free pages included), or a dump of every table."""
    raw = connection.connection
    if connection.vendor == "sqlite" and hasattr(raw, "serialize"):
        return raw.serialize()
    dump = bytearray()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608  (names from introspection)
            for row in cursor.fetchall():
                for value in row:
                    dump += bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                    dump += b"\x00"
    return bytes(dump)


def every_table_as_text() -> str:
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.append(repr(cursor.fetchall()))
    return "\n".join(parts)


def media_bytes() -> bytes:
    root = Path(settings.MEDIA_ROOT)
    return b"".join(path.read_bytes() for path in root.rglob("*") if path.is_file()) if root.exists() else b""


@pytest.mark.django_db(transaction=True)
def test_a_report_leaves_no_marker_and_no_address(handler: Handler, caplog):
    caplog.set_level(logging.DEBUG)  # the root logger, every record
    marker = f"MARKER-{uuid.uuid4().hex}"
    agent = f"Agent-{marker}-browser"
    client = Client(
        REMOTE_ADDR=CLIENT_IP,
        HTTP_X_FORWARDED_FOR=f"{FORWARDED_IP}, {CLIENT_IP}",
        HTTP_USER_AGENT=agent,
        HTTP_REFERER=f"https://referrer.example/{marker}",
    )
    client.get(url("report", handler.channel))
    response = submit(
        client,
        handler.channel,
        what=f"What happened: {marker}",
        who=f"Who: {marker}",
        anonymity="confidential",
        name=f"Name {marker}",
        contact=f"{marker}@mail.example",
        files={"attachments": SimpleUploadedFile(f"{marker}.png", png_bytes(text=marker))},
    )
    receipt = receipt_of(response)
    client.post(url("receipt_login", handler.channel), {"receipt": receipt})
    page = client.get(url("followup", handler.channel))
    assert marker in page.text  # the reporter reads their own report…
    client.post(url("reply", handler.channel), {"token": page.context["token"], "body": f"More: {marker}"})
    assert Report.objects.count() == 1 and Attachment.objects.count() == 1

    # …and nothing else holds it, nor the client's address or browser.
    needles = [marker, CLIENT_IP, FORWARDED_IP, "Agent-", receipt]
    database, text, media = database_bytes(), every_table_as_text(), media_bytes()
    assert media, "the attachment was stored (sealed)"
    assert handler.channel.slug.encode() in database and handler.channel.slug in text, "scanning the right database"
    logged = "\n".join(
        f"{record.getMessage()} {vars(record)!r} {getattr(getattr(record, 'request', None), 'META', '')!r}"
        for record in caplog.records
    )
    for needle in needles:
        assert needle.encode() not in database, f"{needle} in the database"
        assert needle not in text, f"{needle} in a table"
        assert needle.encode() not in media, f"{needle} in the media folder"
        assert needle not in logged, f"{needle} in a log record"


def test_identifying_headers_are_gone_before_anything_else_sees_them(handler: Handler, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.Capture"]
    client = Client(REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT="Agent", HTTP_REFERER="https://x.example/")
    client.get(url("home", handler.channel), headers={"X-Forwarded-For": FORWARDED_IP})
    for key in ("REMOTE_ADDR", "HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_X_FORWARDED_FOR"):
        assert key not in Capture.seen
    # Outside speak-up nothing changes.
    client.get("/")
    assert Capture.seen.get("REMOTE_ADDR") == CLIENT_IP


class Capture:
    """The innermost middleware: records what the view would see of request.META."""

    seen: dict = {}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        Capture.seen = dict(request.META)
        return self.get_response(request)


@pytest.mark.parametrize("name", ["home", "report", "receipt_login"])
def test_every_public_page_says_no_store_and_no_referrer(handler: Handler, name):
    response = Client().get(url(name, handler.channel))
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies


def test_a_cookie_set_by_mistake_is_dropped(handler: Handler, monkeypatch):
    """A CSRF token asked for by a careless template, a language cookie: none reaches the reporter."""
    from speakup.views import public

    original = public.render

    def careless_render(request, *args, **kwargs):
        response = original(request, *args, **kwargs)
        response.set_cookie("csrftoken", "x")
        response.set_cookie("django_language", "fr")
        return response

    monkeypatch.setattr(public, "render", careless_render)
    response = Client().get(url("report", handler.channel))
    assert response.status_code == 200
    assert not response.cookies
