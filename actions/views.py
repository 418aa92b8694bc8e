"""Pages of the action plan: the plans, one plan with its actions, an action with its history, exports."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from actions import exports
from actions.access import get_action_for_user, get_plan_for_user, require_write
from actions.forms import ActionFilterForm, ActionForm, NoteForm, PlanForm
from actions.models import Action, ActionEvent, ActionPlan
from audit.models import Event, record
from documents.background import made_in_background
from organisations.access import get_membership, require_manager
from organisations.models import Membership
from samen.csv_export import csv_response
from samen.csv_export import filename as csv_filename

PLANS_PAGE_SIZE = 25
ACTIONS_PAGE_SIZE = 50
RECENT_EVENTS = 10


@login_required
def plans(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    plans = ActionPlan.objects.for_organisation(organisation).order_by("-created_at", "-pk")
    page = Paginator(plans.only("pk"), PLANS_PAGE_SIZE).get_page(request.GET.get("page"))
    # Progress for the page's plans only: counted over every plan first, a large funder's list took
    # as long as all its actions.
    page.object_list = list(
        ActionPlan.objects.filter(pk__in=[plan.pk for plan in page.object_list])
        .with_progress()
        .select_related("organisation", "partner")
        .order_by("-created_at", "-pk")
    )
    for plan in page:
        plan.other_owner = plan.partner if plan.organisation_id == organisation.pk else plan.organisation  # type: ignore[attr-defined]
        # Dropped actions do not count towards progress: they will not be done.
        plan.countable = plan.total_count - plan.dropped_count  # type: ignore[attr-defined]
    return render(
        request,
        "actions/plans.html",
        {"organisation": organisation, "membership": membership, "page_obj": page},
    )


@login_required
def plans_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Every plan of the list (not one page) as CSV, with the progress the page shows."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    plans = (
        ActionPlan.objects.for_organisation(organisation)
        .with_progress()
        .select_related("organisation", "partner")
        .order_by("-created_at")
    )
    rows = []
    for plan in plans:
        other = plan.partner if plan.organisation_id == organisation.pk else plan.organisation
        rows.append(
            [
                plan.title,
                plan.get_source_kind_display(),
                plan.created_at.date(),
                other.name if other else _("Only us"),
                plan.done_count,  # type: ignore[attr-defined]
                plan.total_count - plan.dropped_count,  # type: ignore[attr-defined]
                plan.dropped_count,  # type: ignore[attr-defined]
                plan.overdue_count,  # type: ignore[attr-defined]
            ]
        )
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=organisation.slug,
        target="action plans",
        detail={"format": "csv", "rows": len(rows)},
    )
    header = [
        _("Plan"),
        _("Source"),
        _("Started on"),
        _("Shared with"),
        _("Actions done"),
        _("Actions to count"),
        _("Actions dropped"),
        _("Actions overdue"),
    ]
    return csv_response(csv_filename(organisation.slug, "action-plans"), header, rows)


@login_required
def plan_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a plan by hand; managers and admins. Plans from assessments start themselves."""
    membership = get_membership(request, slug)
    require_manager(membership)
    organisation = membership.organisation
    if request.method == "POST":
        form = PlanForm(request.POST, organisation=organisation)
        if form.is_valid():
            plan = ActionPlan.start(
                organisation=organisation,
                partner=form.cleaned_data["partner"],
                title=form.cleaned_data["title"],
                source_kind=ActionPlan.Source.MANUAL,
                source_code=None,
                by=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, _("Plan started. Add its first actions."))
            return redirect("actions:plan", slug=slug, code=plan.code)
    else:
        form = PlanForm(organisation=organisation)
    return render(request, "actions/plan_add.html", {"organisation": organisation, "form": form})


def _owner_organisations(memberships: list[Membership]) -> dict[int, str]:
    """Who works where: user id → the names of their organisations among the plan's owners."""
    names: dict[int, list[str]] = {}
    for m in memberships:
        names.setdefault(m.user_id, []).append(m.organisation.name)
    return {user_id: ", ".join(orgs) for user_id, orgs in names.items()}


