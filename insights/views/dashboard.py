"""The management dashboard of one organisation: where its partners, plans, cases and health checks stand.

Who reads it: administrators, integrity officers and managers (the management view; the annual account's
readers). Members and viewers get 403: the organisation overview already shows them what they work on.
The case panel (counts only) is for integrity officers and administrators (CASE_ROLES), never managers.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.access import ACCOUNT_ROLES, can_handle_cases
from cases.annual import Breakdown, current_year
from health.charts import trend_chart
from insights import figures
from organisations import dashboard as overview
from organisations.access import get_membership
from organisations.models import Membership, Organisation
from samen.charts import bar_chart, stacked_bar

FIRST_YEAR = 2000
# Colours of the stacked bars; each part is named in the legend and the table too, so colour is never the only cue.
EXPIRY_COLOURS = {"expired": "#a3264b", "expiring": "#b35c00", "current": "#14532d", "none": "#4a5360"}
STATUS_COLOURS = {"done": "#14532d", "open": "#0b5b5b", "overdue": "#b35c00", "dropped": "#4a5360"}


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR)

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year > current_year():
            raise forms.ValidationError(_("Choose this year or an earlier one."))
        return year


def period(request: HttpRequest) -> tuple[PeriodForm, int | None]:
    """The year asked for (this year when none is), or None with the form's errors."""
    if "year" not in request.GET:
        year = current_year()
        return PeriodForm(initial={"year": year}), year
    form = PeriodForm(request.GET)
    return form, form.cleaned_data["year"] if form.is_valid() else None


def year_choices() -> list[int]:
    this_year = current_year()
    return list(range(this_year, this_year - 6, -1))


def _reader(request: HttpRequest, slug: str) -> Membership:
    membership = get_membership(request, slug)
    if membership.role not in ACCOUNT_ROLES:
        raise PermissionDenied
    return membership


def _bars(items: list[tuple[str, int]], title: str) -> SafeString | None:
    if not any(value for _label, value in items):
        return None
    return bar_chart(items, maximum=max(value for _label, value in items), title=title)


def _breakdown_bars(breakdown: Breakdown, title: str) -> SafeString | None:
    """Bars of the counts shown; a count hidden by the small-cell rule is not drawn at all."""
    return _bars([(row.label, row.cell.number) for row in breakdown.rows if row.cell.number is not None], title)


def panels(organisation: Organisation, year: int) -> dict[str, SafeString]:
    """The panels every reader of the dashboard sees (partners, actions, sessions, health checks), rendered.

    Kept in the cache under the organisation's data version (docs/decisions/0023, 0024): each model read here
    is named with `shown_from` (insights/apps.py and the apps of the overview's cards). Case figures are not
    among them: they are read on every request, for case handlers only.
    """
    partners = figures.partner_standing(organisation, year)
    actions = figures.action_progress(organisation, year)
    health = figures.health_trend(organisation, year)
    sessions = figures.sessions_held(organisation, year)
    context: dict[str, object] = dict(
        organisation=organisation,
        year=year,
        partners=partners,
        tier_chart=_bars([(s.label, s.count) for s in partners.by_tier], _("Partners by assessment tier")),
        expiry_chart=stacked_bar(
            [(s.label, s.count, EXPIRY_COLOURS[s.key]) for s in partners.by_expiry],
            title=_("Partners by the expiry of their assessment"),
        )
        if partners.partners
        else None,
        actions=actions,
        status_chart=stacked_bar(
            [
                (_("Done"), actions.total.done, STATUS_COLOURS["done"]),
                (_("Open, on time"), actions.total.open - actions.total.overdue, STATUS_COLOURS["open"]),
                (_("Overdue"), actions.total.overdue, STATUS_COLOURS["overdue"]),
                (_("Dropped"), actions.total.dropped, STATUS_COLOURS["dropped"]),
            ],
            title=_("Actions due in %(year)s by status") % {"year": year},
        )
        if actions.total.total
        else None,
        source_chart=bar_chart(
            [(s.label, s.percent_done) for s in actions.by_source],
            maximum=100,
            title=_("Actions done per source of the plan, in percent"),
        )
        if actions.by_source
        else None,
        sessions=sessions,
        sessions_chart=_bars(
            [(label, total) for label, _counts, total in sessions.rows],
            _("Sessions held in %(year)s by kind") % {"year": year},
        ),
        health=health,
        health_chart=None
        if health.empty
        else trend_chart(
            health.quarters,
            [(_("Our people"), health.ours), (_("People of our partners"), health.partners)],
            title=_("Health-check score by quarter (0 all red, 100 all green)"),
        ),
    )
    return {
        "standing": render_to_string("insights/_standing.html", context),
        "activity": render_to_string("insights/_activity.html", context),
    }


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _reader(request, slug)
    organisation = membership.organisation
    form, year = period(request)
    context: dict[str, object] = {
        "organisation": organisation,
        "membership": membership,
        "form": form,
        "years": year_choices(),
        "year": year,
    }
    if year is None:
        return render(request, "insights/dashboard.html", context, status=400)

    context["panels"] = overview.cached(
        ("insights", organisation.pk, year),
        overview.versions_of(organisation.pk),
        lambda: panels(organisation, year),
    )
    if can_handle_cases(membership):
        cases = figures.case_figures(organisation, year)
        context.update(
            cases=cases,
            stage_chart=_breakdown_bars(cases.by_stage, _("Cases received in %(year)s by stage") % {"year": year}),
            category_chart=_breakdown_bars(
                cases.by_category, _("Cases received in %(year)s by category") % {"year": year}
            ),
        )
    return render(request, "insights/dashboard.html", context)
