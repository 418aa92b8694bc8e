"""Playbooks: the framework's plans from content files, the rules every playbook keeps, and an
organisation's own copies.

One set of rules guards both doors into the playbook tables: `check_playbook` and `check_steps` run
when the content loader reads framework/content/playbooks/*.yaml and when an organisation edits its
copy (cases/forms_playbooks.py). They return every `Problem` found; the loader stops at the first
one with the file and line, a form shows each one next to its field.

Content files (see framework/content/playbooks/general.yaml for the whole shape):

    kind: playbook
    version: "1.0"
    code: fraud-corruption
    default: false                      # true for exactly one playbook: used when nothing else applies
    applies_to: [financial, corruption] # taxonomy codes (types or sub-types)
    title_nl: …   title_en: …   intro_nl: …   intro_en: …
    steps:
      - code: acknowledge
        phase: receive                  # receive | assess | address | conclude, in this order
        role: intake                    # intake | investigator | decision_maker
        title_nl: …   title_en: …   guidance_nl: …   guidance_en: …
        checklist: [{nl: …, en: …}]
        after: [register]               # steps that must be done first (same or earlier phase)
        due: {after: received, days: 7} # received | acknowledged | triaged | step (with step: <code>); days, months
        marks: acknowledged             # acknowledged | feedback: the case event that doing the step records
        notify: cbf                     # cbf | funder | alliance | partner | authorities
        victim_care: true

Which framework playbooks exist is decided by playbooks/_index.yaml (kind `playbook_index`), as the
guide's table of contents decides its pages: the loader reads one file at a time and skips files
that did not change, so a deleted file is never seen — leaving the index is what retires a playbook
(never deleted: cases point at playbooks). Known limit: the rules that span files (one default, a
category in one playbook only) are checked against the playbooks already loaded, so moving the
default or a category from one file to another is done in two loads: first take it out, then add it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.models import Event, record
from cases.deadlines import ACKNOWLEDGE_WITHIN_DAYS, FEEDBACK_WITHIN_MONTHS
from cases.handling import STEP_FIELDS, playbooks_available
from cases.models import PHASE_ORDER, Anchor, Case, CaseRole, Marks, Notify, Phase, Playbook, PlaybookStep
from framework.loader import Changes, Document, Mapping, register
from framework.models import ViolationSubtype, ViolationType
from organisations.models import Organisation

if TYPE_CHECKING:
    from accounts.models import User

LANGUAGES = ("nl", "en")
# Deadlines longer than this are a typo, and would overflow date arithmetic long before they made sense.
MAX_DAYS = 3650
MAX_MONTHS = 120
DUE_KEYS = {"after", "step", "days", "months"}


def _language_name(code: str) -> str:
    return _("Dutch") if code == "nl" else _("English")


# --- The rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with a playbook. `step` is the index of the step it is about (None: the playbook
    itself); `field` the field it is about, so a form can show it in the right place."""

    message: str
    step: int | None = None
    field: str = ""


def _has_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _slug_problem(code: Any) -> str:
    if isinstance(code, str) and code and slugify(code) == code:
        return ""
    return _("The code must be a lowercase slug (letters, digits, hyphens), not “%(code)s”.") % {"code": code}


class _Problems(list[Problem]):
    def add(self, step: int | None, field: str, message: str, **params: Any) -> None:
        self.append(Problem(message % params if params else message, step, field))

    def bilingual(self, obj: Any, name: str, label: str, *, required: bool, step: int | None = None) -> None:
        """`<name>_nl` and `<name>_en`: both, or (when not required) both or neither."""
        present = {code: _has_text(getattr(obj, f"{name}_{code}", "")) for code in LANGUAGES}
        for code, other in (("nl", "en"), ("en", "nl")):
            if present[code]:
                continue
            if required:
                self.add(
                    step,
                    f"{name}_{code}",
                    _("The %(what)s is missing in %(language)s."),
                    what=label,
                    language=_language_name(code),
                )
            elif present[other]:
                message = _("The %(what)s is given in %(given)s but not in %(missing)s: write it in both languages.")
                self.add(
                    step,
                    f"{name}_{code}",
                    message,
                    what=label,
                    given=_language_name(other),
                    missing=_language_name(code),
                )

    def whole_number(self, step: int, field: str, value: Any, unit: str, maximum: int) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            message = _("The number of %(unit)s must be a whole number of 0 or more, not “%(value)s”.")
            self.add(step, field, message, unit=unit, value=value)
        elif value > maximum:
            self.add(step, field, _("The number of %(unit)s can be at most %(maximum)s."), unit=unit, maximum=maximum)


