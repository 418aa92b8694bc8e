"""The whole journey: a funder requests → the partner answers without JavaScript → submits → the funder
returns it once → the partner resubmits → final → a co-owned action plan from the gaps."""

from actions.models import Action, ActionPlan
from assessments.models import Assessment, ReviewComment, Status
from framework.models import Requirement
from tests.assessments.helpers import answer_all, make_final, request_of, url


def test_request_answer_return_resubmit_finalise_plan(people, partner, baseline):
    funder = people.client("manager")
    response = funder.post(
        url("assessment_request", people.org),
        {"library": baseline.code, "partnership": str(partner.partnership.code)},
    )
    assessment = Assessment.objects.get()
    assert response.url == url("assessment", people.org, assessment)
    assert (assessment.organisation, assessment.requester, assessment.status) == (partner.org, people.org, "draft")

    # The partner answers the first area with a plain form post (what a phone without JavaScript sends).
    answering = partner.client("member")
    page = answering.get(url("assessment_answer", partner.org, assessment))
    assert page.status_code == 200
    requirements = list(Requirement.objects.filter(library=baseline).select_related("area"))
    first_area = page.context["area"]
    in_area = [r for r in requirements if r.area_id == first_area.pk]
    data = {"area": first_area.code, "next": "1"}
    for r in in_area:
        data[f"r{r.pk}-answer"] = "2"
        data[f"r{r.pk}-comment"] = "We are working on it"
    response = answering.post(url("assessment_answer", partner.org, assessment), data)
    assert response.status_code == 302
    assert "?area=" in response.url and first_area.code not in response.url
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_PROGRESS
    assert assessment.answers.count() == len(in_area)
    assert {a.answered_by for a in assessment.answers.all()} == {partner.member}

    # Submitting with open requirements is refused, with the count.
    refused = partner.client("admin").post(url("assessment_submit", partner.org, assessment))
    assert refused.status_code == 400
    assert b"still open" in refused.content

    answer_all(assessment, partner.org, partner.admin, level=2, **{in_area[0].code: 4})
    response = partner.client("admin").post(url("assessment_submit", partner.org, assessment))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED and assessment.submitted_at

    # The funder's officer reviews and returns it with a comment on one requirement.
    reviewer = people.client("officer")
    review = reviewer.get(url("assessment_review", people.org, assessment))
    assert review.status_code == 200
    target = requirements[1]
    response = reviewer.post(
        url("assessment_review", people.org, assessment),
        {
            f"r{target.pk}-review": "Please add the policy document.",
            "preliminary_rating": "moderate",
            "decision": "return",
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.round, assessment.preliminary_rating) == ("returned", 2, "moderate")
    comment = ReviewComment.objects.get()
    assert (comment.requirement, comment.round, comment.author) == (target, 1, people.officer)
    overview = partner.client("member").get(url("assessment", partner.org, assessment))
    assert b"Please add the policy document." in overview.content

    # The partner changes one answer and resubmits.
    answer_all(assessment, partner.org, partner.member, level=3)
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_PROGRESS
    assert partner.client("admin").post(url("assessment_submit", partner.org, assessment)).status_code == 302

    # Finalising needs a rating.
    no_rating = reviewer.post(url("assessment_review", people.org, assessment), {"decision": "finalise"})
    assert no_rating.status_code == 400
    assert b"Choose a rating before you finalise" in no_rating.content
    reviewer.post(
        url("assessment_review", people.org, assessment), {"preliminary_rating": "low", "decision": "finalise"}
    )
    assessment.refresh_from_db()
    assert assessment.status == Status.FINAL and assessment.final_rating == "low"
    assert assessment.valid_until and assessment.finalised_at
    assert assessment.valid_until.year == assessment.finalised_at.year + baseline.validity_years

    # The action plan: owned by the funder, co-owned by the partner, an action per gap.
    answered_below = assessment.answers.filter(level__lt=baseline.target_level).count()
    confirm = people.client("manager").get(url("assessment_plan", people.org, assessment))
    assert confirm.context["action_count"] == answered_below
    response = people.client("manager").post(url("assessment_plan", people.org, assessment))
    plan = ActionPlan.objects.get()
    assert response.url.endswith(f"/plans/{plan.code}/")
    assert (plan.organisation, plan.partner, plan.source_code) == (people.org, partner.org, assessment.code)
    assert Action.objects.filter(plan=plan).count() == answered_below
    # Asking twice gives the same plan, not a second one.
    people.client("manager").post(url("assessment_plan", people.org, assessment))
    assert ActionPlan.objects.count() == 1


def test_making_the_plan_says_how_many_actions_it_starts_with(people, partner, baseline, english):
    assessment = request_of(people, partner, baseline)
    answer_all(assessment, partner.org, partner.member, level=1)
    make_final(assessment)
    page = people.client("manager").get(url("assessment_plan", people.org, assessment))
    gaps = baseline.requirements.count()
    assert page.context["action_count"] == gaps
    assert f"It starts with {gaps} actions" in page.content.decode()
