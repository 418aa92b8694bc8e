"""Partnerships: the list, recording one (with a partner that may not be on Samen yet), and inviting that partner."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from audit.models import Event, record
from organisations import partnership_links
from organisations.access import get_membership, get_partnership, require_manager
from organisations.emails import send_invitation
from organisations.forms import (
    PartnerChoiceForm,
    PartnerInviteForm,
    PartnerListFilterForm,
    PartnershipForm,
    search_candidates,
)
from organisations.models import Invitation, Membership, Organisation, Partnership, Role
from samen.links import link_by_code

PAGE_SIZE = 25


@login_required
def partners(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    filters = PartnerListFilterForm(request.GET)
    partnerships, filtered = filters.partnerships(organisation)
    page = Paginator(partnerships, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(p, p.other(organisation)) for p in page]
    return render(
        request,
        "organisations/partners.html",
        {
            "organisation": organisation,
            "membership": membership,
            "filters": filters,
            "filtered": filtered,
            "page_obj": page,
            "rows": rows,
            "lines": partner_lines(organisation, rows),
            "filter_fields": filter_fields(filters, request),
        },
    )


@dataclass(frozen=True)
class PartnerLine:
    """One row of the partners table, its texts ready: the template only writes them out (escaped)."""

    url: str
    name: str
    title: str
    country: str
    kind: str
    status: str
    active: bool
    period: str


def partner_lines(organisation: Organisation, rows: list[tuple[Partnership, Organisation]]) -> list[PartnerLine]:
    link = link_by_code("organisations:partnership", "code", slug=organisation.slug)
    return [
        PartnerLine(
            url=link(partnership.code),
            name=other.name,
            title=partnership.title,
            country=other.country.name or "—",
            kind=partnership.get_kind_display(),
            status=partnership.get_status_display(),
            active=partnership.status == Partnership.Status.ACTIVE,
            period=f"{_day(partnership.starts_on)} – {_day(partnership.ends_on)}",
        )
        for partnership, other in rows
    ]


# The filter fields as they render without a filter set, per language: the same HTML on every such request.
_unfiltered_fields: dict[str, SafeString] = {}


def filter_fields(filters: PartnerListFilterForm, request: HttpRequest) -> SafeString:
    """The filter form's fields (label and input each), rendered once per language while no filter is set."""
    unfiltered = not any(request.GET.get(name) for name in filters.fields)
    language = get_language()
    if unfiltered and language in _unfiltered_fields:
        return _unfiltered_fields[language]
    html = format_html_join(
        "", '\n    <div class="field">{}{}</div>\n  ', ((field.label_tag(), field) for field in filters)
    )
    if unfiltered:
        _unfiltered_fields[language] = html
    return html


def _day(day: date | None) -> str:
    return day.isoformat() if day else "…"


def _partnership_initial(partnership: Partnership) -> dict[str, object]:
    return {
        "kind": partnership.kind,
        "status": partnership.status,
        "title": partnership.title,
        "starts_on": partnership.starts_on,
        "ends_on": partnership.ends_on,
    }


PARTNERSHIP_FIELDS = ["kind", "status", "title", "starts_on", "ends_on"]


