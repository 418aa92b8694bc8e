"""The `assessment_library` kind of content file: one version of one questionnaire per file.

See framework/content/libraries/*.yaml for the shape. The whole file is checked before anything is
written; an error names the file, the line and the entry.

Versions: (code, version) names one library for good. A new version is a new set of rows and leaves
the old one alone — assessments point at the exact requirement rows they were answered against.
Loading the same version again may change *wording* (names, texts, guidance, labels, order) but not
*structure* (areas, requirement and option codes, weights, thresholds, scoring, number of suggested
actions): that would change the meaning of answers already given, so the loader refuses and asks
for a new version. `validity_years` may change within a version: it is policy, not scoring.

`topics` (on an area, for all its requirements, or on one requirement, instead of its area's) lists the
taxonomy codes a requirement guards against; gaps and actions on it link to material on those topics. They
are wording too. Libraries load in stage 1, after the taxonomy their topics point at.
"""

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from framework.loader import Changes, Document, register

VERSION = re.compile(r"^\d+(\.\d+)*$")
LEVELS = list(range(6))
TIERS = ("high", "moderate", "low")  # framework.models.RiskTier


@dataclass
class Option:
    code: str
    weight: int
    texts: dict[str, Any]
    entry: dict[str, Any]


@dataclass
class Req:
    code: str
    area: str
    weight: float
    answer_kind: str
    texts: dict[str, Any]
    options: list[Option]
    actions: list[dict[str, Any]]
    entry: dict[str, Any]


@dataclass
class Parsed:
    code: str
    values: dict[str, Any]
    levels: dict[int, dict[str, Any]] = field(default_factory=dict)
    areas: dict[str, dict[str, Any]] = field(default_factory=dict)
    requirements: list[Req] = field(default_factory=list)

    def structure(self) -> dict[str, Any]:
        return {
            "scoring": self.values["scoring"],
            "target_level": self.values["target_level"],
            "thresholds": self.values["thresholds"],
            "areas": set(self.areas),
            "requirements": {
                r.code: (r.area, r.weight, r.answer_kind, {o.code: o.weight for o in r.options}, len(r.actions))
                for r in self.requirements
            },
        }


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
    """Evidence examples: a list (or one text) per language, stored one example per line."""
    values = {}
    for c in ("nl", "en"):
        value = entry.get(f"{name}_{c}")
        if isinstance(value, list):
            if not all(isinstance(v, str) and v.strip() for v in value):
                raise doc.error(f"'{name}_{c}' must be a list of texts", entry, "code")
            values[f"{name}_{c}"] = "\n".join(v.strip() for v in value)
        else:
            values[f"{name}_{c}"] = doc.text(entry, f"{name}_{c}", "code", required=False)
    nl, en = (values[f"{name}_{c}"] for c in ("nl", "en"))
    if bool(nl) != bool(en):
        missing = f"{name}_nl" if not nl else f"{name}_en"
        raise doc.error(
            f"missing translation '{missing}' (every text is needed in Dutch and in English)", entry, "code"
        )
    if nl and len(nl.splitlines()) != len(en.splitlines()):
        raise doc.error(f"'{name}_nl' and '{name}_en' must list the same number of examples", entry, "code")
    return values


def _integer(
    doc: Document, entry: dict[str, Any], key: str, *, default: int | None = None, nullable: bool = False
) -> Any:
    value = entry.get(key, default)
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise doc.error(f"'{key}' must be a whole number", entry, "code")
    return value


def _unique(doc: Document, seen: dict[Any, dict[str, Any]], code: Any, entry: dict[str, Any], what: str) -> None:
    if code in seen:
        first = getattr(seen[code], "line", "?")
        raise doc.error(f"duplicate {what} '{code}' (first defined on line {first})", entry, "code")
    seen[code] = entry


def _topics(doc: Document, entry: dict[str, Any], known: set[str], default: list[str]) -> list[str]:
    raw = entry.get("topics")
    if raw is None:
        return default
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise doc.error("'topics' must list taxonomy codes (violation types or sub-types)", entry, "code")
    for topic in raw:
        if topic not in known:
            raise doc.error(f"unknown topic '{topic}': not a violation type or sub-type of the taxonomy", entry, "code")
    return list(dict.fromkeys(raw))


def _options(doc: Document, entry: dict[str, Any], raw: Any) -> list[Option]:
    if not isinstance(raw, list):
        raise doc.error("'options' must be a list", entry, "code")
    seen: dict[Any, dict[str, Any]] = {}
    options = []
    for item in raw:
        if not isinstance(item, dict):
            raise doc.error(f"every option must be a mapping, found {item!r}", entry, "code")
        code = doc.code(item)
        _unique(doc, seen, code, item, "option code")
        options.append(Option(code, _integer(doc, item, "weight"), _pair(doc, item, "label"), item))
    return options


