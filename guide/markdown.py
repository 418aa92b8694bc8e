"""Markdown for guide pages: written by the framework's editors and by organisations, shown to everyone.

Two layers, so that neither alone has to be perfect:
1. markdown-it-py in CommonMark mode with raw HTML **off**: `<script>` in the text stays text.
   Links to other parts of Samen use a short syntax, resolved here to URLs:
       [text](guide:<page-slug>)          another guide page (of the organisation's guide)
       [text](glossary:<slug>)            a glossary entry
       [text](taxonomy:<code>)            a violation type or sub-type
       [text](library:<code>)             an assessment library
       [text](library:<code>/<requirement>) one requirement of a library
       [text](playbook:<code>)            a framework playbook for handling a case (its public page)
       [text](dilemma:<slug or code>)     a starter dilemma by its slug, or (organisations' pages) any
                                          dilemma by its code; the library decides who may open it
   Images are replaced by their alt text: a page must not load remote content (tracking, CSP).
2. nh3 (ammonia) cleans the HTML with an allowlist of tags and attributes; links keep only http(s),
   mailto and relative URLs and all get rel="noopener noreferrer".
"""

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

import nh3
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

from guide import targets

LINK_KINDS = ("guide", "glossary", "taxonomy", "library", "playbook", "dilemma")
EXTERNAL_SCHEMES = ("http://", "https://", "mailto:")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


@dataclass(frozen=True)
class Link:
    href: str
    line: int  # 1-based line in the Markdown text

    @property
    def kind(self) -> str:
        return self.href.partition(":")[0] if self.is_internal else ""

    @property
    def target(self) -> str:
        return self.href.partition(":")[2]

    @property
    def is_internal(self) -> bool:
        scheme, sep, _rest = self.href.partition(":")
        return bool(sep) and scheme in LINK_KINDS

    @property
    def is_allowed(self) -> bool:
        """Internal syntax, an http(s) or mailto address, or a path or anchor on this site."""
        if self.is_internal or self.href.startswith(EXTERNAL_SCHEMES) or self.href.startswith("#"):
            return True
        return self.href.startswith("/") and not self.href.startswith("//")


@cache
def _parser() -> MarkdownIt:
    # html=False: raw HTML in the text is escaped, never passed through.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def _inline_links(tokens: list[Token], lines: list[str]) -> Iterator[tuple[Token, int]]:
    """Every link token with the 1-based line it is written on."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        start, end = token.map or (0, len(lines))
        cursor = start
        for child in token.children:
            if child.type != "link_open":
                continue
            href = str(child.attrGet("href") or "")
            # The block's first line, refined to the line that holds the address.
            for index in range(cursor, end):
                if href and href in lines[index]:
                    cursor = index
                    break
            yield child, cursor + 1


def links(text: str) -> list[Link]:
    """The links written in `text`, with their lines (for the loader's and the form's checks)."""
    lines = text.splitlines()
    return [Link(str(token.attrGet("href") or ""), line) for token, line in _inline_links(_parser().parse(text), lines)]


def dilemma_code(target: str) -> uuid.UUID | None:
    """The code a `dilemma:` link names, when it names one rather than a starter dilemma's slug."""
    try:
        return uuid.UUID(target)
    except ValueError:
        return None


def resolve(link: Link, org_slug: str, dilemmas: Mapping[str, uuid.UUID] | None = None) -> str | None:
    """The URL an internal link points at; None for a link that must not be followed.

    `dilemmas` maps starter dilemmas' slugs to their codes (see `render`): a slug it lacks points at nothing.
    """
    kind, target = link.kind, link.target
    if kind == "guide":
        return reverse("guide:page", kwargs={"slug": org_slug, "page": target})
    if kind == "glossary":
        return reverse("framework:term", kwargs={"slug": target})
    if kind == "taxonomy":
        return reverse("framework:violation_type", kwargs={"code": target})
    if kind == "library":
        code, _sep, requirement = target.partition("/")
        url = reverse("framework:library", kwargs={"code": code})
        return f"{url}#req-{requirement}" if requirement else url
    if kind == "playbook":
        return reverse("public_playbook", kwargs={"code": target})
    if kind == "dilemma":
        dilemma = dilemma_code(target) or (dilemmas or {}).get(target)
        return reverse("dilemmas:dilemma", kwargs={"slug": org_slug, "code": dilemma}) if dilemma else None
    return link.href if link.is_allowed else None


def render(text: str, org_slug: str) -> SafeString:
    """Markdown → sanitised HTML, with internal links resolved for the organisation `org_slug`."""
    md = _parser()
    tokens = md.parse(text)
    found = [
        (token, Link(str(token.attrGet("href") or ""), line))
        for token, line in _inline_links(tokens, text.splitlines())
    ]
    # Starter dilemmas are named by slug and opened by code: one query for all of them, only when there are any.
    slugs = {link.target for _token, link in found if link.kind == "dilemma" and not dilemma_code(link.target)}
    dilemmas = targets.starter_codes(slugs) if slugs else {}
    for token, link in found:
        try:
            url = resolve(link, org_slug, dilemmas)
        except NoReverseMatch:  # a malformed target (e.g. "guide:a b") must not break the page
            url = None
        if url is None:
            token.attrs.pop("href", None)
        else:
            token.attrSet("href", url)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = [
                Token("text", "", 0, content=child.content) if child.type == "image" else child
                for child in token.children
            ]
    html = md.renderer.render(tokens, md.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 with an allowlist just above


def plain(text: str) -> str:
    """The words of the Markdown `text` without its markup or link addresses: what the search index reads.

    Indexing the Markdown itself would make "guide" or a page's slug match every page that links somewhere.
    """
    blocks = []
    for token in _parser().parse(text):
        if token.type == "inline" and token.children:
            words = [
                " " if child.type in ("softbreak", "hardbreak") else child.content
                for child in token.children
                if child.type in ("text", "code_inline", "image", "softbreak", "hardbreak")
            ]
            blocks.append("".join(words))
        elif token.type in ("code_block", "fence"):
            blocks.append(token.content.strip())
    return "\n".join(block for block in blocks if block)
