"""Over time: two final assessments of the same organisation side by side, with the change per area."""

from assessments.models import Assessment
from tests.assessments.helpers import answer_all, make_final, request_of, url


def test_two_final_assessments_side_by_side(people, partner, baseline):
    before = request_of(people, partner, baseline)
    answer_all(before, partner.org, partner.member, level=1)
    make_final(before, days_ago=400)
    after = request_of(people, partner, baseline)
    answer_all(after, partner.org, partner.member, level=3)
    make_final(after)
    page = people.client("member").get(url("assessment_compare", people.org, after), {"with": str(before.code)})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert len(rows) == baseline.areas.count()
    assert all(row["then"] == 1 and row["now"] == 3 and row["change"] == 2 for row in rows)
    assert b"+2.0" in page.content


def test_only_final_assessments_of_the_same_organisation_and_questionnaire(people, partner, baseline, libraries):
    final = make_final(request_of(people, partner, baseline))
    open_one = request_of(people, partner, baseline)
    other_library = make_final(request_of(people, partner, libraries["psea-capacity"]))
    page = people.client("member").get(url("assessment_compare", people.org, final))
    assert list(page.context["candidates"]) == []
    refused = people.client("member").get(url("assessment_compare", people.org, final), {"with": str(open_one.code)})
    assert refused.status_code == 400
    assert b"Choose one of the assessments listed." in refused.content
    assert Assessment.objects.count() == 3 and other_library.pk
