"""The one way into the API: `authorize` checks the token, its scope and its rate limit.

Every endpoint is a function view under `@authorize("<area>")`. A read (GET) needs "<area>:read", any
other method "<area>:write". The token acts as its organisation: views find objects through the same
querysets the access helpers of the pages use (`Partnership.objects.involving`,
`Assessment.objects.visible_to`, …), so a token reads another organisation's data only through the
consent records the pages honour.

Errors always have the same body: {"error": {"code": …, "message": …, "fields": {…}}}.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from api.models import Token

View = Callable[..., HttpResponse]
READ_METHODS = {"GET", "HEAD"}
# A request body bigger than this is refused before it is parsed.
MAX_BODY_BYTES = 64 * 1024


class ApiError(Exception):
    """Raised by a view to answer with an error body; `authorize` turns it into the response."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def error(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": fields or {}}}, status=status)


def not_found() -> ApiError:
    return ApiError(404, "not_found", "No such object, or not visible to this token.")


def bearer_secret(request: HttpRequest) -> str:
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def authorize(area: str, methods: tuple[str, ...] = ("GET",)) -> Callable[[View], View]:
    """Authenticate the bearer token and allow `methods`; a read needs `area`:read, a write `area`:write."""
    allowed = {m.upper() for m in methods} | ({"HEAD"} if "GET" in methods else set())

    def decorator(view: View) -> View:
        @csrf_exempt  # No cookies are read here: a bearer token cannot be sent by a cross-site form.
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            secret = bearer_secret(request)
            token = Token.from_secret(secret) if secret else None
            if token is None:
                response = error(
                    401,
                    "unauthorised",
                    "A valid token is needed: Authorization: Bearer <token>." if secret else "No token was sent.",
                )
                response["WWW-Authenticate"] = 'Bearer realm="samen"'
                return response
            if request.method not in allowed:
                response = error(405, "method_not_allowed", f"{request.method} is not allowed here.")
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            scope = f"{area}:read" if request.method in READ_METHODS else f"{area}:write"
            if not token.allows(scope):
                return error(403, "forbidden", f"This token does not have the scope {scope}.")
            wait = token.take()
            if wait:
                response = error(429, "rate_limited", f"Too many requests; try again in {wait} seconds.")
                response["Retry-After"] = str(wait)
                return response
            request.api_token = token  # type: ignore[attr-defined]
            try:
                return view(request, token, *args, **kwargs)
            except ApiError as e:
                return error(e.status, e.code, e.message, e.fields)

        return wrapper

    return decorator


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object, or ApiError 400 (malformed, not an object, too big) / 415 (not JSON)."""
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"The body may be at most {MAX_BODY_BYTES} bytes.")
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "malformed_json", "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid", "The body must be a JSON object.")
    return data
