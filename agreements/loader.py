"""The `agreement_clauses` kind of content file: one version of the agreement clause templates.

See framework/content/agreements/*.yaml for the shape. The whole file is checked before anything is
written, and an error names the file, the line and the entry: every text in Dutch and English, every
`{placeholder}` one the renderer knows (and used only where it has a value), every `if:` a choice
the form asks for.

Versions: a new version is a new clause set; the previous one is retired (kept for the agreements
made from it). Loading the same version with other content is allowed only while no agreement uses
it — otherwise signed texts would change under the parties' feet.
"""

import re
from typing import Any

from agreements import vocabulary as v
from framework.loader import Changes, Document, register

VERSION = re.compile(r"^\d+(\.\d+)*$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def parse_condition(doc: Document, entry: dict[str, Any]) -> dict[str, Any] | None:
    """`if: psea` (a yes/no choice) or `if: reporting=joint|lead` → {"choice", "values"}; None without `if`."""
    raw = entry.get("if")
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.strip():
        raise doc.error("'if' must be a choice, like 'psea' or 'reporting=joint|lead'", entry, "code")
    choice, _sep, values = (part.strip() for part in raw.partition("="))
    if not values:
        if choice not in v.FLAGS:
            raise doc.error(
                f"unknown yes/no choice '{choice}' in 'if' (known: {', '.join(v.FLAGS)}; "
                f"other choices need a value, like '{next(iter(v.ENUMS))}=...')",
                entry,
                "code",
            )
        return {"choice": choice, "values": [True]}
    if choice not in v.ENUMS:
        raise doc.error(f"unknown choice '{choice}' in 'if' (known: {', '.join(v.ENUMS)})", entry, "code")
    chosen = [value.strip() for value in values.split("|")]
    for value in chosen:
        if value not in v.ENUMS[choice]:
            raise doc.error(
                f"'{value}' is not a value of '{choice}' (known: {', '.join(v.ENUMS[choice])})", entry, "code"
            )
    return {"choice": choice, "values": chosen}


def _check_placeholders(doc: Document, entry: dict[str, Any], key: str, text: str, conditions: list[Any]) -> None:
    for name in PLACEHOLDER.findall(text):
        if name not in v.PLACEHOLDERS:
            raise doc.error(
                f"unknown placeholder '{{{name}}}' in '{key}' (known: {', '.join(v.PLACEHOLDERS)})", entry, "code"
            )
        need = v.PLACEHOLDER_NEEDS.get(name)
        if need and not any(c and c["choice"] == need[0] and c["values"] == [need[1]] for c in conditions):
            raise doc.error(
                f"placeholder '{{{name}}}' in '{key}' has a value only when {need[0]} is '{need[1]}': "
                f"put the text under 'if: {need[0]}={need[1]}'",
                entry,
                "code",
            )


def _texts(doc: Document, entry: dict[str, Any], name: str, conditions: list[Any]) -> dict[str, str]:
    texts = {}
    for language in v.LANGUAGES:
        key = f"{name}_{language}"
        if entry.get(key) in (None, ""):
            raise doc.error(
                f"missing translation '{key}' (every text is needed in {' and '.join(v.LANGUAGES)})", entry, "code"
            )
        texts[language] = doc.text(entry, key)
        _check_placeholders(doc, entry, key, texts[language], conditions)
    return texts


def _items(doc: Document, entry: dict[str, Any], conditions: list[Any]) -> dict[str, list[str]]:
    """Optional bullet items under a paragraph: the same number in each language."""
    found = {language: entry.get(f"items_{language}") for language in v.LANGUAGES}
    if all(value is None for value in found.values()):
        return {}
    items: dict[str, list[str]] = {}
    for language, value in found.items():
        key = f"items_{language}"
        if value is None:
            raise doc.error(f"missing translation '{key}' (items are needed in every language)", entry, "code")
        if not isinstance(value, list) or not value or not all(isinstance(i, str) and i.strip() for i in value):
            raise doc.error(f"'{key}' must be a list of texts", entry, "code")
        for item in value:
            _check_placeholders(doc, entry, key, item, conditions)
        items[language] = [i.strip() for i in value]
    if len({len(i) for i in items.values()}) > 1:
        raise doc.error("'items_nl' and 'items_en' must list the same number of items", entry, "code")
    return items


def parse_clauses(doc: Document) -> dict[str, Any]:
    data = doc.data
    doc.code(data)
    if not VERSION.match(doc.version):
        raise doc.error(f"version must be numbers separated by dots (like 1.0 or 2.10), not '{doc.version}'", data)

    phrases: dict[str, dict[str, str]] = {}
    for entry in doc.entries("phrases"):
        code = doc.code(entry)
        if code not in v.PHRASES:
            raise doc.error(f"unknown phrase '{code}' (known: {', '.join(v.PHRASES)})", entry, "code")
        if code in phrases:
            raise doc.error(f"duplicate phrase '{code}'", entry, "code")
        phrases[code] = _texts(doc, entry, "text", [])
    missing = [code for code in v.PHRASES if code not in phrases]
    if missing:
        raise doc.error(f"missing phrases: {', '.join(missing)}", data)

    clauses = []
    seen: set[str] = set()
    for entry in doc.entries("clauses"):
        code = doc.code(entry)
        if code in seen:
            raise doc.error(f"duplicate clause '{code}'", entry, "code")
        seen.add(code)
        condition = parse_condition(doc, entry)
        paragraphs = []
        for paragraph in doc.entries("paragraphs", entry):
            paragraph_condition = parse_condition(doc, paragraph)
            conditions = [condition, paragraph_condition]
            paragraphs.append(
                {
                    "if": paragraph_condition,
                    "text": _texts(doc, paragraph, "text", conditions),
                    "items": _items(doc, paragraph, conditions),
                }
            )
        clauses.append(
            {
                "code": code,
                "if": condition,
                "heading": _texts(doc, entry, "heading", [condition]),
                "paragraphs": paragraphs,
            }
        )
    return {"phrases": phrases, "clauses": clauses}


@register("agreement_clauses")
def load_clauses(doc: Document) -> Changes:
    from agreements.models import ClauseSet

    content = parse_clauses(doc)
    code = str(doc.data["code"])
    label = f"clause set {code} {doc.version}"
    changes = Changes()
    existing = ClauseSet.objects.filter(code=code, version=doc.version).first()
    if existing is None:
        ClauseSet.objects.create(code=code, version=doc.version, content=content, source=doc.name)
        changes.created.append(label)
    elif existing.content != content or existing.retired or existing.source != doc.name:
        if existing.content != content and existing.agreements.exists():
            raise doc.error(
                f"clause set '{code}' version {doc.version} is already used by agreements and its text changed: "
                "give the file a new version; the old one stays for the agreements made from it",
                doc.data,
            )
        existing.content, existing.retired, existing.source = content, False, doc.name
        existing.save(update_fields=["content", "retired", "source"])
        changes.updated.append(label)
    for old in ClauseSet.objects.filter(code=code, retired=False).exclude(version=doc.version):
        old.retired = True
        old.save(update_fields=["retired"])
        changes.retired.append(f"clause set {code} {old.version}")
    return changes
