"""The `dilemma` kind of content file: the starter dilemmas of the sector library.

A file lists dilemmas; every text is needed in Dutch and in English:

    kind: dilemma
    version: "1.0"
    dilemmas:
      - code: cousin-as-supplier            # stable: never change or reuse one
        context: local-partner              # a dilemmas.models.Context value
        tags: [conflict-of-interest-nepotism]   # taxonomy codes: violation types or sub-types
        title_nl: …                         title_en: …
        situation_nl: …                     situation_en: …
        question_nl: …?                     question_en: …?      # one question, ending in "?"
        options:                            # three or four courses of action, in order
          - {nl: …, en: …}
        reflection_nl: …                    reflection_en: …
        variations:                         # "what if…?": one to five
          - {nl: …, en: …}

The whole file is checked before anything is written, and an error names the file, the line and the
dilemma. Options are matched by position: rewording one keeps its row, and so the votes sessions
recorded on it. Dilemmas that leave the file are retired (hidden from the library), never deleted.

Stage 1: the tags point at the taxonomy, which loads in stage 0.
"""

from typing import Any

from django.utils import timezone

from framework.loader import Changes, Document, register, retire_missing, upsert

LANGUAGES = ("nl", "en")
TEXTS = ("title", "situation", "question", "reflection")
KEYS = {"code", "context", "tags", "options", "variations", *(f"{t}_{c}" for t in TEXTS for c in LANGUAGES)}
MAX_TITLE = 200


def _pair(doc: Document, entry: dict[str, Any], name: str) -> dict[str, str]:
    return {f"{name}_{c}": doc.text(entry, f"{name}_{c}", "code") for c in LANGUAGES}


def _rows(doc: Document, entry: dict[str, Any], key: str, low: int, high: int) -> list[dict[str, str]]:
    """A list of {nl, en} texts (options, variations), `low` to `high` long."""
    raw = entry.get(key)
    if not isinstance(raw, list) or not low <= len(raw) <= high:
        raise doc.error(f"'{key}' must list {low} to {high} items, each with 'nl' and 'en'", entry, "code")
    rows = []
    for item in raw:
        if not isinstance(item, dict) or set(item) != set(LANGUAGES):
            raise doc.error(f"every item of '{key}' needs exactly 'nl' and 'en', found {item!r}", entry, "code")
        texts = {c: item[c].strip() if isinstance(item[c], str) else "" for c in LANGUAGES}
        if not all(texts.values()):
            raise doc.error(f"an item of '{key}' has an empty text", item if getattr(item, "line", 0) else entry)
        rows.append(texts)
    return rows


def one_question(text: str) -> bool:
    """A well-posed dilemma question: exactly one question, and the text ends with it."""
    return text.rstrip().endswith("?") and text.count("?") == 1


def parse_dilemmas(doc: Document) -> list[dict[str, Any]]:
    from dilemmas.models import MAX_OPTIONS, MAX_VARIATIONS, MIN_OPTIONS, Context
    from framework.models import ViolationSubtype, ViolationType

    types = dict(ViolationType.objects.active().values_list("code", "pk"))
    subtypes = dict(ViolationSubtype.objects.active().values_list("code", "pk"))
    parsed: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for entry in doc.entries("dilemmas"):
        code = doc.code(entry)
        if code in seen:
            first = getattr(seen[code], "line", "?")
            raise doc.error(f"duplicate dilemma '{code}' (first defined on line {first})", entry, "code")
        seen[code] = entry
        unknown = sorted(str(k) for k in entry if k not in KEYS)
        if unknown:
            raise doc.error(f"unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(KEYS))})", entry, "code")
        context = doc.text(entry, "context", "code")
        if context not in Context.values:
            raise doc.error(f"unknown context '{context}' (known: {', '.join(Context.values)})", entry, "code")
        values: dict[str, Any] = {"context": context}
        for name in TEXTS:
            values |= _pair(doc, entry, name)
        for c in LANGUAGES:
            if len(values[f"title_{c}"]) > MAX_TITLE:
                raise doc.error(f"'title_{c}' is longer than {MAX_TITLE} characters", entry, "code")
            if not one_question(values[f"question_{c}"]):
                raise doc.error(
                    f"'question_{c}' must be one question that ends with a question mark (no conclusion built in)",
                    entry,
                    "code",
                )
        tags = entry.get("tags")
        if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
            raise doc.error("'tags' must list one or more taxonomy codes", entry, "code")
        for tag in tags:
            if tag not in types and tag not in subtypes:
                raise doc.error(f"unknown tag '{tag}': not a violation type or sub-type of the taxonomy", entry, "code")
        parsed.append(
            {
                "code": code,
                "values": values,
                "type_ids": sorted(types[t] for t in tags if t in types),
                "subtype_ids": sorted(subtypes[t] for t in tags if t in subtypes),
                "options": _rows(doc, entry, "options", MIN_OPTIONS, MAX_OPTIONS),
                "variations": _rows(doc, entry, "variations", 1, MAX_VARIATIONS),
            }
        )
    return parsed


@register("dilemma", stage=1)
def load_dilemmas(doc: Document) -> Changes:
    from dilemmas.models import Dilemma, Languages, Status

    parsed = parse_dilemmas(doc)
    codes = [p["code"] for p in parsed]
    for slug, source in Dilemma.objects.filter(slug__in=codes).exclude(source=doc.name).values_list("slug", "source"):
        raise doc.error(f"dilemma '{slug}' is already defined by {source}", doc.data)

    changes = Changes()
    existing = {
        d.slug: d for d in Dilemma.objects.framework().filter(slug__in=codes).prefetch_related("types", "subtypes")
    }
    now = timezone.now()
    for item in parsed:
        code, label = item["code"], f"dilemma {item['code']}"
        values = {
            **item["values"],
            "languages": Languages.BOTH,
            "status": Status.PUBLISHED,
            "retired": False,
            "source": doc.name,
        }
        if code not in existing:
            values |= {"published_at": now, "created_at": now, "updated_at": now}
        dilemma = upsert(existing, Dilemma, "slug", code, values, label, changes)
        changed = dilemma.set_options(item["options"])
        changed = dilemma.set_variations(item["variations"]) or changed
        if sorted(t.pk for t in dilemma.types.all()) != item["type_ids"]:
            dilemma.types.set(item["type_ids"])
            changed = True
        if sorted(s.pk for s in dilemma.subtypes.all()) != item["subtype_ids"]:
            dilemma.subtypes.set(item["subtype_ids"])
            changed = True
        if changed and label not in changes.created and label not in changes.updated:
            changes.updated.append(label)
        if label in changes.created or label in changes.updated:
            if label in changes.updated:
                dilemma.updated_at = now
                dilemma.save(update_fields=["updated_at"])
            dilemma.reindex()
    retire_missing(Dilemma.objects.framework().filter(source=doc.name), codes, "slug", "dilemma", changes)
    return changes
