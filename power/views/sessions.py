"""The facilitators' pages of a power-awareness session (o/<slug>/power/): the list, a new session, the
session page that prepares and runs it (both partners' facilitators), its live results and its summary."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from audit import models as audit
from audit.models import Event
from dialogue.access import can_facilitate, require_facilitator
from dialogue.models import Session, SessionQuerySet
from dialogue.qr import join_qr, join_url
from documents.background import made_in_background
from organisations.access import get_membership
from organisations.models import Organisation
from power import report as reporting
from power import running
from power.access import PowerAccess, get_decision_for_user, get_participant_for_user, get_session_for_user, visible_to
from power.forms import ChangeForm, DecisionForm, MergeForm, SessionForm, StageForm, StartersForm
from power.models import Change, Decision, Stage
from power.report import results_context, summary_context
from samen.csv_export import csv_response, filename

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def sessions(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    page = Paginator(_listed(organisation), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "power/sessions.html",
        {
            "organisation": organisation,
            "membership": membership,
            "page_obj": page,
            "can_facilitate": can_facilitate(membership),
        },
    )


def _listed(organisation: Organisation) -> SessionQuerySet:
    """The sessions list, shared by the page and its CSV download."""
    return (
        visible_to(organisation)
        .select_related("organisation", "partnership__organisation", "partnership__partner")
        .order_by("-created_at", "-pk")
    )


@login_required
def sessions_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Every session of the list (not one page) as CSV: the columns of the page, no scores or decisions."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    rows = [
        [
            each.title,
            f"{each.partnership.organisation.name} — {each.partnership.partner.name}" if each.partnership else "",
            each.get_status_display(),
            each.created_at.date(),
            each.organisation.name,
        ]
        for each in _listed(organisation)
    ]
    audit.record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=organisation.slug,
        target="power-awareness sessions",
        detail={"format": "csv", "rows": len(rows)},
    )
    header = [_("Session"), _("Partnership"), _("Status"), _("Prepared on"), _("Prepared by")]
    return csv_response(filename(organisation.slug, "power-awareness-sessions"), header, rows)


@login_required
def session_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A facilitator prepares a session about one of the organisation's active partnerships."""
    membership = get_membership(request, slug)
    require_facilitator(membership)
    organisation = membership.organisation
    if request.method == "POST":
        form = SessionForm(request.POST, organisation=organisation)
        if form.is_valid():
            partnership = form.cleaned_data["partnership"]
            title = form.cleaned_data["title"] or _("Power awareness: %(first)s and %(second)s") % {
                "first": partnership.organisation.name,
                "second": partnership.partner.name,
            }
            session = running.create(
                organisation=organisation,
                partnership=partnership,
                title=title[:200],
                by=_user(request),
                starters=form.cleaned_data["starters"],
            )
            messages.success(request, _("Session prepared. Check the decisions, then open it for the participants."))
            return redirect("power:session", slug=slug, code=session.code)
    else:
        initial = {"partnership": request.GET["partnership"]} if request.GET.get("partnership") else {}
        form = SessionForm(organisation=organisation, initial=initial)
    return render(
        request,
        "power/session_new.html",
        {"organisation": organisation, "membership": membership, "form": form},
        status=400 if form.is_bound else 200,
    )


def _session_page(request: HttpRequest, access: PowerAccess, status: int = 200, **forms: Any) -> HttpResponse:
    session, membership = access.session, access.membership
    session.close_if_expired()
    decisions = list(
        Decision.objects.filter(session=session)
        .select_related("proposed_by")
        .annotate(score_count=Count("scores"))
        .order_by("created_at", "pk")
    )
    participants = list(session.participants.select_related("power_affiliation__side").order_by("joined_at", "pk"))
    context: dict[str, Any] = {
        "organisation": membership.organisation,
        "membership": membership,
        "session": session,
        "can_run": access.can_run,
        "decisions": decisions,
        "participants": participants,
        "present": sum(1 for p in participants if not p.is_removed),
        "stages": Stage.choices,
        "stage": Stage(session.current) if session.current in Stage.values else None,
        "changes": list(
            Change.objects.filter(session=session).select_related("decision", "action", "author_organisation")
        ),
        "plan": running.plan_of(session),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "change_form": forms.get("change_form") or ChangeForm(session_id=session.pk, prefix="change"),
        "starters_form": StartersForm(prefix="starters"),
        **results_context(session),
    }
    if session.is_live:
        context |= {"join_url": join_url(session), "qr": join_qr(session, _("QR code to join"))}
    return render(request, "power/session.html", context, status=status)


