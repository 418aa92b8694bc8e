"""The list of assessments (of us, requested by us, shared with us) and requesting one."""

from assessments.models import Assessment
from tests.assessments.helpers import request_of, url


def test_empty_list_invites_managers_to_start(people):
    page = people.client("manager").get(url("assessments", people.org))
    assert b"No assessments yet." in page.content
    assert b"Request or start an assessment" in page.content
    assert b"A manager or administrator" in people.client("member").get(url("assessments", people.org)).content


def test_list_filters(people, partner, baseline):
    requested = request_of(people, partner, baseline)
    own = Assessment.objects.create(library=baseline, organisation=people.org)
    client = people.client("member")
    assert {a.pk for a in client.get(url("assessments", people.org)).context["page_obj"]} == {requested.pk, own.pk}
    mine = client.get(url("assessments", people.org), {"show": "of_us"}).context["page_obj"]
    assert [a.pk for a in mine] == [own.pk]
    asked = client.get(url("assessments", people.org), {"show": "requested", "q": "kampala"}).context["page_obj"]
    assert [a.pk for a in asked] == [requested.pk]
    assert b"No assessment matches" in client.get(url("assessments", people.org), {"status": "final"}).content
    assert people.client("outsider").get(url("assessments", people.org)).status_code == 404


def test_self_assessment_and_no_duplicate_while_one_is_under_way(people, baseline):
    client = people.client("admin")
    first = client.post(url("assessment_request", people.org), {"library": baseline.code})
    assert first.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.organisation, assessment.requester) == (people.org, None)
    again = client.post(url("assessment_request", people.org), {"library": baseline.code})
    assert again.status_code == 200
    assert b"already under way" in again.content
    assert Assessment.objects.count() == 1


def test_only_our_partnerships_can_be_chosen(people, partner, baseline):
    from organisations.models import Organisation, Partnership

    stranger = Organisation.objects.create(slug="stranger", name="Stranger")
    theirs = Partnership.objects.create(organisation=people.other_org, partner=stranger)
    response = people.client("manager").post(
        url("assessment_request", people.org), {"library": baseline.code, "partnership": str(theirs.code)}
    )
    assert b"Select a valid choice" in response.content
    assert not Assessment.objects.exists()
    assert people.client("member").get(url("assessment_request", people.org)).status_code == 403
