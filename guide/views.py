"""The guide: the framework's pages by section, search, one page, and an organisation's own pages."""

from typing import TypeVar
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Event, record
from dilemmas.search import top as top_dilemmas
from framework import fulltext
from framework.fulltext import RankedMatches
from framework.models import (
    AssessmentLibrary,
    GlossaryTerm,
    Requirement,
    ViolationSubtype,
    ViolationType,
    other_content_language,
)
from guide import markdown, targets
from guide.access import can_write_pages, get_page_for_user, require, require_writer
from guide.forms import OrganisationPageForm, ShareForm
from guide.models import GuidePage, GuideSection, OrganisationPage, OrganisationPageQuerySet
from organisations.access import get_membership
from organisations.forms import search_candidates
from organisations.models import Consent, Membership
from samen.csv_export import csv_response, filename

MAX_QUERY = 100
MAX_RESULTS = 50  # of each kind of page; the rest is counted, and a longer query narrows it
DILEMMAS = 5
M = TypeVar("M", bound=Model)


@login_required
def guide(request: HttpRequest, slug: str) -> HttpResponse:
    """The guide's sections with their pages, the organisation's own and shared pages; `?q=` searches them.

    The search is the dilemma library's (framework/fulltext.py): every word must match as a word or the
    start of one, in either language, best match first, a title counting most. It searches the framework's
    pages, the organisation's own pages and those shared with it, and shows the best matching dilemmas too.
    """
    membership = get_membership(request, slug)
    viewer = membership.organisation
    q = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    own = OrganisationPage.objects.visible_to(viewer).select_related("organisation")
    if q:
        return _results(request, membership, q, own)
    sections = list(GuideSection.objects.active())
    by_section: dict[int, list[GuidePage]] = {s.pk: [] for s in sections}
    for page in GuidePage.objects.active().select_related("section"):
        by_section.setdefault(page.section_id, []).append(page)
    own_pages = list(own)
    return render(
        request,
        "guide/guide.html",
        {
            "organisation": viewer,
            "membership": membership,
            "q": q,
            "sections": [(s, by_section[s.pk]) for s in sections],
            "own_pages": [p for p in own_pages if p.organisation_id == viewer.pk],
            "shared_pages": [p for p in own_pages if p.organisation_id != viewer.pk],
            "can_write": can_write_pages(membership),
        },
    )


@login_required
def guide_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The guide's index as CSV: every section's pages, the organisation's own pages and those shared with it."""
    membership = get_membership(request, slug)
    viewer = membership.organisation
    rows: list[list[object]] = [
        [page.section.title, page.title, page.summary, _("Samen guide"), None]
        for page in GuidePage.objects.active()
        .filter(section__in=GuideSection.objects.active())
        .select_related("section")
        .order_by("section__order", "section__code", "order", "slug")
    ]
    for page in OrganisationPage.objects.visible_to(viewer).select_related("organisation"):
        own = page.organisation_id == viewer.pk
        source = viewer.name if own else _("Shared by %(name)s") % {"name": page.organisation.name}
        section = _("Pages of %(name)s") % {"name": viewer.name} if own else _("Shared with you")
        rows.append([section, page.title, page.summary, source, timezone.localtime(page.updated_at).date()])
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=viewer.slug,
        target="guide pages",
        detail={"format": "csv", "rows": len(rows)},
    )
    header = [_("Section"), _("Page"), _("Summary"), _("Source"), _("Updated on")]
    return csv_response(filename(viewer.slug, "guide-pages"), header, rows)


def _best(matches: "QuerySet[M] | RankedMatches[M]") -> tuple[list[M], int]:
    """The first MAX_RESULTS of ranked matches, and how many there are (counted only when there are more)."""
    first = list(matches[:MAX_RESULTS])
    return first, len(first) if len(first) < MAX_RESULTS else matches.count()