def _cycles(graph: dict[str, list[str]], order: list[str]) -> list[list[str]]:
    """Every circle of `after` references, once each, as [a, b, …, a] starting at its earliest-listed step."""
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    state: dict[str, str] = {}  # "open" while on the current path, then "done"
    path: list[str] = []

    def visit(code: str) -> None:
        state[code] = "open"
        path.append(code)
        for nxt in graph.get(code, []):
            if state.get(nxt) == "open":
                circle = path[path.index(nxt) :]
                if frozenset(circle) not in seen:
                    seen.add(frozenset(circle))
                    start = circle.index(min(circle, key=order.index))
                    found.append([*circle[start:], *circle[:start], circle[start]])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[code] = "done"

    for code in order:
        if code not in state:
            visit(code)
    return found


def _phase_rank(phase: Any) -> int | None:
    return PHASE_ORDER.index(phase) if phase in PHASE_ORDER else None


def _phase_label(phase: str) -> str:
    return str(Phase(phase).label)


def _check_fields(problems: _Problems, i: int, step: PlaybookStep) -> None:
    if step.role not in CaseRole.values:
        problems.add(
            i,
            "role",
            _("Unknown role “%(role)s” (known: %(known)s)."),
            role=step.role,
            known=", ".join(CaseRole.values),
        )
    problems.bilingual(step, "title", _("title"), required=True, step=i)
    problems.bilingual(step, "guidance", _("guidance"), required=False, step=i)
    if not isinstance(step.checklist, list):
        problems.add(i, "checklist", _("The checklist must be a list of items, each in Dutch and English."))
    else:
        for number, item in enumerate(step.checklist, start=1):
            for lang in LANGUAGES:
                if not isinstance(item, dict) or not _has_text(item.get(lang)):
                    problems.add(
                        i,
                        "checklist",
                        _("Checklist item %(number)s has no %(language)s text."),
                        number=number,
                        language=_language_name(lang),
                    )
    if step.marks not in Marks.values:
        problems.add(
            i,
            "marks",
            _("Unknown mark “%(marks)s” (known: %(known)s)."),
            marks=step.marks,
            known=", ".join(v for v in Marks.values if v),
        )
    if step.notify not in Notify.values:
        problems.add(
            i,
            "notify",
            _("Unknown notification “%(notify)s” (known: %(known)s)."),
            notify=step.notify,
            known=", ".join(v for v in Notify.values if v),
        )
    if not isinstance(step.victim_care, bool):
        problems.add(i, "victim_care", _("“victim_care” must be true or false."))


def _check_due(problems: _Problems, i: int, step: PlaybookStep, codes: dict[str, int]) -> None:
    anchor, due_step = step.due_anchor or "", step.due_step or ""
    if anchor and anchor not in Anchor.values:
        problems.add(
            i,
            "due_anchor",
            _("Unknown deadline anchor “%(anchor)s” (known: %(known)s)."),
            anchor=anchor,
            known=", ".join(Anchor.values),
        )
        return
    problems.whole_number(i, "due_days", step.due_days, _("days"), MAX_DAYS)
    problems.whole_number(i, "due_months", step.due_months, _("months"), MAX_MONTHS)
    has_span = step.due_days is not None or step.due_months is not None
    if anchor and not has_span:
        problems.add(i, "due_days", _("A deadline needs a number of days or months."))
    if not anchor and has_span:
        problems.add(i, "due_anchor", _("Say what the deadline counts from."))
    if anchor == Anchor.STEP:
        if not due_step:
            problems.add(i, "due_step", _("Name the step the deadline counts from."))
        elif due_step == step.code:
            problems.add(i, "due_step", _("A step's deadline cannot count from the step itself."))
        elif due_step not in codes:
            problems.add(
                i,
                "due_step",
                _("The deadline counts from “%(code)s”, which is not a step of this playbook."),
                code=due_step,
            )
    elif due_step:
        problems.add(i, "due_step", _("A step is named for the deadline, but the deadline does not count from a step."))