def _thresholds(doc: Document, raw: Any, lowest: int, highest: int) -> list[dict[str, Any]]:
    """Risk tiers for weighted scoring: whole-number ranges that cover every possible total once."""
    top = doc.data
    if not isinstance(raw, list) or not raw:
        raise doc.error("a weighted library needs 'thresholds': a list of tiers with min and max", top)
    tiers = []
    seen: dict[Any, dict[str, Any]] = {}
    for item in raw:
        if not isinstance(item, dict):
            raise doc.error(f"every threshold must be a mapping, found {item!r}", top)
        tier = item.get("tier")
        if tier not in TIERS:
            raise doc.error(f"unknown tier {tier!r} (known: {', '.join(TIERS)})", item)
        _unique(doc, seen, tier, item, "tier")
        low = _integer(doc, item, "min", nullable=True)
        high = _integer(doc, item, "max", nullable=True)
        if low is not None and high is not None and low > high:
            raise doc.error(f"tier '{tier}': min {low} is above max {high}", item)
        tiers.append((item, {"tier": tier, "min": low, "max": high}))
    tiers.sort(key=lambda t: lowest - 1 if t[1]["min"] is None else t[1]["min"])
    first, last = tiers[0][1], tiers[-1][1]
    if first["min"] is not None and first["min"] > lowest:
        raise doc.error(f"thresholds leave a gap: totals from {lowest} to {first['min'] - 1} have no tier", tiers[0][0])
    if last["max"] is not None and last["max"] < highest:
        raise doc.error(
            f"thresholds leave a gap: totals from {last['max'] + 1} to {highest} have no tier", tiers[-1][0]
        )
    if first["max"] is not None and first["max"] < lowest:
        raise doc.error(f"tier '{first['tier']}' can never be reached: the lowest total is {lowest}", tiers[0][0])
    for (_prev_item, prev), (item, this) in pairwise(tiers):
        if prev["max"] is None or this["min"] is None or this["min"] <= prev["max"]:
            raise doc.error(f"thresholds overlap: tier '{this['tier']}' and tier '{prev['tier']}'", item)
        if this["min"] > prev["max"] + 1:
            raise doc.error(
                f"thresholds leave a gap: totals from {prev['max'] + 1} to {this['min'] - 1} have no tier", item
            )
        if this["min"] > highest:
            raise doc.error(f"tier '{this['tier']}' can never be reached: the highest total is {highest}", item)
    return [values for _item, values in tiers]


