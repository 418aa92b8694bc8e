"""The overview page: progress, scores with the chart and its figures, gaps; constant queries."""

from assessments.models import Assessment
from tests.assessments.helpers import answer_all, query_count, request_of, small_library, url


def test_overview_shows_scores_chart_and_gaps(people, partner, baseline):
    assessment = request_of(people, partner, baseline)
    first = baseline.requirements.order_by("order").first()
    answer_all(assessment, partner.org, partner.member, level=3, **{first.code: 1})
    page = people.client("viewer").get(url("assessment", people.org, assessment))
    assert page.status_code == 200
    assert b"<svg" in page.content and b"Score per area, 0 to 5" in page.content
    gaps = page.context["report"].gaps
    assert [row.requirement for row in gaps] == [first]
    assert first.suggested_actions.first().title.encode() in page.content


def test_psea_total_and_tier(people, partner, libraries):
    psea = libraries["psea-capacity"]
    assessment = request_of(people, partner, psea)
    answer_all(assessment, partner.org, partner.member, level=0)
    report = people.client("member").get(url("assessment", people.org, assessment)).context["report"]
    assert report.tier == "high"
    assert b"high risk" in people.client("member").get(url("assessment", people.org, assessment)).content


def test_mutual_check_both_sides_answer_and_differences_show(people, partner, libraries):
    check = libraries["partnership-relationship-check"]
    response = people.client("manager").post(
        url("assessment_request", people.org), {"library": check.code, "partnership": str(partner.partnership.code)}
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    answer_all(assessment, partner.org, partner.member, level=4)
    answer_all(assessment, people.org, people.member, level=1)
    assert people.client("member").get(url("assessment_answer", people.org, assessment)).status_code == 200
    assessment.submit()
    report = people.client("member").get(url("assessment", people.org, assessment)).context["report"]
    assert report.differences and all(row.difference == 3 for row in report.differences)


def test_mutual_check_needs_a_partner(people, libraries):
    response = people.client("manager").post(
        url("assessment_request", people.org), {"library": "partnership-relationship-check"}
    )
    assert response.status_code == 200
    assert b"Both partners answer this check" in response.content


def test_queries_do_not_grow_with_requirements(people, partner):
    counts = []
    for size in (6, 60):
        library = small_library(code=f"lib-{size}", requirements=size, areas=6)
        assessment = request_of(people, partner, library)
        answer_all(assessment, partner.org, partner.member, level=2)
        counts.append(
            (
                query_count(people.client("member"), url("assessment", people.org, assessment)),
                query_count(partner.client("member"), url("assessment_answer", partner.org, assessment)),
            )
        )
    assert counts[0] == counts[1]
