"""The `roadmap` kind of content file: the integrity-system roadmap with its blocks, phases and steps.

See framework/content/roadmap/integrity-system.yaml for the shape. The whole file is checked before
anything is written; an error names the file, the line and the entry. Steps that disappear from the
file are retired, never deleted: organisations marked them done and that stays true.

Guide pages are referred to by slug and not checked here: the guide loads on its own, and a step
shows a link only to a page that exists (see roadmap/progress.py).
"""

import re
from typing import Any

from django.utils.text import slugify

from framework.loader import Changes, Document, register, retire_missing, upsert
from roadmap.models import SIZES

VERSION = re.compile(r"^\d+(\.\d+)*$")


def _pair(doc: Document, entry: dict[str, Any], name: str, *, required: bool = True) -> dict[str, str]:
    """`<name>_nl` and `<name>_en`: both required, or (when optional) both or neither."""
    values = {f"{name}_{c}": doc.text(entry, f"{name}_{c}", "code", required=required) for c in ("nl", "en")}
    given = [k for k, v in values.items() if v]
    if len(given) == 1:
        missing = next(k for k in values if k not in given)
        raise doc.error(
            f"missing translation '{missing}' (every text is needed in Dutch and in English)", entry, "code"
        )
    return values


def _lines(doc: Document, entry: dict[str, Any], name: str) -> dict[str, str]:
    """A list of short texts per language (or one text), stored one per line; both languages or neither."""
    values = {}
    for c in ("nl", "en"):
        raw = entry.get(f"{name}_{c}") or []
        items = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(i, str) and i.strip() and "\n" not in i.strip() for i in items):
            raise doc.error(f"'{name}_{c}' must be a list of one-line texts", entry, "code")
        values[f"{name}_{c}"] = "\n".join(i.strip() for i in items)
    if bool(values[f"{name}_nl"]) != bool(values[f"{name}_en"]):
        raise doc.error(f"'{name}' needs both Dutch and English (or neither)", entry, "code")
    if len(values[f"{name}_nl"].splitlines()) != len(values[f"{name}_en"].splitlines()):
        raise doc.error(f"'{name}_nl' and '{name}_en' must list the same number of items", entry, "code")
    return values


def _sizes(doc: Document, entry: dict[str, Any]) -> str:
    raw = entry.get("sizes")
    if not isinstance(raw, list) or not raw:
        raise doc.error(
            f"'sizes' must list the size categories the step applies to ({', '.join(SIZES)})", entry, "code"
        )
    for size in raw:
        if size not in SIZES:
            raise doc.error(f"unknown size category {size!r} (known: {', '.join(SIZES)})", entry, "code")
    return "".join(sorted(set(raw)))


def _how(doc: Document, entry: dict[str, Any], sizes: str) -> dict[str, dict[str, str]]:
    raw = entry.get("how") or {}
    if not isinstance(raw, dict):
        raise doc.error("'how' must map size categories to a text in 'nl' and 'en'", entry, "code")
    how = {}
    for size, texts in raw.items():
        if size not in sizes:
            raise doc.error(f"'how' explains size {size!r}, but the step does not apply to it", entry, "code")
        if not isinstance(texts, dict) or set(texts) != {"nl", "en"}:
            raise doc.error(f"'how' for size {size} needs exactly 'nl' and 'en'", entry, "code")
        if not all(isinstance(t, str) and t.strip() for t in texts.values()):
            raise doc.error(f"'how' for size {size} needs a text in both languages", entry, "code")
        how[str(size)] = {lang: texts[lang].strip() for lang in ("nl", "en")}
    return how


def _guide(doc: Document, entry: dict[str, Any]) -> list[str]:
    raw = entry.get("guide") or []
    if not isinstance(raw, list) or not all(isinstance(s, str) and s and slugify(s) == s for s in raw):
        raise doc.error("'guide' must be a list of guide page slugs", entry, "code")
    return list(raw)


def _ordered(doc: Document, key: str, label: str, build: Any) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    found: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for order, entry in enumerate(doc.entries(key), start=1):
        code = doc.code(entry)
        if code in found:
            first = getattr(found[code][0], "line", "?")
            raise doc.error(f"duplicate {label} '{code}' (first defined on line {first})", entry, "code")
        found[code] = (entry, {"order": order, **build(entry)})
    return found


