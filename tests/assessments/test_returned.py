"""A returned assessment: the partner sees on the answer and submit pages that it came back, from whom
and when, and each reviewer comment next to its requirement, in a fixed number of queries."""

import re

from django.utils import timezone

from assessments.models import Assessment, ReviewComment, Status
from framework.models import Requirement
from tests.assessments.helpers import answer_all, query_count, request_of, small_library, url

COMMENT = "Please attach the signed code of conduct."
GENERAL = "Good start; two points to finish."


def _submitted(people, partner, library) -> Assessment:
    assessment = request_of(people, partner, library)
    answer_all(assessment, partner.org, partner.member, level=2)
    assessment.submit()
    return assessment


def _return(people, assessment: Assessment, comments: dict[Requirement, str], general: str = "") -> None:
    """The funder's officer returns the assessment through the review page."""
    data = {f"r{requirement.pk}-review": text for requirement, text in comments.items()}
    response = people.client("officer").post(
        url("assessment_review", people.org, assessment),
        {**data, "comment": general, "preliminary_rating": "moderate", "decision": "return"},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Status.RETURNED


def _fieldset_of(content: str, requirement: Requirement) -> str:
    """The HTML of one requirement's fieldset on the answer page."""
    start = content.index(f"<legend>{requirement.code} · ")
    end = content.find('<fieldset class="requirement">', start)
    return content[start : end if end > 0 else content.index("</form>", start)]


def test_the_answer_page_says_the_assessment_was_returned_and_shows_each_comment_at_its_requirement(
    people, partner, baseline
):
    assessment = _submitted(people, partner, baseline)
    requirements = list(Requirement.objects.filter(library=baseline).order_by("area__order", "order"))
    first_area = requirements[0].area
    in_area = [r for r in requirements if r.area_id == first_area.pk]
    commented, other_area = in_area[1], next(r for r in requirements if r.area_id != first_area.pk)
    _return(people, assessment, {commented: COMMENT, other_area: "Which board decision?"}, general=GENERAL)

    page = partner.client("member").get(url("assessment_answer", partner.org, assessment))
    assert page.status_code == 200
    content = page.content.decode()
    # The notice: returned, by whom (person and organisation), when, after which round; the general comment.
    notice = content[content.index("Returned with comments") : content.index('aria-label="Areas"')]
    when = timezone.localtime(ReviewComment.objects.latest("created_at").created_at).strftime("%Y-%m-%d %H:%M")
    assert f"Officer ({people.org.name}) returned this assessment on {when}, after review round 1." in notice
    assert "Change what the 3 comments ask for, then submit again." in notice
    assert GENERAL in notice
    # The comment sits in its requirement's fieldset, and its radio buttons point to it.
    fieldset = _fieldset_of(content, commented)
    assert COMMENT in fieldset
    review_id = f"id_r{commented.pk}-answer_review"
    assert f'id="{review_id}"' in fieldset
    assert fieldset.count(f'aria-describedby="{review_id}"') == 6
    # Not at the other requirements; the other area's comment is announced in the area list.
    assert content.count(COMMENT) == 1
    assert "Which board decision?" not in content
    start = content.index('aria-label="Areas"')
    items = {item.split('"')[0]: item for item in content[start : content.index("</nav>", start)].split("?area=")[1:]}
    marked = [code for code, item in items.items() if "(reviewer comments)" in item]
    assert sorted(marked) == sorted({first_area.code, other_area.area.code})

    # The other area shows its own comment.
    other = partner.client("member").get(
        url("assessment_answer", partner.org, assessment) + f"?area={other_area.area.code}"
    )
    assert "Which board decision?" in _fieldset_of(other.content.decode(), other_area)

    # Still shown once the partner starts changing answers (the assessment is then in progress).
    partner.client("member").post(
        url("assessment_answer", partner.org, assessment),
        {"area": first_area.code, f"r{commented.pk}-answer": "4", "save": "1"},
    )
    assessment.refresh_from_db()
    assert (assessment.status, assessment.round) == (Status.IN_PROGRESS, 2)
    again = partner.client("member").get(url("assessment_answer", partner.org, assessment)).content.decode()
    assert "Returned with comments" in again and COMMENT in _fieldset_of(again, commented)
    assert f'id="id_r{commented.pk}-answer_4" checked' in again


def test_the_submit_page_repeats_the_notice_and_lists_the_commented_requirements(people, partner, baseline):
    assessment = _submitted(people, partner, baseline)
    commented = Requirement.objects.filter(library=baseline).order_by("area__order", "order")[2]
    _return(people, assessment, {commented: COMMENT})

    page = partner.client("admin").get(url("assessment_submit", partner.org, assessment))
    content = page.content.decode()
    assert "Returned with comments" in content
    assert f"Officer ({people.org.name}) returned this assessment on" in content
    assert "Change what the comment asks for, then submit again." in content
    listed = content[content.index("Comments per requirement") :]
    assert f'?area={commented.area.code}">{commented.code}</a>' in listed
    assert COMMENT in listed


def test_an_assessment_never_returned_shows_no_notice(people, partner, baseline):
    assessment = request_of(people, partner, baseline)
    for name in ("assessment_answer", "assessment_submit"):
        content = partner.client("admin").get(url(name, partner.org, assessment)).content.decode()
        assert "Returned with comments" not in content
        assert "(reviewer comments)" not in content


def test_only_the_comments_of_the_round_that_returned_it_are_shown(people, partner, baseline):
    assessment = _submitted(people, partner, baseline)
    requirement = Requirement.objects.filter(library=baseline).order_by("area__order", "order")[0]
    _return(people, assessment, {requirement: "First round remark."})
    assessment.submit()
    _return(people, assessment, {requirement: "Second round remark."})
    assert assessment.round == 3
    content = partner.client("member").get(url("assessment_answer", partner.org, assessment)).content.decode()
    assert "after review round 2." in content
    assert "Second round remark." in content and "First round remark." not in content


def test_comments_cost_no_queries_per_requirement(people, partner):
    """The answer and submit pages cost the same with no comments as with a comment on every requirement."""
    library = small_library(code="commented", requirements=30, areas=1)
    requirements = list(Requirement.objects.filter(library=library))
    counts = []
    for commented in ([], requirements[:1], requirements):
        Assessment.objects.filter(library=library).delete()
        assessment = _submitted(people, partner, library)
        _return(people, assessment, {r: f"Remark on {r.code}" for r in commented}, general="See the remarks.")
        answer_page = url("assessment_answer", partner.org, assessment)
        content = partner.client("member").get(answer_page).content.decode()
        assert content.count("Remark on ") == len(commented)
        counts.append(
            (
                query_count(partner.client("member"), answer_page),
                query_count(partner.client("admin"), url("assessment_submit", partner.org, assessment)),
            )
        )
    assert counts[0] == counts[1] == counts[2]
    # The comments are one query; an assessment never returned skips it.
    fresh = request_of(people, partner, small_library(code="fresh", requirements=30, areas=1))
    assert query_count(partner.client("member"), url("assessment_answer", partner.org, fresh)) == counts[0][0] - 1


def test_radio_buttons_are_written_with_ids_labels_checked_state_and_their_errors(people, partner):
    library = small_library(code="radios", requirements=2, areas=1)
    first, second = Requirement.objects.filter(library=library).order_by("order")
    assessment = request_of(people, partner, library)
    assessment.answer(first, organisation=partner.org, by=partner.member, level=3, comment="Said <so>")
    page = partner.client("member").get(url("assessment_answer", partner.org, assessment)).content.decode()
    name = f"r{first.pk}-answer"
    for level in range(6):
        checked = " checked" if level == 3 else ""
        assert f'<input type="radio" name="{name}" value="{level}" id="id_{name}_{level}"{checked}>' in page
        assert f'<label for="id_{name}_{level}">{level} · Level {level}</label>' in page
    assert "What level 5 means" in page  # the levels' meanings
    assert f'<label for="id_r{first.pk}-comment">Comment:</label>' in page
    assert re.search(
        rf'<textarea name="r{first.pk}-comment" id="id_r{first.pk}-comment"[^>]*>\s*Said &lt;so&gt;</textarea>', page
    )
    assert f'<input type="file" name="r{first.pk}-evidence" id="id_r{first.pk}-evidence"' in page
    assert page.count('<fieldset class="requirement">') == 2 and page.count("<legend>Your answer</legend>") == 2

    # A value outside the choices: the error is next to the buttons, which point to it; nothing is lost.
    other = f"r{second.pk}-answer"
    response = partner.client("member").post(
        url("assessment_answer", partner.org, assessment),
        {"area": first.area.code, name: "9", other: "1", f"r{second.pk}-comment": "Kept", "save": "1"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert f'<ul class="errorlist" id="id_{name}_error"><li>Select a valid choice.' in content
    assert f'id="id_{name}_0" aria-invalid="true" aria-describedby="id_{name}_error">' in content
    assert f'value="1" id="id_{other}_1" checked>' in content
    assert "Kept</textarea>" in content
    assert assessment.answers.get().level == 3
