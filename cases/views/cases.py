"""The case file: the list of my cases, registering a case, the case page and everything done on it.

Every page goes through cases.access: a person who is not assigned to a case (or is excluded from it)
gets 404 and an audit entry. Reading sealed content needs the person's handler key unlocked in this
session (speakup.keys.unlock); without it the page shows the steps and clock, not the file.
"""

from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from nacl.public import PrivateKey

from accounts.models import User
from audit.models import Event, record
from cases import handling, sharing
from cases import keys as case_keys
from cases.access import ACCOUNT_ROLES, can_handle_cases, get_case_for_handler, require_case_role
from cases.deadlines import schedule
from cases.exports import case_pdf
from cases.forms import (
    AssignForm,
    CaseFilterForm,
    CaseForm,
    ConclusionForm,
    ExcludeForm,
    NoteForm,
    SettingsForm,
    StepForm,
    TriageForm,
)
from cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseRole,
    CaseSettings,
    CaseStep,
    Exclusion,
    Note,
    Phase,
)
from organisations.access import get_membership
from organisations.models import Membership, Organisation, Partnership
from speakup import keys as speakup_keys
from speakup.models import HandlerKey, Report

PAGE_SIZE = 25


def _unlock_redirect(request: HttpRequest, slug: str, back: str | None = None) -> HttpResponse:
    url = reverse("speakup:unlock", kwargs={"slug": slug})
    return redirect(f"{url}?{urlencode({'next': back or request.get_full_path()})}")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _case_url(case: Case) -> str:
    return reverse("cases:case", kwargs={"slug": case.organisation.slug, "code": case.code})


# ---- the list -------------------------------------------------------------------------------------------------


