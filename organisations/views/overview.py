"""The organisation's overview, its profile and its security log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.models import Entry
from organisations import dashboard as overview_cards
from organisations.access import get_membership, require_admin
from organisations.forms import ProfileForm


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    return render(
        request,
        "organisations/dashboard.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
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
