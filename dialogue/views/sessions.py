"""The organisation's dilemma sessions: the list, and composing a session from the library."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import Event, record
from dialogue import running
from dialogue.access import can_facilitate, get_session_for_user, require_facilitator, sessions_for, user_of
from dialogue.forms import AddDilemmaForm, FindDilemmaForm, MoveForm, SessionForm
from dialogue.models import Session, SessionItem
from dilemmas.models import Dilemma
from dilemmas.search import search
from organisations.access import get_membership
from organisations.models import Membership
from samen.csv_export import csv_response, filename

PER_PAGE = 20
FOUND = 10


@login_required
def sessions(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    page = Paginator(_listed(membership), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "dialogue/sessions.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "page_obj": page,
            "can_facilitate": can_facilitate(membership),
        },
    )


def _listed(membership: Membership) -> "QuerySet[Session]":
    """The sessions list, shared by the page and its CSV download."""
    return (
        Session.objects.filter(sessions_for(membership), kind=Session.Kind.DILEMMA)
        .select_related("organisation", "facilitator")
        .annotate(item_count=Count("items", distinct=True), participant_count=Count("participants", distinct=True))
        .order_by("-created_at", "-pk")
    )


@login_required
def sessions_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Every session of the list (not one page) as CSV: the columns of the page, no votes or records."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    rows = [
        [
            session.title,
            session.created_at.date(),
            session.facilitator.display_name if session.facilitator else "",
            session.organisation.name,
            _("Expired") if session.has_expired() else session.get_status_display(),
            session.item_count,  # type: ignore[attr-defined]
            session.participant_count,  # type: ignore[attr-defined]
        ]
        for session in _listed(membership)
    ]
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=organisation.slug,
        target="dilemma sessions",
        detail={"format": "csv", "rows": len(rows)},
    )
    header = [
        _("Session"),
        _("Prepared on"),
        _("Facilitator"),
        _("Organisation"),
        _("Status"),
        _("Dilemmas"),
        _("Participants"),
    ]
    return csv_response(filename(organisation.slug, "dilemma-sessions"), header, rows)


@login_required
def new(request: HttpRequest, slug: str) -> HttpResponse:
    """A new dilemma session, as a draft its facilitator then fills from the library."""
    membership = get_membership(request, slug)
    require_facilitator(membership)
    organisation = membership.organisation
    status = 200
    if request.method == "POST":
        form = SessionForm(request.POST, organisation=organisation)
        if form.is_valid():
            session = Session.objects.create(
                organisation=organisation,
                partnership=form.cleaned_data["partnership"],
                kind=Session.Kind.DILEMMA,
                title=form.cleaned_data["title"],
                mode=form.cleaned_data["mode"],
                facilitator=user_of(request),
            )
            return redirect("dialogue:compose", slug=slug, code=session.code)
        status = 400
    else:
        form = SessionForm(organisation=organisation, initial={"mode": Session.Mode.INDIVIDUAL})
    return render(
        request,
        "dialogue/new.html",
        {"organisation": organisation, "membership": membership, "form": form},
        status=status,
    )


@login_required
def compose(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The session's dilemmas in order, a search of the library to add more, and its title and mode."""
    access = get_session_for_user(request, slug, code, run=True)
    session, membership = access.session, access.membership
    organisation = membership.organisation
    if session.is_closed:
        return redirect("dialogue:report", slug=slug, code=code)
    status = 200
    settings_form = SessionForm(
        organisation=organisation,
        initial={
            "title": session.title,
            "mode": session.mode,
            "partnership": str(session.partnership.code) if session.partnership else "",
        },
    )
    if request.method == "POST":
        settings_form = SessionForm(request.POST, organisation=organisation)
        if settings_form.is_valid():
            session.title = settings_form.cleaned_data["title"]
            session.mode = settings_form.cleaned_data["mode"]
            session.partnership = settings_form.cleaned_data["partnership"]
            session.save(update_fields=["title", "mode", "partnership"])
            messages.success(request, _("The session is saved."))
            return redirect("dialogue:compose", slug=slug, code=code)
        status = 400
    items = list(session.items.select_related("dilemma"))
    find = FindDilemmaForm(request.GET)
    query = find.cleaned_data["q"] if find.is_valid() else ""
    chosen = [item.dilemma_id for item in items if item.dilemma_id]
    library = Dilemma.objects.visible_to(organisation).exclude(pk__in=chosen).cards()
    candidates = search(library, query, organisation).head(FOUND)
    return render(
        request,
        "dialogue/compose.html",
        {
            "organisation": organisation,
            "membership": membership,
            "session": session,
            "items": items,
            "form": settings_form,
            "find": find,
            "query": query,
            "candidates": candidates,
        },
        status=status,
    )


@login_required
@require_POST
def add_item(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_session_for_user(request, slug, code, run=True)
    form = AddDilemmaForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose a dilemma from the library."), status=400)
    dilemma = (
        Dilemma.objects.visible_to(access.membership.organisation).filter(code=form.cleaned_data["dilemma"]).first()
    )
    if dilemma is None:
        raise Http404
    try:
        running.add_dilemma(access.session, dilemma)
    except running.SessionError:
        return HttpResponse(
            _("This dilemma cannot be added: it is in the session already, or the session is closed."), status=400
        )
    messages.success(request, _("“%(title)s” is added to the session.") % {"title": dilemma.title})
    return redirect("dialogue:compose", slug=slug, code=code)


def _item(session: Session, item: UUID) -> SessionItem:
    found = session.items.filter(code=item).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def move_item(request: HttpRequest, slug: str, code: UUID, item: UUID) -> HttpResponse:
    access = get_session_for_user(request, slug, code, run=True)
    found = _item(access.session, item)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Move it up or down."), status=400)
    running.move_item(found, -1 if form.cleaned_data["direction"] == "up" else 1)
    return redirect("dialogue:compose", slug=slug, code=code)


@login_required
@require_POST
def remove_item(request: HttpRequest, slug: str, code: UUID, item: UUID) -> HttpResponse:
    access = get_session_for_user(request, slug, code, run=True)
    found = _item(access.session, item)
    try:
        running.remove_item(found)
    except running.SessionError:
        return HttpResponse(_("People voted on this dilemma already: it stays in the session."), status=400)
    messages.success(request, _("“%(title)s” is taken out of the session.") % {"title": found.title})
    return redirect("dialogue:compose", slug=slug, code=code)


@login_required
@require_POST
def start(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_session_for_user(request, slug, code, run=True)
    try:
        running.start(access.session)
    except running.SessionError:
        return HttpResponse(_("Add at least one dilemma before you start; a session starts once."), status=400)
    messages.success(request, _("The session is open. Show the code or the QR code to the room."))
    return redirect("dialogue:run", slug=slug, code=code)
