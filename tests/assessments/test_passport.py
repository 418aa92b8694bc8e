"""The passport: the partner shares its final assessment; a second funder reads and accepts it; revoking
takes effect at once."""

from assessments.models import Acceptance
from audit.models import Entry, Event
from organisations.models import Consent
from tests.assessments.helpers import answer_all, make_final, request_of, url


def test_share_read_accept_revoke(people, partner, baseline):
    assessment = request_of(people, partner, baseline)
    answer_all(assessment, partner.org, partner.member, level=3)
    make_final(assessment)
    second_funder = people.other_org  # Ander Fonds; its admin is `people.outsider`
    overview = url("assessment", second_funder, assessment)
    assert people.client("outsider").get(overview).status_code == 404

    owner = partner.client("admin")
    found = owner.get(url("assessment_share", partner.org, assessment), {"q": "ander"})
    assert [o.name for o in found.context["candidates"]] == ["Ander Fonds"]
    response = owner.post(
        url("assessment_share", partner.org, assessment),
        {"q": "ander", "scope": "organisation", "to_organisation": str(second_funder.code)},
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.organisation, consent.subject, consent.to_organisation) == (
        partner.org,
        f"assessment:{assessment.code}",
        second_funder,
    )
    assert Entry.objects.get(event=Event.CONSENT_GIVEN).target == consent.subject

    # The second funder reads it, read-only, and finds it in its list.
    reader = people.client("outsider")
    page = reader.get(overview)
    assert page.status_code == 200
    assert b"shares this assessment with you" in page.content
    listed = reader.get(url("assessments", second_funder), {"show": "shared"})
    assert [a.pk for a in listed.context["page_obj"]] == [assessment.pk]
    assert reader.get(url("assessment_answer", second_funder, assessment)).status_code == 403
    assert reader.get(url("assessment_share", second_funder, assessment)).status_code == 403

    # … accepts it as its own due diligence: one request spared, which the partner sees.
    assert reader.post(url("assessment_accept", second_funder, assessment)).status_code == 302
    assert Acceptance.objects.get().organisation == second_funder
    shared_page = owner.get(url("assessment_share", partner.org, assessment))
    assert b"spared you one request" in shared_page.content
    assert b"Ander Fonds" in shared_page.content

    # The partner revokes through the organisations' consent page: access ends at once.
    revoke = owner.post(f"/o/{partner.org.slug}/sharing/{consent.code}/revoke/")
    assert revoke.status_code == 302
    assert reader.get(overview).status_code == 404
    assert reader.get(url("assessment_pdf", second_funder, assessment)).status_code == 404
    listed = reader.get(url("assessments", second_funder))
    assert list(listed.context["page_obj"]) == []


def test_only_a_final_assessment_is_shared_and_only_by_managers(people, partner, baseline):
    assessment = request_of(people, partner, baseline)
    draft = partner.client("admin").get(url("assessment_share", partner.org, assessment))
    assert draft.status_code == 302  # back to the overview with a message
    make_final(assessment)
    assert partner.client("member").get(url("assessment_share", partner.org, assessment)).status_code == 403
    # The requester sees it already and does not own it: it cannot share it on.
    assert people.client("admin").get(url("assessment_share", people.org, assessment)).status_code == 403


def test_a_consent_for_another_assessment_or_from_someone_else_opens_nothing(people, partner, baseline):
    assessment = make_final(request_of(people, partner, baseline))
    # Hulp (the requester) cannot share Kampala's assessment on by writing a consent of its own.
    Consent.objects.create(
        organisation=people.org,
        subject=assessment.subject,
        scope=Consent.Scope.ORGANISATION,
        to_organisation=people.other_org,
        given_by=people.admin,
    )
    assert people.client("outsider").get(url("assessment", people.other_org, assessment)).status_code == 404
    assert not people.client("outsider").get(url("assessments", people.other_org)).context["page_obj"].object_list
