"""The search's visibility tokens (issue 6): they narrow what the index ranks, `visible_to` decides.

The tokens must never hide a dilemma `visible_to` allows (the search would miss it), and with `visible_to`
on top nothing it refuses comes through. The property test builds random sharing — organisations,
alliances, consents of every scope, revoked, ended, ending later, sector approvals, drafts, retired and
framework dilemmas — and compares, for every organisation, the search with its tokens against
`visible_to` on every backend the suite runs on.
"""

import random
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from dilemmas.apps import analyse
from dilemmas.models import Dilemma, Status, audience_tokens, refresh_audiences
from dilemmas.search import search
from organisations.models import Alliance, AllianceMember, Consent, Organisation
from tests.dilemmas.conftest import make_dilemma

pytestmark = pytest.mark.usefixtures("taxonomy")

WORD = "cousin"  # in every dilemma make_dilemma writes


def ids(found) -> set[int]:
    return {d.pk for d in found}


def share(dilemma: Dilemma, scope: str, **recipient) -> Consent:
    assert dilemma.organisation is not None
    return Consent.objects.create(organisation=dilemma.organisation, subject=dilemma.subject, scope=scope, **recipient)


def test_revoking_a_share_takes_the_dilemma_out_of_the_former_recipients_search(people):
    ours = make_dilemma(people.org, people.member, title_en="Our cousin, shared")
    consent = share(ours, Consent.Scope.ORGANISATION, to_organisation=people.other_org)
    ours.refresh_from_db()
    assert ours.audience == f"vo{people.other_org.pk}"
    theirs = Dilemma.objects.visible_to(people.other_org)
    assert ids(search(theirs, WORD, people.other_org)) == {ours.pk}
    # The tokens alone (no visibility rule on top) find it as well: the index holds the share.
    assert ours.pk in ids(search(Dilemma.objects.all(), WORD, people.other_org))

    consent.revoke(people.admin)
    ours.refresh_from_db()
    assert ours.audience == ""
    assert ids(search(Dilemma.objects.visible_to(people.other_org), WORD, people.other_org)) == set()
    # The index itself no longer lets the former recipient reach it.
    assert ours.pk not in ids(search(Dilemma.objects.all(), WORD, people.other_org))
    # The owner still finds its own.
    assert ids(search(Dilemma.objects.visible_to(people.org), WORD, people.org)) == {ours.pk}


def test_saving_an_instance_read_before_a_share_keeps_the_share(people):
    ours = make_dilemma(people.org, people.member)
    stale = Dilemma.objects.get(pk=ours.pk)
    share(ours, Consent.Scope.ORGANISATION, to_organisation=people.other_org)
    stale.title_en = "Our cousin supplies the rice, again"
    stale.save()  # every field but the tokens, which the consent's signal keeps
    assert Dilemma.objects.get(pk=ours.pk).audience == f"vo{people.other_org.pk}"
    assert ids(search(Dilemma.objects.visible_to(people.other_org), WORD, people.other_org)) == {ours.pk}


def test_an_alliance_share_follows_membership_without_reindexing(people):
    alliance = Alliance.objects.create(name="Relief Alliance", lead=people.org)
    AllianceMember.objects.create(alliance=alliance, organisation=people.org)
    ours = make_dilemma(people.org, people.member)
    share(ours, Consent.Scope.ALLIANCE, to_alliance=alliance)
    assert ids(search(Dilemma.objects.visible_to(people.other_org), WORD, people.other_org)) == set()
    AllianceMember.objects.create(alliance=alliance, organisation=people.other_org)
    assert ids(search(Dilemma.objects.visible_to(people.other_org), WORD, people.other_org)) == {ours.pk}


def test_a_status_change_outside_django_changes_the_tokens(people):
    """The database computes the owner's and the sector's tokens from the row: no save() needed."""
    draft = make_dilemma(people.org, people.member, status=Status.DRAFT)
    assert ids(search(Dilemma.objects.all(), WORD, people.org)) == set()
    Dilemma.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    assert ids(search(Dilemma.objects.visible_to(people.org), WORD, people.org)) == {draft.pk}
    Dilemma.objects.filter(pk=draft.pk).update(retired=True)
    assert ids(search(Dilemma.objects.all(), WORD, people.org)) == set()


