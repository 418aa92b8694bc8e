"""The objects the access matrix points at, around the personas of tests/conftest.py."""

from django.utils import timezone

from organisations.models import Alliance, AllianceMember, Consent, Invitation, Organisation, Partnership
from tests.access.rows import World


def build_world(people) -> World:
    org = people.org
    partner = Organisation.objects.create(
        slug="kampala-women",
        name="Kampala Women's Network",
        kind=Organisation.Kind.PARTNER,
        country="UG",
        registered_by=org,
    )
    partnership = Partnership.objects.create(organisation=org, partner=partner, kind=Partnership.Kind.FUNDING)
    alliance = Alliance.objects.create(name="Dutch Humanitarian Alliance", lead=org, starts_on=timezone.localdate())
    AllianceMember.objects.create(alliance=alliance, organisation=org)
    invitation, token = Invitation.issue(org, "new.person@hulp.example", "member", people.admin)
    consent = Consent.objects.create(
        organisation=org,
        subject="partnerships",
        scope=Consent.Scope.ALLIANCE,
        to_alliance=alliance,
        given_by=people.admin,
    )
    # Ander Fonds shares its partnerships with Hulp: what the `shared` page shows.
    received_consent = Consent.objects.create(
        organisation=people.other_org,
        subject="partnerships",
        scope=Consent.Scope.ORGANISATION,
        to_organisation=org,
        given_by=people.outsider,
    )
    return World(
        people=people,
        objects={
            "org": org,
            "partner": partner,
            "partnership": partnership,
            "alliance": alliance,
            "invitation": invitation,
            "invitation_token": token,
            "consent": consent,
            "received_consent": received_consent,
            "membership": people.member.memberships.get(organisation=org),
        },
    )