def parse_library(doc: Document) -> Parsed:
    from framework.models import AssessmentLibrary, Requirement, ViolationSubtype, ViolationType

    data = doc.data
    known_topics = {*ViolationType.objects.values_list("code", flat=True)}
    known_topics |= {*ViolationSubtype.objects.values_list("code", flat=True)}
    code = doc.code(data)
    if not VERSION.match(doc.version):
        raise doc.error(f"version must be numbers separated by dots (like 1.0 or 2.10), not '{doc.version}'", data)
    scoring = data.get("scoring")
    if scoring not in AssessmentLibrary.Scoring.values:
        raise doc.error(f"unknown scoring {scoring!r} (known: {', '.join(AssessmentLibrary.Scoring.values)})", data)
    validity = _integer(doc, data, "validity_years", default=3)
    target = _integer(doc, data, "target_level", default=3)
    if validity < 1:
        raise doc.error("'validity_years' must be at least 1", data)
    if target not in LEVELS:
        raise doc.error("'target_level' must be a level from 0 to 5", data)
    retired = data.get("retired", False)
    if not isinstance(retired, bool):
        raise doc.error("'retired' must be true or false", data)
    parsed = Parsed(
        code,
        {
            **_pair(doc, data, "name"),
            **_pair(doc, data, "description"),
            "scoring": scoring,
            "validity_years": validity,
            "target_level": target,
            "thresholds": [],
            "retired": retired,
            "source": doc.name,
        },
    )

    maturity = scoring == AssessmentLibrary.Scoring.MATURITY
    if maturity or data.get("levels") is not None:
        seen_levels: dict[Any, dict[str, Any]] = {}
        for entry in doc.entries("levels"):
            level = _integer(doc, entry, "level")
            if level not in LEVELS:
                raise doc.error(f"level {level} is outside the scale 0–5", entry)
            _unique(doc, seen_levels, level, entry, "level")
            parsed.levels[level] = {**_pair(doc, entry, "label"), **_pair(doc, entry, "description")}
        if sorted(parsed.levels) != LEVELS:
            missing = ", ".join(str(level) for level in LEVELS if level not in parsed.levels)
            raise doc.error(f"the maturity scale needs exactly the levels 0 to 5 (missing: {missing})", data)

    area_topics: dict[str, list[str]] = {}
    for entry in doc.entries("areas"):
        area = doc.code(entry)
        _unique(doc, parsed.areas, area, entry, "area code")
        area_topics[area] = _topics(doc, entry, known_topics, [])
    areas = dict(parsed.areas)
    parsed.areas = {
        area: {"order": order, **_pair(doc, entry, "name"), **_pair(doc, entry, "description", required=False)}
        for order, (area, entry) in enumerate(areas.items(), start=1)
    }

    shared_options = data.get("options")
    seen: dict[Any, dict[str, Any]] = {}
    for entry in doc.entries("requirements"):
        req_code = doc.code(entry)
        _unique(doc, seen, req_code, entry, "requirement code")
        area = doc.text(entry, "area")
        if area not in areas:
            raise doc.error(f"unknown area '{area}' (areas in this file: {', '.join(areas)})", entry, "code")
        weight = entry.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise doc.error("'weight' must be a number above 0", entry, "code")
        raw_options = entry.get("options", None if maturity else shared_options)
        if maturity:
            if raw_options:
                raise doc.error(
                    "a requirement of a maturity library is answered on the 0–5 scale: no options", entry, "code"
                )
            options: list[Option] = []
            kind = Requirement.AnswerKind.MATURITY
        else:
            if raw_options is None:
                raise doc.error("a requirement needs 'options' (or the library shared 'options')", entry, "code")
            options = _options(doc, entry, raw_options)
            if len(options) < 2:
                raise doc.error("a requirement needs at least two answer options", entry, "code")
            kind = Requirement.AnswerKind.CHOICE
        actions_raw = entry.get("suggested_actions")
        if not isinstance(actions_raw, list) or not actions_raw:
            raise doc.error(
                "every requirement needs at least one suggested action for when it is not met", entry, "code"
            )
        actions = []
        for action in actions_raw:
            if not isinstance(action, dict):
                raise doc.error(f"every suggested action must be a mapping, found {action!r}", entry, "code")
            actions.append({**_pair(doc, action, "title"), **_pair(doc, action, "description")})
        parsed.requirements.append(
            Req(
                code=req_code,
                area=area,
                weight=float(weight),
                answer_kind=kind,
                texts={
                    **_pair(doc, entry, "text"),
                    **_pair(doc, entry, "guidance"),
                    **_lines(doc, entry, "evidence_examples"),
                    "topics": _topics(doc, entry, known_topics, area_topics[area]),
                },
                options=options,
                actions=actions,
                entry=entry,
            )
        )

    if scoring == AssessmentLibrary.Scoring.WEIGHTED:
        lowest = sum(min(o.weight for o in r.options) for r in parsed.requirements)
        highest = sum(max(o.weight for o in r.options) for r in parsed.requirements)
        parsed.values["thresholds"] = _thresholds(doc, data.get("thresholds"), lowest, highest)
    elif data.get("thresholds"):
        raise doc.error("only a weighted library has 'thresholds'", data)
    return parsed


def _next_version(version: str) -> str:
    parts = version.split(".")
    parts[-1] = str(int(parts[-1]) + 1)
    return ".".join(parts)


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    found = []
    for key in ("scoring", "target_level", "thresholds"):
        if old[key] != new[key]:
            found.append(f"{key.replace('_', ' ')} changed")
    if old["areas"] != new["areas"]:
        found.append("areas added or removed")
    added = sorted(set(new["requirements"]) - set(old["requirements"]))
    removed = sorted(set(old["requirements"]) - set(new["requirements"]))
    if added:
        found.append(f"requirements added: {', '.join(added)}")
    if removed:
        found.append(f"requirements removed: {', '.join(removed)}")
    labels = ("area", "weight", "answer kind", "answer options or their weights", "number of suggested actions")
    for code in sorted(set(new["requirements"]) & set(old["requirements"])):
        for label, before, after in zip(labels, old["requirements"][code], new["requirements"][code], strict=True):
            if before != after:
                found.append(f"requirement '{code}': {label} changed")
    return found


