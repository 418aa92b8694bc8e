"""Answering area by area on a plain form: saved as people go, evidence checked, closed once submitted."""

from assessments.models import AnswerChange, Evidence, Status
from framework.models import Requirement
from tests.assessments.helpers import PDF_BYTES, PNG_BYTES, level_of, request_of, upload, url


def first_area(assessment):
    requirements = list(Requirement.objects.filter(library=assessment.library).order_by("area__order", "order"))
    area = requirements[0].area
    return area, [r for r in requirements if r.area_id == area.pk]


def test_answers_are_saved_with_who_answered_and_their_history(people, partner, baseline):
    assessment = request_of(people, partner, baseline)
    area, reqs = first_area(assessment)
    client = partner.client("member")
    page = client.get(url("assessment_answer", partner.org, assessment))
    # Every level's meaning is on the page, and each requirement is its own fieldset.
    for level in baseline.levels.all():
        assert level.description.encode() in page.content
    assert page.content.count(b'<fieldset class="requirement">') == len(reqs)
    target = reqs[0]
    client.post(url("assessment_answer", partner.org, assessment), {"area": area.code, f"r{target.pk}-answer": "1"})
    partner.client("admin").post(
        url("assessment_answer", partner.org, assessment),
        {"area": area.code, f"r{target.pk}-answer": "3", f"r{target.pk}-comment": "Policy adopted"},
    )
    answer = assessment.answers.get(requirement=target)
    assert (answer.level, answer.comment, answer.answered_by) == (3, "Policy adopted", partner.admin)
    history = list(AnswerChange.objects.filter(answer=answer).values_list("level", "changed_by"))
    assert history == [(1, partner.member.pk), (3, partner.admin.pk)]


def test_evidence_upload_is_stored_privately_with_a_random_name(people, partner, baseline, settings):
    assessment = request_of(people, partner, baseline)
    area, reqs = first_area(assessment)
    response = partner.client("member").post(
        url("assessment_answer", partner.org, assessment),
        {
            "area": area.code,
            f"r{reqs[0].pk}-answer": "2",
            f"r{reqs[0].pk}-evidence": upload("Policy 2024.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "Policy 2024.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert evidence.file.name.startswith(f"evidence/{assessment.code}/")
    assert "Policy" not in evidence.file.name
    assert evidence.file.path.startswith(str(settings.MEDIA_ROOT))


def test_wrong_type_or_too_large_upload_is_refused_and_the_other_answers_stay_on_the_form(
    people, partner, baseline, settings
):
    assessment = request_of(people, partner, baseline)
    area, reqs = first_area(assessment)
    client = partner.client("member")
    page = url("assessment_answer", partner.org, assessment)
    data = {
        "area": area.code,
        f"r{reqs[0].pk}-answer": "4",
        f"r{reqs[1].pk}-answer": "2",
        f"r{reqs[1].pk}-comment": "Kept",
    }

    exe = client.post(page, {**data, f"r{reqs[0].pk}-evidence": upload("tool.exe", b"MZ\x90\x00")})
    assert exe.status_code == 400
    assert b"tool.exe is not a file type Samen accepts" in exe.content
    # Nothing was saved, and what was typed is still there to send again.
    assert not assessment.answers.exists()
    assert f'name="r{reqs[1].pk}-answer" value="2"'.encode() in exe.content
    assert b'value="2"' in exe.content and b"checked" in exe.content
    assert b"Kept</textarea>" in exe.content

    disguised = client.post(page, {**data, f"r{reqs[0].pk}-evidence": upload("scan.png", PDF_BYTES)})
    assert b"scan.png does not contain what its name says (PNG)" in disguised.content

    settings.EVIDENCE_MAX_BYTES = 20
    large = client.post(page, {**data, f"r{reqs[0].pk}-evidence": upload("photo.png", PNG_BYTES)})
    assert large.status_code == 400
    assert b"photo.png is larger than" in large.content
    assert not Evidence.objects.exists()


def test_answers_of_a_submitted_assessment_cannot_change(people, partner, baseline):
    assessment = request_of(people, partner, baseline)
    area, reqs = first_area(assessment)
    assessment.answer(reqs[0], organisation=partner.org, by=partner.member, level=2)
    assessment.submit()
    response = partner.client("member").post(
        url("assessment_answer", partner.org, assessment), {"area": area.code, f"r{reqs[0].pk}-answer": "5"}
    )
    assert response.status_code == 400
    assert b"can no longer change" in response.content
    assert level_of(assessment, reqs[0].code) == 2
    # The model refuses too, whoever calls it.
    import pytest

    from assessments.models import AssessmentClosed

    with pytest.raises(AssessmentClosed):
        assessment.answer(reqs[0], organisation=partner.org, by=partner.admin, level=5)
    answer = assessment.answers.get()
    answer.level = 5
    with pytest.raises(AssessmentClosed):
        answer.save()
    assert assessment.status == Status.SUBMITTED


def test_viewers_and_the_requester_do_not_answer_and_outsiders_see_nothing(people, partner, baseline):
    assessment = request_of(people, partner, baseline)
    page = url("assessment_answer", partner.org, assessment)
    assert partner.client("viewer").get(page).status_code == 403
    assert people.client("manager").get(url("assessment_answer", people.org, assessment)).status_code == 403
    assert people.client("outsider").get(url("assessment_answer", "ander", assessment)).status_code == 404
    # Hulp's people are not members of Kampala: its slug gives them 404.
    assert people.client("admin").get(page).status_code == 404


def test_saving_moves_to_the_next_area(people, partner, baseline):
    assessment = request_of(people, partner, baseline)
    area, _reqs = first_area(assessment)
    response = partner.client("member").post(
        url("assessment_answer", partner.org, assessment), {"area": area.code, "next": "1"}
    )
    second = baseline.areas.order_by("order").exclude(pk=area.pk).first()
    assert response.url.endswith(f"?area={second.code}")
