"""Access-matrix rows for cases across organisations (cases/views/sharing.py).

Sharing side: a case of `hulp` opened by its officer, who alone is on it; everyone else — the admin
included — gets 404 (need to know). Nobody has a handler key, so referring sends the officer to the
unlock page (302). Receiving side: Ander Fonds (the outsider's organisation) shares a case of its own
with `hulp` and refers another to it. Its integrity officers and admins see them; viewers, members and
managers of `hulp` get 403; the outsider is no member of `hulp`, so 404. Accepting a referral needs an
unlocked key: the officer and admin are sent to unlock (302).
"""

from cases import sharing
from cases.handling import open_case
from cases.models import Case, Playbook, Referral
from organisations.models import AllianceMember, Partnership
from speakup import crypto
from tests.access.rows import Row, statuses
from tests.cases.conftest import build_playbook

ON_CASE = statuses(anonymous=302, outsider=404, viewer=404, member=404, manager=404, officer=200, admin=404)
ON_CASE_REDIRECT = statuses(anonymous=302, outsider=404, viewer=404, member=404, manager=404, officer=302, admin=404)
RECEIVERS = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=200, admin=200)
RECEIVERS_REDIRECT = statuses(anonymous=302, outsider=404, viewer=403, member=403, manager=403, officer=302, admin=302)


def _build(world) -> None:
    if "sharing_case" in world.objects:
        return
    people, other = world.people, world.people.other_org
    if not Playbook.objects.filter(organisation__isnull=True, is_default=True).exists():
        build_playbook()
    Partnership.objects.create(organisation=world.org, partner=other)
    AllianceMember.objects.create(alliance=world.alliance, organisation=other)
    ours = open_case(world.org, by=people.officer, source=Case.Source.PHONE, involves=other)
    outgoing = sharing.share(ours, by=people.officer, ask="Please check the March payments.", to_organisation=other)
    theirs = open_case(other, by=people.outsider, source=Case.Source.EMAIL)
    incoming = sharing.share(theirs, by=people.outsider, ask="Do you know this supplier?", to_organisation=world.org)
    # Made directly: refer() wants a handler key at `hulp`, and nobody here has one.
    referral_key = crypto.new_keypair()
    referral = Referral.objects.create(
        case=theirs,
        to_organisation=world.org,
        reporter_consent_on=theirs.received_at.date(),
        reporter_consent_how="By phone",
        public_key=bytes(referral_key.public_key),
        text=crypto.seal(bytes(referral_key.public_key), b"What you need to know."),
        referred_by=people.outsider,
    )
    world.objects.update(
        sharing_case=ours, sharing_outgoing=outgoing, sharing_incoming=incoming, sharing_referral=referral
    )


def slug(world):
    return {"slug": world.org.slug}


def our_case(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.sharing_case.code}


def our_share(world):
    return {**our_case(world), "consent": world.sharing_outgoing.consent.code}


def incoming_share(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.sharing_incoming.consent.code}


def incoming_referral(world):
    _build(world)
    return {"slug": world.org.slug, "code": world.sharing_referral.code}


ROWS = [
    # The sharing side, from the case.
    Row("cases:case_share", ON_CASE, kwargs=our_case),
    Row(
        "cases:case_share",
        ON_CASE_REDIRECT,
        kwargs=our_case,
        method="post",
        data=lambda w: {"recipient": f"a:{w.alliance.code}", "ask": "Please tell your partners."},
    ),
    Row("cases:case_share_revoke", ON_CASE, kwargs=our_share),
    Row("cases:case_share_revoke", ON_CASE_REDIRECT, kwargs=our_share, method="post"),
    Row("cases:case_refer", ON_CASE_REDIRECT, kwargs=our_case, note="to unlock"),
    Row("cases:case_refer", ON_CASE_REDIRECT, kwargs=our_case, method="post", note="to unlock"),
    # The receiving side.
    Row("cases:shared_cases", RECEIVERS, kwargs=slug),
    Row("cases:shared_case", RECEIVERS, kwargs=incoming_share),
    Row("cases:shared_case", RECEIVERS_REDIRECT, kwargs=incoming_share, method="post", data=lambda w: {"reply": ""}),
    Row("cases:referrals", RECEIVERS, kwargs=slug),
    Row("cases:referral", RECEIVERS, kwargs=incoming_referral),
    Row("cases:referral_accept", RECEIVERS_REDIRECT, kwargs=incoming_referral, method="post", note="to unlock"),
    Row("cases:referral_decline", RECEIVERS, kwargs=incoming_referral),
    Row(
        "cases:referral_decline",
        RECEIVERS_REDIRECT,
        kwargs=incoming_referral,
        method="post",
        data=lambda w: {"reason": "Not ours to handle."},
    ),
]