def _stored_structure(library: Any) -> dict[str, Any]:
    requirements = library.requirements.select_related("area").prefetch_related("options", "suggested_actions")
    return {
        "scoring": library.scoring,
        "target_level": library.target_level,
        "thresholds": library.thresholds,
        "areas": set(library.areas.values_list("code", flat=True)),
        "requirements": {
            r.code: (
                r.area.code,
                r.weight,
                r.answer_kind,
                {o.code: o.weight for o in r.options.all()},
                len(r.suggested_actions.all()),
            )
            for r in requirements
        },
    }


def _update(obj: Any, values: dict[str, Any], label: str, changes: Changes) -> None:
    dirty = [name for name, value in values.items() if getattr(obj, name) != value]
    if dirty:
        for name in dirty:
            setattr(obj, name, values[name])
        obj.save(update_fields=dirty)
        changes.updated.append(label)


def _create(parsed: Parsed, version: str, changes: Changes) -> None:
    from framework.models import (
        AnswerOption,
        AssessmentLibrary,
        LibraryArea,
        MaturityLevel,
        Requirement,
        SuggestedAction,
    )

    library = AssessmentLibrary.objects.create(code=parsed.code, version=version, **parsed.values)
    changes.created.append(f"library {parsed.code} {version}")
    MaturityLevel.objects.bulk_create(
        MaturityLevel(library=library, level=level, **texts) for level, texts in parsed.levels.items()
    )
    areas = {code: LibraryArea(library=library, code=code, **values) for code, values in parsed.areas.items()}
    LibraryArea.objects.bulk_create(areas.values())
    requirements = [
        Requirement(
            library=library,
            area=areas[r.area],
            code=r.code,
            order=order,
            weight=r.weight,
            answer_kind=r.answer_kind,
            **r.texts,
        )
        for order, r in enumerate(parsed.requirements, start=1)
    ]
    Requirement.objects.bulk_create(requirements)
    options, actions = [], []
    for row, r in zip(requirements, parsed.requirements, strict=True):
        changes.created.append(f"requirement {r.code}")
        options += [
            AnswerOption(requirement=row, code=o.code, order=i, weight=o.weight, **o.texts)
            for i, o in enumerate(r.options, start=1)
        ]
        actions += [SuggestedAction(requirement=row, order=i, **a) for i, a in enumerate(r.actions, start=1)]
    AnswerOption.objects.bulk_create(options)
    SuggestedAction.objects.bulk_create(actions)


def _reword(doc: Document, library: Any, parsed: Parsed, changes: Changes) -> None:
    """The same version again: structure must be identical; wording and order may change."""
    differences = _differences(_stored_structure(library), parsed.structure())
    if differences:
        raise doc.error(
            f"library '{parsed.code}' version {library.version} is already loaded with another structure "
            f"({'; '.join(differences)}). Answers given against it would change meaning: give the file a new "
            f"version (for example {_next_version(library.version)}) instead; version {library.version} stays as "
            "it is for the assessments that use it",
            doc.data,
        )
    label = f"library {parsed.code} {library.version}"
    _update(library, parsed.values, label, changes)
    for level in library.levels.all():
        _update(level, parsed.levels[level.level], f"{label} level {level.level}", changes)
    for area in library.areas.all():
        _update(area, parsed.areas[area.code], f"area {area.code}", changes)
    by_code = {r.code: (order, r) for order, r in enumerate(parsed.requirements, start=1)}
    for row in library.requirements.prefetch_related("options", "suggested_actions"):
        order, r = by_code[row.code]
        before = len(changes.updated)
        _update(row, {"order": order, **r.texts}, f"requirement {row.code}", changes)
        options = {o.code: (i, o) for i, o in enumerate(r.options, start=1)}
        for option in row.options.all():
            i, o = options[option.code]
            _update(option, {"order": i, **o.texts}, f"requirement {row.code}", changes)
        for action, texts in zip(row.suggested_actions.all(), r.actions, strict=True):
            _update(action, texts, f"requirement {row.code}", changes)
        # One line per requirement, however many of its parts changed.
        del changes.updated[before + 1 :]


@register("assessment_library", stage=1)
def load_assessment_library(doc: Document) -> Changes:
    from framework.models import AssessmentLibrary

    parsed = parse_library(doc)
    changes = Changes()
    existing = AssessmentLibrary.objects.filter(code=parsed.code, version=doc.version).first()
    if existing is None:
        _create(parsed, doc.version, changes)
    elif existing.source != doc.name:
        raise doc.error(
            f"library '{parsed.code}' version {doc.version} is already defined by {existing.source}", doc.data
        )
    else:
        _reword(doc, existing, parsed, changes)
    return changes