def _check_after(problems: _Problems, steps: Sequence[PlaybookStep], codes: dict[str, int]) -> None:
    graph: dict[str, list[str]] = {}
    for i, step in enumerate(steps):
        if not isinstance(step.after, list) or not all(isinstance(a, str) for a in step.after):
            problems.add(i, "after", _("“after” must be a list of step codes."))
            continue
        own = _phase_rank(step.phase)
        for other in step.after:
            theirs = _phase_rank(steps[codes[other]].phase) if other in codes else None
            if other == step.code:
                problems.add(i, "after", _("A step cannot wait for itself."))
            elif other not in codes:
                problems.add(
                    i, "after", _("This step waits for “%(code)s”, which is not a step of this playbook."), code=other
                )
            elif own is not None and theirs is not None and theirs > own:
                message = _(
                    "This step waits for “%(code)s”, which is in a later phase (%(phase)s): a step can only "
                    "wait for steps of its own or an earlier phase."
                )
                problems.add(i, "after", message, code=other, phase=_phase_label(PHASE_ORDER[theirs]))
            else:
                graph.setdefault(step.code, []).append(other)
    for circle in _cycles(graph, list(codes)):
        problems.add(
            codes[circle[0]],
            "after",
            _("Steps wait for each other in a circle: %(circle)s. Take one of them out of “after”."),
            circle=" → ".join(circle),
        )


def check_steps(steps: Sequence[PlaybookStep]) -> list[Problem]:
    """Every problem with a playbook's steps, in the order they are listed. Values may be raw (from a file)."""
    problems = _Problems()
    if not steps:
        problems.add(None, "", _("A playbook needs at least one step."))
        return problems
    codes: dict[str, int] = {}
    latest: int | None = None
    for i, step in enumerate(steps):
        if slug_problem := _slug_problem(step.code):
            problems.add(i, "code", slug_problem)
        elif step.code in codes:
            problems.add(i, "code", _("Two steps have the code “%(code)s”: every step needs its own."), code=step.code)
        else:
            codes[step.code] = i
        rank = _phase_rank(step.phase)
        if rank is None:
            problems.add(
                i,
                "phase",
                _("Unknown phase “%(phase)s” (known: %(known)s)."),
                phase=step.phase,
                known=", ".join(PHASE_ORDER),
            )
        elif latest is not None and rank < latest:
            message = _(
                "This step is in the phase “%(phase)s” but comes after a step of the phase “%(later)s”: "
                "list the steps in the order of the phases."
            )
            problems.add(i, "phase", message, phase=_phase_label(step.phase), later=_phase_label(PHASE_ORDER[latest]))
        else:
            latest = rank
        _check_fields(problems, i, step)
    _check_after(problems, steps, codes)
    for i, step in enumerate(steps):
        _check_due(problems, i, step, codes)
    # The two legal moments: exactly one step records each.
    no_ack = _(
        "No step marks receipt as acknowledged. Every playbook needs one: the law asks for an "
        "acknowledgement within %(days)s days."
    ) % {"days": ACKNOWLEDGE_WITHIN_DAYS}
    no_feedback = _(
        "No step marks the feedback to the reporter. Every playbook needs one: the law asks for "
        "feedback within %(months)s months."
    ) % {"months": FEEDBACK_WITHIN_MONTHS}
    for mark, missing in ((Marks.ACKNOWLEDGED, no_ack), (Marks.FEEDBACK, no_feedback)):
        marking = [i for i, step in enumerate(steps) if step.marks == mark]
        if not marking:
            problems.add(None, "marks", missing)
        for i in marking[1:]:
            problems.add(
                i,
                "marks",
                _("Only one step can mark “%(mark)s”; step “%(code)s” does already."),
                mark=Marks(mark).label,
                code=steps[marking[0]].code,
            )
    return list(problems)


def taxonomy_codes() -> set[str]:
    """The codes a playbook may apply to: active violation types and sub-types."""
    return set(ViolationType.objects.active().values_list("code", flat=True)) | set(
        ViolationSubtype.objects.active().values_list("code", flat=True)
    )