def _results(request: HttpRequest, membership: Membership, q: str, own: OrganisationPageQuerySet) -> HttpResponse:
    """The search results: framework pages, own and shared pages, then dilemmas; each best match first."""
    viewer = membership.organisation
    if fulltext.terms(q):
        # A result shows a title and a summary: the bodies and their search texts stay unread.
        guide_pages = GuidePage.objects.filter(retired=False).select_related("section")
        pages, page_count = _best(guide_pages.defer("body_nl", "body_en", "search_text").search(q))
        own_pages, own_count = _best(own.defer("body", "search_text").search(q))
        dilemmas, more_dilemmas = top_dilemmas(viewer, q, limit=DILEMMAS)
    else:  # only punctuation: nothing to look for
        pages, page_count, own_pages, own_count, dilemmas, more_dilemmas = [], 0, [], 0, [], False
    return render(
        request,
        "guide/results.html",
        {
            "organisation": viewer,
            "membership": membership,
            "q": q,
            "pages": pages,
            "own_pages": own_pages,
            "found": page_count + own_count,
            "more": page_count + own_count - len(pages) - len(own_pages),
            "dilemmas": dilemmas,
            "more_dilemmas": more_dilemmas,
            "library_search": reverse("dilemmas:library", kwargs={"slug": viewer.slug}) + "?" + urlencode({"q": q}),
            "can_write": can_write_pages(membership),
        },
    )


@login_required
def page(request: HttpRequest, slug: str, page: str) -> HttpResponse:
    """One page of the guide, in the active language, with its related items and neighbours."""
    membership = get_membership(request, slug)
    found = GuidePage.objects.active().select_related("section").filter(slug=page).first()
    if found is None:
        raise Http404
    section_pages = {
        p.slug: p
        for p in GuidePage.objects.active()
        .filter(section_id=found.section_id)
        .only("slug", "title_nl", "title_en", "section_id", "order")
    }
    siblings = [section_pages[s] for s in found.section.pages if s in section_pages]
    # A page its section no longer lists (retired from the table of contents) has no neighbours.
    index = next((i for i, p in enumerate(siblings) if p.slug == found.slug), None)
    requirement_codes = [c for c in found.related_library if "/" in c]
    library_codes = [c for c in found.related_library if "/" not in c]
    requirements = Requirement.objects.filter(
        library__code__in={c.partition("/")[0] for c in requirement_codes},
        code__in={c.partition("/")[2] for c in requirement_codes},
    ).select_related("library")
    wanted = set(requirement_codes)
    return render(
        request,
        "guide/page.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "page": found,
            "html": markdown.render(found.body, slug),
            "other_lang": other_content_language(),
            "previous": siblings[index - 1] if index is not None and index > 0 else None,
            "next": siblings[index + 1] if index is not None and index + 1 < len(siblings) else None,
            "terms": GlossaryTerm.objects.filter(slug__in=found.related_glossary),
            "types": ViolationType.objects.filter(code__in=found.related_taxonomy),
            "subtypes": ViolationSubtype.objects.filter(code__in=found.related_taxonomy).select_related("type"),
            "libraries": AssessmentLibrary.objects.current().filter(code__in=library_codes),
            "requirements": [r for r in requirements if f"{r.library.code}/{r.code}" in wanted],
            "playbooks": targets.playbooks(found.related_playbook) if found.related_playbook else [],
            "dilemmas": targets.starters(found.related_dilemma) if found.related_dilemma else [],
        },
    )


@login_required
def organisation_page(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_page_for_user(request, slug, code)
    return render(
        request,
        "guide/organisation_page.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "page": access.page,
            "own": access.own,
            "can_write": access.can_write,
            "html": markdown.render(access.page.body, slug),
        },
    )


