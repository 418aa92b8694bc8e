"""The passport: a final assessment shared by consent, accepted by others, and compared over time."""

from contextlib import suppress
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments.access import ASSESSED, SHARED, get_assessment_for_user, require
from assessments.forms import ShareForm
from assessments.models import Acceptance, Assessment, Status
from assessments.report import build_report
from organisations.forms import search_candidates
from organisations.models import Consent


@login_required
def assessment_share(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The assessed organisation's managers share a final assessment, and see who holds access."""
    access = get_assessment_for_user(request, slug, code)
    assessment = access.assessment
    require(access.role == ASSESSED and access.membership.can_manage)
    if assessment.status != Status.FINAL:
        messages.error(request, _("Only a final assessment can be shared."))
        return redirect("assessments:assessment", slug=slug, code=assessment.code)
    organisation = assessment.organisation
    q = (request.POST.get("q") if request.method == "POST" else request.GET.get("q")) or ""
    exclude = [organisation.pk, *([assessment.requester_id] if assessment.requester_id else [])]
    candidates = search_candidates(q, exclude=exclude)
    if request.method == "POST":
        form = ShareForm(request.POST, assessment=assessment, candidates=candidates)
        if form.is_valid():
            consent = Consent.give(
                organisation=organisation,
                subject=assessment.subject,
                by=request.user,  # type: ignore[arg-type]
                **{name: form.cleaned_data[name] for name in Consent.RECIPIENT_FIELDS},
            )
            messages.success(request, _("%(who)s can now see this assessment.") % {"who": consent.recipient_label})
            return redirect("assessments:assessment_share", slug=slug, code=assessment.code)
        status = 400
    else:
        scope = Consent.Scope.ORGANISATION if q else None
        form = ShareForm(initial={"q": q, "scope": scope}, assessment=assessment, candidates=candidates)
        status = 200
    consents = list(
        Consent.objects.filter(organisation=organisation, subject=assessment.subject).select_related(
            "to_organisation", "to_alliance", "given_by"
        )
    )
    acceptances = list(Acceptance.objects.filter(assessment=assessment).select_related("organisation"))
    return render(
        request,
        "assessments/share.html",
        {
            "organisation": organisation,
            "membership": access.membership,
            "assessment": assessment,
            "form": form,
            "q": q,
            "searched": bool(q.strip()),
            "candidates": candidates,
            "active": [c for c in consents if c.is_active],
            "past": [c for c in consents if not c.is_active],
            "acceptances": acceptances,
        },
        status=status,
    )


@login_required
def assessment_accept(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """A receiving organisation's manager accepts a shared assessment as its own due diligence."""
    access = get_assessment_for_user(request, slug, code)
    require(access.role == SHARED and access.membership.can_manage)
    assessment, viewer = access.assessment, access.membership.organisation
    accepted = Acceptance.objects.filter(assessment=assessment, organisation=viewer).first()
    if request.method == "POST":
        if accepted is None:
            # A colleague accepting at the same moment gives the same result.
            with suppress(IntegrityError):
                Acceptance.objects.create(assessment=assessment, organisation=viewer, accepted_by=request.user)  # type: ignore[misc]
            messages.success(
                request,
                _("You accept this assessment of %(name)s as your own due diligence.")
                % {"name": assessment.organisation.name},
            )
        return redirect("assessments:assessment", slug=slug, code=assessment.code)
    return render(
        request,
        "assessments/accept.html",
        {"organisation": viewer, "membership": access.membership, "assessment": assessment, "accepted": accepted},
    )


@login_required
def assessment_compare(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Two final assessments of the same organisation with the same questionnaire, side by side."""
    access = get_assessment_for_user(request, slug, code)
    assessment, viewer = access.assessment, access.membership.organisation
    candidates = (
        Assessment.objects.visible_to(viewer)
        .final()
        .filter(organisation=assessment.organisation, library__code=assessment.library.code)
        .exclude(pk=assessment.pk)
        .select_related("library", "organisation")
        .order_by("-finalised_at")
    )
    if assessment.status != Status.FINAL:
        candidates = candidates.none()  # only final results are compared
    chosen = request.GET.get("with", "")
    other = next((c for c in candidates if str(c.code) == chosen), None)
    rows = []
    reports = None
    if other is not None:
        # Older on the left: the change reads from then to now.
        first, second = sorted([assessment, other], key=lambda a: a.finalised_at or a.created_at)
        reports = (build_report(first), build_report(second))
        later = {area.area.code: area for area in reports[1].areas}
        for area in reports[0].areas:
            then = area.score.score
            now_area = later.get(area.area.code)
            now = now_area.score.score if now_area else None
            rows.append(
                {
                    "name": area.area.name,
                    "then": then,
                    "now": now,
                    "change": None if then is None or now is None else round(now - then, 2),
                }
            )
    return render(
        request,
        "assessments/compare.html",
        {
            "organisation": viewer,
            "membership": access.membership,
            "assessment": assessment,
            "candidates": candidates,
            "other": other,
            "reports": reports,
            "rows": rows,
            "error": _("Choose one of the assessments listed.") if chosen and other is None else "",
        },
        status=400 if chosen and other is None else 200,
    )
