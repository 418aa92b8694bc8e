"""Pages of the partnership health checks: the checks, one check with its rounds and trend, a round
with its answers, results, differences, review meeting and actions."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions.models import ActionPlan
from audit.models import Event, record
from health.access import get_participant, get_round_for_user, get_schedule_for_user, require
from health.charts import trend_chart
from health.forms import ActionForm, AnswerForm, InviteForm, ReviewForm, RoundForm, ScheduleForm, participant_choices
from health.models import MIN_RESPONDENTS, Answered, Participant, Rating, Round, Schedule
from health.results import round_results, trend
from organisations import dashboard as overview
from organisations.access import get_membership, require_manager
from organisations.models import Membership, Organisation
from samen.csv_export import csv_response, filename

PAGE_SIZE = 25
# The kind under which a check's actions plan is kept in the shared actieplan.
PLAN_SOURCE = "health_check"


@login_required
def checks(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    organisation = membership.organisation
    page = Paginator(_listed_checks(organisation), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "health/checks.html",
        {"organisation": organisation, "membership": membership, "page_obj": page, "today": timezone.localdate()},
    )


def _listed_checks(organisation: Organisation) -> "QuerySet[Schedule]":
    """The checks list, shared by the page and its CSV download."""
    return (
        Schedule.objects.visible_to(organisation)
        .select_related("partnership__organisation", "partnership__partner", "alliance")
        .annotate(
            round_count=Count("rounds", distinct=True),
            open_count=Count("rounds", filter=Q(rounds__closed_at__isnull=True), distinct=True),
        )
        .order_by("next_due_on", "title", "pk")
    )


@login_required
def checks_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Every check of the list (not one page) as CSV."""
    membership = get_membership(request, slug)
    organisation = membership.organisation
    today = timezone.localdate()
    rows = [
        [
            schedule.title,
            schedule.get_kind_display(),
            schedule.subject_name,
            schedule.round_count,  # type: ignore[attr-defined]
            _("yes") if schedule.open_count else _("no"),  # type: ignore[attr-defined]
            schedule.next_due_on,
            _("yes") if schedule.next_due_on <= today and not schedule.open_count else _("no"),  # type: ignore[attr-defined]
        ]
        for schedule in _listed_checks(organisation)
    ]
    record(
        Event.EXPORT,
        actor=request.user.email,  # type: ignore[union-attr]
        organisation=organisation.slug,
        target="health checks",
        detail={"format": "csv", "rows": len(rows)},
    )
    header = [
        _("Check"),
        _("Kind"),
        _("Partnership or alliance"),
        _("Rounds"),
        _("A round is open"),
        _("Next round due"),
        _("Due"),
    ]
    return csv_response(filename(organisation.slug, "health-checks"), header, rows)


