"""Playbook pages.

Under o/<slug>/cases/playbooks/ (integrity officers and admins): the playbooks an organisation uses and
which category gets which, the framework's playbooks, and the organisation's own copies — made from a
framework playbook, edited under the same rules as the content files, and given up again.

`public_list` and `public_detail`: the framework's playbooks for anyone to read, like the taxonomy
(they identify no one); the guide links to them. Their URL patterns are `public_urlpatterns`.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cases.access import require_case_role
from cases.forms_playbooks import PlaybookForm, StepForm
from cases.models import Anchor, Case, Phase, Playbook, PlaybookStep
from cases.playbooks import (
    PlaybookInUse,
    check_steps,
    dependants,
    make_copy,
    others_for,
    own_copy,
    revert,
    save_playbook,
    save_steps,
    steps_moved,
    steps_without,
    taxonomy_codes,
    uses,
)
from framework.models import ViolationSubtype, ViolationType, active_content_language
from organisations.access import get_membership
from organisations.models import Membership

# --- Reading a playbook -----------------------------------------------------------------------------


def deadline_text(step: PlaybookStep, titles: dict[str, str] | None = None) -> str:
    """ "within 7 days of receipt", "within 2 days of triage", "within 14 days after “Investigate” is done"."""
    if not step.has_deadline:
        return ""
    parts = []
    if step.due_months:
        parts.append(ngettext("%(count)d month", "%(count)d months", step.due_months) % {"count": step.due_months})
    if step.due_days or not parts:
        days = step.due_days or 0
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    span = parts[0] if len(parts) == 1 else _("%(months)s and %(days)s") % {"months": parts[0], "days": parts[1]}
    if step.due_anchor == Anchor.RECEIVED:
        return _("within %(span)s of receipt") % {"span": span}
    if step.due_anchor == Anchor.ACKNOWLEDGED:
        return _("within %(span)s of acknowledging receipt") % {"span": span}
    if step.due_anchor == Anchor.TRIAGED:
        return _("within %(span)s of triage") % {"span": span}
    title = (titles or {}).get(step.due_step, step.due_step)
    return _("within %(span)s after “%(step)s” is done") % {"span": span, "step": title}


@dataclass
class StepView:
    step: PlaybookStep
    deadline: str
    after: list[str]
    checklist: list[str]


def by_phase(steps: Sequence[PlaybookStep]) -> list[tuple[str, str, list[StepView]]]:
    """The steps grouped by phase for reading: [(phase code, phase label, [StepView])], every phase listed."""
    titles = {s.code: s.title for s in steps}
    return [
        (
            phase.value,
            str(phase.label),
            [
                StepView(
                    step=s,
                    deadline=deadline_text(s, titles),
                    after=[titles.get(code, code) for code in s.after],
                    checklist=s.checklist_items(),
                )
                for s in steps
                if s.phase == phase.value
            ],
        )
        for phase in Phase
    ]


def category_names() -> dict[str, str]:
    names = {t.code: t.name for t in ViolationType.objects.active()}
    names.update({s.code: s.name for s in ViolationSubtype.objects.active()})
    return names


def _with_categories(playbooks: Sequence[Playbook], names: dict[str, str]) -> None:
    for playbook in playbooks:
        playbook.categories = [(code, names.get(code, code)) for code in playbook.applies_to]  # type: ignore[attr-defined]


def _steps(playbook: Playbook) -> list[PlaybookStep]:
    return list(playbook.steps.order_by("order"))


# --- An organisation's playbooks --------------------------------------------------------------------


def _case_membership(request: HttpRequest, slug: str) -> Membership:
    membership = get_membership(request, slug)
    require_case_role(membership)
    return membership


def _framework_playbook(code: str) -> Playbook:
    return get_object_or_404(Playbook.objects.active(), organisation__isnull=True, code=code)


def _own(membership: Membership, code: str) -> Playbook:
    playbook = own_copy(membership.organisation, code)
    if playbook is None:
        raise Http404
    return playbook


def _own_step(playbook: Playbook, code: str) -> PlaybookStep:
    return get_object_or_404(PlaybookStep, playbook=playbook, code=code)


@login_required
def playbooks(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _case_membership(request, slug)
    organisation = membership.organisation
    names = category_names()
    own = list(
        Playbook.objects.active()
        .filter(organisation=organisation)
        .select_related("based_on")
        .annotate(step_count=Count("steps"))
        .order_by(f"title_{active_content_language()}")
    )
    framework = list(
        Playbook.objects.active()
        .filter(organisation__isnull=True)
        .annotate(step_count=Count("steps"))
        .order_by(f"title_{active_content_language()}")
    )
    copied = {p.code for p in own}
    for playbook in framework:
        playbook.copied = playbook.code in copied  # type: ignore[attr-defined]
    _with_categories(own + framework, names)
    return render(
        request,
        "cases/playbooks/list.html",
        {
            "organisation": organisation,
            "membership": membership,
            "own": own,
            "framework": framework,
            "uses": uses(organisation),
        },
    )


def _detail(request: HttpRequest, membership: Membership, playbook: Playbook, **extra: object) -> HttpResponse:
    _with_categories([playbook], category_names())
    return render(
        request,
        "cases/playbooks/detail.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "playbook": playbook,
            "phases": by_phase(_steps(playbook)),
            **extra,
        },
    )


@login_required
def framework_playbook(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    membership = _case_membership(request, slug)
    playbook = _framework_playbook(code)
    return _detail(request, membership, playbook, copy=own_copy(membership.organisation, code))


@login_required
def playbook(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    membership = _case_membership(request, slug)
    own = _own(membership, code)
    return _detail(
        request,
        membership,
        own,
        editable=True,
        running=Case.objects.filter(playbook=own).open().count(),
    )


@login_required
@require_POST
def copy(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    membership = _case_membership(request, slug)
    framework = _framework_playbook(code)
    if own_copy(membership.organisation, code) is not None:
        messages.info(request, _("You have your own copy of this playbook already."))
    else:
        make_copy(membership.organisation, framework, by=request.user)  # type: ignore[arg-type]
        messages.success(
            request, _("This is your own copy now. Change it as you need: new cases of its categories follow it.")
        )
    return redirect("cases:playbook", slug=slug, code=code)


@login_required
def edit(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    membership = _case_membership(request, slug)
    own = _own(membership, code)
    options = {"playbook": own, "others": others_for(own), "known": taxonomy_codes()}
    if request.method == "POST":
        form = PlaybookForm(request.POST, **options)  # type: ignore[arg-type]
        if form.is_valid():
            save_playbook(own, form.values, by=request.user)  # type: ignore[arg-type]
            messages.success(request, _("Playbook saved. New cases follow it; running cases keep their steps."))
            return redirect("cases:playbook", slug=slug, code=code)
    else:
        initial = {
            name: getattr(own, name)
            for name in ("title_nl", "title_en", "intro_nl", "intro_en", "applies_to", "is_default")
        }
        form = PlaybookForm(initial=initial, **options)  # type: ignore[arg-type]
    return render(
        request,
        "cases/playbooks/edit.html",
        {"organisation": membership.organisation, "membership": membership, "playbook": own, "form": form},
    )


@login_required
def revert_copy(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Go back to the framework version: confirm, then the copy goes (or is retired, see playbooks.revert)."""
    membership = _case_membership(request, slug)
    own = _own(membership, code)
    cases = Case.objects.filter(playbook=own)
    running, concluded = cases.open().count(), cases.filter(concluded_at__isnull=False).count()
    if request.method == "POST":
        try:
            outcome = revert(own, by=request.user)  # type: ignore[arg-type]
        except PlaybookInUse as refused:
            messages.error(request, _running_message(refused.running))
            return redirect("cases:playbook", slug=slug, code=code)
        if outcome == "retired":
            messages.success(
                request,
                _("Your copy is no longer used for new cases; it is kept for the concluded cases that followed it."),
            )
        else:
            messages.success(request, _("Your copy is gone: new cases follow the framework version again."))
        return redirect("cases:playbooks", slug=slug)
    return render(
        request,
        "cases/playbooks/revert.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "playbook": own,
            "running": running,
            "running_message": _running_message(running) if running else "",
            "concluded": concluded,
        },
    )


