"""A receiver for the webhook tests: a small HTTP server on 127.0.0.1 in a thread, and the recipe from
docs/webhooks.md to verify what it receives."""

import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from framework.models import AssessmentLibrary


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, exactly as docs/webhooks.md shows it."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp, received = int(parts["t"]), parts["v1"]
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    status: int = 200
    received: list[Received] = field(default_factory=list)
    redirect_to: str = ""


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English text (of forms and of delivery errors)."""


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    """A local receiver that answers every POST with `receiver.status`; allowed by WEBHOOKS_ALLOW_PRIVATE."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(min(length, 100_000))
            state.received.append(Received(self.path, {k: v for k, v in self.headers.items()}, body))
            self.send_response(state.status)
            if state.redirect_to:
                self.send_header("Location", state.redirect_to)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/samen"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def libraries(db) -> dict[str, AssessmentLibrary]:
    call_command("load_framework", verbosity=0)
    return {library.code: library for library in AssessmentLibrary.objects.current()}