def check_playbook(
    playbook: Playbook, *, known_codes: set[str], others: Iterable[Playbook], needs_default: bool = False
) -> list[Problem]:
    """Every problem with a playbook's own fields. `others`: the playbooks it must not clash with (the other
    framework playbooks, or the other playbooks an organisation uses): one default, each category in one.
    `needs_default`: refuse to leave `others` without any default. An organisation's copy asks for it; the
    loader cannot, as it reads one file at a time and the default's file may load later."""
    problems = _Problems()
    if slug_problem := _slug_problem(playbook.code):
        problems.add(None, "code", slug_problem)
    problems.bilingual(playbook, "title", _("title"), required=True)
    problems.bilingual(playbook, "intro", _("introduction"), required=False)
    others = list(others)
    applies_to = playbook.applies_to
    if not isinstance(applies_to, list) or not all(isinstance(c, str) for c in applies_to):
        problems.add(None, "applies_to", _("“applies_to” must be a list of taxonomy codes."))
        applies_to = []
    for category in applies_to:
        claimed = next((o for o in others if category in (o.applies_to or [])), None)
        if category not in known_codes:
            message = _("“%(code)s” is not a violation type or sub-type of the taxonomy.")
            problems.add(None, "applies_to", message, code=category)
        elif claimed is not None:
            message = _(
                "“%(code)s” is already handled by the playbook “%(other)s”: a category belongs to one playbook."
            )
            problems.add(None, "applies_to", message, code=category, other=claimed.title)
    if not isinstance(playbook.is_default, bool):
        problems.add(None, "is_default", _("“default” must be true or false."))
    elif playbook.is_default and (other := next((o for o in others if o.is_default), None)):
        message = _("“%(other)s” is the default playbook already: there can be only one.")
        problems.add(None, "is_default", message, other=other.title)
    elif needs_default and not playbook.is_default and not any(o.is_default for o in others):
        message = _("No other playbook is the default: make another one the default first.")
        problems.add(None, "is_default", message)
    return list(problems)


# --- The content loader ---------------------------------------------------------------------------


def _raw_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else ("" if value is None else value)


def _checklist(doc: Document, entry: dict[str, Any]) -> Any:
    raw = entry.get("checklist")
    if not isinstance(raw, list):
        return [] if raw is None else raw
    items = []
    for item in raw:
        if isinstance(item, dict):
            unknown = set(item) - set(LANGUAGES)
            if unknown:
                raise doc.error(
                    f"a checklist item has only 'nl' and 'en', not {', '.join(sorted(map(str, unknown)))}", item
                )
            item = {lang: _raw_text(item.get(lang)) for lang in LANGUAGES}
        items.append(item)
    return items


def _step_from_entry(doc: Document, entry: dict[str, Any]) -> PlaybookStep:
    """An unsaved step with the file's values as they are; `check_steps` judges them."""
    due = entry.get("due")
    if due is None:
        due = {}
    if not isinstance(due, dict):
        raise doc.error("'due' must be a mapping like {after: received, days: 7}", entry, "code")
    unknown = set(due) - DUE_KEYS
    if unknown:
        raise doc.error(
            f"unknown key(s) in 'due': {', '.join(sorted(map(str, unknown)))} (known: after, step, days, months)", due
        )
    unknown = set(entry) - {
        "code",
        "phase",
        "role",
        "title_nl",
        "title_en",
        "guidance_nl",
        "guidance_en",
        "checklist",
        "after",
        "due",
        "marks",
        "notify",
        "victim_care",
    }
    if unknown:
        raise doc.error(f"unknown field(s): {', '.join(sorted(map(str, unknown)))}", entry, "code")
    return PlaybookStep(
        code=_raw_text(entry.get("code")),
        phase=_raw_text(entry.get("phase")),
        role=_raw_text(entry.get("role")),
        title_nl=_raw_text(entry.get("title_nl")),
        title_en=_raw_text(entry.get("title_en")),
        guidance_nl=_raw_text(entry.get("guidance_nl")),
        guidance_en=_raw_text(entry.get("guidance_en")),
        checklist=_checklist(doc, entry),
        after=entry.get("after") or [],
        due_anchor=_raw_text(due.get("after")),
        due_step=_raw_text(due.get("step")),
        due_days=due.get("days"),
        due_months=due.get("months"),
        marks=_raw_text(entry.get("marks")),
        notify=_raw_text(entry.get("notify")),
        victim_care=entry.get("victim_care", False),
    )


