"""Pages where an organisation's admins make and revoke API tokens. Mounted by api/token_urls.py.

A new token's secret is shown once, in the answer to the POST that made it (not stored, not in a
redirect or the session), with caching forbidden; afterwards only its first characters are shown.
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.models import User
from api.forms import TokenForm
from api.models import Token
from organisations.access import get_membership, require_admin


@login_required
@never_cache
def tokens(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's tokens, and the form to make one; admins only."""
    membership = get_membership(request, slug)
    require_admin(membership)
    organisation = membership.organisation
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            assert isinstance(request.user, User)
            token, secret = Token.issue(
                organisation=organisation,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                by=request.user,
            )
            return render(
                request,
                "api/token_created.html",
                {"organisation": organisation, "membership": membership, "token": token, "secret": secret},
            )
    else:
        form = TokenForm()
    listed = Token.objects.filter(organisation=organisation).select_related("created_by")
    return render(
        request,
        "api/tokens.html",
        {
            "organisation": organisation,
            "membership": membership,
            "form": form,
            "active": [t for t in listed if t.is_active],
            "revoked": [t for t in listed if not t.is_active][:20],
        },
    )


@login_required
def token_revoke(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Ask, then revoke: from the next request on, the token gets 401."""
    membership = get_membership(request, slug)
    token = Token.objects.active().filter(organisation=membership.organisation, code=code).first()
    if token is None:
        raise Http404
    require_admin(membership)
    if request.method == "POST":
        assert isinstance(request.user, User)
        token.revoke(by=request.user)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("api_tokens:tokens", slug=slug)
    return render(
        request,
        "api/token_revoke.html",
        {"organisation": membership.organisation, "membership": membership, "token": token},
    )
