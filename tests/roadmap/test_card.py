"""The roadmap card on the organisation overview: x of y steps and the next step."""

from django.urls import reverse

from roadmap.models import Completion, Step


def overview(people):
    return people.client("member").get(reverse("organisations:dashboard", kwargs={"slug": people.org.slug}))


def test_the_card_shows_progress_and_the_next_step(people, roadmap):
    Completion.objects.create(organisation=people.org, step=Step.objects.get(code="board-commitment"), note="x")
    response = overview(people)
    figures = {card.name: context for card, context in response.context["cards"]}["roadmap"]
    total = Step.objects.for_size("D").count()
    assert (figures["done"], figures["total"]) == (1, total)
    assert figures["next_step"].code == "integrity-contact"
    html = response.content.decode()
    assert f"1 of {total} steps done" in html
    assert "Appoint someone responsible for integrity" in html


def test_no_card_without_a_roadmap(people, db):
    names = {card.name for card, _context in overview(people).context["cards"]}
    assert "roadmap" not in names
