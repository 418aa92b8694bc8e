"""Sharing across organisations: consents given and received, and what a consent lets the viewer see."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from audit.models import Event, record
from organisations import subjects
from organisations.access import get_membership, require_manager
from organisations.forms import ConsentForm, search_candidates
from organisations.models import Consent, Partnership, consent_allows


@login_required
def sharing(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    # Need-to-know subjects (case summaries) are managed where they live, not listed to every member.
    given = [
        c
        for c in Consent.objects.filter(organisation=organisation).select_related(
            "to_organisation", "to_alliance", "given_by"
        )
        if subjects.is_listed(c.subject)
    ]
    received = [
        c
        for c in Consent.objects.granting(organisation)
        .exclude(organisation=organisation)
        .select_related("organisation", "to_organisation", "to_alliance")
        if subjects.is_listed(c.subject)
    ]
    return render(
        request,
        "organisations/sharing.html",
        {
            "organisation": organisation,
            "membership": membership,
            "active": [c for c in given if c.is_active],
            "past": [c for c in given if not c.is_active],
            "received": received,
        },
    )


@login_required
def consent_add(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_manager(membership)
    organisation = membership.organisation
    q = (request.POST.get("q") if request.method == "POST" else request.GET.get("q")) or ""
    candidates = search_candidates(q, exclude=[organisation.pk])
    if request.method == "POST":
        form = ConsentForm(request.POST, organisation=organisation, candidates=candidates)
        if form.is_valid():
            consent = Consent.give(
                organisation=organisation,
                subject=form.cleaned_data["subject"],
                by=request.user,  # type: ignore[arg-type]
                **{name: form.cleaned_data[name] for name in Consent.RECIPIENT_FIELDS},
            )
            messages.success(request, _("You now share this with %(who)s.") % {"who": consent.recipient_label})
            return redirect("organisations:sharing", slug=slug)
    else:
        scope = Consent.Scope.ORGANISATION if q else None
        form = ConsentForm(initial={"q": q, "scope": scope}, organisation=organisation, candidates=candidates)
    return render(
        request,
        "organisations/consent_add.html",
        {
            "organisation": organisation,
            "membership": membership,
            "form": form,
            "q": q,
            "searched": bool(q.strip()),
            "candidates": candidates,
        },
    )


@login_required
def consent_revoke(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    membership = get_membership(request, slug)
    consent = get_object_or_404(
        Consent.objects.select_related("to_organisation", "to_alliance"),
        organisation=membership.organisation,
        code=code,
    )
    if not subjects.is_listed(consent.subject):
        # A need-to-know share is revoked by the people who may know of it, where it lives.
        raise Http404
    require_manager(membership)
    # Back to where the revoke was started (the sharing page, or the page of what is shared).
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("organisations:sharing", kwargs={"slug": slug})
    if request.method == "POST":
        if consent.revoked_at is None:
            consent.revoke(request.user)  # type: ignore[arg-type]
            record(
                Event.CONSENT_REVOKED,
                actor=request.user.email,  # type: ignore[union-attr]
                organisation=slug,
                target=consent.subject,
                detail={"consent": str(consent.code), "scope": consent.scope, "to": consent.recipient_label},
            )
            messages.success(request, _("%(who)s no longer sees this.") % {"who": consent.recipient_label})
        return redirect(back)
    return render(
        request,
        "organisations/consent_revoke.html",
        {"organisation": membership.organisation, "membership": membership, "consent": consent, "back": back},
    )


@login_required
def shared(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """What a consent grants the viewer: the owner's partnerships, only while the consent holds."""
    membership = get_membership(request, slug)
    viewer = membership.organisation
    consent = (
        Consent.objects.granting(viewer)
        .exclude(organisation=viewer)
        .select_related("organisation")
        .filter(code=code)
        .first()
    )
    if consent is None or not consent_allows(consent.subject, consent.organisation, viewer):
        raise Http404
    if consent.subject != "partnerships":
        # Other subjects are shown by the apps that own them, behind their own access checks.
        target = subjects.url_for(consent.subject, viewer.slug)
        if target is None:
            raise Http404
        return redirect(target)
    owner = consent.organisation
    page = Paginator(Partnership.objects.involving(owner).order_by("-created_at"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/shared.html",
        {
            "organisation": viewer,
            "membership": membership,
            "consent": consent,
            "owner": owner,
            "page_obj": page,
            "rows": [(p, p.other(owner)) for p in page],
        },
    )
