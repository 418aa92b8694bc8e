"""The organisation's overview, its profile and its security log."""

from collections import Counter
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Model, OuterRef, QuerySet, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_countries import countries

from audit.models import Entry
from organisations import dashboard as overview_cards
from organisations.access import get_membership, require_admin
from organisations.forms import ProfileForm
from organisations.models import Alliance, AllianceMember, Invitation, Membership, Partnership

M = TypeVar("M", bound=Model)


def partners_by_country(organisation_id: int) -> list[tuple[str, int]]:
    """How many partnerships the organisation has per country of the other party, most first. One query."""
    counts: Counter[str] = Counter()
    recorded = (
        Partnership.objects.filter(organisation_id=organisation_id)
        .values_list("partner__country")
        .annotate(n=Count("id"))
        .order_by()
    )
    received = (
        Partnership.objects.filter(partner_id=organisation_id)
        .values_list("organisation__country")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Both sides in one round trip; UNION ALL keeps a country that appears on both sides twice.
    for country, n in recorded.union(received, all=True):
        counts[country or ""] += n
    return [
        (countries.name(code) if code else _("Country not recorded"), n)
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def first_and_count(queryset: "QuerySet[M]", shown: int) -> tuple[list[M], int]:
    """The first `shown` rows and how many rows there are in all, in one query (a window count).

    The count is that of the rows the query would return, so `queryset` must not repeat a row.
    """
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[:shown])
    return rows, (rows[0].total_rows if rows else 0)


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    by_country = partners_by_country(organisation.pk)
    # Exists, not a join: each alliance once, so the window count is the number of alliances.
    in_alliance = AllianceMember.objects.filter(alliance=OuterRef("pk"), organisation=organisation)
    alliances, alliance_count = first_and_count(Alliance.objects.filter(Exists(in_alliance)).select_related("lead"), 5)
    people_count = Membership.objects.filter(organisation=organisation).count()
    pending: list[Invitation] = []
    pending_count = 0
    if membership.can_manage:
        pending, pending_count = first_and_count(Invitation.objects.pending().filter(organisation=organisation), 5)
    return render(
        request,
        "organisations/dashboard.html",
        {
            "organisation": organisation,
            "membership": membership,
            "partner_count": sum(n for _country, n in by_country),
            "by_country": by_country[:8],
            "alliances": alliances,
            "alliance_count": alliance_count,
            "people_count": people_count,
            "pending": pending,
            "pending_count": pending_count,
            "cards": overview_cards.cards_for(membership),
        },
    )


@login_required
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    if request.method == "POST":
        require_admin(membership)
        form = ProfileForm(request.POST, organisation=organisation)
        if form.is_valid():
            fields = [
                "name",
                "kind",
                "country",
                "size_category",
                "languages",
                "iati_identifier",
                "kvk_number",
                "website",
            ]
            for name in fields:
                setattr(organisation, name, form.cleaned_data[name])
            try:
                # The form checked uniqueness; the database decides if another save raced us.
                with transaction.atomic():
                    organisation.save(update_fields=fields)
            except IntegrityError:
                form.add_error(None, _("Another organisation took this identifier just now. Check and try again."))
            else:
                messages.success(request, _("The organisation's details are saved."))
                return redirect("organisations:profile", slug=slug)
    else:
        form = ProfileForm(
            initial={
                "name": organisation.name,
                "kind": organisation.kind,
                "country": organisation.country.code or "",
                "size_category": organisation.size_category,
                "languages": organisation.languages,
                "iati_identifier": organisation.iati_identifier,
                "kvk_number": organisation.kvk_number,
                "website": organisation.website,
            },
            organisation=organisation,
        )
    language_names = dict(form.fields["languages"].choices)  # type: ignore[attr-defined]
    return render(
        request,
        "organisations/profile.html",
        {
            "organisation": organisation,
            "membership": membership,
            "form": form,
            "spoken_languages": [language_names.get(code, code) for code in organisation.languages],
            "editing": membership.is_admin,
        },
    )


@login_required
def audit(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    if not membership.can_read_audit:
        raise PermissionDenied
    entries = Entry.objects.for_organisation(slug).order_by("-id")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/audit.html",
        {"organisation": membership.organisation, "membership": membership, "page_obj": page},
    )
