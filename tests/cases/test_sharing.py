"""Sharing a limited summary of a case with a partner organisation or an alliance.

Hulp (the personas' organisation) has a speak-up case about fraud that involves its partner Ander Fonds
(whose admin is `people.outsider`). The officer of Hulp handles it. What crosses is only the limited
summary: our name, reference, category, severity, phase, concluded or not, the ask and the dates.
"""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import Entry, Event
from cases import sharing
from cases.handling import add_note, open_case, tick
from cases.models import Case, Share
from framework.models import ViolationType
from organisations.models import Alliance, AllianceMember, Consent, Membership, Organisation, Partnership, Role
from speakup.models import Channel
from tests.conftest import make_user
from tests.speakup.conftest import store_report

ASK = "Please check the payments your office made to the supplier in March."
SECRETS = [
    "SEALED-SUMMARY the cash box",  # the case's own summary
    "NOTE-TEXT ledger pages",  # a note on the case
    "STEP-NOTE registered",  # a note on a step
    "REPORTER-WORDS the storeroom",  # what the reporter wrote
    "Amina Reporter",  # the reporter's name
    "officer@hulp.example",  # the handler
]


@pytest.fixture
def fraud(db) -> ViolationType:
    return ViolationType.objects.create(
        code="fraud", name_nl="Fraude", name_en="Fraud", definition_nl="-", definition_en="-", source="test"
    )


@pytest.fixture
def case(people, playbook, keys, fraud) -> Case:
    """A speak-up case of Hulp involving its partner Ander Fonds, with sealed content of every kind."""
    Partnership.objects.create(organisation=people.org, partner=people.other_org)
    channel = Channel.objects.create(organisation=people.org, slug="hulp-meldpunt")
    report, _receipt = store_report(channel, {"what": SECRETS[3], "name": SECRETS[4]})
    case = open_case(
        people.org,
        by=people.officer,
        source=Case.Source.SPEAKUP,
        report=report,
        summary=SECRETS[0],
        category=fraud,
        involves=people.other_org,
    )
    case.severity = Case.Severity.HIGH
    case.save(update_fields=["severity"])
    add_note(case, SECRETS[1], by=people.officer)
    tick(case, case.steps.get(code="register"), by=people.officer, note=SECRETS[2])
    case.refresh_from_db()
    return case


def member_of(organisation: Organisation, email: str, role: str) -> User:
    user = make_user(email, two_factor=role in ("admin", "officer"), name=email.split("@")[0].title())
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def share_url(case: Case) -> str:
    return reverse("cases:case_share", kwargs={"slug": case.organisation.slug, "code": case.code})


def shared_url(slug: str, share: Share) -> str:
    return reverse("cases:shared_case", kwargs={"slug": slug, "code": share.consent.code})


def test_the_partner_sees_only_the_limited_summary(case, people, english):
    officer = people.client("officer")
    assert officer.get(share_url(case)).status_code == 200
    response = officer.post(share_url(case), {"recipient": f"o:{people.other_org.code}", "ask": ASK})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", kwargs={"slug": "hulp", "code": case.code})
    share = Share.objects.get(case=case)
    assert share.consent.subject == f"case:{case.code}"
    assert share.consent.to_organisation == people.other_org and share.consent.is_active
    assert Entry.objects.filter(event=Event.CASE_SHARED, organisation="hulp", target=case.reference).exists()

    partner = people.client("outsider")
    listing = partner.get(reverse("cases:shared_cases", kwargs={"slug": "ander"})).content.decode()
    assert case.reference in listing and "Hulp Zonder Grenzen" in listing
    html = partner.get(shared_url("ander", share)).content.decode()
    for present in ["Hulp Zonder Grenzen", case.reference, "Fraud", "High", "Receive", ASK]:
        assert present in html, present
    for secret in SECRETS:
        assert secret not in html, secret
    read = Entry.objects.get(event=Event.CASE_SHARE_READ)
    assert (read.organisation, read.actor, read.target) == ("hulp", "admin@ander.example", case.reference)


def test_the_phase_is_read_live_and_concluded_shows_without_the_outcome(case, people, english):
    share = sharing.share(case, by=people.officer, ask=ASK, to_organisation=people.other_org)
    Case.objects.filter(pk=case.pk).update(
        phase="conclude", concluded_at=timezone.now(), outcome=Case.Outcome.SUBSTANTIATED
    )
    html = people.client("outsider").get(shared_url("ander", share)).content.decode()
    assert "Conclude" in html
    assert "Substantiated" not in html