@login_required
def cases(request: HttpRequest, slug: str) -> HttpResponse:
    """The cases I am assigned to, newest first, with what is due next."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    filters, filtered, found = listed_cases(request, organisation)
    now = timezone.now()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = case_rows(list(page.object_list), _user(request), now)
    return render(
        request,
        "cases/cases.html",
        {
            "organisation": organisation,
            "membership": membership,
            "filters": filters,
            "filtered": filtered,
            "page_obj": page,
            "rows": rows,
            "now": now,
            "can_register": can_handle_cases(membership),
            "can_read_account": membership.role in ACCOUNT_ROLES,
        },
    )


def listed_cases(request: HttpRequest, organisation: Organisation) -> tuple[CaseFilterForm, bool, Any]:
    """The cases of the list with its filters (the person's own, never content): the page and its CSV."""
    found = Case.objects.for_person(_user(request), organisation).select_related("category")
    filters = CaseFilterForm(request.GET)
    filtered = False
    now = timezone.now()
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            found = found.filter(reference__icontains=data["q"].strip())
        if data["category"]:
            found = found.filter(category=data["category"])
        if data["subtype"]:
            found = found.filter(subtype=data["subtype"])
        if data["state"] in ("open", "overdue"):
            found = found.filter(concluded_at__isnull=True)
        elif data["state"] == "concluded":
            found = found.filter(concluded_at__isnull=False)
        filtered = any(data.get(k) for k in ("q", "category", "subtype", "state"))
    found = found.defer("summary", "conclusion").order_by("-received_at", "-id")
    if filters.is_valid() and filters.cleaned_data["state"] == "overdue":
        overdue = CaseStep.objects.filter(done_at__isnull=True, due_at__lt=now).values("case")
        found = found.filter(pk__in=overdue)
    return filters, filtered, found


def case_rows(cases: list[Case], user: User, now: datetime) -> list[dict[str, Any]]:
    """Each case with what is due next, its overdue steps and the person's roles in it."""
    # What is due next, from the stored deadlines of the open steps (one query, a few columns).
    due_steps: dict[int, list[CaseStep]] = {}
    for step in (
        CaseStep.objects.filter(case__in=[c.pk for c in cases], done_at__isnull=True, due_at__isnull=False)
        .only("case_id", "due_at", "title_nl", "title_en")
        .order_by("due_at", "order")
    ):
        due_steps.setdefault(step.case_id, []).append(step)
    my_roles: dict[int, list[str]] = {}
    for case_id, role in Assignment.objects.filter(case__in=[c.pk for c in cases], user=user).values_list(
        "case_id", "role"
    ):
        my_roles.setdefault(case_id, []).append(str(CaseRole(role).label))
    rows = []
    for case in cases:
        upcoming = due_steps.get(case.pk, [])
        rows.append(
            {
                "case": case,
                "next": upcoming[0] if upcoming else None,
                "overdue": sum(1 for step in upcoming if step.due_at and step.due_at < now),
                "roles": my_roles.get(case.pk, []),
            }
        )
    return rows


# ---- registering -----------------------------------------------------------------------------------------------


def _received_at(day: Any) -> datetime:
    """A day received as a moment: noon in the reader's zone (a day is what people know of a phone call)."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


@login_required
def case_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Register a case that came in by phone, in a meeting, by email or from a partner."""
    membership = get_membership(request, slug)
    require_case_role(membership)
    organisation = membership.organisation
    form = CaseForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = handling.open_case(
            organisation,
            by=_user(request),
            source=data["source"],
            received_at=_received_at(data["received_on"]),
            summary=data["summary"],
            category=data["category"],
            subtype=data["subtype"],
            involves=data["involves"],
            alliance=data["alliance"],
        )
        messages.success(
            request, _("Case %(reference)s registered. The playbook's steps are below.") % {"reference": case.reference}
        )
        return redirect("cases:case", slug=slug, code=case.code)
    return render(
        request,
        "cases/case_new.html",
        {
            "organisation": organisation,
            "membership": membership,
            "form": form,
            "has_key": HandlerKey.objects.filter(user=_user(request)).exists(),
        },
    )


@login_required
def case_from_report(request: HttpRequest, slug: str, report: UUID) -> HttpResponse:
    """Open a case for a speak-up report the person handles (they hold its key)."""
    membership = get_membership(request, slug)
    user = _user(request)
    granted = speakup_keys_holder(user, membership.organisation, report)
    if granted is None:
        raise Http404
    existing = Case.objects.filter(report=granted).first()
    if existing is not None:
        if Case.objects.for_person(user, membership.organisation).filter(pk=existing.pk).exists():
            return redirect("cases:case", slug=slug, code=existing.code)
        messages.info(request, _("A case for this report exists already; ask its handlers to add you."))
        return redirect("speakup:report", slug=slug, code=granted.code)
    if request.method != "POST":
        return render(
            request,
            "cases/case_from_report.html",
            {"organisation": membership.organisation, "membership": membership, "report": granted},
        )
    with transaction.atomic():
        case = handling.open_case(
            membership.organisation,
            by=user,
            source=Case.Source.SPEAKUP,
            received_at=_received_at(granted.created_on),
            category=granted.category,
            report=granted,
            involves=granted.concerns,
            alliance=granted.channel.alliance,
        )
        if granted.status == Report.Status.ACKNOWLEDGED:
            granted.status = Report.Status.IN_PROGRESS
            granted.save(update_fields=["status"])
    messages.success(request, _("Case %(reference)s opened for this report.") % {"reference": case.reference})
    return redirect("cases:case", slug=slug, code=case.code)


def speakup_keys_holder(user: User, organisation: Organisation, code: UUID) -> Report | None:
    """The report with `code` when `user` holds its newest key (a handler of it), else None."""
    report = (
        Report.objects.filter(code=code, organisation=organisation)
        .select_related("channel__alliance", "category", "concerns")
        .first()
    )
    if report is None:
        return None
    newest = report.keys.order_by("-version").first()
    if newest is None or not newest.grants.filter(user=user).exists():
        return None
    return report


# ---- the case page --------------------------------------------------------------------------------------------


def _open_file(case: Case, private_key: PrivateKey) -> dict[str, Any]:
    """Everything sealed on the case, opened with the person's key."""
    held = case_keys.case_keys(case, private_key)
    notes_by_step: dict[int | None, list[dict[str, Any]]] = {}
    attachments: dict[int, list[tuple[Attachment, str]]] = {}
    for attachment in case.attachments.order_by("id"):
        name = case_keys.open_with(held, attachment.key_version, attachment.name).decode()
        attachments.setdefault(attachment.note_id, []).append((attachment, name))
    for note in case.notes.select_related("author").order_by("created_at", "id"):
        notes_by_step.setdefault(note.step_id, []).append(
            {
                "note": note,
                "text": case_keys.open_with(held, note.key_version, note.body).decode(),
                "attachments": attachments.get(note.pk, []),
            }
        )
    summary = case_keys.open_with(held, case.summary_version, case.summary).decode() if case.summary_version else ""
    conclusion = handling.open_json(held, case.conclusion_version, case.conclusion) if case.conclusion_version else {}
    return {"summary": summary, "notes_by_step": notes_by_step, "conclusion": conclusion}


def _share_key_with_waiting(case: Case, private_key: PrivateKey, by: User) -> list[str]:
    """People assigned while they had no handler key get the case key once they have one."""
    shared = []
    for person in handling.people(case):
        if (
            person.pk != by.pk
            and not case_keys.holds_newest(case, person)
            and case_keys.grant(case, person, private_key, by)
        ):
            shared.append(person.email)
    return shared


@login_required
def case(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    case, membership, roles = get_case_for_handler(request, slug, code)
    user = _user(request)
    unconfirmed = Assignment.objects.filter(case=case, user=user, no_conflict_confirmed_at__isnull=True)
    if unconfirmed.exists() and case.opened_by_id != user.pk:
        return redirect("cases:case_conflict", slug=slug, code=case.code)
    private_key = speakup_keys.unlocked_private_key(request)
    opened: dict[str, Any] | None = None
    if private_key is not None and case_keys.case_keys(case, private_key):
        shared = _share_key_with_waiting(case, private_key, user)
        try:
            opened = _open_file(case, private_key)
        except case_keys.DecryptionError:
            opened = None
            messages.error(request, _("Your unlocked key does not open this case. Unlock again."))
        else:
            record(
                Event.CASE_VIEWED,
                actor=user.email,
                organisation=case.organisation.slug,
                target=case.reference,
                detail={"shared_with": shared} if shared else {},
            )
    steps = list(case.steps.select_related("done_by").order_by("order", "id"))
    now = timezone.now()
    states = schedule(case, steps)
    notes_by_step = opened["notes_by_step"] if opened else {}
    phases = []
    for phase in Phase:
        in_phase = [s for s in states if s.step.phase == phase.value]
        if in_phase:
            phases.append(
                {
                    "phase": phase,
                    "items": [
                        {"state": s, "overdue": s.overdue(now), "notes": notes_by_step.get(s.step.pk, [])}  # type: ignore[attr-defined]
                        for s in in_phase
                    ],
                    "done": sum(1 for s in in_phase if s.done),
                    "current": case.phase == phase.value and not case.is_concluded,
                }
            )
    assignments = list(case.assignments.select_related("user").order_by("role", "assigned_at"))
    missing_keys = [a.user for a in assignments if not case_keys.holds_newest(case, a.user)]
    context = {
        "organisation": membership.organisation,
        "membership": membership,
        "case": case,
        "roles": roles,
        "phases": phases,
        "now": now,
        "overdue": [s for s in states if s.overdue(now)],
        "due_soon": [s for s in states if s.due_soon(now)],
        "opened": opened,
        "general_notes": notes_by_step.get(None, []),
        "has_key": HandlerKey.objects.filter(user=user).exists(),
        "locked": opened is None,
        "assignments": assignments,
        "missing_keys": missing_keys,
        "note_form": NoteForm(),
        "can_conclude": CaseRole.DECISION_MAKER in roles and not case.is_concluded,
    }
    context.update(_panel_context(case))
    return render(request, "cases/case.html", context)


def _panel_context(case: Case) -> dict[str, Any]:
    """What the sharing panel shows: the limited summaries shared and the referrals of this case."""
    return sharing.case_panel(case)


@login_required
def case_conflict(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Before reading a case: the person confirms they have no conflict of interest, or declares one."""
    case, membership, roles = get_case_for_handler(request, slug, code)
    user = _user(request)
    if request.method == "POST":
        if request.POST.get("answer") == "conflict":
            handling.exclude(case, user, by=user)
            messages.success(
                request,
                _("You declared a conflict of interest: you are no longer on case %(reference)s.")
                % {"reference": case.reference},
            )
            return redirect("cases:cases", slug=slug)
        Assignment.objects.filter(case=case, user=user).update(no_conflict_confirmed_at=timezone.now())
        return redirect("cases:case", slug=slug, code=case.code)
    return render(
        request,
        "cases/case_conflict.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "case": case,
            "roles": [CaseRole(r).label for r in roles],
        },
    )


# ---- changing the case ------------------------------------------------------------------------------------------


@login_required
def case_triage(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Category, severity, risk of retaliation and the playbook; changing the playbook keeps what was done."""
    case, membership, _roles = get_case_for_handler(request, slug, code)
    if case.is_concluded:
        messages.error(request, _("This case is concluded: triage can no longer change."))
        return redirect("cases:case", slug=slug, code=case.code)
    form = TriageForm(
        request.POST or None,
        playbooks=handling.playbooks_available(case.organisation),
        partners=Partnership.objects.partners_of(case.organisation),
        initial={
            "category": case.category.code if case.category else None,
            "subtype": case.subtype.code if case.subtype else None,
            "severity": case.severity,
            "retaliation_risk": case.retaliation_risk,
            "involves": case.involves,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = _user(request)
        with transaction.atomic():
            before = {"category": case.category_id, "severity": case.severity, "risk": case.retaliation_risk}
            case.category, case.subtype = data["category"], data["subtype"]
            case.severity, case.retaliation_risk = data["severity"], data["retaliation_risk"]
            case.involves = data["involves"]
            if case.triaged_at is None:
                case.triaged_at = timezone.now()
            case.updated_at = timezone.now()
            case.save()
            playbook = data["playbook"] or handling.playbook_for(case.organisation, case.category, case.subtype)
            switched = playbook.pk != case.playbook_id
            if not switched:
                handling.refresh_due(case)  # deadlines that count from triage start now
            if switched:
                previous = case.playbook.code
                handling.adopt_playbook(case, playbook)
                record(
                    Event.CASE_PLAYBOOK_SWITCHED,
                    actor=user.email,
                    organisation=case.organisation.slug,
                    target=case.reference,
                    detail={"from": previous, "to": playbook.code},
                )
        record(
            Event.CASE_CHANGED,
            actor=user.email,
            organisation=case.organisation.slug,
            target=case.reference,
            detail={"triage": True, "before": before},
        )
        if switched:
            messages.success(
                request,
                _("Triage saved. The case now follows “%(playbook)s”; steps already done are kept.")
                % {"playbook": playbook.title},
            )
        else:
            messages.success(request, _("Triage saved."))
        return redirect("cases:case", slug=slug, code=case.code)
    return render(
        request,
        "cases/case_triage.html",
        {"organisation": membership.organisation, "membership": membership, "case": case, "form": form},
    )


def _attach(case: Case, note: Note, upload: Any) -> Attachment:
    data = upload.read()
    sealed_bytes, version = case_keys.seal(case, data)
    sealed_name, _version = case_keys.seal(case, (upload.name or "file").encode())
    attachment = Attachment(
        case=case, note=note, name=sealed_name, content_type=upload.content_type, size=len(data), key_version=version
    )
    attachment.file.save("sealed", ContentFile(sealed_bytes), save=False)
    attachment.save()
    return attachment


def _get_step(case: Case, code: str) -> CaseStep:
    return get_object_or_404(CaseStep, case=case, code=code)


@login_required
def case_step(request: HttpRequest, slug: str, code: UUID, step: str) -> HttpResponse:
    """A step with its guidance and checklist; ticking it done (with a note, and for notifications what was sent)."""
    case, membership, _roles = get_case_for_handler(request, slug, code)
    the_step = _get_step(case, step)
    items = the_step.checklist_items()
    form = StepForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        items=items,
        notify=bool(the_step.notify),
        initial={"checked": [str(i) for i in the_step.checked]},
    )
    states = {s.step.code: s for s in schedule(case, list(case.steps.order_by("order")))}
    state = states[the_step.code]
    if request.method == "POST":
        if case.is_concluded:
            messages.error(request, _("This case is concluded: its steps can no longer change."))
            return redirect("cases:case", slug=slug, code=case.code)
        if the_step.is_done:
            messages.info(request, _("This step is done already."))
            return redirect("cases:case", slug=slug, code=case.code)
        needs_key = bool(request.POST.get("note")) or bool(request.FILES)
        if needs_key and speakup_keys.unlocked_private_key(request) is None:
            form.is_valid()
            messages.error(request, _("Unlock your key to write a note on the case. Nothing was saved."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    note = handling.tick(
                        case,
                        the_step,
                        by=_user(request),
                        note=data.get("note", ""),
                        checked=form.checked_indexes() if "checked" in form.fields else None,
                        notified_on=data.get("notified_on"),
                        notified_to=data.get("notified_to", ""),
                    )
                    if form.upload is not None:
                        if note is None:
                            note = handling.add_note(case, _("Attachment"), by=_user(request), step=the_step, log=False)
                        _attach(case, note, form.upload)
            except handling.StepOutOfOrder as waiting:
                names = ", ".join(str(s.title) for s in case.steps.filter(code__in=waiting.args[0]))
                messages.error(request, _("Do these steps first: %(steps)s.") % {"steps": names})
            else:
                messages.success(request, _("“%(step)s” is done.") % {"step": the_step.title})
                return redirect(f"{_case_url(case)}#phase-{the_step.phase}")
    return render(
        request,
        "cases/case_step.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "case": case,
            "step": the_step,
            "state": state,
            "waiting": [states[c].step for c in state.waiting_for if c in states],
            "form": form,
            "now": timezone.now(),
            "unlocked": speakup_keys.unlocked_private_key(request) is not None,
        },
    )


@login_required
@require_POST
def case_step_undo(request: HttpRequest, slug: str, code: UUID, step: str) -> HttpResponse:
    case, _membership, _roles = get_case_for_handler(request, slug, code)
    the_step = _get_step(case, step)
    if case.is_concluded:
        messages.error(request, _("This case is concluded: its steps can no longer change."))
    elif the_step.is_done:
        handling.untick(case, the_step, by=_user(request))
        messages.success(request, _("“%(step)s” is open again. Its notes are kept.") % {"step": the_step.title})
    return redirect(f"{_case_url(case)}#phase-{the_step.phase}")


@login_required
@require_POST
def case_note(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """A note on the case (not on a step), with an optional attachment; sealed to the case key."""
    case, _membership, _roles = get_case_for_handler(request, slug, code)
    if speakup_keys.unlocked_private_key(request) is None:
        return _unlock_redirect(request, slug, _case_url(case))
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(f"{_case_url(case)}#notes")
    with transaction.atomic():
        note = handling.add_note(case, form.cleaned_data["text"], by=_user(request))
        if form.cleaned_data.get("attachment"):
            _attach(case, note, form.cleaned_data["attachment"])
    messages.success(request, _("Note added."))
    return redirect(f"{_case_url(case)}#notes")


@login_required
def case_attachment(request: HttpRequest, slug: str, code: UUID, name: str) -> HttpResponse:
    """An attachment, opened with the person's key; its download is in the audit log."""
    case, _membership, _roles = get_case_for_handler(request, slug, code)
    attachment = case.attachments.filter(file=f"cases/{name}").first()
    if attachment is None:
        raise Http404
    private_key = speakup_keys.unlocked_private_key(request)
    if private_key is None:
        return _unlock_redirect(request, slug)
    held = case_keys.case_keys(case, private_key)
    try:
        filename = case_keys.open_with(held, attachment.key_version, attachment.name).decode()
        with attachment.file.open("rb") as sealed:
            data = case_keys.open_with(held, attachment.key_version, sealed.read())
    except case_keys.DecryptionError:
        messages.error(request, _("Your unlocked key does not open this attachment. Unlock again."))
        return _unlock_redirect(request, slug)
    record(
        Event.CASE_ATTACHMENT_DOWNLOADED,
        actor=_user(request).email,
        organisation=case.organisation.slug,
        target=case.reference,
        detail={"attachment": name},
    )
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename or "attachment") or "attachment"
    response["Cache-Control"] = "no-store"
    return response


# ---- people -------------------------------------------------------------------------------------------------------


@login_required
def case_people(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Who handles the case, in which role; assigning needs the person's key unlocked (to pass the case key on)."""
    case, membership, roles = get_case_for_handler(request, slug, code)
    excluded = Exclusion.objects.filter(case=case).values("user")
    candidates = (
        Membership.objects.filter(organisation=case.organisation, user__is_active=True)
        .exclude(user__in=excluded)
        .select_related("user")
        .order_by("user__email")
    )
    assign_form = AssignForm(request.POST or None, memberships=candidates, prefix="assign")
    exclude_form = ExcludeForm(memberships=candidates.exclude(user=_user(request)), prefix="exclude")
    warning = ""
    if request.method == "POST":
        private_key = speakup_keys.unlocked_private_key(request)
        if private_key is None:
            messages.error(request, _("Unlock your key first: the new person gets the case key from you."))
            return _unlock_redirect(request, slug, request.path)
        if assign_form.is_valid():
            person = assign_form.cleaned_data["person"].user
            role = assign_form.cleaned_data["role"]
            try:
                handling.assign(
                    case,
                    person,
                    role,
                    by=_user(request),
                    by_private_key=private_key,
                    force=assign_form.cleaned_data["confirm_two_roles"],
                )
            except handling.RoleConflict as conflict:
                held = ", ".join(str(CaseRole(r).label) for r in conflict.args[0])
                if CaseSettings.of(case.organisation).separation == CaseSettings.Separation.BLOCK:
                    warning = _(
                        "%(person)s is already %(roles)s on this case. Your organisation does not allow one person "
                        "to hold two roles: choose someone else."
                    ) % {"person": person.display_name, "roles": held}
                else:
                    warning = _(
                        "%(person)s is already %(roles)s on this case. Intake, investigation and decision are best "
                        "done by different people. Tick the box to assign them anyway."
                    ) % {"person": person.display_name, "roles": held}
            except handling.ExcludedPerson:
                warning = _("This person is excluded from the case.")
            else:
                if HandlerKey.objects.filter(user=person).exists():
                    messages.success(request, _("%(person)s is on the case.") % {"person": person.display_name})
                else:
                    messages.warning(
                        request,
                        _(
                            "%(person)s is on the case but has no handler key yet: they can read the file once they "
                            "set one up and someone on the case opens it."
                        )
                        % {"person": person.display_name},
                    )
                return redirect("cases:case_people", slug=slug, code=case.code)
    return render(
        request,
        "cases/case_people.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "case": case,
            "roles": roles,
            "assignments": case.assignments.select_related("user").order_by("role", "assigned_at"),
            "exclusions": case.exclusions.select_related("user"),
            "assign_form": assign_form,
            "exclude_form": exclude_form,
            "warning": warning,
            "separation": CaseSettings.of(case.organisation).get_separation_display(),
        },
    )


@login_required
@require_POST
def case_unassign(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    case, _membership, _roles = get_case_for_handler(request, slug, code)
    assignment = (
        case.assignments.filter(user__memberships__code=request.POST.get("member", ""))
        .filter(role=request.POST.get("role", ""))
        .select_related("user")
        .first()
    )
    if assignment is None:
        raise Http404
    if case.assignments.exclude(pk=assignment.pk).values("user").distinct().count() == 0:
        messages.error(request, _("A case needs at least one person on it."))
    else:
        handling.unassign(case, assignment.user, assignment.role, by=_user(request))
        messages.success(request, _("%(person)s is off the case.") % {"person": assignment.user.display_name})
        if assignment.user.pk == _user(request).pk and not case.assignments.filter(user=_user(request)).exists():
            return redirect("cases:cases", slug=slug)
    return redirect("cases:case_people", slug=slug, code=case.code)


@login_required
def case_exclude(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Exclude a person named in the case or with a conflict (confirmation page first)."""
    case, membership, _roles = get_case_for_handler(request, slug, code)
    candidates = (
        Membership.objects.filter(organisation=case.organisation).exclude(user=_user(request)).select_related("user")
    )
    form = ExcludeForm(request.POST or None, memberships=candidates, prefix="exclude")
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"].user
        if request.POST.get("confirmed") == "yes":
            handling.exclude(case, person, by=_user(request))
            messages.success(request, _("%(person)s is excluded from this case.") % {"person": person.display_name})
            return redirect("cases:case_people", slug=slug, code=case.code)
        return render(
            request,
            "cases/case_exclude_confirm.html",
            {
                "organisation": membership.organisation,
                "membership": membership,
                "case": case,
                "person": person,
                "form": form,
            },
        )
    if request.method == "POST":
        messages.error(request, _("Choose the person to exclude."))
    return redirect("cases:case_people", slug=slug, code=case.code)


# ---- conclusion -----------------------------------------------------------------------------------------------


@login_required
def case_conclude(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The decision-maker closes the case: outcome, measures, support, lessons, feedback to the reporter."""
    case, membership, roles = get_case_for_handler(request, slug, code)
    if case.is_concluded:
        messages.info(request, _("This case is concluded already."))
        return redirect("cases:case", slug=slug, code=case.code)
    if CaseRole.DECISION_MAKER not in roles:
        raise PermissionDenied
    if speakup_keys.unlocked_private_key(request) is None:
        return _unlock_redirect(request, slug)
    open_steps = list(case.steps.filter(done_at__isnull=True).exclude(phase=Phase.CONCLUDE).order_by("order"))
    has_report = case.report_id is not None and case.report.status != Report.Status.CLOSED  # type: ignore[union-attr]
    form = ConclusionForm(request.POST or None, has_report=has_report)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if open_steps and data["outcome"] != Case.Outcome.REFERRED:
            messages.error(request, _("Finish the steps before the conclusion first, or conclude as referred."))
        else:
            draft = handling.conclude(
                case,
                by=_user(request),
                outcome=data["outcome"],
                texts={k: data.get(k, "") for k in ("measures", "support", "lessons", "feedback")},
                close_report=data.get("close_report", False),
                actions=form.action_titles(),
                dilemma=data.get("dilemma", ""),
            )
            messages.success(request, _("Case %(reference)s is concluded.") % {"reference": case.reference})
            if draft is not None:
                messages.info(request, _("Your draft dilemma: complete it with its courses of action."))
                return redirect("dilemmas:edit", slug=slug, code=draft.code)
            return redirect("cases:case", slug=slug, code=case.code)
    return render(
        request,
        "cases/case_conclude.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "case": case,
            "form": form,
            "open_steps": open_steps,
        },
    )


# ---- export and settings ---------------------------------------------------------------------------------------


@login_required
def case_summary_pdf(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The case summary for the file: only for people on the case with their key unlocked; logged."""
    case, _membership, _roles = get_case_for_handler(request, slug, code)
    private_key = speakup_keys.unlocked_private_key(request)
    if private_key is None:
        return _unlock_redirect(request, slug)
    try:
        opened = _open_file(case, private_key)
    except case_keys.DecryptionError:
        return _unlock_redirect(request, slug)
    steps = list(case.steps.select_related("done_by").order_by("order", "id"))
    pdf = case_pdf(case, schedule(case, steps), opened, handling.people(case), printed_by=_user(request))
    record(
        Event.CASE_EXPORTED,
        actor=_user(request).email,
        organisation=case.organisation.slug,
        target=case.reference,
        detail={"format": "pdf"},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="case-{case.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def case_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_case_role(membership)
    settings_row = CaseSettings.of(membership.organisation)
    form = SettingsForm(request.POST or None, instance=settings_row)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(
            Event.CASE_CHANGED,
            actor=_user(request).email,
            organisation=membership.organisation.slug,
            target="settings",
            detail={"separation": settings_row.separation, "min_group_size": settings_row.min_group_size},
        )
        messages.success(request, _("Case settings saved."))
        return redirect("cases:case_settings", slug=slug)
    return render(
        request,
        "cases/settings.html",
        {"organisation": membership.organisation, "membership": membership, "form": form},
    )


urlpatterns = [
    path("", cases, name="cases"),
    path("new/", case_new, name="case_new"),
    path("settings/", case_settings, name="case_settings"),
    path("from-report/<uuid:report>/", case_from_report, name="case_from_report"),
    path("<uuid:code>/", case, name="case"),
    path("<uuid:code>/conflict/", case_conflict, name="case_conflict"),
    path("<uuid:code>/triage/", case_triage, name="case_triage"),
    path("<uuid:code>/steps/<slug:step>/", case_step, name="case_step"),
    path("<uuid:code>/steps/<slug:step>/undo/", case_step_undo, name="case_step_undo"),
    path("<uuid:code>/notes/", case_note, name="case_note"),
    path("<uuid:code>/attachments/<slug:name>/", case_attachment, name="case_attachment"),
    path("<uuid:code>/people/", case_people, name="case_people"),
    path("<uuid:code>/people/remove/", case_unassign, name="case_unassign"),
    path("<uuid:code>/people/exclude/", case_exclude, name="case_exclude"),
    path("<uuid:code>/conclude/", case_conclude, name="case_conclude"),
    path("<uuid:code>/summary.pdf", case_summary_pdf, name="case_pdf"),
]
