"""Public pages of the shared language: taxonomy, glossary and assessment libraries.

They identify no one, so anyone may read them, signed in or not.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Lower, Substr, Upper
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from framework.models import (
    CONTENT_LANGUAGES,
    AssessmentLibrary,
    GlossaryTerm,
    Requirement,
    ViolationSubtype,
    ViolationType,
    active_content_language,
    other_content_language,
)

TERMS_PER_PAGE = 25
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:100]


def _matches(q: str, fields: list[str], prefix: str = "") -> Q:
    """Matches `q` in any of `fields`, in every content language: people search in Dutch or in English."""
    condition = Q()
    for field in fields:
        for code in CONTENT_LANGUAGES:
            condition |= Q(**{f"{prefix}{field}_{code}__icontains": q})
    return condition


def taxonomy(request: HttpRequest) -> HttpResponse:
    q = _query(request)
    fields = ["name", "definition", "example"]
    types = ViolationType.objects.active()
    subtypes = ViolationSubtype.objects.active().order_by("order", "code")
    count = 0
    if q:
        matching_types = types.filter(_matches(q, fields))
        matching_subtypes = subtypes.filter(_matches(q, fields))
        count = matching_types.count() + matching_subtypes.count()
        # A type that matches shows all its sub-types; otherwise only the sub-types that match.
        types = types.filter(Q(pk__in=matching_types.values("pk")) | Q(pk__in=matching_subtypes.values("type")))
        subtypes = subtypes.filter(Q(pk__in=matching_subtypes.values("pk")) | Q(type__in=matching_types.values("pk")))
    shown = types.prefetch_related(Prefetch("subtypes", queryset=subtypes, to_attr="shown_subtypes"))
    return render(
        request,
        "framework/taxonomy.html",
        {"types": shown, "q": q, "count": count, "other_lang": other_content_language()},
    )


def violation_type(request: HttpRequest, code: str) -> HttpResponse:
    subtypes = ViolationSubtype.objects.active().order_by("order", "code")
    found = (
        ViolationType.objects.filter(code=code)
        .prefetch_related(Prefetch("subtypes", queryset=subtypes, to_attr="shown_subtypes"))
        .first()
    )
    if found is None:
        # A sub-type's code leads to its place on its type's page.
        subtype = get_object_or_404(ViolationSubtype.objects.select_related("type"), code=code)
        return redirect(f"{subtype.type.get_absolute_url()}#{subtype.code}")
    return render(request, "framework/violation_type.html", {"type": found, "other_lang": other_content_language()})


def glossary(request: HttpRequest) -> HttpResponse:
    q = _query(request)
    letter = request.GET.get("letter", "").strip().upper()
    if len(letter) != 1 or letter not in ALPHABET:
        letter = ""
    term_field = f"term_{active_content_language()}"
    terms = GlossaryTerm.objects.active()
    initials = set(terms.annotate(initial=Upper(Substr(term_field, 1, 1))).values_list("initial", flat=True).distinct())
    if q:
        terms = terms.filter(_matches(q, ["term", "definition"]))
    if letter:
        terms = terms.filter(**{f"{term_field}__istartswith": letter})
    page = Paginator(terms.order_by(Lower(term_field), "slug"), TERMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "framework/glossary.html",
        {
            "page": page,
            "q": q,
            "letter": letter,
            "alphabet": [(c, c in initials) for c in ALPHABET],
            "filtered": bool(q or letter),
            "other_lang": other_content_language(),
        },
    )


def term(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(GlossaryTerm, slug=slug)
    related = found.related.filter(retired=False).order_by(Lower(f"term_{active_content_language()}"))
    return render(
        request,
        "framework/term.html",
        {"term": found, "related": related, "other_lang": other_content_language()},
    )


def libraries(request: HttpRequest) -> HttpResponse:
    name_field = f"name_{active_content_language()}"
    found = AssessmentLibrary.objects.current().annotate(requirement_count=Count("requirements")).order_by(name_field)
    return render(request, "framework/libraries.html", {"libraries": found, "other_lang": other_content_language()})


def library(request: HttpRequest, code: str) -> HttpResponse:
    """One library with everything in it; `?version=` shows an older (or retired) version."""
    versions = sorted(AssessmentLibrary.objects.filter(code=code), key=lambda lib: lib.version_key, reverse=True)
    if not versions:
        raise Http404("No such library")
    wanted = request.GET.get("version", "").strip()
    if wanted:
        found = next((lib for lib in versions if lib.version == wanted), None)
        if found is None:
            raise Http404("No such version")
    else:
        # The newest version that is not retired; if every version is retired, the newest one with a notice.
        found = next((lib for lib in versions if not lib.retired), versions[0])
    current = next((lib for lib in versions if not lib.retired), None)
    requirements = Requirement.objects.order_by("order", "code").prefetch_related("options", "suggested_actions")
    areas = found.areas.prefetch_related(Prefetch("requirements", queryset=requirements))
    return render(
        request,
        "framework/library.html",
        {
            "library": found,
            "levels": found.levels.all(),
            "areas": areas,
            "versions": versions,
            "current": current,
            "other_lang": other_content_language(),
        },
    )
