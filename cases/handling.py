"""What can happen to a case — the public functions of the cases app.

Views authorise (cases/access.py), these functions change the case and write the audit log. Other
apps (speak-up's reports, referrals) go through these too.
"""

import contextlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.public import PrivateKey

from audit.models import Event, record
from cases import keys
from cases.deadlines import current_phase, schedule
from cases.models import (
    Assignment,
    Case,
    CaseRole,
    CaseSettings,
    CaseStep,
    Exclusion,
    Marks,
    Note,
    Phase,
    Playbook,
    PlaybookStep,
)
from framework.models import ViolationSubtype, ViolationType
from organisations.models import Alliance, Organisation

if TYPE_CHECKING:
    from accounts.models import User

STEP_FIELDS = [
    "code",
    "order",
    "phase",
    "title_nl",
    "title_en",
    "guidance_nl",
    "guidance_en",
    "role",
    "checklist",
    "after",
    "due_anchor",
    "due_step",
    "due_days",
    "due_months",
    "marks",
    "notify",
    "victim_care",
]


class StepOutOfOrder(Exception):
    """The playbook says other steps come first."""


class RoleConflict(Exception):
    """One person would hold two roles on a case, and the organisation blocks that."""


class ExcludedPerson(Exception):
    """The person is excluded from the case and cannot be given a role on it."""


def playbooks_available(organisation: Organisation) -> list[Playbook]:
    """The organisation's own playbooks, and the framework's ones it has no copy of."""
    own = list(Playbook.objects.active().filter(organisation=organisation))
    copied = {p.based_on_id for p in own if p.based_on_id}
    own_codes = {p.code for p in own}
    framework = [
        p
        for p in Playbook.objects.active().filter(organisation__isnull=True)
        if p.pk not in copied and p.code not in own_codes
    ]
    return sorted(own + framework, key=lambda p: p.title)


def playbook_for(
    organisation: Organisation, category: ViolationType | None, subtype: ViolationSubtype | None = None
) -> Playbook:
    """The playbook for a category: a sub-type match wins over a type match; the organisation's copy over the
    framework's; the default playbook when nothing matches."""
    from cases.playbooks import choose

    available = playbooks_available(organisation)
    found = choose(available, category.code if category else "", subtype.code if subtype else "")
    if found is not None:
        return found
    if not available:
        raise Playbook.DoesNotExist("No playbooks are loaded (run manage.py load_framework)")
    return available[0]


def _actor(user: "User | None") -> str:
    return user.email if user else ""


def _log(event: str, case: Case, by: "User | None", **detail: Any) -> None:
    record(event, actor=_actor(by), organisation=case.organisation.slug, target=case.reference, detail=detail)


def refresh_due(case: Case) -> None:
    """Store each step's deadline as cases.deadlines.schedule computes it from the case's events now.

    Called after every change to those events (opening, playbook switch, triage, a step done or undone),
    so calendars, reminders and the overdue filter can filter and sort in the database.
    """
    steps = list(case.steps.all())
    changed = []
    for step, state in zip(steps, schedule(case, steps), strict=True):
        if step.due_at != state.due_at:
            step.due_at = state.due_at
            changed.append(step)
    CaseStep.objects.bulk_update(changed, ["due_at"])


def adopt_playbook(case: Case, playbook: Playbook) -> None:
    """Give the case the playbook's steps. Steps already done stay (with what was written on them);
    steps not done of the previous playbook go; a done step with the same code counts for the new one."""
    done = {s.code: s for s in case.steps.filter(done_at__isnull=False)}
    case.steps.filter(done_at__isnull=True).delete()
    new_steps = []
    for step in PlaybookStep.objects.filter(playbook=playbook).order_by("order"):
        if step.code in done:
            continue
        new_steps.append(CaseStep(case=case, playbook_code=playbook.code, **{f: getattr(step, f) for f in STEP_FIELDS}))
    CaseStep.objects.bulk_create(new_steps)
    case.playbook = playbook
    case.phase = current_phase(list(case.steps.all()))
    case.save(update_fields=["playbook", "phase", "updated_at"])
    refresh_due(case)


def open_case(
    organisation: Organisation,
    *,
    by: "User",
    source: str,
    received_at: datetime | None = None,
    summary: str = "",
    category: ViolationType | None = None,
    subtype: ViolationSubtype | None = None,
    report: Any = None,
    involves: Organisation | None = None,
    alliance: Alliance | None = None,
    playbook: Playbook | None = None,
) -> Case:
    """Register a case: a reference, the playbook's steps, a key sealed to `by` (the intake handler)."""
    received = received_at or timezone.now()
    with transaction.atomic():
        case = Case(
            organisation=organisation,
            reference=Case.next_reference(organisation, timezone.localtime(received).year),
            source=source,
            report=report,
            playbook=playbook or playbook_for(organisation, category, subtype),
            category=category,
            subtype=subtype,
            involves=involves,
            alliance=alliance,
            received_at=received,
            opened_by=by,
        )
        if report is not None and getattr(report, "acknowledged_at", None):
            case.acknowledged_at = report.acknowledged_at
        case.save()
        Assignment.objects.create(case=case, user=by, role=CaseRole.INTAKE, assigned_by=by)
        keys.new_case_key(case, [by], granted_by=by)
        if summary:
            case.summary, case.summary_version = keys.seal(case, summary.encode())
            case.save(update_fields=["summary", "summary_version"])
        adopt_playbook(case, case.playbook)
        if case.acknowledged_at:
            # Acknowledged on the speak-up side already: that step is done.
            case.steps.filter(marks=Marks.ACKNOWLEDGED).update(done_at=case.acknowledged_at, done_by=by)
            case.phase = current_phase(list(case.steps.all()))
            case.save(update_fields=["phase"])
            refresh_due(case)
    _log(Event.CASE_OPENED, case, by, source=source, playbook=case.playbook.code)
    return case


