"""The join code as a QR code: server-rendered SVG, inline in the page, no style attributes (CSP)."""

import functools
import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe


def join_url(join_code: str) -> str:
    return settings.SITE_URL + reverse("join:enter", kwargs={"code": join_code})


@functools.lru_cache(maxsize=256)
def join_qr(join_code: str, label: str) -> SafeString:
    """The QR code of the join address; kept per code and label, since making one takes ~15 ms (mask search)."""
    buffer = io.BytesIO()
    segno.make(join_url(join_code), error="m").save(
        buffer, kind="svg", xmldecl=False, svgns=True, nl=False, scale=4, border=2, title=label
    )
    svg = buffer.getvalue().decode()
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 -- segno escapes the title
