"""`manage.py demo`: the fictional organisations, people, assessments, plan and speak-up channel of `make run`."""

import json
import re
from io import StringIO

import nacl.pwhash.argon2id as argon2id
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import User
from actions.models import Action, ActionEvent, ActionPlan
from assessments.models import Answer, AnswerChange, Assessment, ReviewComment
from assessments.report import build_report
from organisations.models import Alliance, AllianceMember, Consent, Invitation, Membership, Organisation, Partnership
from speakup import crypto, keys
from speakup.models import Channel, ChannelHandler, HandlerGrant, HandlerKey, Report, ReportKey

pytestmark = pytest.mark.django_db

MODELS = [
    Organisation,
    Partnership,
    Alliance,
    AllianceMember,
    Membership,
    User,
    Consent,
    Invitation,
    Assessment,
    Answer,
    AnswerChange,
    ReviewComment,
    ActionPlan,
    Action,
    ActionEvent,
    Channel,
    ChannelHandler,
    HandlerKey,
    Report,
    ReportKey,
    HandlerGrant,
]
OFFICER = "officer@hulp-zonder-grenzen.example"


def run_demo(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True


@pytest.fixture(autouse=True)
def fast_key_derivation(settings):
    """The smallest Argon2id work libsodium allows; the demo itself uses the real settings."""
    settings.SPEAKUP_ARGON2_OPSLIMIT = argon2id.OPSLIMIT_MIN
    settings.SPEAKUP_ARGON2_MEMLIMIT = argon2id.MEMLIMIT_MIN


@pytest.fixture(autouse=True)
def framework(db):
    """`make setup` loads the framework content before the demo."""
    call_command("load_framework", verbosity=0)


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
    # Exactly one of each demo record, however often the command runs.
    assert Assessment.objects.count() == 2
    assert ActionPlan.objects.count() == 1
    assert Report.objects.count() == 1
    assert HandlerKey.objects.count() == 1


def test_a_rerun_leaves_the_assessments_plan_and_report_as_they_are():
    run_demo()
    key = HandlerKey.objects.get()
    snapshot = {
        "assessments": list(Assessment.objects.values_list("code", "status", "submitted_at", "finalised_at")),
        "answers": list(Answer.objects.values_list("id", "level", "option_id", "comment", "answered_at")),
        "actions": list(Action.objects.values_list("code", "status", "owner_id", "due_on", "updated_at")),
        "report": list(Report.objects.values_list("code", "status", "receipt_lookup")),
        "grants": list(HandlerGrant.objects.values_list("id", "sealed")),
    }

    run_demo()

    assert HandlerKey.objects.get().by_password == key.by_password  # the key was not set up again
    assert snapshot == {
        "assessments": list(Assessment.objects.values_list("code", "status", "submitted_at", "finalised_at")),
        "answers": list(Answer.objects.values_list("id", "level", "option_id", "comment", "answered_at")),
        "actions": list(Action.objects.values_list("code", "status", "owner_id", "due_on", "updated_at")),
        "report": list(Report.objects.values_list("code", "status", "receipt_lookup")),
        "grants": list(HandlerGrant.objects.values_list("id", "sealed")),
    }


def test_the_baseline_of_tumaini_is_final_with_gaps():
    run_demo()
    assessment = Assessment.objects.get(library__code="partner-integrity-baseline")
    assert assessment.organisation.slug == "tumaini-health"
    assert assessment.requester is not None and assessment.requester.slug == "hulp-zonder-grenzen"
    assert assessment.status == Assessment.Status.FINAL
    assert assessment.submitted_at is not None and assessment.finalised_at is not None
    assert assessment.submitted_at < assessment.finalised_at
    assert assessment.valid_until is not None and assessment.valid_until > timezone.localdate()
    assert assessment.final_rating

    report = build_report(assessment)
    assert report.unanswered == []
    assert 5 <= len(report.gaps) <= 15
    levels = set(Answer.objects.filter(assessment=assessment).values_list("level", flat=True))
    assert len(levels) >= 4  # varied, not one level throughout
    assert Answer.objects.filter(assessment=assessment).exclude(comment="").count() >= 3
    below_target = [area for area in report.areas if area.score.score is not None and area.score.score < 3]
    assert below_target  # some areas below target
    assert ReviewComment.objects.filter(assessment=assessment).exists()


def test_the_plan_follows_the_gaps_with_owners_in_both_organisations():
    run_demo()
    assessment = Assessment.objects.get(library__code="partner-integrity-baseline")
    plan = ActionPlan.objects.get(source_kind="assessment", source_code=assessment.code)
    assert plan.organisation.slug == "hulp-zonder-grenzen"
    assert plan.partner is not None and plan.partner.slug == "tumaini-health"

    gaps = {row.requirement.pk for row in build_report(assessment).gaps}
    assert set(plan.actions.values_list("requirement", flat=True)) == gaps

    owner_organisations = set(
        Membership.objects.filter(
            user__in=plan.actions.values("owner"), organisation_id__in=plan.owner_ids
        ).values_list("organisation__slug", flat=True)
    )
    assert owner_organisations == {"hulp-zonder-grenzen", "tumaini-health"}
    assert not plan.actions.filter(owner__isnull=True).exists()

    progress = plan.progress()
    assert progress["done"] >= 1
    assert progress["doing"] >= 1
    assert progress["done"] + progress["doing"] >= 3
    assert progress["overdue"] == 1
    # Every action records its creation, and each status change is in its history.
    for action in plan.actions.all():
        assert action.events.filter(kind=ActionEvent.Kind.CREATED).exists()
        if action.status != Action.Status.TODO:
            assert action.events.filter(kind=ActionEvent.Kind.STATUS, new_value=action.status).exists()


def test_a_psea_assessment_is_half_answered_for_a_visitor():
    run_demo()
    assessment = Assessment.objects.get(library__code="psea-capacity")
    assert assessment.organisation.slug == "kampala-womens-network"
    assert assessment.status == Assessment.Status.IN_PROGRESS
    assert assessment.is_open
    answered = assessment.answers.count()
    assert 0 < answered < assessment.library.requirements.count()
    # Someone who can log in answers for the partner.
    contact = User.objects.get(email="contact@kampala-womens-network.example")
    assert Membership.objects.filter(user=contact, organisation=assessment.organisation).exists()


def test_the_speakup_channel_has_the_officer_as_handler_and_one_new_report():
    run_demo()
    channel = Channel.objects.get(slug="hulp-zonder-grenzen")
    assert channel.organisation is not None and channel.organisation.slug == "hulp-zonder-grenzen"
    assert sorted(channel.languages) == ["en", "es", "fr", "nl"]
    assert all([channel.intro_nl, channel.intro_en, channel.intro_fr, channel.intro_es])
    assert channel.is_open
    officer = User.objects.get(email=OFFICER)
    assert list(channel.handler_users()) == [officer]

    report = Report.objects.get(channel=channel)
    assert report.status == Report.Status.NEW
    assert report.organisation == channel.organisation
    assert list(Report.objects.for_handler(officer)) == [report]
    # Sealed: the content is not readable as it is stored.
    assert b"hygiene" not in bytes(report.content)


def test_the_officer_opens_the_demo_report_with_the_demo_password():
    run_demo()
    officer = User.objects.get(email=OFFICER)
    report = Report.objects.get(channel__slug="hulp-zonder-grenzen")

    private_key = keys.open_with_password(officer, "samen-demo")
    content = json.loads(keys.open_for_handler(report, report.key_version, bytes(report.content), private_key))

    assert content["what"]
    assert content["language"] == "en"


def test_a_handler_who_has_a_key_keeps_it():
    run_demo()
    officer_key = HandlerKey.objects.get(user__email=OFFICER)
    officer_key.user.set_password("my-own-long-password")
    officer_key.user.save(update_fields=["password"])

    run_demo()

    assert HandlerKey.objects.get(user__email=OFFICER).public_key == officer_key.public_key


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


def test_print_logins_shows_the_channel_and_the_receipt_only_when_the_report_is_made():
    out = run_demo("--print-logins")
    assert "/speak-up/hulp-zonder-grenzen/" in out
    assert f"{OFFICER} handles its reports and unlocks them with the password samen-demo" in out
    found = re.search(r"Receipt code of the demo report: ([\d ]+)", out)
    assert found is not None

    # The code printed is the report's: the reporter's key derived from it finds the report.
    channel = Channel.objects.get(slug="hulp-zonder-grenzen")
    _private_key, lookup = crypto.reporter_keys(
        found.group(1), bytes(channel.salt), argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN
    )
    assert Report.objects.filter(channel=channel, receipt_lookup=lookup).exists()

    again = run_demo("--print-logins")
    assert "/speak-up/hulp-zonder-grenzen/" in again
    assert "Receipt code" not in again


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run_demo()
    assert Organisation.objects.count() == 0


def test_force_runs_without_debug(settings):
    settings.DEBUG = False
    run_demo(force=True)
    assert Organisation.objects.count() == 11


def test_without_the_framework_content_the_rest_is_made_and_a_note_says_what_to_run():
    from framework.models import AssessmentLibrary

    AssessmentLibrary.objects.filter(code__in=["partner-integrity-baseline", "psea-capacity"]).delete()
    err = StringIO()
    call_command("demo", stdout=StringIO(), stderr=err)
    assert "load_framework" in err.getvalue()
    assert Assessment.objects.count() == 0
    assert Report.objects.count() == 1
