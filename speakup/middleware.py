"""No traces of the reporter on the public speak-up pages.

This middleware must come FIRST in settings.MIDDLEWARE: it removes the client's address, user agent and
referrer from the request before any other middleware, view, logger or error report can see them, and
it has the last word on the response headers and cookies.

Cookies: a reporter's browser gets none before the receipt login. After it, the session cookie is the
only one (no CSRF cookie: the follow-up forms carry a token bound to the session instead, see
speakup/forms_public.py). Anything else a view or middleware tries to set on a speak-up page (a CSRF
cookie because some template asked for a token, a language cookie, a message cookie) is dropped here, so
a mistake elsewhere cannot leave a trace in the reporter's browser.

After the receipt login there are two cookies, both first-party, httponly and gone when the browser
closes: the session cookie, and `samen_unlock` (speakup.keys.UNLOCK_COOKIE), which holds the random key
the reporter's private key is locked under in the session. The second one is what keeps a copy of the
sessions table from opening the report: the threat model includes the database and the server's secrets.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from speakup.keys import UNLOCK_COOKIE

PREFIX = "/speak-up/"

# What identifies the client or where they came from. Proxies add their own headers for the client
# address; every common one is removed, whatever the deployment.
IDENTIFYING_META = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_X_CLUSTER_CLIENT_IP",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_MOBILE",
    "HTTP_SEC_CH_UA_PLATFORM",
)

# A view sets this on the request when it may start a session (the receipt login).
SESSION_ALLOWED = "speakup_session_allowed"


def is_public_speakup(path: str) -> bool:
    return path.startswith(PREFIX)


def allow_session(request: HttpRequest) -> None:
    """Let this response set the session cookie (only the receipt login calls this)."""
    setattr(request, SESSION_ALLOWED, True)


class NoTracesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_public_speakup(request.path_info):
            return self.get_response(request)

        for key in IDENTIFYING_META:
            request.META.pop(key, None)
        had_session = settings.SESSION_COOKIE_NAME in request.COOKIES

        response = self.get_response(request)

        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        # Only the session and unlock cookies, and only once the reporter has logged in with their receipt
        # (or is ending that session: deleting the cookie is a Set-Cookie too).
        session_ok = had_session or getattr(request, SESSION_ALLOWED, False)
        allowed = {settings.SESSION_COOKIE_NAME, UNLOCK_COOKIE} if session_ok else set()
        for name in list(response.cookies):
            if name not in allowed:
                del response.cookies[name]
        return response
