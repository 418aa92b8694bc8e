"""Loads the framework's YAML content files into the database.

Every file under the content folder has a top-level `kind:` and `version:`. A small registry maps
each kind to the function that loads it; later apps add kinds (assessment libraries, playbooks,
guide pages) with `@register("kind")` and never touch the rest of this module:

    @register("playbook")
    def load_playbook(doc: Document) -> Changes: ...

Register a kind from the owning app's `AppConfig.ready()` (import its loader module there).

A loader validates the whole file first and raises `ContentError` naming the file, the line and the
entry, then writes. All files load in one transaction, so a bad file changes nothing; a file whose
bytes did not change since the last load (same sha256) is skipped. Entries that disappear from a file are retired, never
deleted.

Files load by stage (see `register`), then by name. Known limit: glossary `related:` terms must be
defined in the same glossary file.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from samen import counters

CONTENT_DIR = Path(__file__).resolve().parent / "content"


class ContentError(Exception):
    """A content file is not valid; the message names the file and, where known, the line and entry."""


class Mapping(dict):
    """A YAML mapping that remembers the line it started on, for error messages."""

    line: int = 0


# The C loader when PyYAML was built with libyaml: several times faster on the same files.
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Mapping:
    mapping = Mapping()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            # PyYAML would silently keep the last value; a duplicated key is nearly always a mistake.
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class Document:
    """One parsed content file. `name` is its path relative to the content folder."""

    name: str
    kind: str
    version: str
    sha256: str
    data: dict[str, Any]

    def error(self, message: str, entry: Any = None, key: str = "") -> ContentError:
        where = self.name
        line = getattr(entry, "line", 0)
        if line:
            where += f", line {line}"
        if isinstance(entry, dict) and key and entry.get(key):
            where += f", entry '{entry[key]}'"
        return ContentError(f"{where}: {message}")

    def entries(self, key: str, container: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The list under `key` (of the file, or of `container`); each item must be a mapping."""
        parent = self.data if container is None else container
        items = parent.get(key)
        if not isinstance(items, list) or not items:
            raise self.error(f"'{key}' must be a non-empty list", parent)
        for item in items:
            if not isinstance(item, dict):
                raise self.error(f"every item of '{key}' must be a mapping, found {item!r}", parent)
        return items

    def text(self, entry: dict[str, Any], key: str, id_key: str = "code", *, required: bool = True) -> str:
        value = entry.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.error(f"missing field '{key}'", entry, id_key)
            return ""
        if not isinstance(value, str | int | float):
            raise self.error(f"field '{key}' must be text", entry, id_key)
        return str(value).strip()

    def code(self, entry: dict[str, Any], key: str = "code") -> str:
        value = self.text(entry, key, key)
        if slugify(value) != value:
            raise self.error(f"'{key}' must be a lowercase slug (letters, digits, hyphens), not '{value}'", entry)
        return value


@dataclass
class Changes:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.retired)


@dataclass
class Result:
    name: str
    kind: str
    version: str
    skipped: bool
    changes: Changes


Loader = Callable[[Document], Changes]
LOADERS: dict[str, Loader] = {}
# Kinds that point at other kinds load after them: stage 0 (taxonomy, glossary…) first, then stage 1
# (assessment libraries, playbooks and dilemmas, which point at the taxonomy), then stage 2 (guide pages,
# which link to all of those, and what links to guide pages).
STAGES: dict[str, int] = {}


def register(kind: str, *, stage: int = 0) -> Callable[[Loader], Loader]:
    def decorator(func: Loader) -> Loader:
        if kind in LOADERS and LOADERS[kind] is not func:
            raise ValueError(f"A loader for kind '{kind}' is already registered")
        LOADERS[kind] = func
        STAGES[kind] = stage
        return func

    return decorator


