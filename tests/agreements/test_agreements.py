"""The list of agreements (made and received, review flagged) and the agreements of one partnership."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisations.models import Partnership
from tests.agreements.conftest import make, url


def test_the_list_shows_agreements_made_and_received_with_review_flags(people, partner, clause_set, partnership):
    today = timezone.localdate()
    ours = make(people, partnership)
    ours.set_dates(today - timedelta(days=400), today - timedelta(days=1))
    client = people.client("viewer")
    client.force_login(partner.admin)
    page = client.get(url("agreements", "kampala")).content.decode()
    assert "Hulp Zonder Grenzen — Kampala Women&#x27;s Network" in page
    assert "Review overdue" in page
    assert "Hulp Zonder Grenzen</td>" in page  # drawn up by the other party
    assert people.client("outsider").get(url("agreements", "hulp")).status_code == 404


def test_due_only_keeps_agreements_to_review(people, clause_set, partnership):
    today = timezone.localdate()
    soon, later = make(people, partnership), make(people, partnership)
    soon.set_dates(today, today + timedelta(days=30))
    later.set_dates(today, today + timedelta(days=300))
    response = people.client("member").get(url("agreements", "hulp") + "?due=1")
    assert [a for a, _state in response.context["rows"]] == [soon]
    assert "Review due soon" in response.content.decode()


def test_the_list_costs_a_fixed_number_of_queries(people, clause_set, partnership):
    make(people, partnership)
    client = people.client("member")
    client.get(url("agreements", "hulp"))
    with CaptureQueriesContext(connection) as before:
        client.get(url("agreements", "hulp"))
    for _ in range(4):
        make(people, partnership)
    with CaptureQueriesContext(connection) as after:
        client.get(url("agreements", "hulp"))
    assert len(after) == len(before)


def test_a_partnerships_agreements(people, partner, clause_set, partnership):
    agreement = make(people, partnership)
    other = Partnership.objects.create(organisation=people.org, partner=people.other_org)
    make(people, other)
    response = people.client("member").get(url("partnership_agreements", "hulp", code=partnership.code))
    assert [a for a, _state in response.context["rows"]] == [agreement]
    assert "No signed agreement in place" in response.content.decode()
    agreement.set_dates(timezone.localdate(), None)
    page = people.client("member").get(url("partnership_agreements", "hulp", code=partnership.code)).content.decode()
    assert "An agreement is in place" in page


def test_outsiders_do_not_see_a_partnerships_agreements(people, clause_set, partnership):
    response = people.client("outsider").get(url("partnership_agreements", "hulp", code=partnership.code))
    assert response.status_code == 404
    response = people.client("outsider").get(url("partnership_agreements", "ander", code=partnership.code))
    assert response.status_code == 404
