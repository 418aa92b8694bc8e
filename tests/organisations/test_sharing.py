"""Sharing by consent: given by managers, revoked at once, and checked on every shared page."""

from datetime import timedelta

from django.utils import timezone

from audit.models import Entry, Event
from organisations.models import Alliance, AllianceMember, Consent
from tests.organisations.helpers import errors, partner_org, partnership, query_count, url


def share_with_hulp(people, **fields):
    fields.setdefault("scope", Consent.Scope.ORGANISATION)
    fields.setdefault("subject", "partnerships")
    if fields["scope"] == Consent.Scope.ORGANISATION:
        fields.setdefault("to_organisation", people.org)
    return Consent.objects.create(organisation=people.other_org, given_by=people.outsider, **fields)


def test_manager_shares_partnerships_with_one_organisation_found_by_search(people):
    client = people.client("manager")
    found = client.get(url("consent_add", people.org), {"q": "ander"})
    assert [o.name for o in found.context["candidates"]] == ["Ander Fonds"]
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        url("consent_add", people.org),
        {
            "q": "ander",
            "subject": "partnerships",
            "scope": "organisation",
            "to_organisation": str(people.other_org.code),
            "valid_until": until,
        },
    )
    assert response.url == url("sharing", people.org)
    consent = Consent.objects.get()
    assert (consent.organisation, consent.to_organisation, consent.given_by) == (
        people.org,
        people.other_org,
        people.manager,
    )
    entry = Entry.objects.get(event=Event.CONSENT_GIVEN)
    assert entry.detail["to"] == "Ander Fonds"
    assert entry.detail["until"] == until


def test_sharing_with_an_alliance_or_the_sector(people):
    alliance = Alliance.objects.create(name="Dutch Relief Alliance", lead=people.org)
    AllianceMember.objects.create(alliance=alliance, organisation=people.org)
    client = people.client("admin")
    client.post(
        url("consent_add", people.org),
        {"subject": "partnerships", "scope": "alliance", "to_alliance": str(alliance.code)},
    )
    client.post(url("consent_add", people.org), {"subject": "partnerships", "scope": "sector"})
    assert sorted(c.scope for c in Consent.objects.all()) == ["alliance", "sector"]


def test_a_missing_recipient_or_a_past_date_is_a_clear_error(people):
    client = people.client("manager")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        url("consent_add", people.org), {"subject": "partnerships", "scope": "organisation", "valid_until": yesterday}
    )
    assert errors(response, "to_organisation") == ["Choose the organisation to share with."]
    assert errors(response, "valid_until") == ["The end date must be in the future."]
    assert f'value="{yesterday}"'.encode() in response.content
    alliance = client.post(url("consent_add", people.org), {"subject": "partnerships", "scope": "alliance"})
    assert errors(alliance, "to_alliance") == ["Choose the alliance to share with."]
    assert not Consent.objects.exists()


def test_an_alliance_we_are_not_in_cannot_be_chosen(people):
    theirs = Alliance.objects.create(name="Theirs", lead=people.other_org)
    response = people.client("manager").post(
        url("consent_add", people.org),
        {"subject": "partnerships", "scope": "alliance", "to_alliance": str(theirs.code)},
    )
    assert "Select a valid choice" in errors(response, "to_alliance")[0]


def test_sharing_the_same_thing_twice_is_a_form_error(people):
    client = people.client("manager")
    client.post(url("consent_add", people.org), {"subject": "partnerships", "scope": "sector"})
    again = client.post(url("consent_add", people.org), {"subject": "partnerships", "scope": "sector"})
    assert again.context["form"].non_field_errors() == ["You already share this with them."]
    assert Consent.objects.count() == 1


def test_viewer_may_not_share_or_revoke(people):
    consent = Consent.objects.create(organisation=people.org, subject="partnerships", scope="sector")
    client = people.client("viewer")
    assert (
        client.post(url("consent_add", people.org), {"subject": "partnerships", "scope": "sector"}).status_code == 403
    )
    assert client.post(url("consent_revoke", people.org, code=consent.code)).status_code == 403
    consent.refresh_from_db()
    assert consent.is_active


def test_the_sharing_page_lists_given_active_and_past_and_received(people):
    Consent.objects.create(organisation=people.org, subject="partnerships", scope="sector")
    Consent.objects.create(
        organisation=people.org,
        subject="partnerships",
        scope="organisation",
        to_organisation=people.other_org,
        revoked_at=timezone.now(),
    )
    received = share_with_hulp(people)
    client = people.client("member")
    response = client.get(url("sharing", people.org))
    assert len(response.context["active"]) == 1
    assert len(response.context["past"]) == 1
    assert list(response.context["received"]) == [received]
    assert url("shared", people.org, code=received.code) in response.content.decode()
    before = query_count(client, url("sharing", people.org))
    for n in range(4):
        other = partner_org(f"P{n}")
        Consent.objects.create(
            organisation=people.org, subject="partnerships", scope="organisation", to_organisation=other
        )
        Consent.objects.create(
            organisation=other, subject="partnerships", scope="organisation", to_organisation=people.org
        )
    assert query_count(client, url("sharing", people.org)) == before


def test_the_viewer_sees_what_the_consent_grants(people):
    partnership(people.other_org, partner_org("Bogotá Youth Collective", country="CO"))
    consent = share_with_hulp(people)
    response = people.client("viewer").get(url("shared", people.org, code=consent.code))
    assert response.status_code == 200
    assert b"Bogot\xc3\xa1 Youth Collective" in response.content