def _where(doc: Document, entries: list[dict[str, Any]], problem: Problem) -> Any:
    """What a problem is reported at: the step (named), on the line of its `due:` for deadline problems."""
    if problem.step is None:
        return doc.data
    entry = entries[problem.step]
    due = entry.get("due")
    if problem.field.startswith("due_") and isinstance(due, Mapping):
        at_due = Mapping(code=entry.get("code"))
        at_due.line = due.line
        return at_due
    return entry


def step_values(step: PlaybookStep) -> dict[str, Any]:
    return {name: getattr(step, name) for name in STEP_FIELDS}


def replace_steps(playbook: Playbook, steps: Sequence[PlaybookStep]) -> None:
    """Make `steps` (in this order) the playbook's steps. Nothing points at playbook steps (a case copies
    them), so replacing them all is the simplest way to keep the order numbers tidy."""
    rows = []
    for order, step in enumerate(steps, start=1):
        values = step_values(step)
        values["order"] = order
        rows.append(PlaybookStep(playbook=playbook, **values))
    PlaybookStep.objects.filter(playbook=playbook).delete()
    PlaybookStep.objects.bulk_create(rows)


def _same_steps(playbook: Playbook, steps: Sequence[PlaybookStep]) -> bool:
    stored = [step_values(s) for s in PlaybookStep.objects.filter(playbook=playbook).order_by("order")]
    wanted = []
    for order, step in enumerate(steps, start=1):
        values = step_values(step)
        values["order"] = order
        wanted.append(values)
    return stored == wanted


@register("playbook_index", stage=1)
def load_index(doc: Document) -> Changes:
    """The framework's playbooks: those listed stay (or come back), the others are retired."""
    listed = doc.data.get("playbooks")
    if not isinstance(listed, list) or not listed or not all(isinstance(c, str) and c for c in listed):
        raise doc.error("'playbooks' must be a non-empty list of playbook codes", doc.data)
    for code in listed:
        if slugify(code) != code:
            raise doc.error(f"'{code}' is not a playbook code (a lowercase slug)", doc.data)
    if len(set(listed)) != len(listed):
        twice = sorted({c for c in listed if listed.count(c) > 1})
        raise doc.error(f"listed twice: {', '.join(twice)}", doc.data)
    changes = Changes()
    framework = Playbook.objects.filter(organisation__isnull=True)
    for playbook in framework.filter(retired=False).exclude(code__in=listed):
        playbook.retired = True
        playbook.save(update_fields=["retired"])
        changes.retired.append(f"playbook {playbook.code}")
    for playbook in framework.filter(retired=True, code__in=listed):
        playbook.retired = False
        playbook.save(update_fields=["retired"])
        changes.updated.append(f"playbook {playbook.code}")
    return changes


@register("playbook", stage=1)
def load_playbook(doc: Document) -> Changes:
    """One framework playbook and its steps. The steps are replaced when they changed."""
    data = doc.data
    code = doc.code(data)
    unknown = set(data) - {
        "kind",
        "version",
        "code",
        "default",
        "applies_to",
        "title_nl",
        "title_en",
        "intro_nl",
        "intro_en",
        "steps",
    }
    if unknown:
        raise doc.error(f"unknown field(s): {', '.join(sorted(map(str, unknown)))}", data)
    existing = Playbook.objects.filter(organisation__isnull=True, code=code).first()
    if existing is not None and existing.source and existing.source != doc.name:
        raise doc.error(f"playbook '{code}' is already defined by {existing.source}", data, "code")
    values = {
        "title_nl": _raw_text(data.get("title_nl")),
        "title_en": _raw_text(data.get("title_en")),
        "intro_nl": _raw_text(data.get("intro_nl")),
        "intro_en": _raw_text(data.get("intro_en")),
        "applies_to": data.get("applies_to") or [],
        "is_default": data.get("default", False),
        "version": doc.version,
        "source": doc.name,
    }
    entries = doc.entries("steps")
    steps = [_step_from_entry(doc, entry) for entry in entries]
    others = Playbook.objects.active().filter(organisation__isnull=True).exclude(code=code)
    # Content errors are read by whoever edits the files: always in English, like the other loaders'.
    with translation.override("en"):
        problems = check_playbook(Playbook(code=code, **values), known_codes=taxonomy_codes(), others=others)
        problems += check_steps(steps)
    if problems:
        first = problems[0]
        raise doc.error(first.message, _where(doc, entries, first), "code")

    changes = Changes()
    label = f"playbook {code}"
    if existing is None:
        playbook = Playbook.objects.create(code=code, organisation=None, **values)
        replace_steps(playbook, steps)
        changes.created.append(label)
        return changes
    dirty = [name for name, value in values.items() if getattr(existing, name) != value]
    steps_changed = not _same_steps(existing, steps)
    if not dirty and not steps_changed:
        return changes
    for name in dirty:
        setattr(existing, name, values[name])
    existing.updated_at = timezone.now()
    existing.save(update_fields=[*dirty, "updated_at"])
    if steps_changed:
        replace_steps(existing, steps)
    changes.updated.append(label)
    return changes


