"""Loads the guide from framework/content/guide/ through the framework loader (kinds `guide_sections`, `guide_page`).

Why YAML files with Markdown inside rather than .md files with front matter: the framework loader
reads *.yaml and skips files whose bytes did not change, so one file per page keeps both. A page file:

    kind: guide_page
    version: "1.0"
    slug: handling-a-report-about-a-partner
    title_nl: …            title_en: …
    summary_nl: …          summary_en: …
    related:               # optional, each a list
      glossary: [triage]
      taxonomy: [fraud]
      library: [partner-integrity-baseline/ds-incident-reporting]
      playbook: [safeguarding]             # framework playbooks, by code
      dilemma: [whistleblower-at-a-partner]  # starter dilemmas, by slug
    nl:
      body: |
        Markdown (## headings and below; the title is the page's heading)
    en:
      body: |
        …

`body` must be the first key under `nl:` / `en:` and be written as a literal block (`|`): that is how
an error names the exact line of the file.

The table of contents, guide/_sections.yaml, names the sections and their pages in order. It sorts
before the pages, so a link to another page is checked against the table of contents, whatever order
the page files load in. Pages that leave the table of contents are retired.

The guide loads in stage 2, after everything it links to: the taxonomy, the glossary and the assessment
libraries (stage 0), the playbooks and the starter dilemmas (stage 1). So every link and related item is
checked against the database as the page loads, on the very first load too. Nothing that loads before
the guide may check links to guide pages (the roadmap, also stage 2, names pages without checking them).
A kind with nothing in the database yet (a content folder without playbooks, in a test) is not checked;
`unresolved()` checks every stored link afterwards, and the tests run it on the shipped content.
"""

from typing import Any

from framework.loader import Changes, ContentError, Document, Mapping, register, retire_missing, upsert
from guide import markdown, targets

LANGUAGES = ("nl", "en")
RELATED_KINDS = ("glossary", "taxonomy", "library", "playbook", "dilemma")
# After the playbooks and starter dilemmas (stage 1), which guide pages link to.
STAGE = 2


def _list(doc: Document, entry: dict[str, Any], key: str) -> list[str]:
    value = entry.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise doc.error(f"'{key}' must be a list of codes", entry)
    return [v.strip() for v in value]


@register("guide_sections", stage=STAGE)
def load_sections(doc: Document) -> Changes:
    from guide.models import GuidePage, GuideSection

    seen_sections: dict[str, dict[str, Any]] = {}
    seen_pages: dict[str, str] = {}
    sections = []
    for order, entry in enumerate(doc.entries("sections"), start=1):
        code = doc.code(entry)
        if code in seen_sections:
            raise doc.error(f"duplicate section '{code}'", entry, "code")
        seen_sections[code] = entry
        pages = _list(doc, entry, "pages")
        for page in pages:
            if page in seen_pages:
                raise doc.error(f"page '{page}' is listed twice (also in section '{seen_pages[page]}')", entry, "code")
            seen_pages[page] = code
        values = {
            "order": order,
            **{f"title_{lang}": doc.text(entry, f"title_{lang}") for lang in LANGUAGES},
            **{f"intro_{lang}": doc.text(entry, f"intro_{lang}", required=False) for lang in LANGUAGES},
            "pages": pages,
            "retired": False,
            "source": doc.name,
        }
        sections.append((code, values))

    changes = Changes()
    existing = {s.code: s for s in GuideSection.objects.all()}
    by_code = {
        code: upsert(existing, GuideSection, "code", code, values, f"section {code}", changes)
        for code, values in sections
    }
    retire_missing(GuideSection.objects.all(), by_code, "code", "section", changes)
    # Pages already loaded follow the table of contents: their section and order, or retirement.
    for row in GuidePage.objects.all():
        section_code = seen_pages.get(row.slug)
        if section_code is None:
            if not row.retired:
                row.retired = True
                row.save(update_fields=["retired"])
                changes.retired.append(f"page {row.slug}")
            continue
        section = by_code[section_code]
        order = section.pages.index(row.slug) + 1
        if row.section_id != section.pk or row.order != order:
            row.section, row.order = section, order
            row.save(update_fields=["section", "order"])
            changes.updated.append(f"page {row.slug}")
    return changes


def _body(doc: Document, lang: str) -> tuple[str, int]:
    """The Markdown of one language and the file line its first line is on."""
    block = doc.data.get(lang)
    if not isinstance(block, dict) or not block:
        raise doc.error(f"the page has no '{lang}' text: every page is written in both Dutch and English", doc.data)
    keys = list(block)
    if keys[0] != "body":
        raise doc.error(f"'body' must be the first key under '{lang}'", block)
    body = block["body"]
    if not isinstance(body, str) or not body.strip():
        raise doc.error(f"the page has no '{lang}' text: every page is written in both Dutch and English", block)
    # `body: |` is on the mapping's first line; the literal block starts on the next one.
    return body, getattr(block, "line", 0) + 1


