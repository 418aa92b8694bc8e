"""The assessment workflow: request → answer (area by area) → submit → review → return or finalise."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.models import ActionPlan
from assessments.access import SHARED, AssessmentAccess, get_assessment_for_user, require
from assessments.forms import AreaAnswerForm, RequestForm, ReviewForm, field_names
from assessments.models import Acceptance, Answer, Assessment, Evidence, ReviewComment, Status
from assessments.report import build_report
from audit.models import Event, record
from framework.models import AnswerOption, MaturityLevel, Requirement
from organisations.access import get_membership, require_manager
from organisations.models import Organisation
from samen.links import link_by_code

PAGE_SIZE = 25


class ListFilterForm(forms.Form):
    SHOW = [
        ("", gettext_lazy("All")),
        ("of_us", gettext_lazy("Of our organisation")),
        ("requested", gettext_lazy("Requested by us")),
        ("shared", gettext_lazy("Shared with us")),
    ]
    show = forms.ChoiceField(label=gettext_lazy("Show"), choices=SHOW, required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=[("", gettext_lazy("Any")), *Status.choices], required=False
    )
    q = forms.CharField(label=gettext_lazy("Organisation"), required=False, max_length=100)


@login_required
def assessments(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    filters, found, filtered = filtered_assessments(request, organisation)
    # The page's ids first, sorted without the joins, then its rows with them: a large funder's
    # thousands of assessments were joined to three tables before the sort picked 25 (10× slower).
    page = Paginator(found.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = {a.pk: a for a in Assessment.objects.filter(pk__in=list(page.object_list)).select_related(*LIST_RELATED)}
    page.object_list = [rows[pk] for pk in page.object_list]  # type: ignore[misc]
    return render(
        request,
        "assessments/assessments.html",
        {
            "organisation": organisation,
            "membership": membership,
            "filters": filters,
            "filtered": filtered,
            "page_obj": page,
        },
    )


LIST_RELATED = ("library", "organisation", "requester")


def filtered_assessments(
    request: HttpRequest, organisation: Organisation
) -> tuple[ListFilterForm, QuerySet[Assessment], bool]:
    """The assessments list with the page's filters: shared by the page and its CSV download."""
    filters = ListFilterForm(request.GET)
    found = Assessment.objects.visible_to(organisation)
    filtered = False
    if filters.is_valid():
        show, status, q = (filters.cleaned_data[k] for k in ("show", "status", "q"))
        if show == "of_us":
            found = found.filter(organisation=organisation)
        elif show == "requested":
            found = found.filter(requester=organisation)
        elif show == "shared":
            found = found.exclude(organisation=organisation).exclude(requester=organisation)
        if status:
            found = found.filter(status=status)
        if q:
            found = found.filter(organisation__name__icontains=q) | found.filter(requester__name__icontains=q)
        filtered = bool(show or status or q)
    found = found.select_related(*LIST_RELATED).order_by("-created_at", "-pk")
    return filters, found, filtered


