"""The participants' pages at join/: no account, a cookie with a random token, in their language.

The language is the participant's choice (stored with them; before joining: ?lang= or the browser's
languages), activated per request with translation.override, since the site-wide language setting
knows only Dutch and English. A dilemma's texts exist in Dutch and English: French and Spanish
readers see the English ones, marked with their language.

The room page works without JavaScript (a "Refresh" link, and every action is a form). With htmx, the
part that changes while people talk (the step, the "what if…?", the results) is fetched every few
seconds; when the facilitator moves to another dilemma, that request asks htmx to reload the page
(HX-Refresh), so the vote form is never replaced while someone is choosing.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogue import running
from dialogue.forms import JoinCodeForm, JoinForm, VoteForm
from dialogue.models import (
    STEPS,
    Participant,
    Session,
    SessionItem,
    Step,
    Vote,
    normalise_join_code,
)
from dialogue.participants import (
    ENTER,
    TooManyAttempts,
    find_session,
    join,
    language_of,
    participant_by_code,
    participant_page,
    set_cookie,
)
from samen.charts import bar_chart

POLL_SECONDS = 3


def _page(request: HttpRequest, template: str, context: dict[str, Any], lang: str, status: int = 200) -> HttpResponse:
    return participant_page(request, template, context, lang, poll_seconds=POLL_SECONDS, status=status)


def _ended(request: HttpRequest, lang: str, *, participant: bool = False) -> HttpResponse:
    # 410 for a code that no longer works; a participant who took part gets their goodbye with a 200.
    return _page(request, "dialogue/public/ended.html", {"participant": participant}, lang, 200 if participant else 410)


def _busy(request: HttpRequest, lang: str) -> HttpResponse:
    response = _page(request, "dialogue/public/busy.html", {}, lang, 429)
    response["Retry-After"] = "60"
    return response


def start(request: HttpRequest) -> HttpResponse:
    """The code form (GET, so it works from a bookmark or a typed address too)."""
    lang = language_of(request)
    form = JoinCodeForm(request.GET if "code" in request.GET else None)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            session = find_session(request, form.cleaned_data["code"])
        except TooManyAttempts:
            return _busy(request, lang)
        if session is not None:
            session.close_if_expired()
            if not session.is_open:
                return _ended(request, lang)
            return redirect(
                reverse(ENTER[Session.Kind(session.kind)], kwargs={"code": session.join_code}) + f"?lang={lang}"
            )
        with translation.override(lang):
            form.add_error("code", _("No session has this code. Check it and try again."))
        status = 404
    elif form.is_bound:
        status = 400
    return _page(request, "dialogue/public/start.html", {"form": form}, lang, status)


def enter(request: HttpRequest, code: str) -> HttpResponse:
    """Join a session: an optional name and a language; a browser that joined goes on to the room."""
    participant = participant_by_code(request, code)
    if participant is not None and participant.session.kind != Session.Kind.DILEMMA:
        return redirect(ENTER[Session.Kind(participant.session.kind)], code=participant.session.join_code)
    if participant is not None and request.method == "GET" and "change" not in request.GET:
        return redirect("join:room", code=participant.session.join_code)
    lang = language_of(request, participant) if "lang" not in request.GET else language_of(request)
    if participant is not None:
        session: Session | None = participant.session
    else:
        try:
            session = find_session(request, code)
        except TooManyAttempts:
            return _busy(request, lang)
    if session is None:
        with translation.override(lang):
            code_form = JoinCodeForm(data={"code": code})
            code_form.is_valid()
            code_form.add_error("code", _("No session has this code. Check it and try again."))
        return _page(request, "dialogue/public/start.html", {"form": code_form}, lang, 404)
    if session.kind != Session.Kind.DILEMMA:
        return redirect(ENTER[Session.Kind(session.kind)], code=session.join_code)
    session.close_if_expired()
    if not session.is_open:
        return _ended(request, lang, participant=participant is not None)
    if participant is not None and participant.is_removed:
        return _page(request, "dialogue/public/removed.html", {"session": session}, participant.language, 403)
    status = 200
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            participant, token = join(
                request, session, display_name=form.cleaned_data["display_name"], language=form.cleaned_data["language"]
            )
            response = redirect("join:room", code=session.join_code)
            set_cookie(response, token)
            return response
        status = 400
    else:
        form = JoinForm(initial={"language": lang, "display_name": participant.display_name if participant else ""})
    return _page(request, "dialogue/public/enter.html", {"session": session, "form": form}, lang, status)


def _texts(item: SessionItem, lang: str) -> dict[str, Any]:
    """The dilemma's texts in the participant's language (or English for languages it is not written in)."""
    dilemma = item.dilemma
    if dilemma is None:
        return {"title": item.title, "options": []}
    with translation.override(lang if lang in ("nl", "en") else "en"):
        options = running.shown_options(dilemma.options.all())
        variation = dilemma.variations.filter(position=item.variation).first() if item.variation else None
        return {
            "lang": dilemma.shown_language,
            "title": dilemma.title,
            "situation": dilemma.situation,
            "question": dilemma.question,
            "reflection": dilemma.reflection,
            "options": options,
            "variation": variation.text if variation else "",
        }


def _room(participant: Participant, item: SessionItem | None) -> dict[str, Any]:
    session = participant.session
    context: dict[str, Any] = {"participant": participant, "session": session, "item": item}
    if item is None:
        return context
    texts = _texts(item, participant.language)
    vote = Vote.objects.filter(participant=participant, item=item).first()
    visible = running.results_visible_to_participants(session, item, vote is not None)
    context |= {
        "texts": texts,
        "vote": vote,
        "voted_letter": next((o.letter for o in texts["options"] if vote and o.position == vote.choice), ""),
        "step": Step(item.step),
        "step_number": STEPS.index(Step(item.step)) + 1,
        "step_count": len(STEPS),
        "prompt": running.STEP_PROMPTS[Step(item.step)],
        "visible": visible,
        "present": session.participants.present().count(),
    }
    if visible:
        with translation.override(participant.language if participant.language in ("nl", "en") else "en"):
            shares, total = running.distribution(item, texts["options"])
        with translation.override(participant.language):
            title = _("How the room voted")
        context |= {
            "shares": shares,
            "total": total,
            "chart": bar_chart(running.chart_items(shares), maximum=max(total, 1), title=title, width=480),
        }
    return context


def _participant_or_redirect(request: HttpRequest, code: str) -> Participant | HttpResponse:
    participant = participant_by_code(request, code)
    if participant is None:
        return redirect("join:enter", code=normalise_join_code(code))
    if participant.session.kind != Session.Kind.DILEMMA:
        return redirect(ENTER[Session.Kind(participant.session.kind)], code=participant.session.join_code)
    return participant


def room(request: HttpRequest, code: str) -> HttpResponse:
    found = _participant_or_redirect(request, code)
    if isinstance(found, HttpResponse):
        return found
    session, lang = found.session, found.language
    session.close_if_expired()
    if not session.is_open:
        return _ended(request, lang, participant=True)
    if found.is_removed:
        return _page(request, "dialogue/public/removed.html", {"session": session}, lang, 403)
    item = running.current_item(session)
    context = _room(found, item)
    if item is not None and context.get("vote") is None:
        context["form"] = VoteForm()
    return _page(request, "dialogue/public/room.html", context, lang)


def live(request: HttpRequest, code: str) -> HttpResponse:
    """The changing part of the room (polled). Asks for a reload when the room moved on or ended."""
    found = _participant_or_redirect(request, code)
    if isinstance(found, HttpResponse):
        return found
    if not request.headers.get("HX-Request"):
        # A fragment for htmx; a browser that asks for it (a bookmark, a crawler) gets the room.
        return redirect("join:room", code=found.session.join_code)
    session = found.session
    item = running.current_item(session)
    shown = request.GET.get("item", "")
    voted = request.GET.get("voted", "") == "1"
    context = _room(found, item) if item is not None else {"participant": found, "session": session, "item": None}
    moved_on = (str(item.code) if item else "") != shown or (
        item is not None and (context["vote"] is not None) != voted
    )
    if not session.is_live or found.is_removed or moved_on:
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        response["Cache-Control"] = "no-store"
        return response
    # Without the request: the fragment needs no context processors.
    with translation.override(found.language):
        html = render_to_string("dialogue/public/_live.html", {**context, "poll_seconds": POLL_SECONDS})
    response = HttpResponse(html)
    response["Content-Language"] = found.language
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def vote(request: HttpRequest, code: str) -> HttpResponse:
    found = _participant_or_redirect(request, code)
    if isinstance(found, HttpResponse):
        return found
    session, lang = found.session, found.language
    if found.is_removed:
        return _page(request, "dialogue/public/removed.html", {"session": session}, lang, 403)
    item = running.current_item(session)
    if item is None or str(item.code) != request.POST.get("item", ""):
        # The facilitator moved on meanwhile: show where the room is now.
        return redirect("join:room", code=session.join_code)
    with translation.override(lang):
        form = VoteForm(request.POST)
        valid = form.is_valid()
    if valid:
        try:
            running.cast_vote(found, item, form.cleaned_data["choice"])
        except running.SessionError as refused:
            with translation.override(lang):
                form.add_error(
                    "choice",
                    _("Choose one of the courses of action.")
                    if str(refused) == "no such choice"
                    else _("This vote cannot be counted: the session has moved on or ended."),
                )
        else:
            return redirect("join:room", code=session.join_code)
    context = _room(found, item) | {"form": form}
    return _page(request, "dialogue/public/room.html", context, lang, 400)
