"""Agreement.objects.in_place_for (read by the ecosystem overlay), review states, and the database's rules."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from agreements.models import Agreement
from tests.agreements.conftest import make

TODAY = date(2026, 6, 1)


def test_in_place_means_signed_and_not_past_review(people, clause_set, partnership):
    unsigned = make(people, partnership)
    signed = make(people, partnership)
    signed.set_dates(TODAY - timedelta(days=10), TODAY + timedelta(days=100))
    lapsed = make(people, partnership)
    lapsed.set_dates(TODAY - timedelta(days=400), TODAY - timedelta(days=1))
    no_review = make(people, partnership)
    no_review.set_dates(TODAY, None)
    future = make(people, partnership)
    future.set_dates(TODAY + timedelta(days=5), None)
    found = set(Agreement.objects.in_place_for(partnership, today=TODAY))
    assert found == {signed, no_review}
    assert unsigned not in found and lapsed not in found and future not in found


def test_in_place_for_is_about_that_partnership_only(people, clause_set, partnership):
    from organisations.models import Partnership

    other = Partnership.objects.create(organisation=people.org, partner=people.other_org)
    make(people, other).set_dates(TODAY, None)
    assert not Agreement.objects.in_place_for(partnership, today=TODAY).exists()


def test_review_state(people, clause_set, partnership):
    agreement = make(people, partnership)
    assert agreement.review_state(TODAY) == ""
    agreement.review_on = TODAY - timedelta(days=1)
    assert agreement.review_state(TODAY) == "overdue"
    agreement.review_on = TODAY + timedelta(days=60)
    assert agreement.review_state(TODAY) == "due"
    agreement.review_on = TODAY + timedelta(days=61)
    assert agreement.review_state(TODAY) == ""


def test_default_review_date_keeps_to_the_end_of_the_month(people, clause_set, partnership):
    agreement = make(people, partnership, review_months="1")
    assert agreement.default_review_on(date(2026, 1, 31)) == date(2026, 2, 28)


def test_an_agreement_is_for_a_partnership_or_an_alliance_not_both(people, clause_set, partnership, alliance):
    agreement = make(people, partnership)
    agreement.alliance = alliance
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


def test_the_database_refuses_a_review_before_signing(people, clause_set, partnership):
    agreement = make(people, partnership)
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.set_dates(TODAY, TODAY - timedelta(days=1))
