"""The sector figures' cache (insights/versions.py, ADR 0016): the same figures as computed anew, every time.

Each test changes one thing a figure depends on and checks that the next page shows it: the cached set is
never served after a change, and it is served (few queries) when nothing changed.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.annual import current_year
from insights import sector, versions
from insights.models import DataVersion, SectorSettings
from organisations.models import Consent, Organisation
from tests.insights import builders

pytestmark = pytest.mark.django_db
YEAR = current_year()


@pytest.fixture
def network(people):
    return builders.organisation("Netwerk", kind=Organisation.Kind.NETWORK)


@pytest.fixture
def members(network):
    fraud = builders.category("financial")
    orgs = []
    for _ in range(7):
        member = builders.organisation("Member", kind=Organisation.Kind.MEMBER, size="C")
        builders.opt_in(member, network, builders.person(member))
        builders.case(member, builders.at(YEAR, 1, 10), fraud, acknowledged_after=2, feedback_after=30)
        orgs.append(member)
    return orgs


def fraud_count(figures: sector.SectorFigures) -> float | None:
    year = figures.year(YEAR)
    assert year is not None
    return year.by_category[str(builders.category("financial").pk)].value


def same(a: sector.SectorFigures, b: sector.SectorFigures) -> bool:
    return (a.members, a.members_by_size, a.years, a.standing, a.too_few, a.categories) == (
        b.members,
        b.members_by_size,
        b.years,
        b.standing,
        b.too_few,
        b.categories,
    )


def test_a_second_read_comes_from_the_cache_and_equals_the_computation(network, members):
    first = versions.cached_figures(network, YEAR)
    with CaptureQueriesContext(connection) as read:
        second = versions.cached_figures(network, YEAR)
    assert len(read) <= 3  # the minimum, the members, the version
    assert same(first, second) and same(second, sector.figures(network, YEAR))
    assert second.network == network


def test_a_new_case_shows_at_once(network, members):
    assert fraud_count(versions.cached_figures(network, YEAR)) == 7
    builders.case(members[0], builders.at(YEAR, 2, 1), builders.category("financial"))
    assert fraud_count(versions.cached_figures(network, YEAR)) == 8


def test_a_changed_and_a_deleted_case_show_at_once(network, members):
    case = builders.case(members[0], builders.at(YEAR, 2, 1), builders.category("financial"))
    assert fraud_count(versions.cached_figures(network, YEAR)) == 8
    case.category = builders.category("abuse")
    case.save()
    # One case of abuse is too few to show, and fraud is hidden with it (no subtraction from the total).
    changed = versions.cached_figures(network, YEAR)
    assert fraud_count(changed) != 8 and same(changed, sector.figures(network, YEAR))
    case.delete()
    assert fraud_count(versions.cached_figures(network, YEAR)) == 7


def test_opting_in_and_revoking_change_the_members_at_once(people, network, members):
    assert versions.cached_figures(network, YEAR).members.value == 7
    consent = builders.opt_in(people.org, network, people.admin)
    assert versions.cached_figures(network, YEAR).members.value == 8
    consent.revoked_at = timezone.now()
    consent.save()
    assert versions.cached_figures(network, YEAR).members.value == 7


def test_a_new_size_category_and_minimum_count(network, members):
    before = versions.cached_figures(network, YEAR)
    assert before.members_by_size["C"].value == 7
    Organisation.objects.filter(pk=members[0].pk).update(size_category="D")  # no signal: the key holds the sizes
    after = versions.cached_figures(network, YEAR)
    assert after.members_by_size["C"].value != 7 and same(after, sector.figures(network, YEAR))
    SectorSettings.objects.create(organisation=network, min_organisations=8, min_cases=8)
    assert versions.cached_figures(network, YEAR).members.value is None  # 7 members < 8: nothing shown


def test_partnerships_and_assessments_change_the_standing(network, members):
    today = timezone.localdate()
    for member in members:
        builders.partner_of(member)
    assert versions.cached_figures(network, YEAR).standing.assessed_share.value == pytest.approx(0)
    for member in members:
        partner = builders.partner_of(member)
        builders.final_assessment(partner, member, today + timedelta(days=200), rating="low")
    assert versions.cached_figures(network, YEAR).standing.assessed_share.value == pytest.approx(50)


def test_a_passport_shared_with_the_sector_bumps_the_sector_version(people, network, members):
    before = versions.version([])
    Consent.objects.create(organisation=people.org, subject="assessment:x", scope=Consent.Scope.SECTOR)
    assert versions.version([]) > before
    assert DataVersion.objects.get(key=DataVersion.SECTOR).number >= 1


def test_the_key_holds_the_language(network, members, settings):
    from django.utils import translation

    with translation.override("nl"):
        dutch = versions.cached_figures(network, YEAR)
    with translation.override("en"):
        english = versions.cached_figures(network, YEAR)
    assert dict(english.categories)["none"] == "Not yet categorised"
    assert dict(dutch.categories)["none"] != dict(english.categories)["none"]