def _running_message(running: int) -> str:
    return ngettext(
        "%(count)d running case follows your copy. A case keeps the playbook it was opened with, so your copy "
        "stays until that case is concluded or switched to another playbook.",
        "%(count)d running cases follow your copy. A case keeps the playbook it was opened with, so your copy "
        "stays until those cases are concluded or switched to another playbook.",
        running,
    ) % {"count": running}


def _step_page(
    request: HttpRequest, membership: Membership, own: Playbook, form: StepForm, step: PlaybookStep | None
) -> HttpResponse:
    return render(
        request,
        "cases/playbooks/step_form.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "playbook": own,
            "form": form,
            "step": step,
        },
    )


@login_required
def step_add(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    membership = _case_membership(request, slug)
    own = _own(membership, code)
    steps = _steps(own)
    if request.method == "POST":
        form = StepForm(request.POST, playbook_steps=steps)
        if form.is_valid():
            added = form.cleaned_data["code"].strip()
            save_steps(own, form.steps, by=request.user, change="step_added", step=added)  # type: ignore[arg-type]
            messages.success(request, _("Step added."))
            return redirect(f"{_detail_url(slug, code)}#step-{added}")
    else:
        phase = request.GET.get("phase", "")
        form = StepForm(playbook_steps=steps, initial={"phase": phase} if phase in Phase.values else {})
    return _step_page(request, membership, own, form, None)


@login_required
def step_edit(request: HttpRequest, slug: str, code: str, step: str) -> HttpResponse:
    membership = _case_membership(request, slug)
    own = _own(membership, code)
    steps = _steps(own)
    current = next((s for s in steps if s.code == step), None)
    if current is None:
        raise Http404
    if request.method == "POST":
        form = StepForm(request.POST, playbook_steps=steps, step=current)
        if form.is_valid():
            saved = form.cleaned_data["code"].strip()
            save_steps(own, form.steps, by=request.user, change="step_changed", step=saved)  # type: ignore[arg-type]
            messages.success(request, _("Step saved."))
            return redirect(f"{_detail_url(slug, code)}#step-{saved}")
    else:
        form = StepForm(playbook_steps=steps, step=current)
    return _step_page(request, membership, own, form, current)


@login_required
def step_delete(request: HttpRequest, slug: str, code: str, step: str) -> HttpResponse:
    membership = _case_membership(request, slug)
    own = _own(membership, code)
    steps = _steps(own)
    current = next((s for s in steps if s.code == step), None)
    if current is None:
        raise Http404
    waiting = dependants(steps, step)
    remaining = steps_without(steps, step)
    # Rules the playbook would break without this step (for example: no step left that acknowledges receipt).
    problems = [] if waiting else [p.message for p in check_steps(remaining)]
    if request.method == "POST":
        if waiting or problems:
            messages.error(request, _("This step was not deleted: see why below."))
            return redirect("cases:playbook_step_delete", slug=slug, code=code, step=step)
        save_steps(own, remaining, by=request.user, change="step_deleted", step=step)  # type: ignore[arg-type]
        messages.success(request, _("Step “%(title)s” deleted.") % {"title": current.title})
        return redirect("cases:playbook", slug=slug, code=code)
    return render(
        request,
        "cases/playbooks/step_delete.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "playbook": own,
            "step": current,
            "waiting": waiting,
            "problems": problems,
        },
    )


