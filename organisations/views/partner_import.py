"""Importing partners from a CSV file: upload, preview every row, confirm; nothing is saved before that.

The uploaded text waits in the session between the preview and the confirmation. A signed
payload re-posted by the browser would also work, but it would send up to 1 MB through the
browser twice (slow on a phone) and would have to be re-checked anyway; the session keeps it on
the server, ends with the login, and holds one file per organisation (the size limit keeps it small).
The rows are planned again when confirming: the partners may have changed since the preview.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.models import Event, record
from organisations.access import get_membership, require_manager
from organisations.forms import PartnershipForm
from organisations.forms_import import (
    ERROR,
    EXISTING,
    IMPORT_COLUMNS,
    MAX_ROWS,
    NEW,
    SKIP,
    ConfirmForm,
    PartnerImportForm,
    RowPlan,
    digest,
    plan_import,
    read_rows,
)
from organisations.models import Membership, Organisation, Partnership
from samen import counters
from samen.csv_export import csv_response

# audit.Event has no choice for imports yet (that app belongs to others); the log shows this code
# as is until an Event.PARTNERS_IMPORTED with a label replaces it.
IMPORTED_EVENT = Event.PARTNERS_IMPORTED

EXAMPLE_ROWS = [
    [
        "Kampala Women's Network",
        "UG",
        "partner",
        "UG-NGB-1234",
        "",
        "implementing",
        "active",
        "Clean water",
        "2025-01-01",
        "2026-12-31",
    ],
    ["Stichting Voorbeeld", "NL", "funder", "", "41160054", "funding", "proposed", "", "", ""],
]


def _session_key(organisation: Organisation) -> str:
    return f"partner_import:{organisation.pk}"


@login_required
def partners_import_template(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_manager(membership)
    return csv_response("partners-import-example.csv", IMPORT_COLUMNS, EXAMPLE_ROWS)


@login_required
def partners_import(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_manager(membership)
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, membership)
    if request.method == "POST":
        form = PartnerImportForm(request.POST, request.FILES)
        if form.is_valid():
            text = form.cleaned_data["file"]
            request.session[_session_key(membership.organisation)] = text
            plans = plan_import(membership.organisation, read_rows(text))
            valid = sum(p.is_valid for p in plans)
            confirm = ConfirmForm(initial={"digest": digest(text), "valid_rows": valid}, valid=valid)
            return _preview(request, membership, plans, confirm)
    else:
        form = PartnerImportForm()
    return render(
        request,
        "organisations/partners_import.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "form": form,
            "columns": _column_help(),
            "max_rows": MAX_ROWS,
        },
    )


def _column_help() -> list[tuple[str, bool, str]]:
    """(column, required, what to write) for the table on the upload page."""
    kinds = ", ".join(Organisation.Kind.values)
    partnership_kinds = ", ".join(Partnership.Kind.values)
    statuses = ", ".join(Partnership.Status.values)
    return [
        ("name", True, _("Name of the partner organisation.")),
        ("country", False, _("Two-letter country code, for example UG or NL.")),
        ("kind", False, _("Kind of organisation: %(values)s. Empty means partner.") % {"values": kinds}),
        ("iati_identifier", False, _("IATI organisation identifier, for example NL-KVK-41160054 or XM-DAC-7.")),
        ("kvk_number", False, _("Dutch Chamber of Commerce number: 8 digits.")),
        ("partnership_kind", True, _("Kind of partnership: %(values)s.") % {"values": partnership_kinds}),
        ("status", False, _("%(values)s. Empty means active.") % {"values": statuses}),
        ("title", False, _("For example the programme or grant.")),
        ("starts_on", False, _("Date as YYYY-MM-DD, for example 2025-01-31.")),
        ("ends_on", False, _("Date as YYYY-MM-DD, on or after the start.")),
    ]


def _counts(plans: list[RowPlan]) -> dict[str, int]:
    counts = {action: 0 for action in (NEW, EXISTING, SKIP, ERROR)}
    for plan in plans:
        counts[plan.action] += 1
    counts["valid"] = counts[NEW] + counts[EXISTING]
    counts["new_organisations"] = sum(p.action == NEW and p.same_as is None for p in plans)
    return counts


def _preview(request: HttpRequest, membership: Membership, plans: list[RowPlan], confirm: ConfirmForm) -> HttpResponse:
    return render(
        request,
        "organisations/partners_import_preview.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "plans": plans,
            "counts": _counts(plans),
            "confirm": confirm,
        },
    )


def _confirm(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    text = request.session.get(_session_key(organisation))
    if not text or request.POST.get("digest") != digest(text):
        messages.error(request, _("This preview is no longer available. Upload the file again."))
        return redirect("organisations:partners_import", slug=organisation.slug)
    plans = plan_import(organisation, read_rows(text))
    counts = _counts(plans)
    confirm = ConfirmForm(request.POST, valid=counts["valid"])
    if confirm.is_valid():
        if confirm.cleaned_data["valid_rows"] != counts["valid"]:
            confirm.add_error(None, _("The partners changed since the preview. Check the rows below again."))
        elif not counts["valid"]:
            confirm.add_error(None, _("No row can be imported. Correct the file and upload it again."))
        elif counts[ERROR] and not confirm.cleaned_data["skip_errors"]:
            confirm.add_error(
                "skip_errors",
                _(
                    "Some rows have errors. Tick this box to import the valid rows and skip the rest, "
                    "or correct the file."
                ),
            )
    if confirm.errors:
        # Offer the confirmation for what the rows are now.
        fresh = ConfirmForm({"digest": digest(text), "valid_rows": counts["valid"]}, valid=counts["valid"])
        fresh.is_valid()
        for name, errors in confirm.errors.items():
            for error in errors:
                fresh.add_error(None if name in ("__all__", "digest", "valid_rows") else name, error)
        return _preview(request, membership, plans, fresh)
    try:
        _save(organisation, plans)
    except IntegrityError:
        messages.error(request, _("Someone changed these partners while importing; nothing was saved. Check again."))
        return redirect("organisations:partners_import", slug=organisation.slug)
    del request.session[_session_key(organisation)]
    record(
        IMPORTED_EVENT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=organisation.slug,
        target="partners",
        detail={
            "partnerships": counts["valid"],
            "new_organisations": counts["new_organisations"],
            "skipped": counts[SKIP],
            "errors": counts[ERROR],
        },
    )
    messages.success(
        request,
        _(
            "Import done: %(valid)s partnerships recorded, %(new)s of them with organisations new to Samen. "
            "Not imported: %(skipped)s already recorded, %(errors)s with errors."
        )
        % {
            "valid": counts["valid"],
            "new": counts["new_organisations"],
            "skipped": counts[SKIP],
            "errors": counts[ERROR],
        },
    )
    return redirect("organisations:partners", slug=organisation.slug)


def _save(organisation: Organisation, plans: list[RowPlan]) -> None:
    """Record every valid row, all or nothing."""
    created: dict[int, Organisation] = {}
    # Each partnership and new organisation bumps the overview's and the figures' counters: once per counter.
    with transaction.atomic(), counters.bumps_once():
        for plan in plans:
            if not plan.is_valid:
                continue
            partner = plan.partner or (created.get(plan.same_as) if plan.same_as else None)
            if partner is None:
                data = plan.organisation_data
                partner = Organisation.objects.create(
                    slug=Organisation.free_slug(data["name"]),
                    name=data["name"],
                    country=data["country"],
                    kind=data["kind"] or Organisation.Kind.PARTNER,
                    iati_identifier=data["iati_identifier"],
                    kvk_number=data["kvk_number"],
                    registered_by=organisation,
                )
                created[plan.number] = partner
            partnership = Partnership(organisation=organisation, partner=partner)
            for name in PartnershipForm.base_fields:
                setattr(partnership, name, plan.partnership_data[name])
            partnership.save()