@login_required
def check_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Set up a periodic check of a partnership or alliance; managers and admins."""
    membership = get_membership(request, slug)
    require_manager(membership)
    organisation = membership.organisation
    if request.method == "POST":
        form = ScheduleForm(request.POST, organisation=organisation)
        if form.is_valid():
            data = form.cleaned_data
            schedule = Schedule(organisation=organisation, created_by=request.user)  # type: ignore[misc]
            schedule.partnership, schedule.alliance = data["partnership"], data["alliance"]
            schedule.kind, schedule.interval_months = data["kind"], data["interval_months"]
            schedule.next_due_on = data["next_due_on"]
            schedule.title = data["title"] or _("Health check: %(name)s") % {"name": schedule.subject_name}
            schedule.save()
            messages.success(request, _("Health check set up. Start its first round when you are ready."))
            return redirect("health:check", slug=slug, code=schedule.code)
    else:
        initial = {"subject": f"p:{request.GET['partnership']}"} if request.GET.get("partnership") else {}
        form = ScheduleForm(organisation=organisation, initial=initial)
    return render(
        request, "health/check_new.html", {"organisation": organisation, "membership": membership, "form": form}
    )


@login_required
def check(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """A check: its rounds and the trend over the closed ones."""
    schedule, membership = get_schedule_for_user(request, slug, code)
    organisations = list(schedule.organisations())
    rounds = list(
        schedule.rounds.annotate(
            invited=Count("participants", distinct=True), answered_count=Count("answered", distinct=True)
        ).order_by("-number")
    )
    history = trend(schedule, organisations)
    chart = None
    if history.rounds:
        labels = [_("Round %(number)s") % {"number": r.number} for r in history.rounds]
        chart = trend_chart(
            labels,
            [(o.name, scores) for o, scores in history.series],
            title=_("Health over the rounds per organisation: 0 is all red, 100 all green"),
        )
    return render(
        request,
        "health/check.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "schedule": schedule,
            "organisations": organisations,
            "rounds": rounds,
            "open_round": next((r for r in rounds if r.is_open), None),
            "trend": history,
            "chart": chart,
            "minimum": MIN_RESPONDENTS,
            "plan": ActionPlan.objects.filter(source_kind=PLAN_SOURCE, source_code=schedule.code).first(),
        },
    )


def _grouped(
    memberships: list[Membership], organisations: list[Organisation]
) -> list[tuple[Organisation, list[Membership]]]:
    return [(o, [m for m in memberships if m.organisation_id == o.pk]) for o in organisations]


@login_required
def round_new(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Start a round and choose who answers, from every organisation of the check."""
    schedule, membership = get_schedule_for_user(request, slug, code)
    require_manager(membership)
    current = schedule.rounds.open().first()
    if current is not None:
        messages.info(request, _("This check has a round open already: close it before starting the next."))
        return redirect("health:round", slug=slug, code=current.code)
    organisations = list(schedule.organisations())
    memberships = participant_choices(organisations)
    if request.method == "POST":
        form = RoundForm(request.POST, memberships=memberships)
        if form.is_valid():
            today = timezone.localdate()
            number = (schedule.rounds.aggregate(last=Max("number"))["last"] or 0) + 1
            try:
                with transaction.atomic():
                    round = Round.objects.create(
                        schedule=schedule,
                        organisation=schedule.organisation,
                        number=number,
                        opened_by=request.user,  # type: ignore[misc]
                        closes_on=form.cleaned_data["closes_on"],
                    )
                    _invite(round, form.cleaned_data["participants"], request.user)
                    schedule.next_due_on = schedule.following_due_date(today)
                    schedule.save(update_fields=["next_due_on"])
            except IntegrityError:
                messages.info(request, _("Someone else started a round of this check meanwhile."))
                return redirect("health:check", slug=slug, code=schedule.code)
            messages.success(
                request,
                _("Round %(number)s started. The people you chose get an email asking them to answer.")
                % {"number": number},
            )
            return redirect("health:round", slug=slug, code=round.code)
    else:
        form = RoundForm(memberships=memberships)
    return render(
        request,
        "health/round_new.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "schedule": schedule,
            "form": form,
            "groups": _grouped(form.memberships, organisations),
            "chosen": form.chosen_codes(),
            "minimum": MIN_RESPONDENTS,
        },
    )


def _invite(round: Round, memberships: list[Membership], by: Any) -> None:
    participants = Participant.objects.bulk_create(
        [
            Participant(round=round, user_id=m.user_id, organisation_id=m.organisation_id, invited_by=by)
            for m in memberships
        ],
        ignore_conflicts=True,
    )
    for participant in participants:
        overview.changed(participant)  # the round is on their overview now


def _owns_plan(schedule: Schedule, membership: Membership) -> bool:
    """Whether the person's organisation owns the check's action plan: the one that runs the check, or
    the other side of the partnership. (An alliance's plan belongs to the organisation that runs it.)"""
    partner = schedule.plan_partner()
    return membership.organisation_id in {schedule.organisation_id, partner.pk if partner else None}


def _round_page(
    request: HttpRequest, round: Round, membership: Membership, action_form: ActionForm | None = None
) -> HttpResponse:
    schedule = round.schedule
    organisation_id = membership.organisation_id
    organisations = list(schedule.organisations())
    participants = list(
        round.participants.select_related("user", "organisation")
        .annotate(has_answered=Count("answered"))
        .order_by("organisation__name", "user__name", "user__email")
    )
    mine = next(
        (p for p in participants if p.user_id == membership.user_id and p.organisation_id == organisation_id), None
    )
    progress = []
    for each in organisations:
        invited = [p for p in participants if p.organisation_id == each.pk]
        progress.append((each, sum(1 for p in invited if p.has_answered), len(invited)))
    plan = ActionPlan.objects.filter(source_kind=PLAN_SOURCE, source_code=schedule.code).first()
    plan_actions = list(plan.actions.order_by("created_at")) if plan else []
    return render(
        request,
        "health/round.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "schedule": schedule,
            "round": round,
            "participants": participants,
            "mine": mine,
            "progress": progress,
            # Results only once the round is closed: figures shown while answers still come in would,
            # compared before and after one answer, give that person's colours away.
            "results": None if round.is_open else round_results(round, organisations),
            "minimum": MIN_RESPONDENTS,
            "plan": plan,
            "plan_is_ours": plan is not None and plan.is_owner(membership.organisation),
            "plan_actions": plan_actions,
            "can_add_action": _owns_plan(schedule, membership),
            "action_form": action_form or ActionForm(),
        },
        status=400 if action_form is not None else 200,
    )


