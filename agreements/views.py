"""Pages of the agreements: the list, drawing one up, one agreement with its documents and dates, and a
partnership's agreements."""

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import clauses, documents
from agreements.access import get_agreement_for_user
from agreements.forms import AgreementForm, DatesForm
from agreements.models import Agreement, ClauseSet
from audit.models import Event, record
from documents.background import made_in_background
from organisations.access import get_alliance, get_membership, get_partnership, require_manager
from organisations.models import Alliance, Membership, Organisation, Partnership
from samen.csv_export import csv_response, filename

# The clause set new agreements are made from (framework/content/agreements/).
CLAUSE_SET = "partnership-integrity"
PAGE_SIZE = 25


@dataclass
class Subject:
    """What an agreement is made for: a partnership (two parties) or an alliance (the lead and its members)."""

    kind: str
    partnership: Partnership | None
    alliance: Alliance | None
    lead: Organisation
    organisations: list[Organisation]
    default_purpose: str

    @property
    def name(self) -> str:
        if self.alliance is not None:
            return self.alliance.name
        return " — ".join(o.name for o in self.organisations)

    def parties(self, language: str) -> dict[str, Any]:
        """The parties as the agreement records them, countries named in the agreement's language."""
        with translation.override(language):
            return {
                "lead": self.lead.name,
                "alliance": self.alliance.name if self.alliance else "",
                "organisations": [
                    {"name": o.name, "country": str(o.country.name) if o.country else ""} for o in self.organisations
                ],
            }


def _code(value: str) -> UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


def _subject(membership: Membership, partnership_code: str, alliance_code: str) -> Subject:
    if partnership_code:
        partnership = get_partnership(membership, _code(partnership_code))
        return Subject(
            kind="partnership",
            partnership=partnership,
            alliance=None,
            lead=partnership.organisation,
            organisations=[partnership.organisation, partnership.partner],
            default_purpose=partnership.title,
        )
    alliance = get_alliance(membership, _code(alliance_code))
    members = [o for o in alliance.members() if o.pk != alliance.lead_id]
    return Subject(
        kind="alliance",
        partnership=None,
        alliance=alliance,
        lead=alliance.lead,
        organisations=[alliance.lead, *members],
        default_purpose=alliance.description[:500],
    )


def _rows(agreements: Any) -> list[tuple[Agreement, str]]:
    """Each agreement with its review state ('overdue', 'due' or ''), for the badges."""
    today = timezone.localdate()
    return [(a, a.review_state(today)) for a in agreements]


@login_required
def agreements(request: HttpRequest, slug: str) -> HttpResponse:
    """Agreements this organisation made or is a party to; `?due=1` keeps those due for review."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    found, due_only = _listed(request, organisation)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/agreements.html",
        {
            "organisation": organisation,
            "membership": membership,
            "page_obj": page,
            "rows": _rows(page),
            "due_only": due_only,
        },
    )


def _listed(request: HttpRequest, organisation: Organisation) -> tuple[Any, bool]:
    """The agreements list and whether `?due=1` keeps only those due: shared by the page and its CSV."""
    found = Agreement.objects.visible_to(organisation).select_related("organisation", "clause_set")
    due_only = request.GET.get("due") == "1"
    if due_only:
        found = found.due_for_review().order_by("review_on", "-created_at")
    return found, due_only


@login_required
def agreements_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Every agreement of the list (with its `?due=1` filter, not one page) as CSV."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    found, _due_only = _listed(request, organisation)
    states = {"overdue": _("Review overdue"), "due": _("Review due soon"), "": ""}
    rows = [
        [
            agreement.title,
            _("Alliance") if agreement.alliance_id else _("Partnership"),
            agreement.get_language_display(),
            agreement.created_at.date(),
            _("Us") if agreement.organisation_id == organisation.pk else agreement.organisation.name,
            agreement.signed_on,
            agreement.review_on,
            states[state],
        ]
        for agreement, state in _rows(found)
    ]
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=organisation.slug,
        target="agreements",
        detail={"format": "csv", "rows": len(rows)},
    )
    header = [
        _("Agreement"),
        _("For"),
        _("Language"),
        _("Drawn up on"),
        _("Drawn up by"),
        _("Signed on"),
        _("Review on"),
        _("Review"),
    ]
    return csv_response(filename(organisation.slug, "agreements"), header, rows)


def _choose(request: HttpRequest, membership: Membership, clause_set: ClauseSet | None) -> HttpResponse:
    """The first step: the partnerships and alliances the organisation is part of."""
    organisation = membership.organisation
    partnerships = (
        Partnership.objects.involving(organisation)
        .exclude(status=Partnership.Status.ENDED)
        .order_by("organisation__name", "partner__name", "pk")
    )
    page = Paginator(partnerships, PAGE_SIZE).get_page(request.GET.get("page"))
    alliances = (
        Alliance.objects.filter(Q(lead=organisation) | Q(alliance_memberships__organisation=organisation))
        .select_related("lead")
        .distinct()
        .order_by("name")
    )
    return render(
        request,
        "agreements/choose.html",
        {
            "organisation": organisation,
            "membership": membership,
            "page_obj": page,
            "partnerships": [(p, p.other(organisation)) for p in page],
            "alliances": alliances,
            "clause_set": clause_set,
        },
    )


@login_required
def agreement_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose a partnership or alliance (`?partnership=` / `?alliance=`), then the choices; managers and admins."""
    membership = get_membership(request, slug)
    require_manager(membership)
    source = request.POST if request.method == "POST" else request.GET
    partnership_code, alliance_code = source.get("partnership", ""), source.get("alliance", "")
    clause_set = ClauseSet.objects.current(CLAUSE_SET)
    if (not partnership_code and not alliance_code) or clause_set is None:
        return _choose(request, membership, clause_set)
    subject = _subject(membership, partnership_code, alliance_code)
    if request.method == "POST":
        form = AgreementForm(request.POST, kind=subject.kind, lead=subject.lead.name)
        if form.is_valid():
            language = form.cleaned_data["language"]
            agreement = Agreement.objects.create(
                organisation=membership.organisation,
                partnership=subject.partnership,
                alliance=subject.alliance,
                clause_set=clause_set,
                choices=form.choices(),
                parties=subject.parties(language),
                language=language,
                created_by=request.user,  # type: ignore[misc]
            )
            messages.success(request, _("Agreement drawn up. Download it, sign it, and record the dates here."))
            return redirect("agreements:agreement", slug=slug, code=agreement.code)
    else:
        language = (translation.get_language() or "nl").split("-")[0]
        form = AgreementForm(
            kind=subject.kind,
            lead=subject.lead.name,
            initial={"purpose": subject.default_purpose, "language": language if language in ("nl", "en") else "nl"},
        )
    return render(
        request,
        "agreements/agreement_new.html",
        {"organisation": membership.organisation, "membership": membership, "subject": subject, "form": form},
    )