def test_the_form_refuses_what_it_cannot_share(case, people, english):
    officer = people.client("officer")
    missing_ask = officer.post(share_url(case), {"recipient": f"o:{people.other_org.code}", "ask": "  "})
    assert missing_ask.status_code == 200 and "This field is required." in missing_ask.content.decode()
    stranger = Organisation.objects.create(slug="stranger", name="Stranger Org")
    not_a_partner = officer.post(share_url(case), {"recipient": f"o:{stranger.code}", "ask": ASK})
    assert "Select a valid choice" in not_a_partner.content.decode()
    past = officer.post(
        share_url(case), {"recipient": f"o:{people.other_org.code}", "ask": ASK, "valid_until": "2020-01-01"}
    )
    assert "Choose today or a later date." in past.content.decode()
    # A partner nobody on Samen can read for (no integrity officer or admin there).
    empty = Organisation.objects.create(slug="kampala", name="Kampala Women's Network")
    Partnership.objects.create(organisation=people.org, partner=empty)
    nobody = officer.post(share_url(case), {"recipient": f"o:{empty.code}", "ask": ASK})
    assert "Nobody there could read it" in nobody.content.decode()
    assert not Share.objects.exists()
    sharing.share(case, by=people.officer, ask=ASK, to_organisation=people.other_org)
    twice = officer.post(share_url(case), {"recipient": f"o:{people.other_org.code}", "ask": ASK})
    assert "shared with them already" in twice.content.decode()
    assert Share.objects.count() == 1


def test_only_the_case_handlers_share(case, people):
    # The admin and the viewer of Hulp are not on the case: for them it does not exist.
    for persona in ("admin", "viewer", "outsider"):
        assert people.client(persona).get(share_url(case)).status_code == 404
    assert people.client("anonymous").get(share_url(case)).status_code == 302


def test_revoking_from_the_case_hides_it_at_once(case, people, english):
    share = sharing.share(case, by=people.officer, ask=ASK, to_organisation=people.other_org)
    partner = people.client("outsider")
    assert partner.get(shared_url("ander", share)).status_code == 200
    revoke_url = reverse(
        "cases:case_share_revoke", kwargs={"slug": "hulp", "code": case.code, "consent": share.consent.code}
    )
    officer = people.client("officer")
    confirm = officer.get(revoke_url)
    assert confirm.status_code == 200 and "Ander Fonds" in confirm.content.decode()
    assert Consent.objects.get(pk=share.consent.pk).is_active  # asking is not revoking
    assert officer.post(revoke_url).status_code == 302
    assert partner.get(shared_url("ander", share)).status_code == 404
    assert case.reference not in partner.get(reverse("cases:shared_cases", kwargs={"slug": "ander"})).content.decode()
    assert Entry.objects.filter(event=Event.CONSENT_REVOKED, organisation="hulp").count() == 1
    # Revoking again changes nothing and logs nothing.
    assert officer.post(revoke_url).status_code == 302
    assert Entry.objects.filter(event=Event.CONSENT_REVOKED).count() == 1


def test_the_organisations_sharing_page_does_not_list_case_shares(case, people):
    """Need to know: every member reads the sharing page, so a case share is managed from the case only."""
    share = sharing.share(case, by=people.officer, ask=ASK, to_organisation=people.other_org)
    for persona, slug in (("viewer", "hulp"), ("admin", "hulp"), ("outsider", "ander")):
        page = people.client(persona).get(reverse("organisations:sharing", kwargs={"slug": slug})).content.decode()
        assert str(share.consent.code) not in page and case.reference not in page, persona
    csv = people.client("admin").get(reverse("organisations:sharing_csv", kwargs={"slug": "hulp"})).content.decode()
    assert "Limited case summary" not in csv and "Beperkte samenvatting" not in csv
    url = reverse("organisations:consent_revoke", kwargs={"slug": "hulp", "code": share.consent.code})
    assert people.client("admin").post(url).status_code == 404
    assert people.client("outsider").get(shared_url("ander", share)).status_code == 200


