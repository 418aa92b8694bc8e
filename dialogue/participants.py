"""Participants: people who join an open session from their phone, without an account.

A browser is known by a random token in one cookie (`COOKIE`: HttpOnly, SameSite=Lax, Secure outside
DEBUG, scoped to /join/, gone after `OPEN_FOR`); the database keeps only the token's SHA-256, per
session, so a copy of the database cannot act as a participant. The same browser keeps its token
across sessions and is a different participant in each.

Looking up a join code is bounded per client address (`JOIN_ATTEMPTS` per `JOIN_WINDOW` seconds, a
database token bucket): generous enough for a room of several hundred people behind one network
address, far too few to guess one of 8.5 × 10^11 codes. Every lookup by a browser that has not joined
yet counts, whether or not the code exists, so the answers teach a guesser nothing once the bucket is
empty. Requests of participants who joined (they carry their cookie) do not count.

Any kind of session uses these: the dilemma session's pages (dialogue/views/public.py), and later the
power-awareness session's.
"""

import secrets
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header

from accounts.models import TokenBucket
from dialogue.models import OPEN_FOR, PARTICIPANT_LANGUAGES, Participant, Session, normalise_join_code, token_hash

COOKIE = "samen_participant"
COOKIE_PATH = "/join/"
JOIN_ATTEMPTS = 1200
JOIN_WINDOW = 600
LANGUAGE_CODES = [code for code, _name in PARTICIPANT_LANGUAGES]


# Where a join code leads, by the kind of session: every kind has its own participant pages (by URL
# name, so this app imports none of the apps that build on it).
ENTER = {Session.Kind.DILEMMA: "join:enter", Session.Kind.POWER: "power_join:enter"}


def enter_url(session: Session) -> str:
    """The path of the page where a participant enters `session` (for its kind)."""
    return reverse(ENTER[Session.Kind(session.kind)], kwargs={"code": session.join_code})


def language_of(request: HttpRequest, participant: Participant | None = None) -> str:
    """The participant's language; before joining: ?lang=, else the browser's first one we have, else the site's."""
    if participant is not None:
        return participant.language
    asked = request.GET.get("lang", "")
    if asked in LANGUAGE_CODES:
        return asked
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        short = code.split("-")[0].lower()
        if short in LANGUAGE_CODES:
            return short
    default = settings.LANGUAGE_CODE[:2]
    return default if default in LANGUAGE_CODES else "en"


def participant_page(
    request: HttpRequest, template: str, context: dict[str, Any], lang: str, *, poll_seconds: int, status: int = 200
) -> HttpResponse:
    """A participant's page in their language, never cached (it changes as the room moves on)."""
    with translation.override(lang):
        response = render(
            request,
            template,
            {**context, "lang": lang, "languages": PARTICIPANT_LANGUAGES, "poll_seconds": poll_seconds},
            status=status,
        )
    response["Content-Language"] = lang
    response["Cache-Control"] = "no-store"
    return response


class TooManyAttempts(Exception):
    """This client looked up too many join codes in a short time."""


def _client(request: HttpRequest) -> str:
    # As the login's bound does (accounts/views.py): behind the reverse proxy (BEHIND_PROXY=1) REMOTE_ADDR is
    # the proxy, which appends the address it saw as the last X-Forwarded-For entry (earlier ones are forgeable).
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def find_session(request: HttpRequest, typed: str) -> Session | None:
    """The session a typed join code names (open, expired or closed), or None; bounded per client.

    Raises TooManyAttempts when this client looked up too many codes lately. A code is unique only among
    open sessions, so of several sessions that once had it, the open one (or else the latest) is found.
    """
    attempts = getattr(settings, "DIALOGUE_JOIN_ATTEMPTS", JOIN_ATTEMPTS)
    if not TokenBucket.authorize(f"join:{_client(request)}", attempts, JOIN_WINDOW):
        raise TooManyAttempts
    code = normalise_join_code(typed)
    if not code:
        return None
    return (
        Session.objects.filter(join_code=code)
        .exclude(status=Session.Status.DRAFT)
        .select_related("organisation")
        .order_by("-opened_at")
        .first()
    )


def browser_token(request: HttpRequest) -> str:
    return request.COOKIES.get(COOKIE, "")


def participant_in(request: HttpRequest, session: Session) -> Participant | None:
    """This browser's participant in `session` (removed or not), or None."""
    token = browser_token(request)
    if not token:
        return None
    return Participant.objects.filter(session=session, token_hash=token_hash(token)).first()


def join(request: HttpRequest, session: Session, *, display_name: str, language: str) -> tuple[Participant, str]:
    """Make this browser a participant of `session`; returns it and the token to put in the cookie.

    A browser that already joined keeps its participant (a removed one stays removed); its name and
    language are updated unless it was removed.
    """
    token = browser_token(request) or secrets.token_urlsafe(32)
    participant, created = Participant.objects.get_or_create(
        session=session,
        token_hash=token_hash(token),
        defaults={
            "organisation_id": session.organisation_id,
            "display_name": display_name,
            "language": language,
            "joined_at": timezone.now(),
        },
    )
    if not created and not participant.is_removed:
        participant.display_name, participant.language = display_name, language
        participant.save(update_fields=["display_name", "language"])
    return participant, token


def set_cookie(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(OPEN_FOR.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )


def participant_by_code(request: HttpRequest, typed: str) -> Participant | None:
    """This browser's participant in the session whose join code is `typed`, with its session; or None.

    Not counted against the lookup bound: only a browser that joined has a token that matches.
    """
    token = browser_token(request)
    code = normalise_join_code(typed)
    if not token or not code:
        return None
    return (
        Participant.objects.filter(token_hash=token_hash(token), session__join_code=code)
        .select_related("session", "session__organisation")
        .order_by("-session__opened_at")
        .first()
    )