@login_required
def partnership_form(request: HttpRequest, slug: str, code: UUID | None = None) -> HttpResponse:
    """Record a partnership (code is None) or edit one; managers and admins of either party."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    partnership = get_partnership(membership, code) if code else None
    require_manager(membership)

    if partnership is not None:
        return _edit_partnership(request, membership, partnership)

    q = (request.POST.get("q") if request.method == "POST" else request.GET.get("q")) or ""
    candidates = search_candidates(q, exclude=[organisation.pk])
    if request.method == "POST":
        choose = PartnerChoiceForm(request.POST, organisation=organisation, candidates=candidates)
        form = PartnershipForm(request.POST, recorder=organisation)
        if choose.is_valid():
            form.partner = choose.cleaned_data["partner"]
        if choose.is_valid() and form.is_valid():
            try:
                with transaction.atomic():
                    partner = choose.cleaned_data["partner"] or _register_partner(choose.cleaned_data, organisation)
                    partnership = Partnership(organisation=organisation, partner=partner)
                    for name in PARTNERSHIP_FIELDS:
                        setattr(partnership, name, form.cleaned_data[name])
                    partnership.save()
            except IntegrityError:
                choose.add_error(None, _("This was recorded by someone else just now. Check the list of partners."))
            else:
                messages.success(request, _("Partnership with %(name)s recorded.") % {"name": partner.name})
                return redirect("organisations:partnership", slug=slug, code=partnership.code)
    else:
        choose = PartnerChoiceForm(initial={"q": q}, organisation=organisation, candidates=candidates)
        form = PartnershipForm(recorder=organisation)
    return render(
        request,
        "organisations/partner_add.html",
        {
            "organisation": organisation,
            "membership": membership,
            "choose": choose,
            "form": form,
            "q": q,
            "searched": bool(q.strip()),
            "candidates": candidates,
        },
    )


def _register_partner(data: dict[str, Any], organisation: Organisation) -> Organisation:
    """Record an organisation that is not on Samen yet; the recording organisation may invite it later."""
    name = str(data["new_name"])
    return Organisation.objects.create(
        slug=Organisation.free_slug(name),
        name=name,
        country=data["new_country"],
        kind=data["new_kind"] or Organisation.Kind.PARTNER,
        iati_identifier=data["new_iati_identifier"],
        kvk_number=data["new_kvk_number"],
        registered_by=organisation,
    )


def _edit_partnership(request: HttpRequest, membership: Membership, partnership: Partnership) -> HttpResponse:
    slug = membership.organisation.slug
    parties = {"recorder": partnership.organisation, "partner": partnership.partner, "instance": partnership}
    if request.method == "POST":
        form = PartnershipForm(request.POST, **parties)  # type: ignore[arg-type]
        if form.is_valid():
            for name in PARTNERSHIP_FIELDS:
                setattr(partnership, name, form.cleaned_data[name])
            try:
                with transaction.atomic():
                    partnership.save(update_fields=PARTNERSHIP_FIELDS)
            except IntegrityError:
                form.add_error("kind", _("A partnership of this kind between these organisations is already recorded."))
            else:
                messages.success(request, _("The partnership is saved."))
                return redirect("organisations:partnership", slug=slug, code=partnership.code)
    else:
        form = PartnershipForm(initial=_partnership_initial(partnership), **parties)  # type: ignore[arg-type]
    return render(
        request,
        "organisations/partnership_edit.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "partnership": partnership,
            "other": partnership.other(membership.organisation),
            "form": form,
        },
    )


def _can_invite(membership: Membership, partner: Organisation) -> bool:
    """Only the organisation that recorded a partner not on Samen yet may invite its first contact."""
    return membership.can_manage and partner.registered_by_id == membership.organisation_id and not partner.is_on_samen


@login_required
def partnership(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    membership = get_membership(request, slug)
    item = get_partnership(membership, code)
    other = item.other(membership.organisation)
    pending_invitation = None
    can_invite = _can_invite(membership, other)
    if can_invite:
        pending_invitation = Invitation.objects.pending().filter(organisation=other).first()
    return render(
        request,
        "organisations/partnership.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "partnership": item,
            "other": other,
            "recorded_here": item.organisation_id == membership.organisation_id,
            "can_invite": can_invite,
            "pending_invitation": pending_invitation,
            "links": partnership_links.links_for(membership, item),
        },
    )


@login_required
def partnership_delete(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    membership = get_membership(request, slug)
    item = get_partnership(membership, code)
    require_manager(membership)
    if item.organisation_id != membership.organisation_id:
        raise PermissionDenied
    other = item.other(membership.organisation)
    if request.method == "POST":
        item.delete()
        messages.success(request, _("The partnership with %(name)s is deleted.") % {"name": other.name})
        return redirect("organisations:partners", slug=slug)
    return render(
        request,
        "organisations/partnership_delete.html",
        {"organisation": membership.organisation, "membership": membership, "partnership": item, "other": other},
    )


@login_required
def partner_invite(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    membership = get_membership(request, slug)
    item = get_partnership(membership, code)
    require_manager(membership)
    partner = item.other(membership.organisation)
    if partner.registered_by_id != membership.organisation_id:
        raise PermissionDenied
    if partner.is_on_samen:
        messages.info(
            request,
            _("%(name)s is already on Samen; its administrators invite their colleagues.") % {"name": partner.name},
        )
        return redirect("organisations:partnership", slug=slug, code=item.code)
    if request.method == "POST":
        form = PartnerInviteForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            invitation, token = Invitation.issue(partner, email, Role.ADMIN, request.user)  # type: ignore[arg-type]
            send_invitation(invitation, token, request.user.display_name)  # type: ignore[union-attr]
            record(
                Event.INVITATION_SENT,
                actor=request.user.email,  # type: ignore[union-attr]
                organisation=slug,
                target=email,
                detail={"role": Role.ADMIN.value, "for_organisation": partner.slug},
            )
            messages.success(
                request,
                _("Invitation sent to %(email)s to join Samen for %(name)s.") % {"email": email, "name": partner.name},
            )
            return redirect("organisations:partnership", slug=slug, code=item.code)
    else:
        form = PartnerInviteForm()
    return render(
        request,
        "organisations/partner_invite.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "partnership": item,
            "other": partner,
            "form": form,
        },
    )
