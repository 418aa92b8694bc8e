"""Sharing a published dilemma beyond the organisation, and the sector's editors' review of sector shares.

Sharing needs the de-identification check passed on the current text. A share with an alliance is a
consent and counts at once; a share with the whole sector is a consent too, but the library shows it
to other organisations only once a platform operator (standing in for the sector association's
editors) approved it. Returning it revokes the sector consent, with the editors' reason.
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.models import Event, record
from dilemmas import checking
from dilemmas.access import get_dilemma_for_user, get_sector_offer, require, require_editor, user_of
from dilemmas.forms import EditorReviewForm, ShareForm
from dilemmas.models import Dilemma, Resolution, SectorStatus
from organisations.models import Consent

PER_PAGE = 20


@login_required
def share(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The integrity officer or admin shares a published dilemma with an alliance or the sector."""
    access = get_dilemma_for_user(request, slug, code)
    require(access.can_share)
    found = (
        Dilemma.objects.prefetch_related("options", "variations")
        .select_related("organisation")
        .get(pk=access.dilemma.pk)
    )
    state = checking.state(found)
    if request.method == "POST":
        form = ShareForm(request.POST, dilemma=found)
        if not state.passed:
            form.add_error(None, _("First run the de-identification check and resolve everything it flags."))
        if form.is_valid():
            scope, alliance = form.cleaned_data["scope"], form.cleaned_data["to_alliance"]
            with transaction.atomic():
                consent = Consent.give(
                    organisation=access.membership.organisation,
                    subject=found.subject,
                    by=user_of(request),
                    scope=scope,
                    to_alliance=alliance,
                )
                if scope == Consent.Scope.SECTOR:
                    found.offer_to_sector(user_of(request))
                record(
                    Event.DILEMMA_SHARED,
                    actor=user_of(request).email,
                    organisation=slug,
                    target=found.subject,
                    detail={"consent": str(consent.code), "scope": scope, "to": consent.recipient_label},
                )
            if scope == Consent.Scope.SECTOR and found.sector_status == SectorStatus.PENDING:
                messages.success(
                    request, _("Offered to the sector library: it shows there once the sector's editors approve it.")
                )
            else:
                messages.success(
                    request, _("%(who)s can now find it in the library.") % {"who": consent.recipient_label}
                )
            return redirect("dilemmas:share", slug=slug, code=code)
        status = 400
    else:
        form = ShareForm(dilemma=found)
        status = 200
    return render(
        request,
        "dilemmas/share.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "dilemma": found,
            "form": form,
            "state": state,
            "consents": list(found.active_consents().select_related("to_alliance", "given_by")),
            "has_alliances": found.organisation.alliances().exists() if found.organisation else False,
        },
        status=status,
    )


@login_required
def unshare(request: HttpRequest, slug: str, code: UUID, consent: UUID) -> HttpResponse:
    access = get_dilemma_for_user(request, slug, code)
    require(access.is_reviewer)
    found = access.dilemma
    given = found.active_consents().select_related("to_alliance").filter(code=consent).first()
    if given is None:
        raise Http404
    if request.method == "POST":
        given.revoke(user_of(request))
        record(
            Event.CONSENT_REVOKED,
            actor=user_of(request).email,
            organisation=slug,
            target=given.subject,
            detail={"consent": str(given.code), "scope": given.scope, "to": given.recipient_label},
        )
        messages.success(request, _("%(who)s no longer sees it.") % {"who": given.recipient_label})
        return redirect("dilemmas:share", slug=slug, code=code)
    return render(
        request,
        "dilemmas/unshare.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "dilemma": found,
            "consent": given,
        },
    )


@login_required
def editors(request: HttpRequest, slug: str) -> HttpResponse:
    """For the sector's editors (platform operators): what organisations offer to the sector library."""
    membership = require_editor(request, slug)
    waiting = Paginator(
        Dilemma.objects.awaiting_sector_review()
        .select_related("organisation", "sector_requested_by")
        .order_by("sector_requested_at", "pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "dilemmas/editors.html",
        {"organisation": membership.organisation, "membership": membership, "page_obj": waiting},
    )


@login_required
def editor_review(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    dilemma, membership = get_sector_offer(request, slug, code)
    if request.method == "POST":
        form = EditorReviewForm(request.POST)
        if form.is_valid():
            decision, editor = form.cleaned_data["decision"], user_of(request)
            owner = dilemma.organisation
            assert owner is not None
            with transaction.atomic():
                if decision == "approve":
                    dilemma.approve_for_sector(editor)
                else:
                    dilemma.return_from_sector(editor, form.cleaned_data["reason"])
                    for consent in dilemma.active_consents().filter(scope=Consent.Scope.SECTOR):
                        consent.revoke(editor)
                record(
                    Event.DILEMMA_REVIEWED,
                    actor=editor.email,
                    organisation=owner.slug,
                    target=dilemma.subject,
                    detail={"decision": decision, "scope": "sector"},
                )
            if decision == "approve":
                messages.success(request, _("Approved: every organisation on Samen now finds it in the library."))
            else:
                messages.success(request, _("Returned to %(name)s with your reason.") % {"name": owner.name})
            return redirect("dilemmas:editors", slug=slug)
        status = 400
    else:
        form = EditorReviewForm()
        status = 200
    prefetched = Dilemma.objects.prefetch_related("options", "variations", "types", "subtypes").get(pk=dilemma.pk)
    state = checking.state(prefetched)
    flags = list(state.check.flags.all()) if state.check else []
    return render(
        request,
        "dilemmas/editor_review.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "dilemma": prefetched,
            "form": form,
            "check_state": state,
            "kept": [f for f in flags if f.resolution == Resolution.KEPT],
            "replaced": sum(1 for f in flags if f.resolution == Resolution.REDACTED),
            "back": reverse("dilemmas:editors", kwargs={"slug": slug}),
        },
        status=status,
    )
