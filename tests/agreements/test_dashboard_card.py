"""The overview card: agreements due for review within 60 days, and overdue ones."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.agreements.conftest import make


def overview(people, persona="member"):
    return people.client(persona).get(reverse("organisations:dashboard", kwargs={"slug": people.org.slug}))


def card(response):
    return {registered.name: context for registered, context in response.context["cards"]}["agreements_due"]


def test_without_agreements_the_card_says_what_to_do(people):
    response = overview(people)
    assert card(response)["total"] == 0
    assert "No integrity agreements yet." in response.content.decode()


def test_the_card_counts_due_and_overdue_reviews(people, partner, clause_set, partnership):
    today = timezone.localdate()
    for days in (-3, 10, 59, 200):
        make(people, partnership).set_dates(today - timedelta(days=400), today + timedelta(days=days))
    make(people, partnership)  # not signed, no review date
    response = overview(people)
    figures = card(response)
    assert (figures["total"], figures["due"], figures["overdue"], figures["attention"]) == (5, 2, 1, 3)
    page = response.content.decode()
    assert "agreements to review within 60 days or overdue" in page
    assert "1 overdue" in page

    # The partner sees the same agreements on its own overview.
    client = people.client("viewer")
    client.force_login(partner.viewer)
    response = client.get(reverse("organisations:dashboard", kwargs={"slug": "kampala"}))
    assert card(response)["attention"] == 3


def test_an_agreement_drawn_up_shows_at_once_on_both_overviews(people, partner, clause_set, partnership):
    """Both overviews were cached before the agreement existed: its save bumps both sides' versions."""
    client = people.client("viewer")
    client.force_login(partner.viewer)
    theirs = reverse("organisations:dashboard", kwargs={"slug": "kampala"})
    assert (card(overview(people))["total"], card(client.get(theirs))["total"]) == (0, 0)
    make(people, partnership)
    assert (card(overview(people))["total"], card(client.get(theirs))["total"]) == (1, 1)
