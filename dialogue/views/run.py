"""Running a dilemma session: the facilitator's control page, its live results, and what they change."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogue import running
from dialogue.access import get_session_for_user, user_of
from dialogue.forms import RecordForm, RemoveParticipantForm, SteerForm
from dialogue.models import STEPS, Record, Session, SessionItem, Step
from dialogue.qr import join_qr, join_url
from samen.charts import bar_chart


def room_state(item: SessionItem | None) -> str:
    """What the room looks at, as a short text: a page that polls reloads itself when it changes."""
    if item is None:
        return "-"
    return f"{item.code}:{item.step}:{item.variation}:{int(item.revealed)}"


def live_context(session: Session, item: SessionItem | None) -> dict[str, Any]:
    """The figures the room sees change: participants present, and the votes on the current dilemma."""
    context: dict[str, Any] = {
        "session": session,
        "item": item,
        "present": session.participants.present().count(),
        "state": room_state(item),
    }
    if item is not None and item.dilemma is not None:
        options = running.shown_options(item.dilemma.options.all())
        shares, total = running.distribution(item, options)
        context |= {
            "shares": shares,
            "total": total,
            "chart": bar_chart(
                running.chart_items(shares),
                maximum=max(total, 1),
                title=_("Votes on “%(title)s”") % {"title": item.title},
            ),
        }
    return context


def _open_session(request: HttpRequest, slug: str, code: UUID) -> Session:
    session = get_session_for_user(request, slug, code, run=True).session
    session.close_if_expired()
    return session


@login_required
def control(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_session_for_user(request, slug, code, run=True)
    session, membership = access.session, access.membership
    if session.is_draft:
        return redirect("dialogue:compose", slug=slug, code=code)
    session.close_if_expired()
    if session.is_closed:
        return redirect("dialogue:report", slug=slug, code=code)
    items = list(session.items.select_related("dilemma"))
    item = next((i for i in items if i.position == session.current), None)
    variations = list(item.dilemma.variations.all()) if item and item.dilemma else []
    step_index = STEPS.index(Step(item.step)) if item else 0
    participants = list(session.participants.only("code", "display_name", "removed_at", "session_id"))
    return render(
        request,
        "dialogue/control.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "items": items,
            "variations": variations,
            "shown_variation": next((v for v in variations if item and v.position == item.variation), None),
            "steps": STEPS,
            "step_index": step_index,
            "prompt": running.STEP_PROMPTS[STEPS[step_index]],
            "next_step": running.next_step(item) if item else None,
            "previous_step": running.previous_step(item) if item else None,
            "participants": participants,
            "removed_count": sum(1 for p in participants if p.is_removed),
            "records": list(session.records.select_related("item", "action", "dilemma")),
            "record_form": RecordForm(initial={"kind": Record.Kind.AGREEMENT, "item": item.code if item else None}),
            "join_url": join_url(session),
            "qr": join_qr(session, _("QR code to join the session")),
            **live_context(session, item),
        },
    )


@login_required
def screen(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """What the facilitator shows the room on the shared screen (the plenary mode's results live here)."""
    access = get_session_for_user(request, slug, code, run=True)
    session = access.session
    session.close_if_expired()
    if not session.is_open:
        return redirect("dialogue:report" if session.is_closed else "dialogue:compose", slug=slug, code=code)
    item = running.current_item(session)
    variation = None
    if item is not None and item.dilemma is not None and item.variation:
        variation = item.dilemma.variations.filter(position=item.variation).first()
    return render(
        request,
        "dialogue/screen.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "variation": variation,
            "prompt": running.STEP_PROMPTS[Step(item.step)] if item else "",
            "step_count": len(STEPS),
            "join_url": join_url(session),
            "qr": join_qr(session, _("QR code to join the session")),
            **live_context(session, item),
        },
    )


@login_required
def live(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The live results on the control page, for htmx to poll; a browser that asks for it is sent to the page."""
    session = _open_session(request, slug, code)
    if not request.headers.get("HX-Request"):
        return redirect("dialogue:run", slug=slug, code=code)
    context = live_context(session, running.current_item(session))
    shown = request.GET.get("state")
    if shown is not None and shown != context["state"]:
        # The facilitator moved the room on (from another tab): the shared screen reloads to follow.
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    # Without the request: the fragment needs no context processors (the menu, the person's organisations).
    response = HttpResponse(render_to_string("dialogue/_results.html", context))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def steer(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Move the room: to a dilemma, to a step, show or hide the results, put a "what if…?" to it."""
    session = _open_session(request, slug, code)
    form = SteerForm(request.POST)
    if not form.is_valid() or not session.is_open:
        return HttpResponse(_("The session is not open, or that is not a step of this session."), status=400)
    data = form.cleaned_data
    if data["item"]:
        item = session.items.filter(code=data["item"]).first()
        if item is None:
            raise Http404
    else:
        item = running.current_item(session)
        if item is None:
            return HttpResponse(_("Choose a dilemma first."), status=400)
    running.go_to(session, item, data["step"] or None)
    changed = []
    if data["reveal"]:
        item.revealed = data["reveal"] == "show"
        changed.append("revealed")
    if data["variation"] is not None:
        if data["variation"] and (
            item.dilemma is None or not item.dilemma.variations.filter(position=data["variation"]).exists()
        ):
            return HttpResponse(_("This dilemma has no such “what if…?”."), status=400)
        item.variation = data["variation"]
        changed.append("variation")
    if changed:
        item.save(update_fields=changed)
    return redirect("dialogue:run", slug=slug, code=code)


@login_required
@require_POST
def record(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Write down an agreement or a lesson, for the current dilemma or the session as a whole."""
    access = get_session_for_user(request, slug, code, run=True)
    session = access.session
    if session.is_draft:
        return HttpResponse(_("Start the session before you record what it agreed."), status=400)
    form = RecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("dialogue:run" if session.is_open else "dialogue:report", slug=slug, code=code)
    item = None
    if form.cleaned_data["item"]:
        item = session.items.filter(code=form.cleaned_data["item"]).first()
        if item is None:
            raise Http404
    Record.objects.create(
        session=session,
        organisation_id=session.organisation_id,
        item=item,
        kind=form.cleaned_data["kind"],
        text=form.cleaned_data["text"],
        author=user_of(request),
    )
    messages.success(request, _("It is recorded."))
    return redirect("dialogue:run" if session.is_open else "dialogue:report", slug=slug, code=code)


@login_required
@require_POST
def remove_participant(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Remove a disruptive participant: they can no longer vote; the votes they cast stay counted."""
    session = get_session_for_user(request, slug, code, run=True).session
    form = RemoveParticipantForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose the participant to remove."), status=400)
    found = session.participants.filter(code=form.cleaned_data["participant"]).first()
    if found is None:
        raise Http404
    found.remove()
    messages.success(request, _("The participant is removed from the session."))
    return redirect("dialogue:run", slug=slug, code=code)


@login_required
@require_POST
def close(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    session = get_session_for_user(request, slug, code, run=True).session
    if not session.is_open:
        return HttpResponse(_("Only an open session can be closed."), status=400)
    session.close()
    messages.success(request, _("The session is closed; its code no longer works. Here is its report."))
    return redirect("dialogue:report", slug=slug, code=code)