@login_required
def round_detail(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    round, membership = get_round_for_user(request, slug, code)
    return _round_page(request, round, membership)


@login_required
def round_answer(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The participant's colours and comments, all on one plain form that works without JavaScript."""
    round, membership = get_round_for_user(request, slug, code)
    participant = get_participant(round, membership)
    require(participant is not None and membership.can_write)
    assert participant is not None
    if not round.is_open:
        messages.info(request, _("This round is closed: answers are no longer taken."))
        return redirect("health:round", slug=slug, code=round.code)
    if Answered.objects.filter(participant=participant).exists():
        messages.info(request, _("You have answered this round already. Thank you."))
        return redirect("health:round", slug=slug, code=round.code)
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    # The constraint on Answered makes a second answer (a double click, two tabs) fail here.
                    Answered.objects.create(round=round, participant=participant, organisation=participant.organisation)
                    Rating.objects.bulk_create(
                        [
                            Rating(
                                round=round,
                                organisation=participant.organisation,
                                dimension=dimension,
                                colour=colour,
                                comment=comment,
                            )
                            for dimension, colour, comment in form.ratings()
                        ]
                    )
            except IntegrityError:
                messages.info(request, _("You have answered this round already. Thank you."))
                return redirect("health:round", slug=slug, code=round.code)
            messages.success(request, _("Thank you. Your answers are saved without your name."))
            return redirect("health:round", slug=slug, code=round.code)
    else:
        form = AnswerForm()
    return render(
        request,
        "health/round_answer.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "schedule": round.schedule,
            "round": round,
            "form": form,
            "minimum": MIN_RESPONDENTS,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def round_invite(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """A manager of any organisation of the check invites more of its own people to an open round."""
    round, membership = get_round_for_user(request, slug, code)
    require_manager(membership)
    if not round.is_open:
        messages.info(request, _("This round is closed: nobody can be invited any more."))
        return redirect("health:round", slug=slug, code=round.code)
    organisation = membership.organisation
    already = set(round.participants.values_list("user_id", flat=True))
    memberships = participant_choices([organisation])
    if request.method == "POST":
        form = InviteForm(request.POST, memberships=memberships, already=already)
        if form.is_valid():
            _invite(round, form.cleaned_data["participants"], request.user)
            messages.success(request, _("Invited. They get an email asking them to answer."))
            return redirect("health:round", slug=slug, code=round.code)
    else:
        form = InviteForm(memberships=memberships, already=already)
    return render(
        request,
        "health/round_invite.html",
        {
            "organisation": organisation,
            "membership": membership,
            "schedule": round.schedule,
            "round": round,
            "form": form,
            "groups": _grouped(form.memberships, [organisation]),
            "chosen": form.chosen_codes(),
            "minimum": MIN_RESPONDENTS,
        },
    )


@login_required
@require_POST
def round_close(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    round, membership = get_round_for_user(request, slug, code)
    require_manager(membership)
    if round.close(by=request.user):  # type: ignore[arg-type]
        messages.success(request, _("Round closed. The results are below."))
    else:
        messages.info(request, _("This round was closed already."))
    return redirect("health:round", slug=slug, code=round.code)


@login_required
def round_review(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """The record of the review meeting in which both sides talk the results through."""
    round, membership = get_round_for_user(request, slug, code)
    require_manager(membership)
    if round.is_open:
        messages.info(request, _("Close the round first: the review meeting discusses its results."))
        return redirect("health:round", slug=slug, code=round.code)
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            round.review_held_on = form.cleaned_data["held_on"]
            round.review_notes = form.cleaned_data["notes"]
            round.review_agreements = form.cleaned_data["agreements"]
            round.review_recorded_by = request.user  # type: ignore[assignment]
            round.save(update_fields=["review_held_on", "review_notes", "review_agreements", "review_recorded_by"])
            messages.success(request, _("Review meeting recorded."))
            return redirect("health:round", slug=slug, code=round.code)
    else:
        form = ReviewForm(
            initial={
                "held_on": round.review_held_on or timezone.localdate(),
                "notes": round.review_notes,
                "agreements": round.review_agreements,
            }
        )
    return render(
        request,
        "health/round_review.html",
        {
            "organisation": membership.organisation,
            "membership": membership,
            "schedule": round.schedule,
            "round": round,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def round_action(request: HttpRequest, slug: str, code: UUID) -> HttpResponse:
    """Add an action to the check's plan in the shared actieplan (the plan starts with its first action)."""
    round, membership = get_round_for_user(request, slug, code)
    require_manager(membership)
    schedule = round.schedule
    require(_owns_plan(schedule, membership))
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _round_page(request, round, membership, action_form=form)
    plan = ActionPlan.start(
        organisation=schedule.organisation,
        partner=schedule.plan_partner(),
        title=schedule.title,
        source_kind=PLAN_SOURCE,
        source_code=schedule.code,
        by=request.user,  # type: ignore[arg-type]
    )
    action = plan.add_action(
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"],
        due_on=form.cleaned_data["due_on"],
        by=request.user,  # type: ignore[arg-type]
        by_organisation=membership.organisation,
    )
    messages.success(request, _("Action “%(title)s” added to the action plan.") % {"title": action.title})
    return redirect("health:round", slug=slug, code=round.code)