def check_links(doc: Document, body: str, first_line: int, lang: str, known: dict[str, set[str] | None]) -> None:
    """Refuse a link that is not allowed or points at nothing; `known[kind]` None means: not checkable now."""
    for number, text in enumerate(body.splitlines()):
        if text.startswith("# "):
            raise ContentError(
                f"{doc.name}, line {first_line + number} ({lang}): use '##' and below; the title is the page heading"
            )
    for link in markdown.links(body):
        where = f"{doc.name}, line {first_line + link.line - 1} ({lang})"
        if not link.is_allowed:
            kinds = ", ".join(f"{k}:" for k in markdown.LINK_KINDS)
            raise ContentError(f"{where}: link '{link.href}' is not allowed (use http(s), mailto, or {kinds})")
        if not link.is_internal:
            continue
        if link.kind == "dilemma" and markdown.dilemma_code(link.target):
            raise ContentError(f"{where}: link '{link.href}': name a starter dilemma by its slug, not a code")
        found = known[link.kind]
        if found is not None and link.target not in found:
            raise ContentError(f"{where}: broken link '{link.href}': no {link.kind} entry '{link.target}'")


def known_targets(extra_pages: set[str] | None = None) -> dict[str, set[str] | None]:
    """What internal links may point at now. A kind with nothing in the database yet is not checked (None)."""
    from framework.models import AssessmentLibrary, GlossaryTerm, Requirement, ViolationSubtype, ViolationType
    from guide.models import GuideSection

    pages = {slug for pages in GuideSection.objects.active().values_list("pages", flat=True) for slug in pages}
    glossary = set(GlossaryTerm.objects.values_list("slug", flat=True))
    taxonomy = set(ViolationType.objects.values_list("code", flat=True)) | set(
        ViolationSubtype.objects.values_list("code", flat=True)
    )
    libraries = set(AssessmentLibrary.objects.values_list("code", flat=True))
    requirements = {f"{lib}/{req}" for lib, req in Requirement.objects.values_list("library__code", "code")}
    return {
        "guide": pages | (extra_pages or set()),
        "glossary": glossary or None,
        "taxonomy": taxonomy or None,
        "library": (libraries | requirements) or None,
        "playbook": targets.playbook_codes() or None,
        # Framework content names starter dilemmas by slug: an organisation's dilemma is never linked from it.
        "dilemma": targets.starter_slugs() or None,
    }


@register("guide_page", stage=STAGE)
def load_page(doc: Document) -> Changes:
    from guide.models import GuidePage, GuideSection

    data = doc.data
    slug = doc.code(data, "slug")
    values: dict[str, Any] = {"version": doc.version, "source": doc.name, "retired": False}
    for lang in LANGUAGES:
        values[f"title_{lang}"] = doc.text(data, f"title_{lang}", "slug")
        values[f"summary_{lang}"] = doc.text(data, f"summary_{lang}", "slug")
    related = data.get("related") or Mapping()
    if not isinstance(related, dict):
        raise doc.error(f"'related' must be a mapping of lists: {', '.join(RELATED_KINDS)}", data)
    unknown = set(related) - set(RELATED_KINDS)
    if unknown:
        raise doc.error(
            f"unknown 'related' kind(s): {', '.join(sorted(unknown))} (known: {', '.join(RELATED_KINDS)})", related
        )
    for kind in RELATED_KINDS:
        values[f"related_{kind}"] = _list(doc, related, kind)

    section = next((s for s in GuideSection.objects.active() if slug in s.pages), None)
    if section is None:
        raise doc.error(f"page '{slug}' is not in the table of contents (guide/_sections.yaml)", data, "slug")
    values["section"] = section
    values["order"] = section.pages.index(slug) + 1

    known = known_targets()
    for kind in RELATED_KINDS:
        found = known[kind]
        for target in values[f"related_{kind}"]:
            if found is not None and target not in found:
                raise doc.error(f"related {kind} '{target}' does not exist", related)
    for lang in LANGUAGES:
        body, first_line = _body(doc, lang)
        check_links(doc, body, first_line, lang, known)
        values[f"body_{lang}"] = body.strip() + "\n"
    values["search_text"] = "\n".join(markdown.plain(values[f"body_{lang}"]) for lang in LANGUAGES)

    existing = GuidePage.objects.filter(slug=slug).first()
    if existing is not None and existing.source != doc.name:
        raise doc.error(f"page '{slug}' is already defined by {existing.source}", data, "slug")
    changes = Changes()
    upsert({slug: existing} if existing else {}, GuidePage, "slug", slug, values, f"page {slug}", changes)
    return changes


def unresolved() -> list[str]:
    """Every stored page's links and related items that point at nothing: 'file (lang): link'."""
    from guide.models import GuidePage

    known = known_targets()
    problems = []
    for page in GuidePage.objects.active():
        for kind in RELATED_KINDS:
            for target in getattr(page, f"related_{kind}"):
                if target not in (known[kind] or set()):
                    problems.append(f"{page.source}: related {kind} '{target}'")
        for lang in LANGUAGES:
            for link in markdown.links(getattr(page, f"body_{lang}")):
                if link.is_internal and link.target not in (known[link.kind] or set()):
                    problems.append(f"{page.source} ({lang}): broken link '{link.href}'")
    return problems
