"""The join address of a session as a QR code: server-rendered SVG, inline in the page, no style attributes (CSP)."""

import functools
import io

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from dialogue.models import Session
from dialogue.participants import enter_url


def join_url(session: Session) -> str:
    """The full address where participants enter `session` (each kind of session has its own pages)."""
    return settings.SITE_URL + enter_url(session)


def join_qr(session: Session, label: str) -> SafeString:
    return _qr(join_url(session), label)


@functools.lru_cache(maxsize=256)
def _qr(url: str, label: str) -> SafeString:
    """Kept per address and label, since making one takes ~15 ms (mask search)."""
    buffer = io.BytesIO()
    qr = segno.make(url, error="m")
    qr.save(buffer, kind="svg", xmldecl=False, svgns=True, nl=False, scale=4, border=2, title=label)
    svg = buffer.getvalue().decode()
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 -- segno escapes the title
