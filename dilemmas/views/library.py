"""The library: search and browse what the organisation may see, one dilemma, and the organisation's own."""

import functools
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, Value
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dilemmas import checking
from dilemmas.access import can_review, get_dilemma_for_user
from dilemmas.forms import LibraryFilterForm
from dilemmas.models import Context, Dilemma, DilemmaQuerySet, Languages, SectorStatus, Status
from dilemmas.search import IdsFirst, search
from framework.fulltext import FETCH_CHUNK
from framework.models import active_content_language
from framework.taxonomy import Taxonomy
from organisations.access import get_membership
from organisations.models import Consent, Organisation
from samen.choices import labels
from samen.links import link_by_code

PER_PAGE = 20
RELATED = 5


def _listing(queryset: DilemmaQuerySet) -> DilemmaQuerySet:
    return queryset.select_related("organisation").prefetch_related("types", "subtypes")


def topic_names(dilemmas: list[Dilemma], taxonomy: Taxonomy | None = None) -> dict[int, list[str]]:
    """The topics of these dilemmas as their cards and the CSV name them: the types, then the sub-types, each in
    the taxonomy's order, in the reader's language.

    One query per 500 dilemmas for both kinds of link; the names are `taxonomy`'s (read here when not given).
    Django's prefetch of the two many-to-many relations made a manager and a queryset per dilemma and per
    relation (0.7 s of a CSV of 2,600 dilemmas).
    """
    taxonomy = taxonomy or Taxonomy.read()
    Types, Subtypes = Dilemma.types.through, Dilemma.subtypes.through
    links: dict[int, tuple[list[int], list[int]]] = {}
    ids = [dilemma.pk for dilemma in dilemmas]
    for start in range(0, len(ids), FETCH_CHUNK):
        chunk = ids[start : start + FETCH_CHUNK]
        types = Types.objects.filter(dilemma_id__in=chunk).values_list("dilemma_id", Value(0), "violationtype_id")
        subtypes = Subtypes.objects.filter(dilemma_id__in=chunk).values_list(
            "dilemma_id", Value(1), "violationsubtype_id"
        )
        for dilemma_id, kind, topic in types.union(subtypes, all=True):
            links.setdefault(dilemma_id, ([], []))[kind].append(topic)
    return {pk: taxonomy.names(*found) for pk, found in links.items()}


@dataclass(frozen=True)
class CardLine:
    """One card of the library, its texts ready: the template only writes them out (escaped)."""

    url: str
    language: str  # of the title and question
    title: str
    question: str
    context: str
    source: str
    only_in: str  # the language it is only in, when that is not the reader's
    tags: list[str]


def source_of(dilemma: Dilemma, viewer: Organisation) -> str:
    """Whose the dilemma is, as the library says it to `viewer` (its cards and its CSV)."""
    if dilemma.is_framework:
        return _("Samen starter library")
    if dilemma.organisation_id == viewer.pk:
        return viewer.name
    return _("Shared by %(name)s") % {"name": dilemma.organisation.name}  # type: ignore[union-attr]


def card_lines(viewer: Organisation, dilemmas: list[Dilemma], taxonomy: Taxonomy) -> list[CardLine]:
    link = link_by_code("dilemmas:dilemma", "code", slug=viewer.slug)
    contexts, languages, reading = labels(Context), labels(Languages), active_content_language()
    topics = topic_names(dilemmas, taxonomy)
    lines = []
    for dilemma in dilemmas:
        shown = dilemma.shown_language
        lines.append(
            CardLine(
                url=link(dilemma.code),
                language=shown,
                title=dilemma.title,
                question=dilemma.question,
                context=contexts[dilemma.context],
                source=source_of(dilemma, viewer),
                only_in="" if shown == reading else languages[dilemma.languages],
                tags=topics.get(dilemma.pk, []),
            )
        )
    return lines


def find(viewer: Organisation, wanted: dict[str, Any], taxonomy: Taxonomy) -> IdsFirst[Dilemma]:
    """The library `viewer` sees, narrowed by the filter form's `wanted`, searched for its words, as cards (the
    page and its CSV)."""
    visible = Dilemma.objects.visible_ids(viewer)
    found = Dilemma.objects.filter(pk__in=visible).with_topic(wanted["tag"], taxonomy).in_language(wanted["language"])
    if wanted["context"]:
        found = found.filter(context=wanted["context"])
    narrowed = bool(wanted["tag"] or wanted["language"] or wanted["context"])
    return search(found.cards(), wanted["q"], viewer, among=None if narrowed else visible)


CHOICE_FIELDS = ("tag", "context", "language")


@functools.lru_cache(maxsize=256)
def _choice_field(name: str, language: str, taxonomy: str, chosen: tuple[str, ...]) -> SafeString:
    """One of the filter form's choice fields with `chosen` ticked or selected, in one language and taxonomy
    (`taxonomy`: the topics' choices as text; a changed taxonomy is another key. The other fields' choices are
    the code's own). Django's widgets took up to 2.6 ms of a library page to render (the topics' checkboxes with
    one ticked 2 ms of it), and pages ask for the same few again and again."""
    data = QueryDict(mutable=True)
    data.setlist(name, list(chosen))
    return LibraryFilterForm(data)[name].as_widget()