@login_required
def session(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    return _session_page(request, get_session_for_user(request, slug, code))


@login_required
def results(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The results as they come in: the whole page without JavaScript, the part htmx polls with it."""
    access = get_session_for_user(request, slug, code)
    session = access.session
    context = {"organisation": access.membership.organisation, "session": session, **results_context(session)}
    template = "power/_results.html" if request.headers.get("HX-Request") else "power/results.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


def _refused(request: HttpRequest, slug: str, session: Session, error: running.PowerError) -> HttpResponse:
    reasons = {
        "closed": _("The session is closed: nothing can change any more."),
        "not open": _("The session is not open."),
        "not draft": _("The session has been opened already."),
        "no such stage": _("That is not a stage of this session."),
        "not mergeable": _("Choose another decision of this session to merge with."),
        "full": _("The session has as many decisions as a room can score: merge or remove some first."),
    }
    messages.error(request, reasons.get(str(error), _("That is not possible at this stage of the session.")))
    return redirect("power:session", slug=slug, code=session.code)


@login_required
@require_POST
def open_session(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    session = get_session_for_user(request, slug, code, run=True).session
    try:
        running.start(session)
    except running.PowerError as error:
        return _refused(request, slug, session, error)
    messages.success(request, _("The session is open. Show the code or the QR code to the participants."))
    return redirect("power:session", slug=slug, code=code)


@login_required
@require_POST
def stage(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    session = get_session_for_user(request, slug, code, run=True).session
    session.close_if_expired()
    form = StageForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("That is not a stage of this session."), status=400)
    try:
        running.set_stage(session, form.cleaned_data["stage"])
    except running.PowerError as error:
        return _refused(request, slug, session, error)
    return redirect("power:session", slug=slug, code=code)


@login_required
@require_POST
def decision_add(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_session_for_user(request, slug, code, run=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _session_page(request, access, status=400, decision_form=form)
    try:
        running.add_decision(access.session, form.cleaned_data["text"], by=_user(request))
    except running.PowerError as error:
        return _refused(request, slug, access.session, error)
    return redirect("power:session", slug=slug, code=code)


@login_required
@require_POST
def starters(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_session_for_user(request, slug, code, run=True)
    form = StartersForm(request.POST, prefix="starters")
    if not form.is_valid():
        return HttpResponse(_("Choose English or Dutch for the starter list."), status=400)
    try:
        added = running.add_starters(access.session, form.cleaned_data["language"], by=_user(request))
    except running.PowerError as error:
        return _refused(request, slug, access.session, error)
    messages.success(request, _("%(count)s starter decisions added.") % {"count": added})
    return redirect("power:session", slug=slug, code=code)


@login_required
def decision_edit(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Reword a decision, or merge it with another that says the same."""
    decision, access = get_decision_for_user(request, slug, code)
    session = decision.session
    form = DecisionForm(request.POST if request.method == "POST" else None, initial={"text": decision.text})
    merge_form = MergeForm(decision=decision)
    if form.is_bound and form.is_valid():
        try:
            running.edit_decision(decision, form.cleaned_data["text"])
        except running.PowerError as error:
            return _refused(request, slug, session, error)
        messages.success(request, _("Decision changed."))
        return redirect("power:session", slug=slug, code=session.code)
    return render(
        request,
        "power/decision_edit.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "session": session,
            "decision": decision,
            "form": form,
            "merge_form": merge_form,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def decision_merge(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    decision, access = get_decision_for_user(request, slug, code)
    session = decision.session
    merge_form = MergeForm(request.POST, decision=decision)
    if not merge_form.is_valid():
        return render(
            request,
            "power/decision_edit.html",
            {
                "organisation": access.membership.organisation,
                "membership": access.membership,
                "session": session,
                "decision": decision,
                "form": DecisionForm(initial={"text": decision.text}),
                "merge_form": merge_form,
            },
            status=400,
        )
    try:
        running.merge(decision, merge_form.cleaned_data["into"], merge_form.cleaned_data["text"])
    except running.PowerError as error:
        return _refused(request, slug, session, error)
    messages.success(request, _("Decisions merged."))
    return redirect("power:session", slug=slug, code=session.code)


@login_required
@require_POST
def decision_remove(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    decision, _access = get_decision_for_user(request, slug, code)
    session = decision.session
    try:
        running.remove_decision(decision)
    except running.PowerError as error:
        return _refused(request, slug, session, error)
    messages.success(request, _("Decision removed, with its scores."))
    return redirect("power:session", slug=slug, code=session.code)


@login_required
@require_POST
def participant_remove(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Remove a disruptive participant: they can do nothing more; the scores they gave stay counted."""
    participant, _access = get_participant_for_user(request, slug, code)
    running.remove_participant(participant)
    messages.success(request, _("The participant is removed from the session."))
    return redirect("power:session", slug=slug, code=participant.session.code)


@login_required
@require_POST
def change_add(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Record what the partners agree to change: an action in the session's plan, co-owned by both."""
    access = get_session_for_user(request, slug, code, run=True)
    session = access.session
    session.close_if_expired()
    form = ChangeForm(request.POST, session_id=session.pk, prefix="change")
    if not form.is_valid():
        return _session_page(request, access, status=400, change_form=form)
    try:
        change = running.agree(
            session,
            form.cleaned_data["text"],
            decision=form.cleaned_data["decision"],
            by=_user(request),
            by_organisation=access.membership.organisation,
        )
    except running.PowerError as error:
        return _refused(request, slug, session, error)
    messages.success(request, _("Agreed change “%(text)s” added to the shared action plan.") % {"text": change.text})
    return redirect("power:session", slug=slug, code=code)


@login_required
@require_POST
def close(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    session = get_session_for_user(request, slug, code, run=True).session
    try:
        running.close(session)
    except running.PowerError as error:
        return _refused(request, slug, session, error)
    messages.success(request, _("The session is closed; its code no longer works. Here is its summary."))
    return redirect("power:summary", slug=slug, code=code)


@login_required
def summary(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """What the session found and agreed, for both partners: no names of participants."""
    access = get_session_for_user(request, slug, code)
    session = access.session
    session.close_if_expired()
    context = {"organisation": access.membership.organisation, "membership": access.membership}
    return render(request, "power/summary.html", context | summary_context(session))


@login_required
@made_in_background
def summary_pdf(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_session_for_user(request, slug, code)
    session = access.session
    session.close_if_expired()
    response = HttpResponse(reporting.summary_pdf(session, _user(request)), content_type="application/pdf")
    filename = f"power-session-{session.opened_at or session.created_at:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    audit.record(
        Event.EXPORT,
        actor=access.membership.user.email,
        organisation=access.membership.organisation.slug,
        target=f"power session summary {session.code}",
        detail={"format": "pdf"},
    )
    return response
