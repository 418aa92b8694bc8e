"""The annual account of reports and cases (Partos Code block 4): the years, one year's account, its
reflection, and the account as PDF and CSV.

Administrators, integrity officers and managers read it (ACCOUNT_ROLES): it holds aggregate figures
only, with small groups hidden (cases/annual.py). Administrators and integrity officers write the
reflection (CASE_ROLES). Other members get 403, outsiders 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from audit.models import Event, record
from cases import annual
from cases.access import ACCOUNT_ROLES, can_handle_cases
from cases.annual import AccountFigures, Breakdown, Timing
from cases.forms_annual import ReflectionForm
from cases.models import AnnualAccount, CaseSettings
from documents.background import made_in_background
from organisations.access import get_membership
from organisations.models import Membership
from samen.charts import bar_chart
from samen.csv_export import csv_response, filename
from samen.pdf import html_to_pdf

FIRST_YEAR = 2000  # AnnualAccount's check constraint


def _reader(request: HttpRequest, slug: str) -> Membership:
    """The membership of someone who may read the account; 404 for outsiders, 403 for other members."""
    membership = get_membership(request, slug)
    if membership.role not in ACCOUNT_ROLES:
        raise PermissionDenied
    return membership


def _valid_year(year: int) -> int:
    """A year the account can be about: from 2000 to this year in the organisation's time."""
    if not FIRST_YEAR <= year <= annual.current_year():
        raise Http404
    return year


def _reflection(membership: Membership, year: int) -> AnnualAccount | None:
    return (
        AnnualAccount.objects.select_related("updated_by")
        .filter(organisation=membership.organisation, year=year)
        .first()
    )


def category_chart(figures: AccountFigures) -> SafeString | None:
    """Bars of the cases per category whose count is shown; a hidden count is not drawn at all."""
    items = [(row.label, row.cell.number) for row in figures.by_category.rows if row.cell.number is not None]
    if not any(number for _label, number in items):
        return None
    return bar_chart(
        [(label, float(number)) for label, number in items],
        maximum=max(number for _label, number in items),
        title=_("Cases received in %(year)s by category") % {"year": figures.year},
    )


def _context(membership: Membership, figures: AccountFigures) -> dict[str, object]:
    return {
        "organisation": membership.organisation,
        "membership": membership,
        "figures": figures,
        "chart": category_chart(figures),
        "not_drawn": [row.label for row in figures.by_category.rows if not row.cell.is_shown],
        "account": _reflection(membership, figures.year),
        "can_write": can_handle_cases(membership),
    }


@login_required
def account_years(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _reader(request, slug)
    minimum = CaseSettings.of(membership.organisation).min_group_size
    return render(
        request,
        "cases/annual/years.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "years": annual.years(membership.organisation),
            "minimum": minimum,
            "largest": minimum - 1,
        },
    )