def test_the_migration_fills_the_audience_of_existing_dilemmas(people):
    ours = make_dilemma(people.org, people.member)
    share(ours, Consent.Scope.ORGANISATION, to_organisation=people.other_org)
    share(ours, Consent.Scope.SECTOR)
    gone = share(ours, Consent.Scope.ALLIANCE, to_alliance=Alliance.objects.create(name="A", lead=people.org))
    Consent.objects.filter(pk=gone.pk).update(revoked_at=timezone.now())  # no signal: as in an old database
    Dilemma.objects.update(audience="")
    migration = import_module("dilemmas.migrations.0004_search_visibility")
    migration.fill_audience(django_apps, None)
    ours.refresh_from_db()
    assert ours.audience == f"vo{people.other_org.pk} vsector"
    assert refresh_audiences(Dilemma.objects.all()) == 0  # what the app computes, the same


def test_planner_statistics_are_gathered_after_migrate(db):
    analyse(using="default")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'dilemmas_dilemma' "
                "AND last_analyze IS NOT NULL"
            )
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_search_with_tokens_finds_exactly_what_visible_to_allows(people, seed):
    rng = random.Random(seed)
    today = timezone.localdate()
    orgs = [people.org, people.other_org] + [
        Organisation.objects.create(slug=f"org-{n}", name=f"Organisation {n}", kind=Organisation.Kind.MEMBER)
        for n in range(3)
    ]
    alliances = [Alliance.objects.create(name=f"Alliance {n}", lead=orgs[n]) for n in range(2)]
    for alliance in alliances:
        for org in rng.sample(orgs, 3):
            AllianceMember.objects.get_or_create(alliance=alliance, organisation=org)
    Dilemma.objects.create(
        slug="starter",
        source="dilemmas/x.yaml",
        status=Status.PUBLISHED,
        published_at=timezone.now(),
        languages="en",
        context="alliance",
        title_en="A starter about a cousin",
        situation_en="Something.",
        question_en="What do you do?",
        search_text="cousin",
    )
    statuses = [Status.PUBLISHED] * 5 + [Status.DRAFT, Status.SUBMITTED]
    dilemmas = [
        make_dilemma(rng.choice(orgs), people.member, status=rng.choice(statuses), title_en=f"Cousin {n}")
        for n in range(24)
    ]
    for dilemma in dilemmas:
        for _ in range(rng.randrange(3)):
            assert dilemma.organisation is not None
            # Now and then a consent of another organisation than the owner: it must share nothing.
            owner = dilemma.organisation if rng.random() < 0.9 else rng.choice(orgs)
            scope = rng.choice([Consent.Scope.ORGANISATION, Consent.Scope.ALLIANCE, Consent.Scope.SECTOR])
            recipient = {}
            if scope == Consent.Scope.ORGANISATION:
                candidates = [o for o in orgs if o != owner]
                recipient = {"to_organisation": rng.choice(candidates)}
            elif scope == Consent.Scope.ALLIANCE:
                recipient = {"to_alliance": rng.choice(alliances)}
            until = rng.choice([None, None, today + timedelta(days=5), today - timedelta(days=1)])
            consent = Consent.objects.create(
                organisation=owner, subject=dilemma.subject, scope=scope, valid_until=until, **recipient
            )
            if rng.random() < 0.2:
                consent.revoke(people.admin)
            elif rng.random() < 0.15:
                # Ends after it was indexed (a date passes): the token stays, visible_to must refuse it.
                Consent.objects.filter(pk=consent.pk).update(valid_until=today - timedelta(days=2))
        if rng.random() < 0.4:
            dilemma.approve_for_sector(people.admin)
        elif rng.random() < 0.2:
            dilemma.offer_to_sector(people.admin)
        if rng.random() < 0.1:
            Dilemma.objects.filter(pk=dilemma.pk).update(retired=True)
    for viewer in orgs:
        visible = Dilemma.objects.visible_to(viewer)
        allowed = ids(visible)
        # Never hides what visible_to allows: the tokens alone find all of it (and perhaps more)…
        assert allowed <= ids(search(Dilemma.objects.all(), WORD, viewer)), viewer
        # …and with visible_to on top, exactly it, in the same order as without tokens.
        with_tokens = [d.pk for d in search(visible, WORD, viewer)]
        assert set(with_tokens) == allowed, viewer
        assert with_tokens == [d.pk for d in search(visible, WORD)], viewer
        # Checked against the visible ids themselves (the library unfiltered), the same, in the same order.
        among = Dilemma.objects.visible_ids(viewer)
        assert [d.pk for d in search(visible, WORD, viewer, among=among)] == with_tokens, viewer
        assert audience_tokens(viewer)[:3] == ["vframework", "vsector", f"vo{viewer.pk}"]