def choice_fields(form: LibraryFilterForm, wanted: dict[str, Any]) -> dict[str, SafeString]:
    """The filter form's choice fields showing what is `wanted` (the valid part of what was asked)."""
    language, taxonomy = get_language(), repr(form.fields["tag"].choices)  # type: ignore[attr-defined]
    fields = {}
    for name in CHOICE_FIELDS:
        value = wanted[name]
        chosen = tuple(sorted(value)) if isinstance(value, list) else (value,) if value else ()
        fields[name] = _choice_field(name, language, taxonomy, chosen)
    return fields


@login_required
def library(request: HttpRequest, slug: str) -> HttpResponse:
    """Search and browse the dilemmas the organisation may see; `?q=` searches, the other fields filter."""
    membership = get_membership(request, slug)
    viewer = membership.organisation
    form = LibraryFilterForm(request.GET)
    wanted = form.filters()
    page = Paginator(find(viewer, wanted, form.taxonomy), PER_PAGE).get_page(request.GET.get("page"))
    filtered = any(wanted.values())
    # The person's own drafts, and for a reviewer what waits for review: the count behind "Our dilemmas".
    in_progress = Q(author=membership.user)
    if can_review(membership):
        in_progress |= Q(status=Status.SUBMITTED)
    unpublished = Dilemma.objects.filter(organisation=viewer).exclude(status=Status.PUBLISHED)
    return render(
        request,
        "dilemmas/library.html",
        {
            "organisation": viewer,
            "membership": membership,
            "form": form,
            "fields": choice_fields(form, wanted),
            "page_obj": page,
            "cards": card_lines(viewer, list(page), form.taxonomy),
            "filtered": filtered,
            "wanted": wanted,
            "library_is_empty": not filtered and page.paginator.count == 0,
            "in_progress": unpublished.filter(in_progress).count(),
            "editor_queue": (Dilemma.objects.awaiting_sector_review().count() if membership.user.is_staff else None),
        },
    )


@login_required
def dilemma(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_dilemma_for_user(request, slug, code)
    found = access.dilemma
    viewer = access.membership.organisation
    prefetched = _listing(Dilemma.objects.filter(pk=found.pk)).prefetch_related("options", "variations").get()
    # A related dilemma shows a title and where it arises: read as a card, without its topics.
    related = list(Dilemma.objects.visible_to(viewer).related_to(prefetched).cards()[:RELATED])
    check_state = consents = None
    if access.own and not found.is_framework and (access.can_check or access.is_reviewer):
        check_state = checking.state(prefetched)
    if access.is_reviewer:
        consents = list(found.active_consents().select_related("to_alliance", "given_by"))
    return render(
        request,
        "dilemmas/dilemma.html",
        {
            "organisation": viewer,
            "membership": access.membership,
            "access": access,
            "dilemma": prefetched,
            "options": list(prefetched.options.all()),
            "variations": list(prefetched.variations.all()),
            "related": related,
            "check_state": check_state,
            "consents": consents,
            "missing": prefetched.missing() if access.can_submit else [],
            "shared_by": None if access.own or found.is_framework else found.organisation,
        },
    )


# What "Dilemmas of …" lists of each dilemma (dilemmas/ours.html).
OURS_FIELDS = [
    "code",
    "languages",
    "title_nl",
    "title_en",
    "status",
    "context",
    "subject",
    "sector_status",
    "updated_at",
    "submitted_at",
    "reviewed_at",
    "published_at",
    "author",
    "author__name",
    "author__email",
]


@login_required
def ours(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's own dilemmas: the person's drafts, what waits for review, and what it published."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    # The lists show a title, a state, a date and an author: not the texts (~5 KB a dilemma) nor the topics.
    own = Dilemma.objects.filter(organisation=organisation).select_related("author").only(*OURS_FIELDS)
    reviewer = can_review(membership)
    mine = list(own.filter(author=membership.user).exclude(status=Status.PUBLISHED).order_by("-updated_at", "pk"))
    waiting = (
        list(own.filter(status=Status.SUBMITTED).exclude(author=membership.user).order_by("submitted_at", "pk"))
        if reviewer
        else []
    )
    returned = (
        list(own.filter(status=Status.RETURNED).exclude(author=membership.user).order_by("-reviewed_at", "pk"))
        if reviewer
        else []
    )
    published = Paginator(own.filter(status=Status.PUBLISHED).order_by("-published_at", "pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    shared = set(
        Consent.objects.active()
        .filter(organisation=organisation, subject__in=[d.subject for d in published])
        .values_list("subject", flat=True)
    )
    return render(
        request,
        "dilemmas/ours.html",
        {
            "organisation": organisation,
            "membership": membership,
            "mine": mine,
            "waiting": waiting,
            "returned": returned,
            "page_obj": published,
            "shared": shared,
            "can_review": reviewer,
            "Status": Status,
            "SectorStatus": SectorStatus,
        },
    )
