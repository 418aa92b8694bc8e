"""Referring a case to the organisation best placed to handle it, with the reporter's consent.

Hulp's officer refers a case to its partner Ander Fonds, whose admin (`people.outsider`) has a handler key.
The text is sealed so that only Ander's integrity officers and admins with a key can read it; accepting
opens a case at Ander with the text as its summary, declining tells Hulp why.
"""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from nacl.public import PrivateKey

from audit.models import Entry, Event
from cases import keys as case_keys
from cases import sharing
from cases.models import Case, Referral, ReferralGrant
from organisations.models import Alliance, AllianceMember, Membership, Organisation, Partnership, Role
from speakup import keys as speakup_keys
from tests.conftest import PASSWORD, make_user

TEXT = "REFERRAL-TEXT: the driver of the Gulu office asked for money at the checkpoint."


@pytest.fixture
def partner(people) -> Organisation:
    Partnership.objects.create(organisation=people.org, partner=people.other_org)
    return people.other_org


@pytest.fixture
def partner_key(people, partner) -> PrivateKey:
    """Ander's admin sets up a speak-up key."""
    speakup_keys.setup(people.outsider, PASSWORD)
    return speakup_keys.open_with_password(people.outsider, PASSWORD)


def unlocked_at(slug: str, user) -> Client:
    client = Client()
    client.force_login(user)
    response = client.post(reverse("speakup:unlock", kwargs={"slug": slug}), {"password": PASSWORD})
    assert response.status_code == 302, response
    return client


def refer_url(case: Case) -> str:
    return reverse("cases:case_refer", kwargs={"slug": case.organisation.slug, "code": case.code})


def form(partner: Organisation, **changes: str) -> dict[str, str]:
    data = {
        "organisation": f"o:{partner.code}",
        "reporter_consent_on": str(timezone.localdate()),
        "reporter_consent_how": "By phone, 12 May",
        "text": TEXT,
    }
    data.update(changes)
    return data


def panel(case: Case, people) -> str:
    membership = Membership.objects.get(user=people.officer, organisation=people.org)
    return render_to_string(
        "cases/sharing/_case_panel.html",
        {"case": case, "organisation": people.org, "membership": membership, **sharing.case_panel(case)},
    )


def test_referral_round_trip_with_real_keys(case, people, partner, partner_key, unlocked, english):
    officer = unlocked(people.officer)
    assert officer.get(refer_url(case)).status_code == 200
    response = officer.post(refer_url(case), form(partner))
    assert response.status_code == 302
    referral = Referral.objects.get(case=case)
    assert referral.to_organisation == partner
    assert TEXT.encode() not in bytes(referral.text)
    assert list(ReferralGrant.objects.filter(referral=referral).values_list("user", flat=True)) == [people.outsider.pk]
    assert Entry.objects.filter(event=Event.CASE_REFERRED, organisation="hulp", target=case.reference).exists()
    assert "waiting for their answer" in panel(case, people)

    receiver = unlocked_at("ander", people.outsider)
    listing = receiver.get(reverse("cases:referrals", kwargs={"slug": "ander"})).content.decode()
    assert "Hulp Zonder Grenzen" in listing and case.reference in listing
    detail_url = reverse("cases:referral", kwargs={"slug": "ander", "code": referral.code})
    detail = receiver.get(detail_url).content.decode()
    assert TEXT in detail and "By phone, 12 May" in detail
    assert "A call about the warehouse." not in detail  # the referring case's own summary stays home

    accepted = receiver.post(reverse("cases:referral_accept", kwargs={"slug": "ander", "code": referral.code}))
    new_case = Case.objects.get(organisation=partner)
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("cases:case", kwargs={"slug": "ander", "code": new_case.code})
    assert new_case.source == Case.Source.REFERRAL
    assert new_case.opened_by == people.outsider
    opened = case_keys.open_with(
        case_keys.case_keys(new_case, partner_key), new_case.summary_version, bytes(new_case.summary)
    )
    assert opened.decode() == TEXT
    referral.refresh_from_db()
    assert referral.accepted_case == new_case and referral.answered_at and not referral.declined
    # Once it lives in the new case, the referral's own copy and its grants are gone.
    assert bytes(referral.text) == b"" and not ReferralGrant.objects.filter(referral=referral).exists()
    answered = Entry.objects.filter(event=Event.CASE_REFERRAL_ANSWERED)
    assert set(answered.values_list("organisation", flat=True)) == {"hulp", "ander"}
    assert f"their case {new_case.reference}" in panel(case, people)
    # Answered once: a second accept opens nothing more.
    receiver.post(reverse("cases:referral_accept", kwargs={"slug": "ander", "code": referral.code}))
    assert Case.objects.filter(organisation=partner).count() == 1


