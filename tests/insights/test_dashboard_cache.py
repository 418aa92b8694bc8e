"""The dashboard's panels are kept in the cache under the organisation's overview version (ADR 0024): a second
visit reads them from there, and each change to what a panel shows is on the next visit."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from cases.annual import current_year
from dialogue.models import Participant, Session
from organisations.models import Consent, OverviewVersion
from tests.insights import builders
from tests.insights.test_dashboard import url

pytestmark = pytest.mark.usefixtures("english")

LOW = '<th scope="row">Low risk</th><td>{}</td>'


def page(people, persona: str = "manager") -> str:
    response = people.client(persona).get(url(people))
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_visit_reads_the_panels_from_the_cache(people):
    builders.final_assessment(builders.partner_of(people.org), people.org, timezone.localdate() + timedelta(days=400))
    client = people.client("manager")
    client.get(url(people))  # the first visit also records when the membership was last used
    cache.clear()
    with CaptureQueriesContext(connection) as computed:
        first = client.get(url(people)).context["panels"]
    with CaptureQueriesContext(connection) as cached:
        second = client.get(url(people)).context["panels"]
    assert len(cached) < len(computed) - 5
    assert second == first
    assert "Low risk" in second["standing"]


def test_an_assessment_shared_by_consent_counts_on_the_next_visit(people):
    partner = builders.partner_of(people.org)
    passport = builders.final_assessment(partner, None, timezone.localdate() + timedelta(days=400), rating="low")
    assert LOW.format(0) in page(people)
    consent = Consent.objects.create(
        organisation=partner, subject=passport.subject, scope=Consent.Scope.ORGANISATION, to_organisation=people.org
    )
    assert LOW.format(1) in page(people)
    consent.revoke(by=people.admin)
    assert LOW.format(0) in page(people)


def test_an_assessment_finalised_after_it_was_shared_with_the_sector_counts_on_the_next_visit(people):
    partner = builders.partner_of(people.org)
    passport = builders.final_assessment(partner, None, timezone.localdate() + timedelta(days=400), rating="low")
    passport.status = passport.Status.SUBMITTED
    passport.save()
    Consent.objects.create(organisation=partner, subject=passport.subject, scope=Consent.Scope.SECTOR)
    assert LOW.format(0) in page(people)
    passport.status = passport.Status.FINAL
    passport.save()
    assert LOW.format(1) in page(people)


def test_a_session_held_and_its_participants_count_on_the_next_visit(people):
    assert "No sessions held in" in page(people)
    opened = timezone.now()
    session = Session.objects.create(
        organisation=people.org,
        title="Dilemmas",
        kind="dilemma",
        status=Session.Status.CLOSED,
        opened_at=opened,
        closed_at=opened,
    )
    assert "0 people joined these sessions." in page(people)
    joined = Participant.objects.create(session=session, organisation=people.org, token_hash="a" * 64)
    assert "1 person joined these sessions." in page(people)
    joined.delete()
    assert "0 people joined these sessions." in page(people)


def test_other_organisations_changes_leave_our_version_alone(people):
    partner = builders.partner_of(people.other_org)
    passport = builders.final_assessment(partner, None, timezone.localdate() + timedelta(days=400), rating="low")
    ours = f"org:{people.org.pk}"
    before = OverviewVersion.objects.filter(key=ours).values_list("number", flat=True).first()
    Consent.objects.create(
        organisation=partner,
        subject=passport.subject,
        scope=Consent.Scope.ORGANISATION,
        to_organisation=people.other_org,
    )
    Session.objects.create(organisation=people.other_org, title="Theirs", kind="dilemma")
    assert OverviewVersion.objects.filter(key=ours).values_list("number", flat=True).first() == before


def test_each_year_and_language_its_own_panels(people):
    assert f"No actions due in {current_year()}." in page(people)
    last_year = people.client("manager").get(url(people, year=current_year() - 1)).content.decode()
    assert f"No actions due in {current_year() - 1}." in last_year
    User.objects.filter(pk=people.manager.pk).update(language="nl")
    dutch = page(people)
    assert "Partners en hun beoordelingen" in dutch
    assert "Partners and their assessments" not in dutch