# --- Which playbook a category gets -----------------------------------------------------------------


def choose(available: Sequence[Playbook], type_code: str, subtype_code: str = "") -> Playbook | None:
    """The rule of cases.handling.playbook_for over a list already read: a sub-type match wins over a type
    match, then the default."""
    for code in (subtype_code, type_code):
        if not code:
            continue
        for playbook in available:
            if code in playbook.applies_to:
                return playbook
    return next((p for p in available if p.is_default), None)


@dataclass
class Use:
    """One category of the taxonomy and the playbook a case of it gets."""

    type: ViolationType
    subtype: ViolationSubtype | None
    playbook: Playbook | None


def uses(organisation: Organisation) -> list[Use]:
    """For every active category: the playbook a new case of that category gets in `organisation`."""
    available = playbooks_available(organisation)
    found = []
    subtypes = list(ViolationSubtype.objects.active().order_by("order", "code"))
    for violation_type in ViolationType.objects.active():
        found.append(Use(violation_type, None, choose(available, violation_type.code)))
        for subtype in subtypes:
            if subtype.type_id == violation_type.pk:
                found.append(Use(violation_type, subtype, choose(available, violation_type.code, subtype.code)))
    return found


def others_for(playbook: Playbook) -> list[Playbook]:
    """The playbooks `playbook` must not clash with: the organisation's other playbooks in use, or the other
    framework playbooks."""
    organisation = playbook.organisation
    if organisation is None:
        return list(Playbook.objects.active().filter(organisation__isnull=True).exclude(code=playbook.code))
    return [p for p in playbooks_available(organisation) if p.pk != playbook.pk and p.pk != playbook.based_on_id]


# --- An organisation's own copies -------------------------------------------------------------------


class PlaybookInUse(Exception):
    """Running cases follow this playbook, so it cannot go."""

    def __init__(self, running: int) -> None:
        super().__init__(running)
        self.running = running


def _log(organisation: Organisation | None, code: str, by: "User", change: str, **detail: Any) -> None:
    record(
        Event.PLAYBOOK_CHANGED,
        actor=by.email,
        organisation=organisation.slug if organisation else "",
        target=code,
        detail={"change": change, **detail},
    )


def _touch(playbook: Playbook, by: "User", fields: Sequence[str] = ()) -> None:
    playbook.updated_at = timezone.now()
    playbook.updated_by = by
    playbook.save(update_fields=[*fields, "updated_at", "updated_by"])


def own_copy(organisation: Organisation, code: str) -> Playbook | None:
    return Playbook.objects.active().filter(organisation=organisation, code=code).first()


def make_copy(organisation: Organisation, framework: Playbook, *, by: "User") -> Playbook:
    """The organisation's own copy of a framework playbook, with its steps. An existing copy is returned as it
    is; a copy retired earlier (kept for its concluded cases) starts again from the framework version."""
    existing = Playbook.objects.filter(organisation=organisation, code=framework.code).first()
    if existing is not None and not existing.retired:
        return existing
    fields = ["title_nl", "title_en", "intro_nl", "intro_en", "applies_to", "is_default", "version"]
    with transaction.atomic():
        if existing is None:
            copy = Playbook(organisation=organisation, code=framework.code)
        else:
            copy = existing
            copy.retired = False
        for name in fields:
            setattr(copy, name, getattr(framework, name))
        copy.based_on = framework
        copy.source = ""
        copy.updated_at = timezone.now()
        copy.updated_by = by
        copy.save()
        replace_steps(copy, list(framework.steps.order_by("order")))
    _log(organisation, copy.code, by, "copied", based_on_version=framework.version)
    return copy