def content_files(directory: Path) -> Iterator[Path]:
    yield from sorted(p for p in directory.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


def parse(path: Path, directory: Path) -> Document:
    name = path.relative_to(directory).as_posix()
    raw = path.read_bytes()
    try:
        data = yaml.load(raw, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        raise ContentError(f"{name}{line}: not valid YAML: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ContentError(f"{name}: the file must be a mapping with 'kind' and 'version' at the top")
    for key in ("kind", "version"):
        if data.get(key) in (None, ""):
            raise ContentError(f"{name}: missing top-level field '{key}'")
    kind = str(data["kind"])
    if kind not in LOADERS:
        raise ContentError(f"{name}: unknown kind '{kind}' (known: {', '.join(sorted(LOADERS))})")
    return Document(
        name=name, kind=kind, version=str(data["version"]), sha256=hashlib.sha256(raw).hexdigest(), data=data
    )


def load_all(directory: Path = CONTENT_DIR, *, force: bool = False) -> list[Result]:
    """Load every content file under `directory`; returns one Result per file, in load order.

    All files are parsed before anything is written, and all are written in one transaction:
    an error in any file changes nothing.
    """
    from framework.models import LoadedFile

    documents = sorted(
        (parse(path, directory) for path in content_files(directory)), key=lambda doc: (STAGES[doc.kind], doc.name)
    )
    if not documents:
        raise ContentError(f"No content files (*.yaml) found under {directory}")
    known = {f.name: f for f in LoadedFile.objects.all()}
    results = []
    # What the content feeds (the sector figures, the roadmap) is computed again once, not once per entry.
    with transaction.atomic(), counters.bumps_once():
        for doc in documents:
            previous = known.get(doc.name)
            if previous is not None and previous.sha256 == doc.sha256 and not force:
                results.append(Result(doc.name, doc.kind, doc.version, skipped=True, changes=Changes()))
                continue
            changes = LOADERS[doc.kind](doc)
            LoadedFile.objects.update_or_create(
                name=doc.name,
                defaults={"kind": doc.kind, "version": doc.version, "sha256": doc.sha256, "loaded_at": timezone.now()},
            )
            results.append(Result(doc.name, doc.kind, doc.version, skipped=False, changes=changes))
    return results


def upsert(
    existing: dict[str, Any], model: Any, key: str, code: str, values: dict[str, Any], label: str, changes: Changes
) -> Any:
    """Create or update the row whose `key` is `code`, recording in `changes` only what really changed.

    `existing` maps codes to the rows already in the database (read once per file, not once per entry).
    """
    obj = existing.get(code)
    if obj is None:
        obj = model.objects.create(**{key: code}, **values)
        changes.created.append(label)
        return obj
    dirty = [name for name, value in values.items() if getattr(obj, name) != value]
    if dirty:
        for name in dirty:
            setattr(obj, name, values[name])
        obj.save(update_fields=dirty)
        changes.updated.append(label)
    return obj


def retire_missing(queryset: Any, keep: Iterable[str], key: str, label: str, changes: Changes) -> None:
    """Retire the active rows of `queryset` whose `key` is not in `keep`."""
    gone = queryset.filter(retired=False).exclude(**{f"{key}__in": list(keep)})
    for value in gone.values_list(key, flat=True):
        changes.retired.append(f"{label} {value}")
    gone.update(retired=True)


# --- The built-in kinds -------------------------------------------------------------------------


def _bilingual(
    doc: Document, entry: dict[str, Any], name: str, id_key: str, *, required: bool = True
) -> dict[str, str]:
    return {f"{name}_{code}": doc.text(entry, f"{name}_{code}", id_key, required=required) for code in ("nl", "en")}


def _unique(doc: Document, seen: dict[str, dict[str, Any]], code: str, entry: dict[str, Any], key: str) -> None:
    if code in seen:
        raise doc.error(
            f"duplicate {key} '{code}' (first defined on line {getattr(seen[code], 'line', '?')})", entry, key
        )
    seen[code] = entry


@register("taxonomy")
def load_taxonomy(doc: Document) -> Changes:
    """Violation types, each with its sub-types. See framework/content/taxonomy.yaml for the shape."""
    from framework.models import ResearchCategory, ViolationSubtype, ViolationType

    known_categories = set(ResearchCategory.values)

    def categories(entry: dict[str, Any], value: Any) -> list[str]:
        values = value if isinstance(value, list) else ([value] if value else [])
        for category in values:
            if category not in known_categories:
                raise doc.error(
                    f"unknown research category '{category}' (known: {', '.join(sorted(known_categories))})",
                    entry,
                    "code",
                )
        return [str(v) for v in values]

    # Validate everything before writing anything.
    types: list[tuple[str, dict[str, Any], list[tuple[str, dict[str, Any]]]]] = []
    seen: dict[str, dict[str, Any]] = {}
    for type_order, entry in enumerate(doc.entries("types"), start=1):
        code = doc.code(entry)
        _unique(doc, seen, code, entry, "code")
        values: dict[str, Any] = {
            "order": type_order,
            **_bilingual(doc, entry, "name", "code"),
            **_bilingual(doc, entry, "definition", "code"),
            **_bilingual(doc, entry, "example", "code", required=False),
            "research_categories": categories(entry, entry.get("research_categories")),
            "retired": False,
            "source": doc.name,
        }
        subtypes = []
        for sub_order, sub in enumerate(entry.get("subtypes") or [], start=1):
            if not isinstance(sub, dict):
                raise doc.error(f"every sub-type must be a mapping, found {sub!r}", entry, "code")
            sub_code = doc.code(sub)
            _unique(doc, seen, sub_code, sub, "code")
            found = categories(sub, sub.get("research_category"))
            if len(found) > 1:
                raise doc.error("a sub-type maps to one research category at most", sub, "code")
            subtypes.append(
                (
                    sub_code,
                    {
                        "order": sub_order,
                        **_bilingual(doc, sub, "name", "code"),
                        **_bilingual(doc, sub, "definition", "code"),
                        **_bilingual(doc, sub, "example", "code", required=False),
                        "research_category": found[0] if found else "",
                        "retired": False,
                        "source": doc.name,
                    },
                )
            )
        types.append((code, values, subtypes))

    changes = Changes()
    existing_types = {t.code: t for t in ViolationType.objects.all()}
    existing_subtypes = {s.code: s for s in ViolationSubtype.objects.all()}
    for code, values, subtypes in types:
        violation_type = upsert(existing_types, ViolationType, "code", code, values, f"type {code}", changes)
        for sub_code, sub_values in subtypes:
            upsert(
                existing_subtypes,
                ViolationSubtype,
                "code",
                sub_code,
                {"type_id": violation_type.pk, **sub_values},
                f"sub-type {sub_code}",
                changes,
            )
    mine = {"source": doc.name}
    retire_missing(
        ViolationSubtype.objects.filter(**mine),
        [sub_code for _code, _values, subs in types for sub_code, _ in subs],
        "code",
        "sub-type",
        changes,
    )
    retire_missing(ViolationType.objects.filter(**mine), [code for code, _v, _s in types], "code", "type", changes)
    return changes


@register("glossary")
def load_glossary(doc: Document) -> Changes:
    """Glossary terms with their related terms. See framework/content/glossary.yaml for the shape."""
    from framework.models import GlossaryTerm

    terms: list[tuple[str, dict[str, Any], list[str]]] = []
    seen: dict[str, dict[str, Any]] = {}
    for entry in doc.entries("terms"):
        slug = doc.code(entry, "slug")
        _unique(doc, seen, slug, entry, "slug")
        related = entry.get("related") or []
        if not isinstance(related, list):
            raise doc.error("'related' must be a list of slugs", entry, "slug")
        values = {
            **_bilingual(doc, entry, "term", "slug"),
            **_bilingual(doc, entry, "definition", "slug"),
            "retired": False,
            "source": doc.name,
        }
        terms.append((slug, values, [str(r) for r in related]))
    for slug, _values, related in terms:
        for other in related:
            if other not in seen:
                raise doc.error(f"related term '{other}' does not exist in this file", seen[slug], "slug")
            if other == slug:
                raise doc.error("a term cannot be related to itself", seen[slug], "slug")

    changes = Changes()
    existing = {t.slug: t for t in GlossaryTerm.objects.all()}
    by_slug = {}
    for slug, values, _related in terms:
        by_slug[slug] = upsert(existing, GlossaryTerm, "slug", slug, values, f"term {slug}", changes)

    Link = GlossaryTerm.related.through
    links = Link.objects.filter(from_glossaryterm__in=by_slug.values())
    current: dict[int, set[int]] = {}
    for from_id, to_id in links.values_list("from_glossaryterm_id", "to_glossaryterm_id"):
        current.setdefault(from_id, set()).add(to_id)
    stale: list[int] = []
    new_links = []
    for slug, _values, related in terms:
        term = by_slug[slug]
        wanted = {by_slug[r].pk for r in related}
        have = current.get(term.pk, set())
        if wanted == have:
            continue
        if have:
            stale.append(term.pk)
        new_links += [Link(from_glossaryterm_id=term.pk, to_glossaryterm_id=pk) for pk in wanted]
        label = f"term {slug}"
        if label not in changes.created and label not in changes.updated:
            changes.updated.append(label)
    Link.objects.filter(from_glossaryterm_id__in=stale).delete()
    Link.objects.bulk_create(new_links)
    retire_missing(GlossaryTerm.objects.filter(source=doc.name), list(by_slug), "slug", "term", changes)
    return changes