@login_required
def assessment_request(request: HttpRequest, slug: str) -> HttpResponse:
    """A manager asks a partner for an assessment (or a mutual check), or starts a self-assessment."""
    membership = get_membership(request, slug)
    require_manager(membership)
    organisation = membership.organisation
    if request.method == "POST":
        form = RequestForm(request.POST, organisation=organisation)
        if form.is_valid():
            assessment = Assessment(created_by=request.user)  # type: ignore[misc]
            for name in ("library", "organisation", "requester", "partnership"):
                setattr(assessment, name, form.cleaned_data[name])
            assessment.save()
            if assessment.requester is None:
                messages.success(request, _("Your self-assessment is ready to answer."))
            else:
                messages.success(
                    request,
                    _("%(name)s can now answer the assessment.") % {"name": assessment.organisation.name},
                )
            return redirect("assessments:assessment", slug=slug, code=assessment.code)
    else:
        form = RequestForm(organisation=organisation, initial={"partnership": request.GET.get("partnership")})
    return render(
        request,
        "assessments/request.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


@login_required
def assessment(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_assessment_for_user(request, slug, code)
    report = build_report(access.assessment)
    accepted = (
        access.role == SHARED
        and Acceptance.objects.filter(
            assessment=access.assessment, organisation=access.membership.organisation
        ).exists()
    )
    return render(
        request,
        "assessments/assessment.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "access": access,
            "assessment": access.assessment,
            "report": report,
            "accepted": accepted,
            "plan_url": _plan_url(slug, access.assessment),
        },
    )


def _plan_url(slug: str, assessment: Assessment) -> str | None:
    from django.urls import NoReverseMatch, reverse

    from actions.models import ActionPlan

    plan = ActionPlan.objects.filter(source_kind="assessment", source_code=assessment.code).first()
    if plan is None:
        return None
    try:
        return reverse("actions:plan", kwargs={"slug": slug, "code": plan.code})
    except NoReverseMatch:  # the actions pages are being built alongside
        return None


@login_required
def assessment_answer(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """One area's requirements on one plain form; saving moves on to the next area."""
    access = get_assessment_for_user(request, slug, code)
    require(access.answers)
    assessment, side = access.assessment, access.membership.organisation
    if not assessment.is_open:
        return _closed(request, access)
    library = assessment.library
    requirements = list(
        Requirement.objects.filter(library=library)
        .select_related("area")
        .order_by("area__order", "area__code", "order", "code")
    )
    areas = []
    for requirement in requirements:
        if requirement.area not in areas:
            areas.append(requirement.area)
    if not areas:
        raise Http404
    area = next((a for a in areas if a.code == (request.POST.get("area") or request.GET.get("area"))), areas[0])
    in_area = [r for r in requirements if r.area_id == area.pk]
    # The choice questions' options in one query (a prefetch costs a queryset per requirement).
    options: dict[int, list[AnswerOption]] = {}
    choice_questions = [r.pk for r in in_area if r.answer_kind != Requirement.AnswerKind.MATURITY]
    for option in AnswerOption.objects.filter(requirement__in=choice_questions).order_by("order", "code"):
        options.setdefault(option.requirement_id, []).append(option)
    in_area_answers = assessment.answers.filter(organisation=side, requirement__in=in_area)
    in_area_answers = in_area_answers.select_related("answered_by")
    answers = {a.requirement_id: a for a in in_area_answers}
    levels = list(MaturityLevel.objects.filter(library=library).order_by("level"))
    evidence: dict[int, list[Evidence]] = {}
    evidence_items = list(Evidence.objects.filter(assessment=assessment, organisation=side, requirement__in=in_area))
    for item in evidence_items:
        evidence.setdefault(item.requirement_id, []).append(item)
    answered = set(
        Answer.objects.filter(assessment=assessment, organisation=side).values_list("requirement__area", flat=True)
    )
    # The reviewer's comments of the round that returned the assessment: one query, whatever their number.
    returned = Returned.of(
        assessment,
        ReviewComment.objects.filter(assessment=assessment, round=assessment.round - 1).select_related(
            "author", "organisation"
        ),
    )
    area_of = {requirement.pk: requirement.area_id for requirement in requirements}
    commented_areas = {area_of.get(pk) for pk in returned.by_requirement}

    if request.method == "POST":
        form = AreaAnswerForm(
            request.POST, request.FILES, requirements=in_area, answers=answers, levels=levels, options=options
        )
        if form.is_valid():
            with transaction.atomic():
                changed = _save_area(request, form, assessment, side, in_area, answers, options)
            if changed:
                messages.success(request, _("Saved."))
            index = areas.index(area)
            if "next" in request.POST and index + 1 < len(areas):
                return redirect(_answer_url(slug, assessment, areas[index + 1].code))
            if "next" in request.POST:
                return redirect("assessments:assessment_submit", slug=slug, code=assessment.code)
            return redirect(_answer_url(slug, assessment, area.code))
        status = 400
    else:
        form = AreaAnswerForm(requirements=in_area, answers=answers, levels=levels, options=options)
        status = 200
    rows = form.rows()
    # Evidence links and "last answered" lines made here: a {% url %} or {% blocktranslate %} per
    # requirement is a good part of a 60-requirement page.
    download = link_by_code("assessments:evidence_download", "evidence", slug=side.slug, code=assessment.code)
    for item in evidence_items:
        item.download_url = download(item.code)  # type: ignore[attr-defined]
    for row in rows:
        row.evidence_files = evidence.get(row.requirement.pk, [])
        row.answered = answers.get(row.requirement.pk)
        if row.answered is not None and row.answered.answered_by is not None:
            row.answered_note = _("Last answered by %(name)s, %(date)s") % {
                "name": row.answered.answered_by.display_name,
                "date": date_format(localtime(row.answered.answered_at), "Y-m-d H:i"),
            }
        row.review_comments = returned.by_requirement.get(row.requirement.pk, [])
    return render(
        request,
        "assessments/answer.html",
        {
            "organisation": side,
            "membership": access.membership,
            "assessment": assessment,
            "area": area,
            "areas": [(a, a.pk in answered, a.pk in commented_areas) for a in areas],
            "form": form,
            "rows": rows,
            "levels": levels,
            "is_last": areas[-1] == area,
            "returned": returned,
        },
        status=status,
    )


@dataclass
class Returned:
    """The review round that returned an open assessment: who returned it, when, and their comments.

    Empty (false) for an assessment never returned. Comments are written in the round under review;
    returning raises the assessment's round, so the returned round is the one before the current.
    """

    round: int = 0
    by: str = ""
    organisation: str = ""
    at: datetime | None = None
    general: list[ReviewComment] = field(default_factory=list)
    by_requirement: dict[int, list[ReviewComment]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.round > 0

    @property
    def count(self) -> int:
        return len(self.general) + sum(len(comments) for comments in self.by_requirement.values())

    @classmethod
    def of(cls, assessment: Assessment, comments: Iterable[ReviewComment]) -> "Returned":
        """From `comments` (any rounds, authors and organisations loaded), those of the returned round."""
        if assessment.round <= 1 or not assessment.is_open:
            return cls()
        returned = cls(round=assessment.round - 1)
        latest = None
        for comment in comments:
            if comment.round != returned.round:
                continue
            if comment.requirement_id is None:
                returned.general.append(comment)
            else:
                returned.by_requirement.setdefault(comment.requirement_id, []).append(comment)
            if latest is None or (comment.created_at, comment.pk) >= (latest.created_at, latest.pk):
                latest = comment
        if latest is not None:
            returned.at = latest.created_at
            returned.by = latest.author.display_name if latest.author else ""
            returned.organisation = latest.organisation.name
        return returned


def _answer_url(slug: str, assessment: Assessment, area_code: str) -> str:
    return reverse("assessments:assessment_answer", kwargs={"slug": slug, "code": assessment.code}) + (
        f"?area={area_code}"
    )


def _save_area(
    request: HttpRequest,
    form: AreaAnswerForm,
    assessment: Assessment,
    side: Organisation,
    requirements: list[Requirement],
    answers: dict[int, Answer],
    options: dict[int, list[AnswerOption]],
) -> int:
    by_pk = {option.pk: option for of_requirement in options.values() for option in of_requirement}
    changed = 0
    for requirement in requirements:
        level, option_id, comment = form.value_for(requirement)
        existing = answers.get(requirement.pk)
        if existing is None and level is None and option_id is None and not comment:
            pass
        elif (
            assessment.answer(
                requirement,
                organisation=side,
                by=request.user,  # type: ignore[arg-type]
                level=level,
                option=by_pk.get(option_id) if option_id else None,
                comment=comment,
                existing=existing,
                looked_up=True,
            )
            is not None
        ):
            changed += 1
        _answer, _comment, evidence_name = field_names(requirement)
        upload = form.cleaned_data.get(evidence_name)
        if upload:
            Evidence.objects.create(
                assessment=assessment,
                requirement=requirement,
                organisation=side,
                file=upload,
                original_name=(upload.name or "evidence")[-255:],
                content_type=form.cleaned_data[f"{evidence_name}-type"],
                size=upload.size or 0,
                uploaded_by=request.user,  # type: ignore[misc]
            )
            changed += 1
    return changed


def _closed(request: HttpRequest, access: AssessmentAccess) -> HttpResponse:
    """Answers of a submitted or final assessment cannot change: say so instead of showing a form."""
    return render(
        request,
        "assessments/closed.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "assessment": access.assessment,
        },
        status=400,
    )


@login_required
def assessment_submit(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    access = get_assessment_for_user(request, slug, code)
    assessment = access.assessment
    require(access.answers and access.membership.organisation_id == assessment.organisation_id)
    if not assessment.is_open:
        return _closed(request, access)
    report = build_report(assessment)
    missing = len(report.unanswered)
    # The report holds every round's comments already: no query of its own.
    returned = Returned.of(
        assessment, [*report.general_comments, *(comment for row in report.rows for comment in row.comments)]
    )
    commented = [row for row in report.rows if row.requirement.pk in returned.by_requirement]
    other_missing = (
        sum(1 for row in report.rows if row.other is None) if assessment.is_mutual and assessment.requester else 0
    )
    error = ""
    if request.method == "POST":
        if missing:
            error = _("Answer every requirement before you submit: %(count)s still open.") % {"count": missing}
        elif other_missing:
            error = _("%(name)s has not answered every question yet: %(count)s still open.") % {
                "name": assessment.requester.name,  # type: ignore[union-attr]
                "count": other_missing,
            }
        else:
            assessment.submit()
            messages.success(request, _("Submitted. It now waits for review."))
            return redirect("assessments:assessment", slug=slug, code=assessment.code)
    return render(
        request,
        "assessments/submit.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "assessment": assessment,
            "report": report,
            "missing": missing,
            "other_missing": other_missing,
            "error": error,
            "returned": returned,
            "commented": commented,
        },
        status=400 if error else 200,
    )


@login_required
def assessment_review(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The reviewer comments per requirement, rates, then returns the assessment or makes it final."""
    access = get_assessment_for_user(request, slug, code)
    require(access.reviews)
    assessment = access.assessment
    if assessment.status != Status.SUBMITTED:
        messages.error(request, _("Only a submitted assessment can be reviewed."))
        return redirect("assessments:assessment", slug=slug, code=assessment.code)
    report = build_report(assessment)
    requirements = [row.requirement for row in report.rows]
    suggested = report.tier or assessment.preliminary_rating
    if request.method == "POST":
        form = ReviewForm(request.POST, requirements=requirements)
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            with transaction.atomic():
                comments = [
                    ReviewComment(
                        assessment=assessment,
                        requirement=requirement,
                        round=assessment.round,
                        author=request.user,  # type: ignore[misc]
                        organisation=access.membership.organisation,
                        text=text,
                    )
                    for requirement, text in form.comments()
                ]
                if form.cleaned_data["comment"].strip():
                    comments.append(
                        ReviewComment(
                            assessment=assessment,
                            round=assessment.round,
                            author=request.user,  # type: ignore[misc]
                            organisation=access.membership.organisation,
                            text=form.cleaned_data["comment"].strip(),
                        )
                    )
                ReviewComment.objects.bulk_create(comments)
                assessment.preliminary_rating = form.cleaned_data["preliminary_rating"]
                assessment.save(update_fields=["preliminary_rating"])
                if decision == "return":
                    assessment.return_with_comments()
                    messages.success(
                        request,
                        _("Returned to %(name)s with your comments.") % {"name": assessment.organisation.name},
                    )
                elif decision == "finalise":
                    assessment.finalise(form.cleaned_data["preliminary_rating"])
                    messages.success(request, _("The assessment is final."))
                else:
                    messages.success(request, _("Comments saved."))
            if decision == "save":
                return redirect("assessments:assessment_review", slug=slug, code=assessment.code)
            return redirect("assessments:assessment", slug=slug, code=assessment.code)
    else:
        form = ReviewForm(requirements=requirements, initial={"preliminary_rating": suggested})
    return render(
        request,
        "assessments/review.html",
        {
            "organisation": access.membership.organisation,
            "membership": access.membership,
            "assessment": assessment,
            "report": report,
            "form": form,
            "rows": [(row, form.review_field(row.requirement)) for row in report.rows],
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


@login_required
def evidence_download(request: HttpRequest, slug: str, code: UUID, evidence: UUID) -> FileResponse:
    access = get_assessment_for_user(request, slug, code)
    item = get_object_or_404(Evidence, assessment=access.assessment, code=evidence)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=slug,
        target=access.assessment.subject,
        detail={"evidence": str(item.code), "name": item.original_name},
    )
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def assessment_plan(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The co-owned action plan from the gaps, seeded with the library's suggested actions."""
    access = get_assessment_for_user(request, slug, code)
    require(access.manages or access.reviews)
    assessment = access.assessment
    if assessment.status != Status.FINAL:
        messages.error(request, _("An action plan follows from a final assessment."))
        return redirect("assessments:assessment", slug=slug, code=assessment.code)
    existing = ActionPlan.objects.filter(source_kind="assessment", source_code=assessment.code).first()
    if request.method != "POST":
        report = build_report(assessment)
        return render(
            request,
            "assessments/plan.html",
            {
                "organisation": access.membership.organisation,
                "membership": access.membership,
                "assessment": assessment,
                "report": report,
                "action_count": len(report.gaps) + len(report.unanswered),
                "existing": existing,
            },
        )
    if existing is None:
        report = build_report(assessment)
        with transaction.atomic():
            owner = assessment.requester or assessment.organisation
            partner = assessment.organisation if assessment.requester else None
            plan = ActionPlan.start(
                organisation=owner,
                partner=partner,
                title=_("Action plan: %(library)s — %(name)s")
                % {"library": assessment.library.name, "name": assessment.organisation.name},
                source_kind="assessment",
                source_code=assessment.code,
                by=request.user,  # type: ignore[arg-type]
            )
            for row in [*report.gaps, *report.unanswered]:
                suggestions = list(row.requirement.suggested_actions.all())
                first = suggestions[0] if suggestions else None
                plan.add_action(
                    title=(first.title if first else row.requirement.text)[:200],
                    description=first.description if first else "",
                    requirement=row.requirement,
                    by=request.user,  # type: ignore[arg-type]
                )
        messages.success(request, _("The action plan is ready; both organisations can now work on it."))
        existing = plan
    return redirect("actions:plan", slug=slug, code=existing.code)
