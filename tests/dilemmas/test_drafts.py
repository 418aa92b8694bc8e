"""Lessons become draft dilemmas (issue 6, part 7): the hook the cases and sessions apps call."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from dilemmas.drafts import draft_from_lessons
from dilemmas.models import Context, Dilemma, Status

pytestmark = pytest.mark.usefixtures("taxonomy")

LESSONS = (
    "The partner's director chose his cousin's firm without telling anyone. We should have asked about "
    "family ties before the tender, not after.\n\nNext time the tender committee declares interests first."
)


def test_lessons_become_a_private_draft_of_the_author(people, english):
    people.officer.refresh_from_db()  # `english` set everyone's language to English
    dilemma = draft_from_lessons(people.org, people.officer, LESSONS, ["conflict-of-interest-nepotism", "unknown"])
    assert (dilemma.organisation, dilemma.author, dilemma.status) == (people.org, people.officer, Status.DRAFT)
    assert dilemma.context == Context.ORGANISATION and dilemma.languages == "en"
    assert dilemma.title_en == "The partner's director chose his cousin's firm without telling anyone"
    assert dilemma.situation_en == LESSONS and dilemma.question_en == "What do you do?"
    assert [t.code for t in dilemma.tags] == ["conflict-of-interest-nepotism"]
    assert not dilemma.active_consents().exists() and dilemma.sector_status == ""
    # Nobody else sees it, and it is not in the library.
    assert not Dilemma.objects.visible_to(people.org).exists()
    page = reverse("dilemmas:dilemma", kwargs={"slug": "hulp", "code": dilemma.code})
    assert people.client("admin").get(page).status_code == 404
    text = people.client("officer").get(page).content.decode()
    assert "Before you can submit it, it needs at least 3 courses of action." in text
    assert "cousin" in dilemma.search_text


def test_the_draft_is_in_the_authors_language_unless_told_otherwise(people):
    people.member.language = "nl"
    dilemma = draft_from_lessons(people.org, people.member, "Een les.", [], context=Context.ALLIANCE)
    with translation.override("nl"):
        question = gettext("What do you do?")  # in Dutch once the translator has run
    assert dilemma.languages == "nl" and dilemma.question_nl == question and dilemma.title_nl == "Een les"
    english = draft_from_lessons(people.org, people.member, "A lesson " * 30, [], language="en")
    assert english.languages == "en" and len(english.title_en) <= 81 and english.title_en.endswith("…")


def test_empty_lessons_or_an_unknown_language_are_refused(people):
    with pytest.raises(ValueError, match="empty"):
        draft_from_lessons(people.org, people.member, " \n\n ", [])
    with pytest.raises(ValueError, match="Dutch or English"):
        draft_from_lessons(people.org, people.member, "A lesson.", [], language="fr")
    assert not Dilemma.objects.exists()