def save_playbook(playbook: Playbook, values: dict[str, Any], *, by: "User") -> None:
    """Save checked values of a copy's own fields."""
    changed = [name for name, value in values.items() if getattr(playbook, name) != value]
    for name in changed:
        setattr(playbook, name, values[name])
    _touch(playbook, by, changed)
    _log(playbook.organisation, playbook.code, by, "edited", fields=changed)


def save_steps(playbook: Playbook, steps: Sequence[PlaybookStep], *, by: "User", change: str, step: str) -> None:
    """Save a checked list of steps (from steps_with, steps_without or steps_moved)."""
    with transaction.atomic():
        replace_steps(playbook, steps)
        _touch(playbook, by)
    _log(playbook.organisation, playbook.code, by, change, step=step)


def revert(playbook: Playbook, *, by: "User") -> str:
    """Go back to the framework version: the copy goes. Returns "deleted", or "retired" when concluded cases
    still point at it (kept for their history). Raises PlaybookInUse while cases that follow it are open."""
    running = Case.objects.filter(playbook=playbook).open().count()
    if running:
        raise PlaybookInUse(running)
    code, organisation = playbook.code, playbook.organisation
    try:
        with transaction.atomic():
            playbook.delete()
        outcome = "deleted"
    except ProtectedError:
        playbook.retired = True
        playbook.is_default = False
        _touch(playbook, by, ["retired", "is_default"])
        outcome = "retired"
    _log(organisation, code, by, "reverted", outcome=outcome)
    return outcome


def _copy_step(step: PlaybookStep, **changes: Any) -> PlaybookStep:
    values = step_values(step)
    values.update(changes)
    return PlaybookStep(playbook_id=step.playbook_id, **values)


def steps_with(
    steps: Sequence[PlaybookStep], values: dict[str, Any], replacing: str | None = None
) -> tuple[list[PlaybookStep], int]:
    """The steps after adding one (`replacing` None) or changing the step `replacing`, as unsaved copies in
    phase order, and the index of the new or changed one. A new step, or one moved to another phase, goes
    last in its phase; a renamed step's new code is followed in the other steps' `after` and deadline."""
    old = next((s for s in steps if s.code == replacing), None) if replacing else None
    new_code = values.get("code", old.code if old else "")
    result: list[PlaybookStep] = []
    for s in steps:
        if old is not None and s is old:
            continue
        renamed: dict[str, Any] = {}
        if old is not None and new_code != old.code:
            if old.code in s.after:
                renamed["after"] = [new_code if c == old.code else c for c in s.after]
            if s.due_step == old.code:
                renamed["due_step"] = new_code
        result.append(_copy_step(s, **renamed))
    changed = _copy_step(old, **values) if old is not None else PlaybookStep(**{"order": 0, **values})
    position = next((i for i, s in enumerate(steps) if s is old), None)
    if old is not None and old.phase == changed.phase and position is not None:
        result.insert(position, changed)
        return result, position
    # Last of its phase: before the first step of a later phase.
    rank = PHASE_ORDER.index(changed.phase) if changed.phase in PHASE_ORDER else len(PHASE_ORDER)
    index = next(
        (i for i, s in enumerate(result) if s.phase in PHASE_ORDER and PHASE_ORDER.index(s.phase) > rank), len(result)
    )
    result.insert(index, changed)
    return result, index


def dependants(steps: Sequence[PlaybookStep], code: str) -> list[PlaybookStep]:
    """The steps that wait for step `code`, or whose deadline counts from it."""
    return [
        s for s in steps if s.code != code and (code in s.after or (s.due_anchor == Anchor.STEP and s.due_step == code))
    ]


def steps_without(steps: Sequence[PlaybookStep], code: str) -> list[PlaybookStep]:
    return [_copy_step(s) for s in steps if s.code != code]


def steps_moved(steps: Sequence[PlaybookStep], code: str, direction: str) -> list[PlaybookStep] | None:
    """The steps with `code` one place up or down within its phase; None when it is at the edge of its phase."""
    result = [_copy_step(s) for s in steps]
    index = next((i for i, s in enumerate(result) if s.code == code), None)
    if index is None:
        return None
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(result) or result[other].phase != result[index].phase:
        return None
    result[index], result[other] = result[other], result[index]
    return result
