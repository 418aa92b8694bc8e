"""Markdown cannot inject scripts or remote content: known XSS payloads come out harmless."""

from html.parser import HTMLParser

import pytest

from guide.markdown import ALLOWED_TAGS, links, render

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<iframe src=https://evil.example></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](https://tracker.example/pixel.png)",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://evil.example/x.png)',
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    "[x](//evil.example/path)",
    "<!-- <script>alert(1)</script> -->",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "[a](<javascript:alert(1)>)",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def safe_href(value: str) -> bool:
    return value.startswith(("https://", "http://", "mailto:", "#")) or (
        value.startswith("/") and not value.startswith("//")
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised(payload, db):
    html = render(f"Before\n\n{payload}\n\nAfter", "hulp")
    parser = Collect()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"{tag} let through by {payload!r}: {html}"
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name in {"href", "title", "rel", "start"}, html
            if name == "href":
                assert safe_href(value or ""), f"unsafe link {value!r} from {payload!r}"
    assert "<img" not in html and "<script" not in html.lower()


def test_internal_links_resolve_for_the_organisation(db):
    html = render(
        "[a](guide:code-of-conduct) [b](glossary:triage) [c](taxonomy:fraud) [d](library:psea-capacity) "
        "[e](library:partner-integrity-baseline/coc-adopted)",
        "hulp",
    )
    assert 'href="/o/hulp/guide/pages/code-of-conduct/"' in html
    assert 'href="/framework/glossary/triage/"' in html
    assert 'href="/framework/taxonomy/fraud/"' in html
    assert 'href="/framework/libraries/psea-capacity/"' in html
    assert 'href="/framework/libraries/partner-integrity-baseline/#req-coc-adopted"' in html


def test_external_links_get_noopener_and_images_become_their_text(db):
    html = render("[Partos](https://www.partos.nl/) ![the logo](https://www.partos.nl/logo.png)", "hulp")
    assert '<a href="https://www.partos.nl/" rel="noopener noreferrer">Partos</a>' in html
    assert "the logo" in html and "logo.png" not in html


def test_a_malformed_internal_link_keeps_its_text_only(db):
    html = render("[odd](guide:not%20a%20slug)", "hulp")
    assert "odd" in html and "href" not in html


def test_links_name_their_lines():
    text = "First line\n\nA paragraph\nwith [a link](guide:x)\nand [another](https://e.org).\n"
    assert [(link.href, link.line) for link in links(text)] == [("guide:x", 4), ("https://e.org", 5)]
