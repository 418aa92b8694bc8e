"""`manage.py demo`: the fictional organisations and people that `make run` shows."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from organisations.models import Alliance, AllianceMember, Consent, Invitation, Membership, Organisation, Partnership

pytestmark = pytest.mark.django_db

MODELS = [Organisation, Partnership, Alliance, AllianceMember, Membership, User, Consent, Invitation]


def run_demo(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True


def test_demo_creates_members_partners_an_alliance_and_people():
    run_demo()

    members = Organisation.objects.filter(kind=Organisation.Kind.MEMBER)
    partners = Organisation.objects.filter(kind=Organisation.Kind.PARTNER)
    assert members.count() == 3
    assert set(members.values_list("country", flat=True)) == {"NL"}
    assert partners.count() == 8
    assert len(set(partners.values_list("country", flat=True))) >= 3
    assert Organisation.objects.get(slug="hulp-zonder-grenzen").name == "Hulp Zonder Grenzen"
    assert partners.filter(iati_identifier__startswith="NL-KVK-").exists()

    # One partner is recorded but not on Samen yet.
    assert partners.filter(memberships__isnull=True).exists()

    assert set(Partnership.objects.values_list("kind", flat=True)) == {"funding", "implementing", "peer"}
    assert set(Partnership.objects.values_list("status", flat=True)) >= {"active", "proposed", "ended"}

    assert Invitation.objects.pending().count() == 1

    alliance = Alliance.objects.get()
    assert alliance.lead.slug == "hulp-zonder-grenzen"
    assert alliance.members().count() >= 3


def test_every_role_of_every_member_organisation_can_log_in(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    run_demo()
    for organisation in Organisation.objects.filter(kind=Organisation.Kind.MEMBER):
        for role in ["admin", "officer", "manager", "member", "viewer"]:
            user = User.objects.get(email=f"{role}@{organisation.slug}.example")
            assert user.check_password("samen-demo")
            assert Membership.objects.get(user=user, organisation=organisation).role == role
            # Two-factor is set up by the person at first login, never by the demo.
            assert not user.has_two_factor


def test_the_partner_contact_belongs_to_two_member_organisations():
    run_demo()
    contact = User.objects.get(email="contact@tumaini-health.example")
    kinds = list(contact.memberships.values_list("organisation__kind", flat=True))
    assert kinds.count(Organisation.Kind.MEMBER) >= 2
    assert Organisation.Kind.PARTNER in kinds


def test_running_twice_changes_nothing():
    run_demo()
    before = counts()
    hashes = dict(User.objects.values_list("email", "password"))

    out = run_demo()

    assert counts() == before
    assert dict(User.objects.values_list("email", "password")) == hashes
    assert "0 new people" in out


def test_a_changed_password_survives_a_rerun():
    run_demo()
    user = User.objects.get(email="admin@kinderen-eerst.example")
    user.set_password("my-own-long-password")
    user.save(update_fields=["password"])

    run_demo()

    user.refresh_from_db()
    assert user.check_password("my-own-long-password")


def test_print_logins_lists_every_demo_login():
    out = run_demo("--print-logins")
    assert "samen-demo" in out
    for email in User.objects.values_list("email", flat=True):
        assert email in out
    assert "two-factor" in out


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run_demo()
    assert Organisation.objects.count() == 0


def test_force_runs_without_debug(settings):
    settings.DEBUG = False
    run_demo(force=True)
    assert Organisation.objects.count() == 11
