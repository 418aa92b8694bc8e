"""Sector insights: a network's figures across the members that opted in, a member's opt-in, the network's minimum.

Who sees what:
- the sector pages exist only for an organisation of kind network: for any other organisation they are
  404, whoever asks (there is nothing there to be refused);
- a network's integrity officers and administrators read the figures and download the PDF; its managers,
  members and viewers get 403; outsiders 404;
- a network's administrators set its minimum group size (never below 5);
- every member of an organisation sees which networks count its figures; its administrators opt in and
  out (others get 403 on that).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from audit.models import Event, record
from cases.annual import current_year
from documents.background import made_in_background
from insights import sector, versions
from insights.forms import OptInForm, SectorFilterForm, SectorSettingsForm
from insights.models import SectorSettings, subject
from insights.sector import SIZE_KEYS, SectorFigures, Shown
from organisations.access import get_membership, require_admin
from organisations.models import Consent, Membership, Organisation, Role
from samen.charts import bar_chart
from samen.csv_export import filename
from samen.pdf import html_to_pdf

READERS = {Role.ADMIN, Role.OFFICER}


def _network(request: HttpRequest, slug: str) -> Membership:
    membership = get_membership(request, slug)
    if membership.organisation.kind != Organisation.Kind.NETWORK:
        raise Http404
    return membership


def _reader(request: HttpRequest, slug: str) -> Membership:
    membership = _network(request, slug)
    if membership.role not in READERS:
        raise PermissionDenied
    return membership


def year_choices() -> list[int]:
    this_year = current_year()
    return list(range(this_year, this_year - 6, -1))


def _chart(values: list[tuple[str, Shown]], title: str) -> SafeString | None:
    drawn = [(label, shown.value) for label, shown in values if shown.value is not None]
    if not any(value for _label, value in drawn):
        return None
    return bar_chart(drawn, maximum=max(value for _label, value in drawn), title=title)


def page_context(figures: SectorFigures, year: int, category: str, size: str) -> dict[str, Any]:
    """What the page and the PDF show for these filters: a selection of the computed numbers, nothing else."""
    categories = [(k, label) for k, label in figures.categories if not category or k == category]
    years = figures.years
    labels = figures.size_labels
    selected = figures.year(year)
    assert selected is not None

    def count(each: sector.YearFigures, k: str) -> Shown:
        return each.by_category_size[(k, size)] if size else each.by_category[k]

    trend_rows = [(label, [count(each, k) for each in years]) for k, label in categories]
    if size:
        handling_rows = [(labels[size], selected.medians_by_size[size])]
    else:
        handling_rows = [] if category else [(_("All categories"), selected.medians)]
        handling_rows += [(label, selected.medians_by_category[k]) for k, label in categories]
    sizes = [size] if size else SIZE_KEYS
    standing = figures.standing
    standing_rows = [] if size else [(_("All sizes"), standing.assessed_share, standing.roadmap_percent)]
    standing_rows += [
        (labels[s], standing.assessed_share_by_size[s], standing.roadmap_percent_by_size[s]) for s in sizes
    ]
    return {
        "figures": figures,
        "year": year,
        "category": category,
        "size": size,
        "size_label": labels.get(size, ""),
        "category_label": dict(figures.categories).get(category, ""),
        "years": [each.year for each in years],
        "trend_rows": trend_rows,
        # Totals only where no size is chosen: a total per size beside the category's sizes would let numbers overlap.
        "total_row": None if size else [each.total for each in years],
        "handling_rows": handling_rows,
        "standing_rows": standing_rows,
        "member_rows": [(labels[s], figures.members_by_size[s]) for s in SIZE_KEYS],
        "chart": _chart(
            [(label, count(selected, k)) for k, label in categories],
            _("Reports per category in %(year)s") % {"year": year},
        ),
    }


@login_required
def sector_page(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _reader(request, slug)
    network = membership.organisation
    form, year, context = _selection(request, network)
    context.update(organisation=network, membership=membership, form=form, year_options=year_choices())
    if year is None:
        return render(request, "insights/sector.html", context, status=400)
    return render(request, "insights/sector.html", context)


def _selection(request: HttpRequest, network: Organisation) -> tuple[SectorFilterForm, int | None, dict[str, Any]]:
    data = request.GET if "year" in request.GET else {"year": str(current_year())}
    year_asked = data.get("year")
    try:
        year_for_categories = int(year_asked) if year_asked else current_year()
    except ValueError:
        year_for_categories = current_year()
    year_for_categories = min(max(year_for_categories, 2000), current_year())
    figures = versions.cached_figures(network, year_for_categories)
    form = SectorFilterForm(data, categories=figures.categories)
    if not form.is_valid():
        return form, None, {"figures": figures}
    year = form.cleaned_data["year"]
    return form, year, page_context(figures, year, form.cleaned_data["category"], form.cleaned_data["size"])


@login_required
@made_in_background
def sector_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _reader(request, slug)
    network = membership.organisation
    form, year, context = _selection(request, network)
    if year is None:
        context.update(organisation=network, membership=membership, form=form, year_options=year_choices())
        return render(request, "insights/sector.html", context, status=400)
    context.update(organisation=network, printed_at=timezone.localtime())
    html = render_to_string("insights/sector_print.html", context, request=request)
    # Imported here: loading WeasyPrint is slow, and only this download needs it.
    pdf = html_to_pdf(html, "print/figures.css")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = filename(network.name, _("sector insights"), str(year), extension="pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=slug,
        target=f"sector insights {year}",
        detail={"format": "pdf", "year": year, "category": context["category"], "size": context["size"]},
    )
    return response


@login_required
def sector_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _network(request, slug)
    require_admin(membership)
    network = membership.organisation
    current = SectorSettings.of(network)
    if request.method == "POST":
        form = SectorSettingsForm(request.POST, instance=current)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved.updated_at = timezone.now()
            saved.save()
            messages.success(request, _("The minimum group size is saved. The figures use it from now on."))
            return redirect("insights:sector", slug=slug)
    else:
        form = SectorSettingsForm(instance=current)
    return render(
        request,
        "insights/sector_settings.html",
        {"organisation": network, "membership": membership, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def opt_in(request: HttpRequest, slug: str) -> HttpResponse:
    """Which networks count this organisation's figures; its administrators opt in and out."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    networks = list(Organisation.objects.filter(kind=Organisation.Kind.NETWORK).exclude(pk=organisation.pk))
    if request.method == "POST":
        require_admin(membership)
        form = OptInForm(request.POST, networks=networks)
        if form.is_valid():
            network = form.chosen_network()
            given = (
                Consent.objects.filter(organisation=organisation, subject=subject(network), to_organisation=network)
                .active()
                .first()
            )
            if form.cleaned_data["action"] == "give" and given is None:
                Consent.give(
                    organisation=organisation,
                    subject=subject(network),
                    by=request.user,  # type: ignore[arg-type]
                    scope=Consent.Scope.ORGANISATION,
                    to_organisation=network,
                )
                messages.success(request, _("%(network)s now counts our figures.") % {"network": network.name})
            elif form.cleaned_data["action"] == "revoke" and given is not None:
                given.revoke(request.user)  # type: ignore[arg-type]
                record(
                    Event.CONSENT_REVOKED,
                    actor=request.user.email,  # type: ignore[union-attr]
                    organisation=slug,
                    target=given.subject,
                    detail={"consent": str(given.code), "scope": given.scope, "to": given.recipient_label},
                )
                messages.success(
                    request, _("%(network)s no longer counts our figures, from now on.") % {"network": network.name}
                )
            return redirect("insights:opt_in", slug=slug)
        return render(
            request,
            "insights/opt_in.html",
            _opt_in_context(membership, networks) | {"form_errors": form.errors},
            status=400,
        )
    return render(request, "insights/opt_in.html", _opt_in_context(membership, networks))


def _opt_in_context(membership: Membership, networks: list[Organisation]) -> dict[str, Any]:
    organisation = membership.organisation
    active = {
        consent.to_organisation_id: consent
        for consent in Consent.objects.filter(
            organisation=organisation, subject__startswith="insights:", scope=Consent.Scope.ORGANISATION
        )
        .active()
        .select_related("given_by", "to_organisation")
        if consent.subject == subject(consent.to_organisation)  # type: ignore[arg-type]
    }
    return {
        "organisation": organisation,
        "membership": membership,
        "rows": [(network, active.get(network.pk)) for network in networks],
        "can_change": membership.is_admin,
    }