def test_revoking_takes_effect_at_once(people):
    partnership(people.other_org, partner_org("Bogotá Youth Collective", country="CO"))
    consent = share_with_hulp(people)
    shared_url = url("shared", people.org, code=consent.code)
    viewer = people.client("viewer")
    assert viewer.get(shared_url).status_code == 200
    owner = people.client("outsider")
    confirm = owner.get(url("consent_revoke", people.other_org, code=consent.code))
    assert b"Stop sharing with Hulp Zonder Grenzen?" in confirm.content
    owner.post(url("consent_revoke", people.other_org, code=consent.code))
    assert viewer.get(shared_url).status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_by == people.outsider
    assert Entry.objects.get(event=Event.CONSENT_REVOKED).organisation == "ander"


def test_an_expired_consent_no_longer_grants(people):
    consent = share_with_hulp(people, valid_until=timezone.localdate() - timedelta(days=1))
    assert people.client("viewer").get(url("shared", people.org, code=consent.code)).status_code == 404


def test_alliance_consent_reaches_members_and_stops_when_they_leave(people):
    alliance = Alliance.objects.create(name="Dutch Relief Alliance", lead=people.other_org)
    AllianceMember.objects.create(alliance=alliance, organisation=people.other_org)
    membership = AllianceMember.objects.create(alliance=alliance, organisation=people.org)
    consent = share_with_hulp(people, scope=Consent.Scope.ALLIANCE, to_alliance=alliance)
    viewer = people.client("viewer")
    assert viewer.get(url("shared", people.org, code=consent.code)).status_code == 200
    membership.delete()
    assert viewer.get(url("shared", people.org, code=consent.code)).status_code == 404


def test_a_consent_for_someone_else_is_404(people):
    third = partner_org("Third")
    consent = Consent.objects.create(
        organisation=people.other_org, subject="partnerships", scope="organisation", to_organisation=third
    )
    assert people.client("admin").get(url("shared", people.org, code=consent.code)).status_code == 404
    # Our own consent is not "shared with us".
    ours = Consent.objects.create(organisation=people.org, subject="partnerships", scope="sector")
    assert people.client("admin").get(url("shared", people.org, code=ours.code)).status_code == 404


def test_outsider_cannot_read_our_sharing_page(people):
    assert people.client("outsider").get(url("sharing", people.org)).status_code == 404


def test_a_shared_assessment_is_labelled_and_followed_to_the_app_that_shows_it(people):
    code = "8a1f6c2e-7d4b-4c55-9a47-1c3e0f5b2d9a"
    consent = share_with_hulp(people, subject=f"assessment:{code}")
    page = people.client("viewer").get(url("sharing", people.org))
    assert "Assessment (due-diligence passport)" in page.content.decode()
    assert f"assessment:{code}" not in page.content.decode()

    response = people.client("viewer").get(url("shared", people.org, code=consent.code))
    assert response.status_code == 302
    assert response.url == f"/o/hulp/assessments/{code}/"


def test_a_subject_no_app_has_registered_is_404(people):
    consent = share_with_hulp(people, subject="unknown-kind:123")
    response = people.client("viewer").get(url("shared", people.org, code=consent.code))
    assert response.status_code == 404


def test_revoking_returns_to_the_page_it_started_from_when_that_is_inside_samen(people):
    consent = Consent.objects.create(
        organisation=people.org, subject="partnerships", scope=Consent.Scope.SECTOR, given_by=people.admin
    )
    revoke = url("consent_revoke", people.org, code=consent.code)
    client = people.client("manager")
    assert "/o/hulp/partners/" in client.get(revoke, {"next": "/o/hulp/partners/"}).content.decode()
    response = client.post(revoke, {"next": "/o/hulp/partners/"})
    assert response.url == "/o/hulp/partners/"

    consent = Consent.objects.create(
        organisation=people.org, subject="partnerships", scope=Consent.Scope.SECTOR, given_by=people.admin
    )
    response = client.post(url("consent_revoke", people.org, code=consent.code), {"next": "https://evil.example/"})
    assert response.url == url("sharing", people.org)


def test_granting_by_scope_is_granting_split_by_scope(people):
    """The dilemma library reads the consents one scope at a time (each on its own index): together the parts are
    exactly the consents that grant, each part of its own scope."""
    today = timezone.localdate()
    alliance = Alliance.objects.create(name="Relief Alliance", lead=people.other_org)
    AllianceMember.objects.create(alliance=alliance, organisation=people.org)
    elsewhere = Alliance.objects.create(name="Another Alliance", lead=people.other_org)
    given = [
        share_with_hulp(people, subject="partnerships"),
        share_with_hulp(people, subject="case:1", scope=Consent.Scope.ALLIANCE, to_alliance=alliance),
        share_with_hulp(people, subject="case:2", scope=Consent.Scope.ALLIANCE, to_alliance=elsewhere),
        share_with_hulp(people, subject="case:3", scope=Consent.Scope.SECTOR),
        share_with_hulp(people, subject="case:4", valid_until=today + timedelta(days=3)),
        share_with_hulp(people, subject="case:5", to_organisation=partner_org("Derde Stichting")),
    ]
    share_with_hulp(people, subject="case:6", revoked_at=timezone.now())
    Consent.objects.filter(pk=given[4].pk).update(valid_until=today - timedelta(days=1))
    parts = Consent.objects.granting_by_scope(people.org)
    assert set(parts) == set(Consent.Scope.values)
    for scope, part in parts.items():
        assert {c.scope for c in part} <= {scope}
    everything = {c.pk for part in parts.values() for c in part}
    assert everything == {c.pk for c in Consent.objects.granting(people.org)}
    assert everything == {given[0].pk, given[1].pk, given[3].pk}