def people(case: Case) -> list["User"]:
    """Everyone assigned to the case (once each)."""
    from accounts.models import User

    return list(User.objects.filter(case_assignments__case=case).distinct())


def role_conflicts(case: Case, user: "User", role: str) -> list[str]:
    """The other roles `user` already holds on the case (intake, investigator and decision-maker should differ)."""
    return list(Assignment.objects.filter(case=case, user=user).exclude(role=role).values_list("role", flat=True))


def assign(
    case: Case, user: "User", role: str, *, by: "User", by_private_key: PrivateKey | None, force: bool = False
) -> Assignment:
    """Give `user` a role on the case, and the case key when `by` holds it unlocked.

    Raises ExcludedPerson, or RoleConflict when the person already holds another role and the
    organisation blocks that (or warns and `force` is not set).
    """
    if Exclusion.objects.filter(case=case, user=user).exists():
        raise ExcludedPerson
    others = role_conflicts(case, user, role)
    if others:
        separation = CaseSettings.of(case.organisation).separation
        if separation == CaseSettings.Separation.BLOCK or not force:
            raise RoleConflict(others)
    assignment, created = Assignment.objects.get_or_create(
        case=case, user=user, role=role, defaults={"assigned_by": by}
    )
    if by_private_key is not None:
        keys.grant(case, user, by_private_key, granted_by=by)
        if case.report is not None:
            _grant_report(case.report, user, by_private_key)
    if created:
        _log(Event.CASE_ASSIGNED, case, by, person=user.email, role=role)
    return assignment


def _grant_report(report: Any, user: "User", by_private_key: PrivateKey) -> None:
    """The people on a case read the reporter's own words too (not members of an organisation it is about)."""
    from speakup import keys as report_keys

    # A person of the organisation the report is about never gets its key; a wrong grantor key gives nothing.
    with contextlib.suppress(report_keys.ConflictedHandler, report_keys.WrongSecret):
        report_keys.grant(report, user, by_private_key)


def unassign(case: Case, user: "User", role: str, *, by: "User") -> None:
    """Take a role away; when it was the person's last role on the case they lose the key too."""
    Assignment.objects.filter(case=case, user=user, role=role).delete()
    if not Assignment.objects.filter(case=case, user=user).exists():
        keys.revoke(case, user, people(case))
        if case.report is not None:
            from speakup import keys as report_keys

            report_keys.revoke(case.report, user)
    _log(Event.CASE_UNASSIGNED, case, by, person=user.email, role=role)


def exclude(case: Case, user: "User", *, by: "User") -> None:
    """Exclude a person named in the case or with a conflict: they lose every role and the key, and no longer
    see that the case exists. A speak-up report behind the case is closed to them as well."""
    with transaction.atomic():
        Exclusion.objects.get_or_create(case=case, user=user, defaults={"added_by": by})
        Assignment.objects.filter(case=case, user=user).delete()
        keys.revoke(case, user, people(case))
        if case.report is not None:
            from speakup import keys as report_keys

            report_keys.revoke(case.report, user)
    event = Event.CASE_CONFLICT_DECLARED if user.pk == by.pk else Event.CASE_EXCLUDED
    _log(event, case, by, person="" if user.pk == by.pk else user.email)


def tick(
    case: Case,
    step: CaseStep,
    *,
    by: "User",
    note: str = "",
    checked: list[int] | None = None,
    notified_on: Any = None,
    notified_to: str = "",
    when: datetime | None = None,
) -> Note | None:
    """Mark a step done, with an optional sealed note. Raises StepOutOfOrder when the playbook says others first."""
    waiting = case.steps.filter(code__in=step.after, done_at__isnull=True).values_list("code", flat=True)
    if waiting:
        raise StepOutOfOrder(list(waiting))
    moment = when or timezone.now()
    with transaction.atomic():
        step.done_at = moment
        step.done_by = by
        if checked is not None:
            step.checked = sorted(set(checked))
        if step.notify:
            step.notified_on = notified_on or timezone.localdate(moment)
            step.notified_to = notified_to
        step.save(update_fields=["done_at", "done_by", "checked", "notified_on", "notified_to"])
        if step.marks == Marks.ACKNOWLEDGED and case.acknowledged_at is None:
            case.acknowledged_at = moment
            if case.report is not None:
                case.report.acknowledge()
        if step.marks == Marks.FEEDBACK and case.feedback_at is None:
            case.feedback_at = moment
        case.phase = current_phase(list(case.steps.all()))
        case.updated_at = timezone.now()
        case.save(update_fields=["acknowledged_at", "feedback_at", "phase", "updated_at"])
        refresh_due(case)
        written = add_note(case, note, by=by, step=step, log=False) if note.strip() else None
    _log(Event.CASE_STEP_DONE, case, by, step=step.code)
    return written


