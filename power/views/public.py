"""The participants' pages of a power-awareness session at join/power/: no account, in their language.

A browser is known the way every dialogue session knows it (dialogue/participants.py: a random token
in an HttpOnly, SameSite=Lax cookie, Secure outside DEBUG; only its hash in the database; looking up
codes bounded per client). The participant chooses which of the partnership's two organisations they
are from, and the language of these pages (Dutch, English, French or Spanish), activated per request
with translation.override. The decisions are shown as they were written.

Every page works without JavaScript (a "Refresh" link; every action is a form). With htmx the part
that changes (the list of decisions, the results) is fetched every few seconds; when the facilitators
move the room to another stage, that request asks htmx to reload the page (HX-Refresh), so a score
form is never replaced while someone fills it in.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dialogue.models import Participant, Session
from dialogue.participants import (
    TooManyAttempts,
    find_session,
    join,
    language_of,
    participant_by_code,
    participant_page,
    set_cookie,
)
from power import running
from power.forms import DecisionForm, JoinForm, ScoresForm
from power.models import Affiliation, Change, Decision, Score, Stage, influence_labels
from power.results import gaps

POLL_SECONDS = 4


def _page(request: HttpRequest, template: str, context: dict[str, Any], lang: str, status: int = 200) -> HttpResponse:
    return participant_page(request, template, context, lang, poll_seconds=POLL_SECONDS, status=status)


def _not_found(request: HttpRequest, lang: str) -> HttpResponse:
    return _page(request, "power/public/not_found.html", {}, lang, 404)


def _ended(request: HttpRequest, lang: str, *, participant: bool = False) -> HttpResponse:
    # 410 for a code that no longer works; a participant who took part gets their goodbye with a 200.
    return _page(request, "power/public/ended.html", {"participant": participant}, lang, 200 if participant else 410)


def _removed(request: HttpRequest, session: Session, lang: str) -> HttpResponse:
    return _page(request, "power/public/removed.html", {"session": session}, lang, 403)


def enter(request: HttpRequest, code: str) -> HttpResponse:
    """Join: which organisation they are from, an optional name and a language; then on to the room."""
    participant = participant_by_code(request, code)
    if participant is not None and participant.session.kind != Session.Kind.POWER:
        participant = None
    if participant is not None and request.method == "GET" and "change" not in request.GET:
        return redirect("power_join:room", code=participant.session.join_code)
    lang = language_of(request, participant) if "lang" not in request.GET else language_of(request)
    session: Session | None
    if participant is not None:
        session = participant.session
    else:
        try:
            session = find_session(request, code)
        except TooManyAttempts:
            response = _page(request, "power/public/busy.html", {}, lang, 429)
            response["Retry-After"] = "60"
            return response
    if session is None or session.kind != Session.Kind.POWER:
        return _not_found(request, lang)
    session.close_if_expired()
    if not session.is_open:
        return _ended(request, lang, participant=participant is not None)
    if participant is not None and participant.is_removed:
        return _removed(request, session, lang)
    sides = running.sides(session)
    affiliation = Affiliation.objects.filter(participant=participant).select_related("side").first()
    status = 200
    if request.method == "POST":
        with translation.override(lang):
            form = JoinForm(request.POST, sides=sides)
            valid = form.is_valid()
        if valid:
            participant, token = join(
                request, session, display_name=form.cleaned_data["display_name"], language=form.cleaned_data["language"]
            )
            running.affiliate(participant, form.cleaned_data["side"])
            response = redirect("power_join:room", code=session.join_code)
            set_cookie(response, token)
            return response
        status = 400
    else:
        initial = {"language": lang, "display_name": participant.display_name if participant else ""}
        if affiliation is not None:
            initial["side"] = str(affiliation.side.code)
        form = JoinForm(initial=initial, sides=sides)
    context = {"session": session, "form": form, "affiliation": affiliation}
    return _page(request, "power/public/enter.html", context, lang, status)


def _participant(request: HttpRequest, code: str) -> Participant | None:
    participant = participant_by_code(request, code)
    if participant is None or participant.session.kind != Session.Kind.POWER:
        return None
    return participant


def _room(participant: Participant, **extra: Any) -> dict[str, Any]:
    session = participant.session
    sides = running.sides(session)
    stage = Stage(session.current) if session.current in Stage.values else Stage.DECISIONS
    decisions = list(Decision.objects.filter(session=session).order_by("created_at", "pk"))
    context: dict[str, Any] = {
        "participant": participant,
        "session": session,
        "stage": stage,
        "stage_number": stage.value,
        "stage_count": len(Stage.values),
        "decisions": decisions,
        "affiliation": Affiliation.objects.filter(participant=participant).select_related("side").first(),
        "sides": sides,
    }
    with translation.override(participant.language):
        scale = [(value, str(label)) for value, label in influence_labels(sides[0].name, sides[-1].name)]
    context["scale"] = scale
    if stage == Stage.DECISIONS:
        context["decision_form"] = DecisionForm()
    if stage == Stage.SCORING:
        given = dict(Score.objects.filter(participant=participant).values_list("decision_id", "value"))
        context["scored"] = len(given)
        context.setdefault(
            "form",
            ScoresForm(
                initial={str(d.code): given[d.pk] for d in decisions if d.pk in given},
                decisions=decisions,
                scale=scale,
            ),
        )
    if stage in (Stage.RESULTS, Stage.CHANGES):
        context["results"] = gaps(session, sides)
        context["changes"] = list(Change.objects.filter(session=session).select_related("decision"))
    return context | extra


def _in_room(request: HttpRequest, code: str) -> Participant | HttpResponse:
    """The participant of this browser in a live session, or the page to show instead."""
    participant = _participant(request, code)
    if participant is None:
        return redirect("power_join:enter", code=code.upper())
    session = participant.session
    session.close_if_expired()
    if not session.is_open:
        return _ended(request, participant.language, participant=True)
    if participant.is_removed:
        return _removed(request, session, participant.language)
    if not Affiliation.objects.filter(participant=participant).exists():
        # Joined through another page (the generic join form) without saying which organisation they
        # are from: they say it first.
        return redirect(reverse("power_join:enter", kwargs={"code": session.join_code}) + "?change=1")
    return participant


def room(request: HttpRequest, code: str) -> HttpResponse:
    found = _in_room(request, code)
    if isinstance(found, HttpResponse):
        return found
    return _page(request, "power/public/room.html", _room(found), found.language)


def live(request: HttpRequest, code: str) -> HttpResponse:
    """The changing part of the room (polled). Asks for a reload when the room moved on or ended."""
    participant = _participant(request, code)
    if participant is None:
        return redirect("power_join:enter", code=code.upper())
    session = participant.session
    if not session.is_live or participant.is_removed or request.GET.get("stage", "") != str(session.current):
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        response["Cache-Control"] = "no-store"
        return response
    return _page(request, "power/public/_live.html", _room(participant), participant.language)


@require_POST
def propose(request: HttpRequest, code: str) -> HttpResponse:
    """A participant lists a decision taken in the partnership."""
    found = _in_room(request, code)
    if isinstance(found, HttpResponse):
        return found
    lang = found.language
    with translation.override(lang):
        form = DecisionForm(request.POST)
        valid = form.is_valid()
    if valid:
        try:
            running.propose(found, form.cleaned_data["text"])
        except running.PowerError as refused:
            if str(refused) not in ("too many", "full"):
                # The facilitators moved on meanwhile: show where the room is now.
                return redirect("power_join:room", code=found.session.join_code)
            with translation.override(lang):
                form.add_error("text", _("The list is full: talk with the facilitators about what to add."))
        else:
            return redirect("power_join:room", code=found.session.join_code)
    return _page(request, "power/public/room.html", _room(found, decision_form=form), lang, 400)


@require_POST
def score(request: HttpRequest, code: str) -> HttpResponse:
    """The participant's scores: who holds the influence over each decision."""
    found = _in_room(request, code)
    if isinstance(found, HttpResponse):
        return found
    session, lang = found.session, found.language
    if session.current != Stage.SCORING:
        return redirect("power_join:room", code=session.join_code)
    decisions = list(Decision.objects.filter(session=session).order_by("created_at", "pk"))
    sides = running.sides(session)
    with translation.override(lang):
        scale = [(value, str(label)) for value, label in influence_labels(sides[0].name, sides[-1].name)]
        form = ScoresForm(request.POST, decisions=decisions, scale=scale)
        valid = form.is_valid()
    if valid:
        try:
            for decision, value in form.scores():
                running.score(found, decision, value)
        except running.PowerError:
            with translation.override(lang):
                form.add_error(None, _("These scores cannot be counted: the session has moved on or ended."))
        else:
            with translation.override(lang):
                messages.success(
                    request, _("Thank you: your scores are saved. You can change them while the room scores.")
                )
            return redirect("power_join:room", code=session.join_code)
    return _page(request, "power/public/room.html", _room(found, form=form), lang, 400)
