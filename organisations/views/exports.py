"""CSV downloads of an organisation's own lists: what its pages show, for spreadsheets.

The same access rules as the pages: members read partners, alliances and sharing; only
admins read people, because that list holds email addresses. Every download is audited.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from audit.models import Event, record
from organisations import subjects
from organisations.access import get_membership, require_admin
from organisations.forms import PartnerListFilterForm
from organisations.forms_import import IMPORT_COLUMNS
from organisations.models import Alliance, Consent, Membership, Organisation
from samen.csv_export import csv_response, filename


def _record_export(request: HttpRequest, organisation: Organisation, what: str, rows: int) -> None:
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=organisation.slug,
        target=what,
        detail={"format": "csv", "rows": rows},
    )


@login_required
def partners_csv(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    partnerships, _filtered = PartnerListFilterForm(request.GET).partnerships(organisation)
    # The columns and codes of the partner import, so a download can be edited and imported
    # again (or imported by another organisation) as it is.
    rows = []
    for p in partnerships:
        other = p.other(organisation)
        rows.append(
            [
                other.name,
                other.country.code or "",
                other.kind,
                other.iati_identifier,
                other.kvk_number,
                p.kind,
                p.status,
                p.title,
                p.starts_on,
                p.ends_on,
            ]
        )
    _record_export(request, organisation, "partners", len(rows))
    return csv_response(filename(organisation.slug, "partners"), IMPORT_COLUMNS, rows)


@login_required
def alliances_csv(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    alliances = (
        Alliance.objects.filter(Q(lead=organisation) | Q(alliance_memberships__organisation=organisation))
        .select_related("lead")
        .annotate(member_count=Count("alliance_memberships", distinct=True))
        .distinct()
        .order_by("name")
    )
    rows = [[a.name, a.lead.name, a.member_count, a.starts_on, a.ends_on] for a in alliances]
    _record_export(request, organisation, "alliances", len(rows))
    header = [_("Alliance"), _("Lead"), _("Members"), _("Starts on"), _("Ends on")]
    return csv_response(filename(organisation.slug, "alliances"), header, rows)


@login_required
def people_csv(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    require_admin(membership)
    organisation = membership.organisation
    members = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    q = request.GET.get("q", "").strip()
    if q:
        members = members.filter(Q(user__name__icontains=q) | Q(user__email__icontains=q))
    rows = [[m.user.name, m.user.email, m.get_role_display(), m.created_at.date()] for m in members]
    _record_export(request, organisation, "people", len(rows))
    header = [_("Name"), _("Email"), _("Role"), _("Member since")]
    return csv_response(filename(organisation.slug, "people"), header, rows)


@login_required
def sharing_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """What this organisation shares, now and before (consents given)."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    consents = Consent.objects.filter(organisation=organisation).select_related(
        "to_organisation", "to_alliance", "given_by", "revoked_by"
    )
    rows = [
        [
            c.subject_label,
            c.get_scope_display(),
            c.recipient_label,
            c.given_at,
            c.given_by.display_name if c.given_by else "",
            c.valid_until,
            c.revoked_at,
            _("yes") if c.is_active else _("no"),
        ]
        for c in consents
        if subjects.is_listed(c.subject)
    ]
    _record_export(request, organisation, "sharing", len(rows))
    header = [
        _("What is shared"),
        _("Shared with"),
        _("Recipient"),
        _("Given at"),
        _("Given by"),
        _("Until"),
        _("Revoked at"),
        _("Active"),
    ]
    return csv_response(filename(organisation.slug, "sharing"), header, rows)