def test_an_expired_share_is_gone(case, people):
    share = sharing.share(
        case, by=people.officer, ask=ASK, to_organisation=people.other_org, valid_until=timezone.localdate()
    )
    assert people.client("outsider").get(shared_url("ander", share)).status_code == 200
    Consent.objects.filter(pk=share.consent.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    assert people.client("outsider").get(shared_url("ander", share)).status_code == 404


def test_who_at_the_recipient_sees_it(case, people):
    share = sharing.share(case, by=people.officer, ask=ASK, to_organisation=people.other_org)
    list_url = reverse("cases:shared_cases", kwargs={"slug": "ander"})
    for role in ("viewer", "member", "manager"):
        client = client_for(member_of(people.other_org, f"{role}@ander.example", role))
        assert client.get(list_url).status_code == 403, role
        assert client.get(shared_url("ander", share)).status_code == 403, role
        assert client.post(shared_url("ander", share), {"reply": "ok"}).status_code == 403, role
    officer = client_for(member_of(people.other_org, "officer@ander.example", Role.OFFICER))
    assert officer.get(shared_url("ander", share)).status_code == 200
    # Another organisation, not named by the consent: it does not exist for them.
    third = Organisation.objects.create(slug="derde", name="Derde Stichting")
    stranger = client_for(member_of(third, "officer@derde.example", Role.OFFICER))
    assert stranger.get(shared_url("derde", share)).status_code == 404
    assert stranger.get(shared_url("ander", share)).status_code == 404
    assert case.reference not in stranger.get(reverse("cases:shared_cases", kwargs={"slug": "derde"})).content.decode()
    # The sharer's own people do not see it as "shared with us".
    assert people.client("officer").get(shared_url("hulp", share)).status_code == 404


def test_the_recipient_acknowledges_and_replies_and_the_handlers_see_it(case, people, english):
    share = sharing.share(case, by=people.officer, ask=ASK, to_organisation=people.other_org)
    partner = people.client("outsider")
    assert partner.post(shared_url("ander", share), {"reply": ""}).status_code == 302
    share.refresh_from_db()
    assert share.acknowledged_by == people.outsider and share.reply == ""
    # Acknowledged now; the reply may follow, and is then required.
    empty = partner.post(shared_url("ander", share), {"reply": ""})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    partner.post(shared_url("ander", share), {"reply": "We stopped payments and will check the invoices."})
    share.refresh_from_db()
    assert share.reply == "We stopped payments and will check the invoices."
    # Answered: the form is gone and a further POST changes nothing.
    page = partner.get(shared_url("ander", share)).content.decode()
    assert "We stopped payments" in page and "<textarea" not in page
    partner.post(shared_url("ander", share), {"reply": "Something else"})
    share.refresh_from_db()
    assert share.reply.startswith("We stopped payments")

    membership = Membership.objects.get(user=people.officer, organisation=people.org)
    panel = render_to_string(
        "cases/sharing/_case_panel.html",
        {"case": case, "organisation": people.org, "membership": membership, **sharing.case_panel(case)},
    )
    assert "Ander Fonds" in panel and "We stopped payments" in panel and ASK in panel
    assert (
        reverse("cases:case_share_revoke", kwargs={"slug": "hulp", "code": case.code, "consent": share.consent.code})
        in panel
    )


def test_an_alliance_share_reaches_every_other_member(case, people, english):
    alliance = Alliance.objects.create(name="Dutch Relief Alliance", lead=people.org)
    third = Organisation.objects.create(slug="derde", name="Derde Stichting")
    fourth = Organisation.objects.create(slug="vierde", name="Vierde Hulp")
    for organisation in (people.org, people.other_org, third):
        AllianceMember.objects.create(alliance=alliance, organisation=organisation)
    third_officer = client_for(member_of(third, "officer@derde.example", Role.OFFICER))
    fourth_officer = client_for(member_of(fourth, "officer@vierde.example", Role.OFFICER))

    response = people.client("officer").post(share_url(case), {"recipient": f"a:{alliance.code}", "ask": ASK})
    assert response.status_code == 302
    share = Share.objects.get(case=case)
    assert share.consent.to_alliance == alliance

    assert people.client("outsider").get(shared_url("ander", share)).status_code == 200
    html = third_officer.get(shared_url("derde", share)).content.decode()
    assert "Dutch Relief Alliance" in html and ASK in html
    assert fourth_officer.get(shared_url("vierde", share)).status_code == 404
    assert people.client("officer").get(shared_url("hulp", share)).status_code == 404

    # One answer crosses back: the first member organisation's.
    third_officer.post(shared_url("derde", share), {"reply": "Derde knows nothing of it."})
    people.client("outsider").post(shared_url("ander", share), {"reply": "Ander overwrites?"})
    share.refresh_from_db()
    assert share.reply == "Derde knows nothing of it."


def test_the_recipient_lands_on_the_share_from_the_sharing_page(case, people):
    share = sharing.share(case, by=people.officer, ask=ASK, to_organisation=people.other_org)
    assert sharing.shared_case_url("ander", str(case.code)) == shared_url("ander", share)
    assert sharing.shared_case_url("derde", str(case.code)) == reverse("cases:shared_cases", kwargs={"slug": "derde"})
    sharing.revoke(share, by=people.officer)
    assert sharing.shared_case_url("ander", str(case.code)) == reverse("cases:shared_cases", kwargs={"slug": "ander"})
