"""Pages where an organisation's admins manage webhook endpoints and watch their deliveries.

Every page is for admins: other members get 403, outsiders 404. A new endpoint's secret is shown once,
in the answer to the POST that made it, with caching forbidden (as for API tokens); so is a new secret
after a rotation, which replaces the old one at once.
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.models import User
from organisations.access import get_membership, require_admin
from organisations.models import Membership
from webhooks.delivery import retry_now
from webhooks.events import send_test
from webhooks.forms import EndpointEditForm, EndpointForm
from webhooks.models import Delivery, Endpoint, retention
from webhooks.tasks import schedule

DELIVERIES_PER_PAGE = 50


def _admin(request: HttpRequest, slug: str) -> Membership:
    membership = get_membership(request, slug)
    require_admin(membership)
    return membership


def _endpoint(request: HttpRequest, slug: str, code: UUID) -> tuple[Membership, Endpoint]:
    """The organisation's endpoint `code` (404 for outsiders and unknown codes) for an admin (else 403)."""
    membership = get_membership(request, slug)
    endpoint = Endpoint.objects.filter(organisation=membership.organisation, code=code).first()
    if endpoint is None:
        raise Http404
    require_admin(membership)
    return membership, endpoint


@login_required
@never_cache
def endpoints(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's endpoints, and the form to add one."""
    membership = _admin(request, slug)
    organisation = membership.organisation
    if request.method == "POST":
        form = EndpointForm(request.POST)
        if form.is_valid():
            assert isinstance(request.user, User)
            endpoint = Endpoint.add(
                organisation=organisation,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                by=request.user,
            )
            return render(
                request,
                "webhooks/endpoint_created.html",
                {"organisation": organisation, "membership": membership, "endpoint": endpoint},
            )
    else:
        form = EndpointForm()
    listed = Endpoint.objects.filter(organisation=organisation).select_related("created_by")
    return render(
        request,
        "webhooks/endpoints.html",
        {"organisation": organisation, "membership": membership, "form": form, "endpoints": listed},
    )


@login_required
def endpoint(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """One endpoint: its settings and its deliveries, newest first, a page at a time."""
    membership, endpoint = _endpoint(request, slug, code)
    deliveries = Paginator(endpoint.deliveries.order_by("-created_at", "-pk"), DELIVERIES_PER_PAGE)
    return render(
        request,
        "webhooks/endpoint.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "endpoint": endpoint,
            "page_obj": deliveries.get_page(request.GET.get("page")),
            "retention_days": retention().days,
        },
    )


@login_required
def endpoint_edit(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Change the URL, the events, and whether it is on."""
    membership, endpoint = _endpoint(request, slug, code)
    if request.method == "POST":
        form = EndpointEditForm(request.POST)
        if form.is_valid():
            assert isinstance(request.user, User)
            changed = endpoint.change(
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                is_active=form.cleaned_data["is_active"],
                by=request.user,
            )
            if changed:
                messages.success(request, _("The webhook is changed."))
            return redirect("webhooks:endpoint", slug=slug, code=endpoint.code)
    else:
        form = EndpointEditForm(
            initial={"url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
        )
    return render(
        request,
        "webhooks/endpoint_edit.html",
        {"organisation": membership.organisation, "membership": membership, "endpoint": endpoint, "form": form},
    )


@login_required
@never_cache
def endpoint_secret(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Ask, then replace the signing secret: the new one is shown once, the old one signs nothing from now on."""
    membership, endpoint = _endpoint(request, slug, code)
    context = {"organisation": membership.organisation, "membership": membership, "endpoint": endpoint}
    if request.method == "POST":
        assert isinstance(request.user, User)
        endpoint.rotate_secret(by=request.user)
        return render(request, "webhooks/endpoint_secret_new.html", context)
    return render(request, "webhooks/endpoint_secret.html", context)


@login_required
def endpoint_switch(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Turn the endpoint off (nothing is sent) or on again."""
    _membership, endpoint = _endpoint(request, slug, code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    assert isinstance(request.user, User)
    on = request.POST.get("on") == "1"
    endpoint.switch(on=on, by=request.user)
    if on:
        messages.success(request, _("The webhook is on."))
    else:
        messages.success(request, _("The webhook is off: Samen sends it nothing until you turn it on again."))
    return redirect("webhooks:endpoint", slug=slug, code=endpoint.code)


@login_required
def endpoint_test(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Send a "ping" event now, to check that the receiver answers and verifies the signature."""
    _membership, endpoint = _endpoint(request, slug, code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not endpoint.is_active:
        messages.error(request, _("The webhook is off. Turn it on to send a test event."))
    else:
        send_test(endpoint)
        messages.success(request, _("A test event is on its way. Its delivery is listed below."))
    return redirect("webhooks:endpoint", slug=slug, code=endpoint.code)


@login_required
def endpoint_delete(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Ask, then delete the endpoint and its deliveries."""
    membership, endpoint = _endpoint(request, slug, code)
    if request.method == "POST":
        assert isinstance(request.user, User)
        endpoint.remove(by=request.user)
        messages.success(request, _("The webhook to %(url)s is deleted.") % {"url": endpoint.url})
        return redirect("webhooks:endpoints", slug=slug)
    return render(
        request,
        "webhooks/endpoint_delete.html",
        {"organisation": membership.organisation, "membership": membership, "endpoint": endpoint},
    )


@login_required
def delivery_retry(request: HttpRequest, slug: str, code: UUID, delivery: UUID) -> HttpResponse:
    """Try a waiting or failed delivery again at once."""
    _membership, endpoint = _endpoint(request, slug, code)
    found = Delivery.objects.filter(endpoint=endpoint, code=delivery).first()
    if found is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if found.status == Delivery.Status.DELIVERED:
        messages.info(request, _("That delivery has already arrived."))
    elif not endpoint.is_active:
        messages.error(request, _("The webhook is off. Turn it on to retry deliveries."))
    else:
        retry_now(found, timezone.now())
        transaction.on_commit(lambda: schedule(found))
        messages.success(request, _("The delivery is being tried again."))
    return redirect("webhooks:endpoint", slug=slug, code=endpoint.code)
