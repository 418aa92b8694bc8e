"""Pages of the integrity-system roadmap: the overview, one step, marking it done or open again,
turning it into an action, the evidence download and the director's one-page PDF."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.models import ActionPlan
from audit.models import Event, record
from documents.background import made_in_background
from organisations.access import get_membership
from organisations.models import Membership
from roadmap import exports
from roadmap.forms import DoneForm
from roadmap.models import Completion, Step, StepAction, plan_code, size_of
from roadmap.progress import current_roadmap, guide_links, standing
from samen.csv_export import csv_response, filename

PLAN_SOURCE = "roadmap"


def require_write(membership: Membership) -> None:
    if not membership.can_write:
        raise PermissionDenied


def get_step(code: str) -> Step:
    """An active step of the current roadmap, or 404. Steps are shared content, not an organisation's."""
    roadmap = current_roadmap()
    step = (
        Step.objects.active().filter(roadmap=roadmap, code=code).select_related("block", "phase", "roadmap").first()
        if roadmap
        else None
    )
    if step is None:
        raise Http404
    return step


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    state = standing(organisation)
    context: dict[str, Any] = {"organisation": organisation, "membership": membership, "state": state}
    if state is not None:
        context |= {"block_chart": state.block_chart(), "overall_chart": state.overall_chart()}
    return render(request, "roadmap/overview.html", context)


def _step_page(
    request: HttpRequest, membership: Membership, step: Step, form: DoneForm, status: int = 200
) -> HttpResponse:
    organisation = membership.organisation
    size = size_of(organisation)
    completion = Completion.objects.filter(organisation=organisation, step=step).select_related("done_by").first()
    step_action = StepAction.objects.filter(organisation=organisation, step=step).select_related("action__plan").first()
    return render(
        request,
        "roadmap/step.html",
        {
            "organisation": organisation,
            "membership": membership,
            "can_write": membership.can_write,
            "step": step,
            "size": size,
            "size_known": bool(organisation.size_category),
            "applies": step.applies_to(size),
            "how": step.how_for(size),
            "guide_links": guide_links(step.guide_pages, organisation),
            "completion": completion,
            "step_action": step_action,
            "form": form,
        },
        status=status,
    )


@login_required
def step(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    membership = get_membership(request, slug)
    return _step_page(request, membership, get_step(code), DoneForm())


@login_required
@require_POST
def step_done(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Mark a step done with a note and evidence; members who may write."""
    membership = get_membership(request, slug)
    require_write(membership)
    step = get_step(code)
    organisation = membership.organisation
    if Completion.objects.filter(organisation=organisation, step=step).exists():
        messages.info(request, _("This step was already marked done."))
        return redirect("roadmap:step", slug=slug, code=step.code)
    form = DoneForm(request.POST, request.FILES)
    if not form.is_valid():
        return _step_page(request, membership, step, form, status=400)
    data = form.cleaned_data
    upload = data["evidence"]
    completion = Completion(
        organisation=organisation,
        step=step,
        note=data["note"],
        link=data["link"],
        done_by=request.user,  # type: ignore[misc]
        done_at=timezone.now(),
    )
    if upload:
        completion.original_name = (upload.name or "evidence")[:255]
        completion.content_type = data["content_type"]
        completion.size = upload.size or 0
        completion.file.save(upload.name or "evidence", upload, save=False)
    try:
        with transaction.atomic():
            completion.save()
    except IntegrityError:
        # Someone else marked it done meanwhile: theirs stands.
        if completion.file:
            completion.file.delete(save=False)
        messages.info(request, _("This step was already marked done."))
        return redirect("roadmap:step", slug=slug, code=step.code)
    messages.success(request, _("“%(title)s” is marked done.") % {"title": step.title})
    return redirect("roadmap:roadmap", slug=slug)


@login_required
@require_POST
def step_undo(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Open a step again; its note and evidence are removed."""
    membership = get_membership(request, slug)
    require_write(membership)
    step = get_step(code)
    completion = Completion.objects.filter(organisation=membership.organisation, step=step).first()
    if completion is None:
        messages.info(request, _("This step is not marked done."))
    else:
        completion.undo()
        messages.success(request, _("“%(title)s” is open again.") % {"title": step.title})
    return redirect("roadmap:step", slug=slug, code=step.code)


@login_required
@require_POST
def step_action(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Turn a step into an action of the organisation's roadmap action plan (once per step)."""
    membership = get_membership(request, slug)
    require_write(membership)
    step = get_step(code)
    organisation = membership.organisation
    existing = StepAction.objects.filter(organisation=organisation, step=step).select_related("action").first()
    if existing is not None:
        messages.info(request, _("This step is already an action."))
        return redirect("actions:action", slug=slug, code=existing.action.code)
    with transaction.atomic():
        plan = ActionPlan.start(
            organisation=organisation,
            partner=None,
            title=_("Integrity roadmap"),
            source_kind=PLAN_SOURCE,
            source_code=plan_code(organisation),
            by=request.user,  # type: ignore[arg-type]
        )
        description = "\n\n".join(
            [step.why, _("What “done” looks like: %(done)s") % {"done": step.done_looks_like}]
            + ([how] if (how := step.how_for(size_of(organisation))) else [])
        )
        action = plan.add_action(
            title=step.title[:300],
            description=description,
            by=request.user,  # type: ignore[arg-type]
            by_organisation=organisation,
        )
        StepAction.objects.create(organisation=organisation, step=step, action=action)
    messages.success(
        request, _("“%(title)s” is now an action in the plan “%(plan)s”.") % {"title": step.title, "plan": plan.title}
    )
    return redirect("actions:action", slug=slug, code=action.code)


@login_required
def step_evidence(request: HttpRequest, slug: str, code: str) -> FileResponse:
    """The evidence file of a done step, for members of the organisation only."""
    membership = get_membership(request, slug)
    step = get_step(code)
    completion = Completion.objects.filter(organisation=membership.organisation, step=step).first()
    if completion is None or not completion.file:
        raise Http404
    try:
        handle = completion.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=slug,
        target=f"roadmap step {step.code}",
        detail={"evidence": str(completion.code), "name": completion.original_name},
    )
    response = FileResponse(
        handle, as_attachment=True, filename=completion.original_name, content_type=completion.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@made_in_background
def roadmap_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The director's one-page overview."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    state = standing(organisation)
    if state is None:
        raise Http404
    response = HttpResponse(exports.overview_pdf(organisation, state), content_type="application/pdf")
    name = f"integrity-roadmap-{slugify(organisation.name)[:60] or organisation.slug}-{timezone.localdate():%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=slug,
        target="integrity roadmap",
        detail={"format": "pdf"},
    )
    return response


@login_required
def roadmap_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """All steps of the organisation's roadmap (for its size) with their status: the page's "All steps" table."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    state = standing(organisation)
    if state is None:
        raise Http404
    rows = [
        [
            step.title,
            step.phase.name,
            step.block.name,
            _("Done") if completion else _("To do"),
            timezone.localtime(completion.done_at).date() if completion else None,
        ]
        for step, completion in state.rows()
    ]
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=slug,
        target="integrity roadmap",
        detail={"format": "csv", "rows": len(rows)},
    )
    header = [_("Step"), _("Phase"), _("Block"), _("Status"), _("Done on")]
    return csv_response(filename(organisation.slug, "integrity-roadmap"), header, rows)
