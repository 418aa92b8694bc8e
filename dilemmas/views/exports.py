"""CSV downloads of the library (with its search and filters) and of the organisation's published dilemmas.

The same access as the pages: every member reads both. Each download holds what its page lists, every
row rather than one page, and is audited like the other list downloads.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from audit.models import Event, record
from dilemmas.forms import LibraryFilterForm
from dilemmas.models import Context, Dilemma, Languages, SectorStatus, Status
from dilemmas.views.library import find, source_of, topic_names
from organisations.access import get_membership
from organisations.models import Consent, Organisation
from samen.choices import labels
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
def library_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The library as the page finds it: the same search words and filters, best match first."""
    membership = get_membership(request, slug)
    viewer = membership.organisation
    form = LibraryFilterForm(request.GET)
    wanted = form.filters()
    contexts, languages = labels(Context), labels(Languages)
    found = list(find(viewer, wanted, form.taxonomy))
    topics = topic_names(found, form.taxonomy)
    rows = [
        [
            d.title,
            d.question,
            contexts[d.context],
            source_of(d, viewer),
            languages[d.languages],
            ", ".join(topics.get(d.pk, [])),
            d.published_at.date() if d.published_at else None,
        ]
        for d in found
    ]
    _record_export(request, viewer, "dilemma library", len(rows))
    header = [
        _("Dilemma"),
        _("Question"),
        _("Where it arises"),
        _("Source"),
        _("Languages"),
        _("Topics"),
        _("Published"),
    ]
    return csv_response(filename(viewer.slug, "dilemmas"), header, rows)


@login_required
def ours_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's published dilemmas, the table of "Dilemmas of …" (drafts stay with their authors)."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    ours = Dilemma.objects.filter(organisation=organisation, status=Status.PUBLISHED)
    # Only the columns written: a dilemma row holds every text in two languages (a large funder has hundreds).
    published = list(
        ours.only("title_nl", "title_en", "context", "published_at", "subject", "sector_status").order_by(
            "-published_at", "pk"
        )
    )
    shared = set(
        Consent.objects.active()
        .filter(organisation=organisation, subject__in=ours.values("subject"))
        .values_list("subject", flat=True)
    )
    contexts, sector_statuses, yes, no = labels(Context), labels(SectorStatus), _("yes"), _("no")
    rows = [
        [
            d.title,
            contexts[d.context],
            d.published_at.date() if d.published_at else None,
            yes if d.subject in shared else no,
            sector_statuses[d.sector_status] if d.subject in shared and d.sector_status else "",
        ]
        for d in published
    ]
    _record_export(request, organisation, "dilemmas of the organisation", len(rows))
    header = [_("Dilemma"), _("Where it arises"), _("Published"), _("Shared"), _("Sector review")]
    return csv_response(filename(organisation.slug, "our-dilemmas"), header, rows)