def _detail(
    request: HttpRequest, agreement: Agreement, membership: Membership, can_write: bool, dates_form: DatesForm
) -> HttpResponse:
    form = AgreementForm(kind=agreement.choices.get("kind", "partnership"), lead=agreement.parties["lead"])
    return render(
        request,
        "agreements/agreement.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "agreement": agreement,
            "text": clauses.render(agreement),
            "choices": form.describe(agreement.choices),
            "review_state": agreement.review_state(),
            "can_write": can_write,
            "form": dates_form,
        },
    )


@login_required
def agreement(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    agreement, membership, can_write = get_agreement_for_user(request, slug, code)
    dates = DatesForm(initial={"signed_on": agreement.signed_on, "review_on": agreement.review_on})
    return _detail(request, agreement, membership, can_write, dates)


@login_required
@require_POST
def agreement_dates(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Record when the agreement was signed and when it is reviewed; managers and admins of a party."""
    agreement, membership, can_write = get_agreement_for_user(request, slug, code)
    require_manager(membership)
    form = DatesForm(request.POST)
    if not form.is_valid():
        return _detail(request, agreement, membership, can_write, form)
    signed_on, review_on = form.cleaned_data["signed_on"], form.cleaned_data["review_on"]
    if signed_on and not review_on:
        review_on = agreement.default_review_on(signed_on)
    if agreement.set_dates(signed_on, review_on):
        messages.success(request, _("Dates saved."))
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect("agreements:agreement", slug=slug, code=agreement.code)


def _download(request: HttpRequest, agreement: Agreement, membership: Membership, kind: str) -> HttpResponse:
    if kind == "docx":
        body = documents.agreement_docx(agreement)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        body = documents.agreement_pdf(agreement)
        content_type = "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(agreement, kind)}"'
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=membership.organisation.slug,
        target=f"agreement {agreement.code}",
        detail={"format": kind},
    )
    return response


@login_required
@made_in_background
def agreement_docx(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    agreement, membership, _can_write = get_agreement_for_user(request, slug, code)
    return _download(request, agreement, membership, "docx")


@login_required
@made_in_background
def agreement_pdf(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    agreement, membership, _can_write = get_agreement_for_user(request, slug, code)
    return _download(request, agreement, membership, "pdf")


@login_required
def partnership_agreements(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The agreements of one partnership, for the partnership page to link to."""
    membership = get_membership(request, slug)
    partnership = get_partnership(membership, code)
    found = Agreement.objects.filter(partnership=partnership).select_related("organisation", "clause_set")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/partnership_agreements.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "partnership": partnership,
            "other": partnership.other(membership.organisation),
            "in_place": Agreement.objects.in_place_for(partnership).exists(),
            "page_obj": page,
            "rows": _rows(page),
        },
    )