def parse_roadmap(doc: Document) -> dict[str, Any]:
    data = doc.data
    code = doc.code(data)
    if not VERSION.match(doc.version):
        raise doc.error(f"version must be numbers separated by dots (like 1.0 or 2.10), not '{doc.version}'", data)

    def named(entry: dict[str, Any]) -> dict[str, Any]:
        return {**_pair(doc, entry, "name"), **_pair(doc, entry, "description", required=False)}

    blocks = _ordered(doc, "blocks", "block", named)
    phases = _ordered(doc, "phases", "phase", named)

    def step(entry: dict[str, Any]) -> dict[str, Any]:
        block, phase = doc.text(entry, "block"), doc.text(entry, "phase")
        if block not in blocks:
            raise doc.error(f"unknown block '{block}' (blocks in this file: {', '.join(blocks)})", entry, "code")
        if phase not in phases:
            raise doc.error(f"unknown phase '{phase}' (phases in this file: {', '.join(phases)})", entry, "code")
        sizes = _sizes(doc, entry)
        return {
            "block": block,
            "phase": phase,
            "sizes": sizes,
            **_pair(doc, entry, "title"),
            **_pair(doc, entry, "why"),
            **_pair(doc, entry, "done"),
            **_lines(doc, entry, "evidence_examples"),
            "how": _how(doc, entry, sizes),
            "guide_pages": _guide(doc, entry),
        }

    steps = _ordered(doc, "steps", "step", step)
    used = {values["block"] for _entry, values in steps.values()}
    for block, (entry, _values) in blocks.items():
        if block not in used:
            raise doc.error(f"block '{block}' has no steps", entry, "code")
    for size in SIZES:
        if not any(size in values["sizes"] for _entry, values in steps.values()):
            raise doc.error(f"no step applies to size category {size}: every organisation needs a way to start", data)
    return {
        "code": code,
        "values": {**_pair(doc, data, "name"), **_pair(doc, data, "description", required=False)},
        "blocks": {c: v for c, (_e, v) in blocks.items()},
        "phases": {c: v for c, (_e, v) in phases.items()},
        "steps": {c: v for c, (_e, v) in steps.items()},
    }


@register("roadmap", stage=2)
def load_roadmap(doc: Document) -> Changes:
    from roadmap.models import Block, Phase, Roadmap, Step

    parsed = parse_roadmap(doc)
    code = parsed["code"]
    existing_roadmap = Roadmap.objects.filter(code=code).first()
    if existing_roadmap is not None and existing_roadmap.source != doc.name:
        raise doc.error(f"roadmap '{code}' is already defined by {existing_roadmap.source}", doc.data)
    taken = Step.objects.filter(code__in=list(parsed["steps"])).exclude(source=doc.name)
    for step_code, source in taken.values_list("code", "source")[:1]:
        raise doc.error(f"step '{step_code}' is already defined by {source}", doc.data)

    changes = Changes()
    existing = {code: existing_roadmap} if existing_roadmap else {}
    values = {**parsed["values"], "version": doc.version, "retired": False, "source": doc.name}
    roadmap = upsert(existing, Roadmap, "code", code, values, f"roadmap {code}", changes)

    def parts(model: Any, key: str, label: str) -> dict[str, Any]:
        rows = {row.code: row for row in model.objects.filter(roadmap=roadmap)}
        result = {
            part: upsert(rows, model, "code", part, {"roadmap_id": roadmap.pk, "retired": False, **v}, label, changes)
            for part, v in parsed[key].items()
        }
        # Blocks and phases are kept while retired steps still point at them.
        gone = [row.pk for part, row in rows.items() if part not in parsed[key] and not row.retired]
        if gone:
            model.objects.filter(pk__in=gone).update(retired=True)
            changes.retired += [f"{label} {row.code}" for row in rows.values() if row.pk in gone]
        return result

    blocks = parts(Block, "blocks", "block")
    phases = parts(Phase, "phases", "phase")
    steps = {step.code: step for step in Step.objects.filter(code__in=list(parsed["steps"]))}
    for step_code, v in parsed["steps"].items():
        values = {
            **{k: v[k] for k in v if k not in ("block", "phase")},
            "roadmap_id": roadmap.pk,
            "block_id": blocks[v["block"]].pk,
            "phase_id": phases[v["phase"]].pk,
            "retired": False,
            "source": doc.name,
        }
        upsert(steps, Step, "code", step_code, values, f"step {step_code}", changes)
    retire_missing(Step.objects.filter(source=doc.name), list(parsed["steps"]), "code", "step", changes)
    return changes
