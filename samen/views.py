"""The front door and the error pages."""

from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static

from organisations.models import Membership


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home.html")
    membership = (
        Membership.objects.for_user(request.user)
        .order_by(F("last_used_at").desc(nulls_last=True), "organisation__name")
        .first()
    )
    if membership is None:
        return render(request, "no_organisation.html")
    return redirect("organisations:dashboard", slug=membership.organisation.slug)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on their own; answer with a redirect, never a page that could set a cookie."""
    return HttpResponsePermanentRedirect(static("img/samen.svg"))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: context processors touch the database, which may be what failed.
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