def test_declining_says_why_on_the_referring_case(case, people, partner, partner_key, english):
    referral = sharing.refer(
        case,
        to_organisation=partner,
        by=people.officer,
        consent_on=timezone.localdate(),
        consent_how="In writing",
        text=TEXT,
    )
    receiver = people.client("outsider")
    url = reverse("cases:referral_decline", kwargs={"slug": "ander", "code": referral.code})
    assert receiver.get(url).status_code == 200
    no_reason = receiver.post(url, {"reason": ""})
    assert no_reason.status_code == 200 and "This field is required." in no_reason.content.decode()
    assert receiver.post(url, {"reason": "We have no office in that region."}).status_code == 302
    referral.refresh_from_db()
    assert referral.declined and referral.answered_at and referral.accepted_case is None
    assert not ReferralGrant.objects.filter(referral=referral).exists()
    shown = panel(case, people)
    assert "declined" in shown and "We have no office in that region." in shown
    with pytest.raises(sharing.AlreadyAnswered):
        sharing.decline(referral, by=people.outsider, reason="again")


def test_refused_without_the_reporters_consent(case, people, partner, partner_key, unlocked, english):
    officer = unlocked(people.officer)
    for missing in ("reporter_consent_on", "reporter_consent_how"):
        response = officer.post(refer_url(case), form(partner, **{missing: ""}))
        assert response.status_code == 200
        assert "only referred with the reporter&#x27;s consent" in response.content.decode(), missing
    future = officer.post(refer_url(case), form(partner, reporter_consent_on="2999-01-01"))
    assert "cannot be in the future" in future.content.decode()
    assert not Referral.objects.exists()


def test_refused_when_nobody_there_has_a_key(case, people, partner, unlocked, english):
    response = unlocked(people.officer).post(refer_url(case), form(partner))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nobody at Ander Fonds can read a referral yet" in page and "handler key" in page
    assert not Referral.objects.exists()
    with pytest.raises(sharing.NoReferralReader):
        sharing.refer(
            case,
            to_organisation=partner,
            by=people.officer,
            consent_on=timezone.localdate(),
            consent_how="x",
            text=TEXT,
        )
    # A member with a key is not enough: it takes an integrity officer or an admin.
    member = make_user("member@ander.example", name="Ander Member")
    Membership.objects.create(user=member, organisation=partner, role=Role.MEMBER)
    speakup_keys.setup(member, PASSWORD)
    assert sharing.referral_readers(partner) == []


def test_referring_needs_an_unlocked_key_and_the_case(case, people, partner):
    response = people.client("officer").get(refer_url(case))
    assert response.status_code == 302 and reverse("speakup:unlock", kwargs={"slug": "hulp"}) in response["Location"]
    for persona in ("admin", "viewer", "outsider"):
        assert people.client(persona).get(refer_url(case)).status_code == 404


def test_alliance_members_can_be_referred_to(case, people, partner_key, unlocked):
    alliance = Alliance.objects.create(name="Dutch Relief Alliance", lead=people.org)
    for organisation in (people.org, people.other_org):
        AllianceMember.objects.create(alliance=alliance, organisation=organisation)
    # No partnership with Ander here: it is an alliance member.
    response = unlocked(people.officer).post(refer_url(case), form(people.other_org))
    assert response.status_code == 302
    assert Referral.objects.filter(to_organisation=people.other_org).exists()


def test_who_at_the_receiving_organisation_sees_referrals(case, people, partner, partner_key, english):
    referral = sharing.refer(
        case, to_organisation=partner, by=people.officer, consent_on=timezone.localdate(), consent_how="x", text=TEXT
    )
    detail = reverse("cases:referral", kwargs={"slug": "ander", "code": referral.code})
    listing = reverse("cases:referrals", kwargs={"slug": "ander"})
    viewer = make_user("viewer@ander.example")
    Membership.objects.create(user=viewer, organisation=partner, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    assert client.get(listing).status_code == 403 and client.get(detail).status_code == 403
    # Hulp's own people, and a third organisation: it is not theirs.
    assert (
        people.client("officer")
        .get(reverse("cases:referral", kwargs={"slug": "hulp", "code": referral.code}))
        .status_code
        == 404
    )
    # An officer who joined Ander after the referral: sees it, cannot read it, is told who can.
    late = make_user("late@ander.example", two_factor=True, name="Late Officer", language="en")
    Membership.objects.create(user=late, organisation=partner, role=Role.OFFICER)
    speakup_keys.setup(late, PASSWORD)
    late_client = unlocked_at("ander", late)
    page = late_client.get(detail).content.decode()
    assert TEXT not in page and "not encrypted to your key" in page and "Outsider" in page
    late_client.post(reverse("cases:referral_accept", kwargs={"slug": "ander", "code": referral.code}))
    referral.refresh_from_db()
    assert referral.answered_at is None
    # Without unlocking, the one it is sealed to is asked to unlock.
    page = people.client("outsider").get(detail).content.decode()
    assert TEXT not in page and reverse("speakup:unlock", kwargs={"slug": "ander"}) in page