@login_required
def page_form(request: HttpRequest, slug: str, code: UUID | None = None) -> HttpResponse:
    """Add a page to the organisation's guide, or change one."""
    if code is None:
        membership = get_membership(request, slug)
        require_writer(membership)
        existing = None
    else:
        access = get_page_for_user(request, slug, code)
        require(access.can_write)
        membership, existing = access.membership, access.page
    if request.method == "POST":
        form = OrganisationPageForm(request.POST, organisation=membership.organisation)
        if form.is_valid():
            now = timezone.now()
            if existing is None:
                target = OrganisationPage(organisation=membership.organisation, created_by=request.user, created_at=now)  # type: ignore[misc]
            else:
                target = existing
            target.title, target.summary = form.cleaned_data["title"], form.cleaned_data["summary"]
            target.set_body(form.cleaned_data["body"])
            target.updated_by, target.updated_at = request.user, now  # type: ignore[assignment]
            if existing is None:
                target.save()
                messages.success(request, _("The page is added to your organisation's guide."))
            else:
                target.save(update_fields=["title", "summary", "body", "search_text", "updated_by", "updated_at"])
                messages.success(request, _("The page is saved."))
            return redirect("guide:organisation_page", slug=slug, code=target.code)
        status = 400
    else:
        form = (
            OrganisationPageForm.for_page(existing)
            if existing
            else OrganisationPageForm(organisation=membership.organisation)
        )
        status = 200
    preview = None
    if request.method == "POST" and "body" in request.POST:
        # Show what the text will look like, sanitised like the page itself, also when the form has an error.
        preview = markdown.render(request.POST["body"][:50_000], slug)
    return render(
        request,
        "guide/page_form.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "page": existing,
            "form": form,
            "preview": preview,
        },
        status=status,
    )


@login_required
def page_delete(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_page_for_user(request, slug, code)
    require(access.can_write)
    page = access.page
    if request.method == "POST":
        # A share of a deleted page points at nothing: revoke it, so the sharing page says so.
        for consent in Consent.objects.active().filter(organisation=page.organisation, subject=page.subject):
            consent.revoke(request.user)  # type: ignore[arg-type]
        page.delete()
        messages.success(request, _("The page “%(title)s” is deleted.") % {"title": page.title})
        return redirect("guide:guide", slug=slug)
    return render(
        request,
        "guide/page_delete.html",
        {"organisation": access.membership.organisation, "membership": access.membership, "page": page},
    )


@login_required
def page_share(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The organisation's managers share one of its pages, and see who holds access."""
    access = get_page_for_user(request, slug, code)
    require(access.own and access.membership.can_manage)
    page, organisation = access.page, access.membership.organisation
    q = (request.POST.get("q") if request.method == "POST" else request.GET.get("q")) or ""
    candidates = search_candidates(q, exclude=[organisation.pk])
    if request.method == "POST":
        form = ShareForm(request.POST, page=page, candidates=candidates)
        if form.is_valid():
            consent = Consent.give(
                organisation=organisation,
                subject=page.subject,
                by=request.user,  # type: ignore[arg-type]
                **{name: form.cleaned_data[name] for name in Consent.RECIPIENT_FIELDS},
            )
            messages.success(request, _("%(who)s can now read this page.") % {"who": consent.recipient_label})
            return redirect("guide:page_share", slug=slug, code=page.code)
        status = 400
    else:
        scope = Consent.Scope.ORGANISATION if q else None
        form = ShareForm(initial={"q": q, "scope": scope}, page=page, candidates=candidates)
        status = 200
    consents = list(
        Consent.objects.filter(organisation=organisation, subject=page.subject).select_related(
            "to_organisation", "to_alliance", "given_by"
        )
    )
    return render(
        request,
        "guide/page_share.html",
        {
            "organisation": organisation,
            "membership": access.membership,
            "page": page,
            "form": form,
            "q": q,
            "searched": bool(q.strip()),
            "candidates": candidates,
            "active": [c for c in consents if c.is_active],
            "past": [c for c in consents if not c.is_active],
        },
        status=status,
    )