def untick(case: Case, step: CaseStep, *, by: "User") -> None:
    """Undo a step done by mistake (its notes stay); steps done after it that depend on it stay done."""
    step.done_at = None
    step.done_by = None
    step.notified_on = None
    step.save(update_fields=["done_at", "done_by", "notified_on"])
    case.phase = current_phase(list(case.steps.all()))
    case.save(update_fields=["phase", "updated_at"])
    refresh_due(case)
    _log(Event.CASE_STEP_UNDONE, case, by, step=step.code)


def add_note(case: Case, text: str, *, by: "User", step: CaseStep | None = None, log: bool = True) -> Note:
    body, version = keys.seal(case, text.encode())
    note = Note.objects.create(case=case, step=step, author=by, body=body, key_version=version)
    if log:
        _log(Event.CASE_NOTE_ADDED, case, by, step=step.code if step else "")
    return note


def seal_json(case: Case, data: dict[str, Any]) -> tuple[bytes, int]:
    return keys.seal(case, json.dumps(data, ensure_ascii=False).encode())


def open_json(case_keys: dict[int, PrivateKey], version: int, data: bytes) -> dict[str, Any]:
    if not data:
        return {}
    return json.loads(keys.open_with(case_keys, version, data).decode())


def visible_to(user: "User") -> Q:
    """A filter on Case: assigned to `user` and not excluded."""
    return Q(assignments__user=user) & ~Q(exclusions__user=user)


def send_feedback(case: Case, text: str, *, by: "User", close_report: bool = False) -> bool:
    """Feedback to the reporter: a sealed message on the speak-up report, read with the receipt code.

    Returns False when there is no open report to write to (feedback was then given outside Samen).
    """
    from speakup import keys as report_keys
    from speakup.models import Message, Report

    report = case.report
    if report is None or report.status == Report.Status.CLOSED:
        return False
    body, version = report_keys.seal_for_report(report, text.encode())
    Message.objects.create(report=report, from_reporter=False, author=by, body=body, key_version=version)
    record(Event.REPORT_REPLIED, actor=by.email, organisation=case.organisation.slug, target=str(report.code))
    if close_report:
        report.close()
        record(Event.REPORT_CLOSED, actor=by.email, organisation=case.organisation.slug, target=str(report.code))
    elif report.status in (Report.Status.NEW, Report.Status.ACKNOWLEDGED):
        report.status = Report.Status.IN_PROGRESS
        report.save(update_fields=["status"])
    return True


def conclude(
    case: Case,
    *,
    by: "User",
    outcome: str,
    texts: dict[str, str],
    close_report: bool = False,
    actions: list[str] | None = None,
    dilemma: str = "",
) -> Any:
    """Close the case: the outcome (readable, for the annual account), the texts sealed (measures, support,
    lessons, feedback), feedback sent to the reporter, the conclude phase's steps done, lessons as actions,
    and — when `dilemma` is written — a draft dilemma of `by` in the library. Returns that draft or None."""
    from actions.models import ActionPlan

    actions = actions or []
    now = timezone.now()
    with transaction.atomic():
        case.conclusion, case.conclusion_version = seal_json(case, texts)
        case.outcome = outcome
        case.concluded_at = now
        feedback = texts.get("feedback", "").strip()
        if feedback and send_feedback(case, feedback, by=by, close_report=close_report):
            if case.feedback_at is None:
                case.feedback_at = now
            case.steps.filter(marks=Marks.FEEDBACK, done_at__isnull=True).update(done_at=now, done_by=by)
        case.steps.filter(phase=Phase.CONCLUDE, done_at__isnull=True).exclude(marks=Marks.FEEDBACK).update(
            done_at=now, done_by=by
        )
        case.phase = Phase.CONCLUDE
        case.updated_at = now
        case.save()
        if actions:
            plan = ActionPlan.start(
                organisation=case.organisation,
                title=_("Lessons from case %(reference)s") % {"reference": case.reference},
                source_kind=ActionPlan.Source.CASE,
                source_code=case.code,
                by=by,
            )
            for title in actions:
                plan.add_action(title=title, by=by, by_organisation=case.organisation)
        draft = None
        if dilemma.strip():
            # A feature app's public function: the dilemma library makes the draft and checks it before sharing.
            from dilemmas.drafts import draft_from_lessons

            tags = [t.code for t in (case.category, case.subtype) if t is not None]
            draft = draft_from_lessons(case.organisation, by, dilemma, tags)
    _log(
        Event.CASE_CONCLUDED,
        case,
        by,
        outcome=outcome,
        feedback_sent=bool(texts.get("feedback")),
        actions=len(actions),
        dilemma_drafted=draft is not None,
    )
    return draft