@login_required
@require_POST
def step_move(request: HttpRequest, slug: str, code: str, step: str) -> HttpResponse:
    membership = _case_membership(request, slug)
    own = _own(membership, code)
    steps = _steps(own)
    if not any(s.code == step for s in steps):
        raise Http404
    direction = request.POST.get("direction", "")
    moved = steps_moved(steps, step, direction) if direction in ("up", "down") else None
    if moved is None:
        messages.info(request, _("The step is at the edge of its phase already; change its phase to move it further."))
    else:
        problems = check_steps(moved)
        if problems:
            messages.error(request, problems[0].message)
        else:
            save_steps(own, moved, by=request.user, change="step_moved", step=step)  # type: ignore[arg-type]
    return redirect(f"{_detail_url(slug, code)}#step-{step}")


def _detail_url(slug: str, code: str) -> str:
    return reverse("cases:playbook", kwargs={"slug": slug, "code": code})


# --- The framework's playbooks, for anyone --------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    found = list(
        Playbook.objects.active()
        .filter(organisation__isnull=True)
        .annotate(step_count=Count("steps"))
        .order_by(f"title_{active_content_language()}")
    )
    _with_categories(found, category_names())
    return render(request, "cases/playbooks/public_list.html", {"playbooks": found})


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    # A retired playbook stays readable (with a notice): guide pages and old cases may point at it.
    found = get_object_or_404(Playbook, organisation__isnull=True, code=code)
    _with_categories([found], category_names())
    return render(request, "cases/playbooks/public_detail.html", {"playbook": found, "phases": by_phase(_steps(found))})


urlpatterns = [
    path("playbooks/", playbooks, name="playbooks"),
    path("playbooks/framework/<slug:code>/", framework_playbook, name="playbook_framework"),
    path("playbooks/framework/<slug:code>/copy/", copy, name="playbook_copy"),
    path("playbooks/own/<slug:code>/", playbook, name="playbook"),
    path("playbooks/own/<slug:code>/edit/", edit, name="playbook_edit"),
    path("playbooks/own/<slug:code>/revert/", revert_copy, name="playbook_revert"),
    path("playbooks/own/<slug:code>/steps/add/", step_add, name="playbook_step_add"),
    path("playbooks/own/<slug:code>/steps/<slug:step>/", step_edit, name="playbook_step_edit"),
    path("playbooks/own/<slug:code>/steps/<slug:step>/delete/", step_delete, name="playbook_step_delete"),
    path("playbooks/own/<slug:code>/steps/<slug:step>/move/", step_move, name="playbook_step_move"),
]

# For samen/urls.py (not part of the organisation's case pages): the framework's playbooks, public.
public_urlpatterns = [
    path("framework/playbooks/", public_list, name="public_playbooks"),
    path("framework/playbooks/<slug:code>/", public_detail, name="public_playbook"),
]
