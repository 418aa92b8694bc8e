"""The session's report (page and PDF), and what its records become: actions and library dilemmas."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.models import ActionPlan
from audit import models as audit
from audit.models import Event
from dialogue import report as reporting
from dialogue.access import get_session_for_user, user_of
from dialogue.forms import RecordForm
from dialogue.models import Record, Session
from dilemmas.drafts import draft_from_lessons
from dilemmas.models import Context
from documents.background import made_in_background

ACTION_TITLE = 300


@login_required
def report(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_session_for_user(request, slug, code)
    session = access.session
    session.close_if_expired()
    return render(
        request,
        "dialogue/report.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "access": access,
            "session": session,
            "report": reporting.build(session),
            "record_form": RecordForm(initial={"kind": Record.Kind.AGREEMENT}),
        },
    )


@login_required
@made_in_background
def report_pdf(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_session_for_user(request, slug, code)
    session = access.session
    pdf = reporting.report_pdf(reporting.build(session), user_of(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"session-{session.opened_at or session.created_at:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    audit.record(
        Event.EXPORT,
        actor=access.membership.user.email,
        organisation=access.membership.organisation.slug,
        target=f"session report {session.code}",
        detail={"format": "pdf"},
    )
    return response


def _record(session: Session, code: UUID, kind: str) -> Record:
    found = session.records.select_related("item__dilemma").filter(code=code, kind=kind).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def record_action(request: HttpRequest, slug: str, code: UUID, record: UUID) -> HttpResponse:
    """An agreement becomes an action in the session's action plan (co-owned by the partner, if any)."""
    access = get_session_for_user(request, slug, code, run=True)
    session, user = access.session, user_of(request)
    found = _record(session, record, Record.Kind.AGREEMENT)
    if found.action_id is not None:
        messages.info(request, _("This agreement is an action already."))
        return redirect("dialogue:report", slug=slug, code=code)
    partner = session.partnership.other(session.organisation) if session.partnership else None
    with transaction.atomic():
        plan = ActionPlan.start(
            organisation=session.organisation,
            partner=partner,
            title=_("Agreements of the session “%(title)s”") % {"title": session.title},
            source_kind=ActionPlan.Source.SESSION,
            source_code=session.code,
            by=user,
        )
        title = " ".join(found.text.split())
        action = plan.add_action(
            title=title if len(title) <= ACTION_TITLE else title[: ACTION_TITLE - 1] + "…",
            description=found.text,
            by=user,
            by_organisation=session.organisation,
        )
        found.action = action
        found.save(update_fields=["action"])
    messages.success(request, _("The agreement is an action in the plan “%(plan)s”.") % {"plan": plan.title})
    return redirect("dialogue:report", slug=slug, code=code)


@login_required
@require_POST
def record_dilemma(request: HttpRequest, slug: str, code: UUID, record: UUID) -> HttpResponse:
    """A lesson becomes a draft library dilemma of the facilitator, to complete, check and submit."""
    access = get_session_for_user(request, slug, code, run=True)
    session, user = access.session, user_of(request)
    found = _record(session, record, Record.Kind.LESSON)
    if found.dilemma_id is not None:
        messages.info(request, _("A dilemma was made of this lesson already."))
        return redirect("dialogue:report", slug=slug, code=code)
    # The new dilemma starts with the topics and context of the one the room discussed.
    tags: list[str] = []
    context = Context.ORGANISATION
    if found.item is not None and found.item.dilemma is not None:
        source = found.item.dilemma
        tags = [t.code for t in source.types.all()] + [s.code for s in source.subtypes.all()]
        context = Context(source.context)
    with transaction.atomic():
        dilemma = draft_from_lessons(
            session.organisation,
            user,
            found.text,
            tags,
            context=context,
            language=user.language if user.language in ("nl", "en") else None,
        )
        found.dilemma = dilemma
        found.save(update_fields=["dilemma"])
    messages.success(
        request,
        _(
            "A draft dilemma is made of the lesson. Write its courses of action; before it is shared it goes "
            "through the check for names and places and the review."
        ),
    )
    return redirect("dilemmas:edit", slug=slug, code=dilemma.code)
