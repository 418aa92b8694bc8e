"""Who sees which dilemma: the framework's for all, an organisation's own once published, others' only by consent."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from dilemmas.models import Dilemma, SectorStatus, Status
from organisations.models import Alliance, AllianceMember, Consent, Membership, Organisation, Role
from tests.dilemmas.conftest import make_dilemma


def page(dilemma: Dilemma, slug: str = "hulp") -> str:
    return reverse("dilemmas:dilemma", kwargs={"slug": slug, "code": dilemma.code})


def titles(organisation: Organisation) -> set[str]:
    return {d.title_en for d in Dilemma.objects.visible_to(organisation)}


@pytest.fixture
def third(people):
    """A third organisation, not in the alliance, with an admin."""
    org = Organisation.objects.create(slug="derde", name="Derde Stichting", kind=Organisation.Kind.MEMBER)
    user = User.objects.create_user("admin@derde.example", "x", name="Derde Admin")
    Membership.objects.create(user=user, organisation=org, role=Role.ADMIN)
    return org


@pytest.fixture
def alliance(people):
    """`hulp` and `ander` in one alliance."""
    alliance = Alliance.objects.create(name="Relief Alliance", lead=people.org)
    for org in (people.org, people.other_org):
        AllianceMember.objects.create(alliance=alliance, organisation=org)
    return alliance


def share(dilemma: Dilemma, scope: str, **recipient) -> Consent:
    assert dilemma.organisation is not None
    return Consent.objects.create(
        organisation=dilemma.organisation, subject=dilemma.subject, scope=scope, given_by=dilemma.author, **recipient
    )


def test_an_organisation_sees_the_framework_its_own_published_dilemmas_and_nothing_private_of_others(people, third):
    Dilemma.objects.create(
        slug="starter",
        source="dilemmas/x.yaml",
        status=Status.PUBLISHED,
        published_at=timezone.now(),
        languages="en",
        context="alliance",
        title_en="Starter",
        situation_en="Something.",
        question_en="What do you do?",
    )
    make_dilemma(people.org, people.member, title_en="Hulp published")
    make_dilemma(people.org, people.member, title_en="Hulp draft", status=Status.DRAFT)
    make_dilemma(people.org, people.member, title_en="Hulp submitted", status=Status.SUBMITTED)
    make_dilemma(people.other_org, people.outsider, title_en="Ander published")
    assert titles(people.org) == {"Starter", "Hulp published"}
    assert titles(people.other_org) == {"Starter", "Ander published"}
    assert titles(third) == {"Starter"}


def test_a_private_dilemma_of_another_organisation_is_404_even_with_its_code(people):
    theirs = make_dilemma(people.other_org, people.outsider, title_en="Ander private")
    for persona in ("viewer", "member", "officer", "admin"):
        assert people.client(persona).get(page(theirs)).status_code == 404
    assert people.client("outsider").get(page(theirs, "ander")).status_code == 200


def test_an_alliance_share_reaches_its_members_only_and_revoking_hides_it_at_once(people, alliance, third, english):
    ours = make_dilemma(people.org, people.member, title_en="Shared with the alliance")
    consent = share(ours, Consent.Scope.ALLIANCE, to_alliance=alliance)
    assert "Shared with the alliance" in titles(people.other_org)
    assert "Shared with the alliance" not in titles(third)
    client = people.client("outsider")
    response = client.get(page(ours, "ander"))
    assert (
        response.status_code == 200 and "Hulp Zonder Grenzen shares this dilemma with you." in response.content.decode()
    )
    library = client.get(reverse("dilemmas:library", kwargs={"slug": "ander"})).content.decode()
    assert "Shared by Hulp Zonder Grenzen" in library
    # Read-only for them: nothing to edit, review or share.
    assert "Submit for review" not in response.content.decode() and "/share/" not in response.content.decode()
    assert client.get(reverse("dilemmas:share", kwargs={"slug": "ander", "code": ours.code})).status_code == 403
    consent.revoke(people.admin)
    assert "Shared with the alliance" not in titles(people.other_org)
    assert client.get(page(ours, "ander")).status_code == 404


def test_an_expired_share_shows_nothing(people, alliance):
    ours = make_dilemma(people.org, people.member, title_en="Expired")
    consent = share(ours, Consent.Scope.ALLIANCE, to_alliance=alliance)
    Consent.objects.filter(pk=consent.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    assert "Expired" not in titles(people.other_org)


def test_a_sector_share_shows_only_once_the_editors_approved_it(people, third):
    ours = make_dilemma(people.org, people.member, title_en="For the sector")
    consent = share(ours, Consent.Scope.SECTOR)
    ours.offer_to_sector(people.admin)
    assert "For the sector" not in titles(third) and "For the sector" not in titles(people.other_org)
    ours.approve_for_sector(people.admin)
    assert "For the sector" in titles(third) and "For the sector" in titles(people.other_org)
    consent.revoke(people.admin)
    assert "For the sector" not in titles(third)


def test_revoking_a_sector_share_on_the_sharing_page_takes_it_out_of_the_sector_library_at_once(people, third):
    ours = make_dilemma(people.org, people.member, title_en="For the sector")
    consent = share(ours, Consent.Scope.SECTOR)
    ours.approve_for_sector(people.admin)
    assert "For the sector" in titles(third)
    # The organisation's sharing page is not the dilemma library's: the listing follows the consent all the same.
    response = people.client("admin").post(
        reverse("organisations:consent_revoke", args=[people.org.slug, consent.code])
    )
    assert response.status_code == 302
    assert "For the sector" not in titles(third)
    ours.refresh_from_db()
    assert not ours.in_sector_library
    # Shared again: the editors' approval stands (the text did not change), so it is back at once.
    share(ours, Consent.Scope.SECTOR)
    assert "For the sector" in titles(third)


def test_a_sector_share_with_an_end_date_shows_until_then_and_not_after(people, third):
    ours = make_dilemma(people.org, people.member, title_en="Until the end of the year")
    consent = share(ours, Consent.Scope.SECTOR, valid_until=timezone.localdate() + timedelta(days=3))
    ours.approve_for_sector(people.admin)
    assert "Until the end of the year" in titles(third)
    Consent.objects.filter(pk=consent.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    assert "Until the end of the year" not in titles(third)


def test_a_retired_or_deleted_sector_dilemma_leaves_the_sector_library(people, third):
    ours = make_dilemma(people.org, people.member, title_en="Soon gone")
    share(ours, Consent.Scope.SECTOR)
    ours.approve_for_sector(people.admin)
    Dilemma.objects.filter(pk=ours.pk).update(retired=True)
    assert "Soon gone" not in titles(third)
    Consent.objects.filter(subject=ours.subject).delete()
    ours.refresh_from_db()
    assert not ours.in_sector_library


def test_an_approval_without_a_sector_consent_shares_nothing(people, third):
    ours = make_dilemma(people.org, people.member, title_en="Approved, never shared")
    Dilemma.objects.filter(pk=ours.pk).update(sector_status=SectorStatus.APPROVED)
    assert "Approved, never shared" not in titles(third)


def test_a_consent_covers_only_a_dilemma_of_the_organisation_that_gave_it(people, third):
    theirs = make_dilemma(people.other_org, people.outsider, title_en="Ander's own")
    # `hulp` cannot share what is not its own, even by naming its subject.
    Consent.objects.create(
        organisation=people.org, subject=theirs.subject, scope=Consent.Scope.ORGANISATION, to_organisation=third
    )
    assert "Ander's own" not in titles(third)


def test_a_share_of_an_unpublished_or_retired_dilemma_shows_nothing(people, alliance):
    draft = make_dilemma(people.org, people.member, title_en="Still a draft", status=Status.DRAFT)
    share(draft, Consent.Scope.ALLIANCE, to_alliance=alliance)
    assert "Still a draft" not in titles(people.other_org)


def test_inside_the_organisation_a_draft_is_its_authors_and_a_submission_is_for_the_reviewers(people):
    draft = make_dilemma(people.org, people.member, title_en="Draft", status=Status.DRAFT)
    submitted = make_dilemma(people.org, people.member, title_en="Submitted", status=Status.SUBMITTED)
    returned = make_dilemma(people.org, people.member, title_en="Returned", status=Status.RETURNED)
    expected = {
        "member": (200, 200, 200),  # the author
        "viewer": (404, 404, 404),
        "manager": (404, 404, 404),
        "officer": (404, 200, 200),
        "admin": (404, 200, 200),
    }
    for persona, statuses in expected.items():
        client = people.client(persona)
        got = tuple(client.get(page(d)).status_code for d in (draft, submitted, returned))
        assert got == statuses, persona


def test_our_dilemmas_lists_the_persons_drafts_and_what_waits_for_review(people, english):
    make_dilemma(people.org, people.member, title_en="Draft of the member", status=Status.DRAFT)
    make_dilemma(people.org, people.manager, title_en="Submission of the manager", status=Status.SUBMITTED)
    make_dilemma(people.org, people.admin, title_en="Published one")
    url = reverse("dilemmas:ours", kwargs={"slug": "hulp"})
    member = people.client("member").get(url).content.decode()
    assert "Draft of the member" in member and "Submission of the manager" not in member and "Published one" in member
    officer = people.client("officer").get(url).content.decode()
    assert "Waiting for your review" in officer and "Submission of the manager" in officer
    assert "Draft of the member" not in officer
    viewer = people.client("viewer").get(url).content.decode()
    assert "Viewers read the library" in viewer and "Draft of the member" not in viewer
