from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from organisations.access import memberships_of
from organisations.models import TWO_FACTOR_ROLES

# Pages a person who must set up two-factor authentication can still reach.
# An invitation can be accepted first: the new role may be what requires two-factor authentication.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/invitation/")


class TwoFactorRequiredMiddleware:
    """Admins, integrity officers and platform operators must use two-factor authentication.

    Until they have set it up, every page sends them to the set-up page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.has_two_factor
            and not request.path.startswith(ALLOWED_PREFIXES)
            # The memberships the page frame reads anyway (memberships_of keeps them on the request): no query more.
            and (user.is_staff or any(m.role in TWO_FACTOR_ROLES for m in memberships_of(request)))
        ):
            return redirect(f"{reverse('accounts:two_factor_setup')}?required=1")
        return self.get_response(request)
