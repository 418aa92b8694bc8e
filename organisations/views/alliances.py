"""Alliances: organisations working together under a lead."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from organisations.access import get_alliance, get_membership, require_manager
from organisations.forms import AllianceForm, AllianceMemberForm, search_candidates
from organisations.models import Alliance, AllianceMember, Membership

ALLIANCE_FIELDS = ["name", "description", "starts_on", "ends_on"]


@login_required
def alliances(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    items = (
        Alliance.objects.filter(Q(lead=organisation) | Q(alliance_memberships__organisation=organisation))
        .select_related("lead")
        .annotate(member_count=Count("alliance_memberships", distinct=True))
        .distinct()
        .order_by("name")
    )
    return render(
        request,
        "organisations/alliances.html",
        {"organisation": organisation, "membership": membership, "alliances": items},
    )


def _require_lead_manager(membership: Membership, alliance: Alliance) -> None:
    require_manager(membership)
    if alliance.lead_id != membership.organisation_id:
        raise PermissionDenied


@login_required
def alliance_form(request: HttpRequest, slug: str, code: UUID | None = None) -> HttpResponse:
    """Start an alliance (code is None: this organisation leads it) or edit one this organisation leads."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    alliance = get_alliance(membership, code) if code else None
    if alliance is None:
        require_manager(membership)
    else:
        _require_lead_manager(membership, alliance)
    if request.method == "POST":
        form = AllianceForm(request.POST)
        if form.is_valid():
            if alliance is None:
                alliance = Alliance(lead=organisation, **{name: form.cleaned_data[name] for name in ALLIANCE_FIELDS})
                alliance.save()
                AllianceMember.objects.create(alliance=alliance, organisation=organisation)
                messages.success(request, _("Alliance %(name)s started.") % {"name": alliance.name})
            else:
                for name in ALLIANCE_FIELDS:
                    setattr(alliance, name, form.cleaned_data[name])
                alliance.save(update_fields=ALLIANCE_FIELDS)
                messages.success(request, _("The alliance is saved."))
            return redirect("organisations:alliance", slug=slug, code=alliance.code)
    elif alliance is not None:
        form = AllianceForm(initial={name: getattr(alliance, name) for name in ALLIANCE_FIELDS})
    else:
        form = AllianceForm()
    return render(
        request,
        "organisations/alliance_form.html",
        {"organisation": organisation, "membership": membership, "alliance": alliance, "form": form},
    )


@login_required
def alliance(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    membership = get_membership(request, slug)
    item = get_alliance(membership, code)
    members = AllianceMember.objects.filter(alliance=item).select_related("organisation")
    return render(
        request,
        "organisations/alliance.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "alliance": item,
            "members": members,
            "can_edit": membership.can_manage and item.lead_id == membership.organisation_id,
        },
    )


@login_required
def alliance_members(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Add an organisation found by a search, or remove one after a confirmation page."""
    membership = get_membership(request, slug)
    item = get_alliance(membership, code)
    _require_lead_manager(membership, item)
    members = list(AllianceMember.objects.filter(alliance=item).select_related("organisation"))
    q = (request.POST.get("q") if request.method == "POST" else request.GET.get("q")) or ""
    candidates = search_candidates(q, exclude=[m.organisation_id for m in members])
    context = {"organisation": membership.organisation, "membership": membership, "alliance": item, "q": q}

    remove_code = request.POST.get("remove") or request.GET.get("remove")
    if remove_code:
        leaving = get_object_or_404(
            AllianceMember.objects.select_related("organisation"), alliance=item, organisation__code=remove_code
        )
        if leaving.organisation_id == item.lead_id:
            messages.error(request, _("The lead organisation cannot leave its own alliance."))
            return redirect("organisations:alliance_members", slug=slug, code=item.code)
        if request.method == "POST":
            leaving.delete()
            messages.success(request, _("%(name)s has left the alliance.") % {"name": leaving.organisation.name})
            return redirect("organisations:alliance_members", slug=slug, code=item.code)
        return render(request, "organisations/alliance_member_remove.html", {**context, "leaving": leaving})

    if request.method == "POST":
        form = AllianceMemberForm(request.POST, alliance=item, candidates=candidates)
        if form.is_valid():
            added = form.cleaned_data["organisation"]
            AllianceMember.objects.create(alliance=item, organisation=added)
            messages.success(request, _("%(name)s has joined the alliance.") % {"name": added.name})
            return redirect("organisations:alliance_members", slug=slug, code=item.code)
    else:
        form = AllianceMemberForm(initial={"q": q}, alliance=item, candidates=candidates)
    return render(
        request,
        "organisations/alliance_members.html",
        {**context, "members": members, "form": form, "searched": bool(q.strip()), "candidates": candidates},
    )