@login_required
def account(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    membership = _reader(request, slug)
    figures = annual.figures(membership.organisation, _valid_year(year))
    return render(request, "cases/annual/account.html", _context(membership, figures))


@login_required
def account_reflection(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """Write the reflection on the year; administrators and integrity officers."""
    membership = _reader(request, slug)
    if not can_handle_cases(membership):
        raise PermissionDenied
    year = _valid_year(year)
    existing = _reflection(membership, year)
    if request.method == "POST":
        form = ReflectionForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["reflection"]
            if existing is not None and existing.reflection == text:
                messages.info(request, _("Nothing changed."))
                return redirect("cases:annual_account", slug=slug, year=year)
            account, _created = AnnualAccount.objects.get_or_create(organisation=membership.organisation, year=year)
            account.reflection = text
            account.updated_by = request.user  # type: ignore[assignment]
            account.updated_at = timezone.now()
            account.save(update_fields=["reflection", "updated_by", "updated_at"])
            # The text itself stays out of the audit log: the log is kept longer and read more widely.
            record(
                Event.ANNUAL_ACCOUNT_CHANGED,
                actor=request.user.email,  # type: ignore[union-attr]
                organisation=slug,
                target=f"annual account {year}",
                detail={"year": year, "characters": len(text)},
            )
            messages.success(request, _("Reflection saved."))
            return redirect("cases:annual_account", slug=slug, year=year)
    else:
        form = ReflectionForm(initial={"reflection": existing.reflection if existing else ""})
    return render(
        request,
        "cases/annual/reflection.html",
        {"organisation": membership.organisation, "membership": membership, "year": year, "form": form},
    )


# ---- downloads ------------------------------------------------------------------------------------------------


def _record_export(request: HttpRequest, slug: str, year: int, kind: str) -> None:
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=slug,
        target=f"annual account {year}",
        detail={"format": kind, "year": year},
    )


def _days(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _percent(timing: Timing) -> str:
    return "" if timing.percent_within is None else f"{timing.percent_within}%"


def account_rows(figures: AccountFigures, reflection: str) -> list[list[object]]:
    """The account as rows of (section, item, value): what the page shows, hidden counts as their marker."""
    rows: list[list[object]] = [
        [_("Organisation"), "", figures.organisation.name],
        [_("Year"), "", figures.year],
        [_("Smallest group shown"), "", figures.minimum],
        [_("Cases received"), _("Total"), str(figures.received)],
    ]

    def breakdown(section: str, data: Breakdown) -> None:
        rows.extend([section, row.label, str(row.cell)] for row in data.rows)
        rows.append([section, _("Total"), str(data.total)])

    breakdown(_("Cases by category"), figures.by_category)
    breakdown(_("Cases by research category"), figures.by_research_category)
    breakdown(_("Cases by route"), figures.by_source)
    breakdown(_("Speak-up reports"), figures.reports)
    breakdown(_("Outcomes of cases concluded in the year"), figures.outcomes)
    rows.append([_("Cases still open at the end of the year"), _("Total"), str(figures.open_at_end)])
    for handling in figures.handling:
        section = _("Handling times: %(group)s") % {"group": handling.label}
        rows += [
            [section, _("Median days to acknowledge"), _days(handling.acknowledge.median_days)],
            [
                section,
                _("Acknowledged within %(days)s days") % {"days": figures.acknowledge_days},
                _percent(handling.acknowledge),
            ],
            [section, _("Median days to feedback"), _days(handling.feedback.median_days)],
            [
                section,
                _("Feedback within %(months)s months") % {"months": figures.feedback_months},
                _percent(handling.feedback),
            ],
            [section, _("Median days to close"), _days(handling.close.median_days)],
        ]
    if reflection:
        rows.append([_("Reflection"), "", reflection])
    return rows


@login_required
def account_csv(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    membership = _reader(request, slug)
    figures = annual.figures(membership.organisation, _valid_year(year))
    account = _reflection(membership, year)
    response = csv_response(
        filename(membership.organisation.name, _("annual account"), str(year)),
        [_("Section"), _("Item"), _("Value")],
        account_rows(figures, account.reflection if account else ""),
    )
    _record_export(request, slug, year, "csv")
    return response


def account_html(request: HttpRequest, membership: Membership, figures: AccountFigures) -> str:
    """The print version of the account, as HTML for WeasyPrint: the page's tables and chart."""
    context = _context(membership, figures)
    context["printed_at"] = timezone.localtime()
    return render_to_string("cases/annual/print.html", context, request=request)


def account_pdf_bytes(html: str) -> bytes:
    # Imported here: loading WeasyPrint parses its default stylesheets (slow), which other pages can do without.
    return html_to_pdf(html, "print/figures.css")


@login_required
@made_in_background
def account_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    membership = _reader(request, slug)
    figures = annual.figures(membership.organisation, _valid_year(year))
    pdf = account_pdf_bytes(account_html(request, membership, figures))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = filename(membership.organisation.name, _("annual account"), str(year), extension="pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    _record_export(request, slug, year, "pdf")
    return response


urlpatterns = [
    path("account/", account_years, name="annual_years"),
    path("account/<int:year>/", account, name="annual_account"),
    path("account/<int:year>/reflection/", account_reflection, name="annual_reflection"),
    path("account/<int:year>/csv/", account_csv, name="annual_csv"),
    path("account/<int:year>/pdf/", account_pdf, name="annual_pdf"),
]