@login_required
def plan(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    plan, membership, can_write = get_plan_for_user(request, slug, code)
    # Only people who own an action: both organisations may have hundreds of members.
    memberships = list(plan.current_owners())
    filters = ActionFilterForm(request.GET, memberships=memberships)
    today = timezone.localdate()
    actions = plan.actions.select_related("owner", "requirement").order_by("due_on", "created_at", "id")
    filtered = False
    if filters.is_valid():
        status, owner, overdue = (filters.cleaned_data[k] for k in ("status", "owner", "overdue"))
        if status == "open":
            actions = actions.open()
        elif status:
            actions = actions.filter(status=status)
        if owner == "none":
            actions = actions.filter(owner__isnull=True)
        elif owner:
            chosen = filters.owner_membership()
            actions = actions.filter(owner_id=chosen.user_id if chosen else None)
        if overdue:
            actions = actions.overdue(today)
        filtered = bool(status or owner or overdue)
    page = Paginator(actions, ACTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    owner_orgs = _owner_organisations(memberships)
    rows = [(a, owner_orgs.get(a.owner_id, "") if a.owner_id else "", a.is_overdue(today)) for a in page]
    progress = plan.progress(today)
    events = (
        ActionEvent.objects.filter(action__plan=plan)
        .select_related("author", "organisation", "action")
        .order_by("-created_at", "-id")[:RECENT_EVENTS]
    )
    return render(
        request,
        "actions/plan.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "plan": plan,
            "can_write": can_write,
            "filters": filters,
            "filtered": filtered,
            "page_obj": page,
            "rows": rows,
            "progress": progress,
            "figures": exports.progress_figures(progress),
            "chart": exports.progress_chart(plan, progress),
            "events": events,
        },
    )


def _describe_owner(membership: Membership | None) -> str:
    if membership is None:
        return ""
    return f"{membership.user.name or membership.user.email} ({membership.organisation.name})"


@login_required
def action_add(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Add an action to a plan; members and above of either organisation."""
    plan, membership, can_write = get_plan_for_user(request, slug, code)
    require_write(can_write)
    if request.method == "POST":
        form = ActionForm(request.POST, plan=plan)
        if form.is_valid():
            owner = form.cleaned_data["owner"]
            action = plan.add_action(
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                owner=owner.user if owner else None,
                due_on=form.cleaned_data["due_on"],
                by=request.user,  # type: ignore[arg-type]
                by_organisation=membership.organisation,
            )
            messages.success(request, _("Action “%(title)s” added.") % {"title": action.title})
            return redirect("actions:plan", slug=slug, code=plan.code)
    else:
        form = ActionForm(plan=plan)
    return render(
        request,
        "actions/action_form.html",
        {"organisation": membership.organisation, "plan": plan, "form": form, "action": None},
    )


@login_required
def action(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """An action with its history; POST adds a progress note."""
    action, membership, can_write = get_action_for_user(request, slug, code)
    if request.method == "POST":
        require_write(can_write)
        form = NoteForm(request.POST)
        if form.is_valid():
            ActionEvent.objects.create(
                action=action,
                author=request.user,  # type: ignore[misc]
                organisation=membership.organisation,
                kind=ActionEvent.Kind.NOTE,
                text=form.cleaned_data["text"],
            )
            Action.objects.filter(pk=action.pk).update(updated_at=timezone.now())
            messages.success(request, _("Note added."))
            return redirect("actions:action", slug=slug, code=action.code)
    else:
        form = NoteForm()
    memberships = list(action.plan.possible_owners())
    events = action.events.select_related("author", "organisation").order_by("-created_at", "-id")
    return render(
        request,
        "actions/action.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "plan": action.plan,
            "action": action,
            "owner_organisations": _owner_organisations(memberships).get(action.owner_id or 0, ""),
            "overdue": action.is_overdue(),
            "can_write": can_write,
            "form": form,
            "events": events,
        },
    )


EDIT_FIELDS = ["title", "description", "owner", "due_on", "status", "dropped_reason", "updated_at"]


def _action_initial(action: Action, memberships: list[Membership]) -> dict[str, Any]:
    owner = next((m for m in memberships if m.user_id == action.owner_id), None)
    return {
        "title": action.title,
        "description": action.description,
        "owner": str(owner.code) if owner else "",
        "due_on": action.due_on,
        "status": action.status,
        "dropped_reason": action.dropped_reason,
    }


@login_required
def action_edit(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Change status, owner, due date, title or description; each change goes into the history."""
    action, membership, can_write = get_action_for_user(request, slug, code)
    require_write(can_write)
    plan = action.plan
    if request.method == "POST":
        form = ActionForm(request.POST, plan=plan, editing=True)
        if form.is_valid():
            data = form.cleaned_data
            owner_membership = data["owner"]
            current_owner = next((m for m in form.memberships if m.user_id == action.owner_id), None)
            events = _changes(action, data, owner_membership, current_owner)
            action.title, action.description = data["title"], data["description"]
            action.owner = owner_membership.user if owner_membership else None
            action.due_on, action.status = data["due_on"], data["status"]
            action.dropped_reason = data["dropped_reason"] if data["status"] == Action.Status.DROPPED else ""
            with transaction.atomic():
                action.save(update_fields=EDIT_FIELDS)
                ActionEvent.objects.bulk_create(
                    [
                        ActionEvent(action=action, author=request.user, organisation=membership.organisation, **event)  # type: ignore[misc]
                        for event in events
                    ]
                )
            if events:
                messages.success(request, _("Action updated."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("actions:action", slug=slug, code=action.code)
    else:
        form = ActionForm(plan=plan, editing=True)
        form.initial = _action_initial(action, form.memberships)
    return render(
        request,
        "actions/action_form.html",
        {"organisation": membership.organisation, "plan": plan, "form": form, "action": action},
    )


def _changes(
    action: Action, data: dict[str, Any], owner: Membership | None, current_owner: Membership | None
) -> list[dict[str, str]]:
    """One history entry per kind of change the form makes to `action`."""
    Kind = ActionEvent.Kind
    events = []
    if data["status"] != action.status:
        reason = data["dropped_reason"] if data["status"] == Action.Status.DROPPED else ""
        events.append({"kind": Kind.STATUS, "old_value": action.status, "new_value": data["status"], "text": reason})
    new_owner_id = owner.user_id if owner else None
    if new_owner_id != action.owner_id:
        old = _describe_owner(current_owner) or (str(action.owner) if action.owner else "")
        events.append({"kind": Kind.OWNER, "old_value": old[:300], "new_value": _describe_owner(owner)[:300]})
    if data["due_on"] != action.due_on:
        old_due = action.due_on.isoformat() if action.due_on else ""
        new_due = data["due_on"].isoformat() if data["due_on"] else ""
        events.append({"kind": Kind.DUE, "old_value": old_due, "new_value": new_due})
    if data["title"] != action.title or data["description"] != action.description:
        events.append(
            {
                "kind": Kind.EDITED,
                "old_value": action.title[:300],
                "new_value": data["title"][:300],
                "text": data["description"] if data["description"] != action.description else "",
            }
        )
    return events


@login_required
def plan_csv(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    plan, membership, _can_write = get_plan_for_user(request, slug, code)
    response = HttpResponse(exports.plan_csv(plan), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(plan, "csv")}"'
    _record_export(request, membership, plan, "csv")
    return response


@login_required
@made_in_background
def plan_pdf(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    plan, membership, _can_write = get_plan_for_user(request, slug, code)
    response = HttpResponse(exports.plan_pdf(plan), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(plan, "pdf")}"'
    _record_export(request, membership, plan, "pdf")
    return response


def _record_export(request: HttpRequest, membership: Membership, plan: ActionPlan, kind: str) -> None:
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=membership.organisation.slug,
        target=f"action plan {plan.code}",
        detail={"format": kind},
    )
