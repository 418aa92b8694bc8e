"""Cases across organisations: limited summaries shared by consent, and referrals with the reporter's consent.

Two ways a case reaches another organisation, both decided by the handlers of the case:

- A **share** lets a partner's or an alliance's integrity officers and admins see a limited summary of
  the case — our name, the reference, category, severity, the phase (read live), whether it is
  concluded and what we ask of them — never the file. It is a `Consent` (subject "case:<code>") with a
  `Share` beside it; revoking the consent hides it at once. `SharedSummary` is the whole of what the
  recipient's pages get: they never touch the case itself.
- A **referral** hands the case to the organisation best placed to handle it. What they need to know is
  sealed to a fresh key pair whose private key is sealed to each of their integrity officers and admins
  with a handler key (`ReferralGrant`); accepting it opens a case over there, declining says why.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from nacl.public import PrivateKey

from audit.models import Event, record
from cases.access import CASE_ROLES
from cases.handling import open_case
from cases.models import Case, Referral, ReferralGrant, Share
from organisations.models import Alliance, Consent, Membership, Organisation, Partnership
from speakup import crypto
from speakup.models import HandlerKey

if TYPE_CHECKING:
    from accounts.models import User

SUBJECT_KIND = "case"


class NoReferralReader(Exception):
    """Nobody at the receiving organisation could open a referral: no integrity officer or admin has a handler key."""


class NotSealedToYou(Exception):
    """The referral's text was not sealed to this person (they had no handler key, or joined later)."""


class AlreadyAnswered(Exception):
    """The referral was accepted or declined already."""


def subject(case: Case) -> str:
    return f"{SUBJECT_KIND}:{case.code}"


def _log(event: str, organisation: Organisation, by: "User", target: str, **detail: object) -> None:
    record(event, actor=by.email, organisation=organisation.slug, target=target, detail=detail)


# ---- who a case can go to --------------------------------------------------------------------------------------


def partner_organisations(organisation: Organisation, case: Case | None = None) -> list[Organisation]:
    """The organisation's partners (any partnership, ended ones too: a case may be about a past project),
    and the partner the case involves."""
    found = set(Partnership.objects.partners_of(organisation))
    if case is not None and case.involves is not None:
        found.add(case.involves)
    found.discard(organisation)
    return sorted(found, key=lambda o: (o.name.lower(), o.pk))


def alliances_of(organisation: Organisation) -> list[Alliance]:
    """Alliances the organisation belongs to or leads."""
    return list(
        Alliance.objects.filter(Q(lead=organisation) | Q(alliance_memberships__organisation=organisation))
        .distinct()
        .order_by("name")
    )


def alliance_members(organisation: Organisation) -> list[Organisation]:
    """Every other organisation in an alliance with this one."""
    return list(
        Organisation.objects.filter(alliance_memberships__alliance__in=alliances_of(organisation))
        .exclude(pk=organisation.pk)
        .distinct()
        .order_by("name")
    )


def has_case_readers(organisations: list[Organisation]) -> bool:
    """Whether anyone at these organisations could read a shared summary (an integrity officer or admin)."""
    return Membership.objects.filter(organisation__in=organisations, role__in=CASE_ROLES).exists()


def referral_readers(organisation: Organisation) -> list["User"]:
    """The integrity officers and admins of `organisation` who can open a referral: those with a handler key."""
    from accounts.models import User

    return list(
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__role__in=CASE_ROLES,
            handler_key__isnull=False,
        )
        .distinct()
        .order_by("name", "email")
    )


# ---- shares ----------------------------------------------------------------------------------------------------


def share(
    case: Case,
    *,
    by: "User",
    ask: str,
    to_organisation: Organisation | None = None,
    to_alliance: Alliance | None = None,
    valid_until: date | None = None,
) -> Share:
    """Share the case's limited summary with one organisation or an alliance: a consent, the share, the audit."""
    recipient = (
        {"scope": Consent.Scope.ORGANISATION, "to_organisation": to_organisation}
        if to_organisation is not None
        else {"scope": Consent.Scope.ALLIANCE, "to_alliance": to_alliance}
    )
    with transaction.atomic():
        consent = Consent.give(
            organisation=case.organisation, subject=subject(case), by=by, valid_until=valid_until, **recipient
        )
        created = Share.objects.create(case=case, consent=consent, ask=ask, created_by=by)
    _log(
        Event.CASE_SHARED, case.organisation, by, case.reference, consent=str(consent.code), to=consent.recipient_label
    )
    return created


def revoke(share: Share, *, by: "User") -> bool:
    """Stop sharing; the recipient loses it at once. False when it was revoked already."""
    consent = share.consent
    if consent.revoked_at is not None:
        return False
    consent.revoke(by)
    _log(
        Event.CONSENT_REVOKED,
        consent.organisation,
        by,
        consent.subject,
        consent=str(consent.code),
        scope=consent.scope,
        to=consent.recipient_label,
    )
    return True


def shares_with(viewer: Organisation) -> QuerySet[Share]:
    """Shares of other organisations' cases that `viewer` may see now (an active consent names it or its alliance)."""
    consents = Consent.objects.granting(viewer).exclude(organisation=viewer).filter(subject__startswith="case:")
    return Share.objects.filter(consent__in=consents.values("pk")).select_related(
        "case__category", "consent__organisation", "consent__to_alliance", "acknowledged_by"
    )


def get_share_with(viewer: Organisation, consent_code: UUID | str) -> Share | None:
    return shares_with(viewer).filter(consent__code=consent_code).first()


def shared_case_url(viewer_slug: str, case_code: str) -> str:
    """Where the recipient sees a shared case (for organisations.subjects): the newest share of it they may see,
    else their list of cases shared with them (which then shows what they may see, if anything)."""
    viewer = Organisation.objects.filter(slug=viewer_slug).first()
    found = shares_with(viewer).filter(case__code=case_code).order_by("-created_at").first() if viewer else None
    if found is None:
        return reverse("cases:shared_cases", kwargs={"slug": viewer_slug})
    return reverse("cases:shared_case", kwargs={"slug": viewer_slug, "code": found.consent.code})


@dataclass(frozen=True)
class SharedSummary:
    """Everything the recipient of a share sees. Built from the share; the recipient's pages get only this."""

    code: UUID
    organisation_name: str
    reference: str
    category: str
    severity: str
    phase: str
    concluded: bool
    ask: str
    shared_at: datetime
    valid_until: date | None
    through_alliance: str
    acknowledged_at: datetime | None
    acknowledged_by: str
    reply: str

    @classmethod
    def of(cls, share: Share) -> "SharedSummary":
        case, consent = share.case, share.consent
        return cls(
            code=consent.code,
            organisation_name=consent.organisation.name,
            reference=case.reference,
            category=case.category.name if case.category else "",
            severity=case.get_severity_display() if case.severity else "",
            phase=case.get_phase_display(),
            concluded=case.is_concluded,
            ask=share.ask,
            shared_at=share.created_at,
            valid_until=consent.valid_until,
            through_alliance=consent.to_alliance.name if consent.to_alliance else "",
            acknowledged_at=share.acknowledged_at,
            acknowledged_by=share.acknowledged_by.display_name if share.acknowledged_by else "",
            reply=share.reply,
        )


def read(share: Share, *, by: "User", viewer: Organisation) -> None:
    """Someone of the recipient read the summary: the sharer's audit log says who and from where."""
    _log(
        Event.CASE_SHARE_READ,
        share.case.organisation,
        by,
        share.case.reference,
        consent=str(share.consent.code),
        by_organisation=viewer.name,
    )


def can_answer(share: Share, viewer: Organisation) -> bool:
    """The recipient acknowledges once; the organisation that acknowledged may add its reply later, once.

    Only one reply crosses back (an alliance share is answered by the first member organisation to do so).
    """
    if share.acknowledged_at is None:
        return True
    if share.reply:
        return False
    if share.acknowledged_by_id is None:  # the person who acknowledged has left Samen
        return True
    return Membership.objects.filter(user_id=share.acknowledged_by_id, organisation=viewer).exists()


def answer(share: Share, *, by: "User", viewer: Organisation, reply: str) -> None:
    """Acknowledge receipt, with a short reply the sharer's handlers see on the case."""
    fields = ["reply"]
    if share.acknowledged_at is None:
        share.acknowledged_at, share.acknowledged_by = timezone.now(), by
        fields += ["acknowledged_at", "acknowledged_by"]
    share.reply = reply.strip()
    share.save(update_fields=fields)
    _log(
        Event.CASE_SHARE_ANSWERED,
        share.case.organisation,
        by,
        share.case.reference,
        consent=str(share.consent.code),
        by_organisation=viewer.name,
        replied=bool(share.reply),
    )


# ---- referrals -------------------------------------------------------------------------------------------------


def refer(
    case: Case,
    *,
    to_organisation: Organisation,
    by: "User",
    consent_on: date,
    consent_how: str,
    text: str,
) -> Referral:
    """Refer the case: the text sealed to a fresh key pair whose private key goes to each reader over there.

    Raises NoReferralReader when nobody there could open it.
    """
    readers = referral_readers(to_organisation)
    if not readers:
        raise NoReferralReader
    private_key = crypto.new_keypair()
    public_key = bytes(private_key.public_key)
    handler_keys = HandlerKey.objects.filter(user__in=readers)
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            to_organisation=to_organisation,
            reporter_consent_on=consent_on,
            reporter_consent_how=consent_how,
            public_key=public_key,
            text=crypto.seal(public_key, text.encode()),
            referred_by=by,
        )
        ReferralGrant.objects.bulk_create(
            ReferralGrant(
                referral=referral, user_id=hk.user_id, sealed=crypto.seal(bytes(hk.public_key), bytes(private_key))
            )
            for hk in handler_keys
        )
    _log(
        Event.CASE_REFERRED,
        case.organisation,
        by,
        case.reference,
        referral=str(referral.code),
        to=to_organisation.name,
        readers=len(readers),
    )
    return referral


def incoming_referrals(organisation: Organisation) -> QuerySet[Referral]:
    return Referral.objects.filter(to_organisation=organisation).select_related(
        "case__organisation", "case__category", "accepted_case"
    )


def can_read(referral: Referral, user: "User") -> bool:
    return ReferralGrant.objects.filter(referral=referral, user=user).exists()


def referral_text(referral: Referral, user: "User", private_key: PrivateKey) -> str:
    """Open the referral's text with the person's unlocked key. Raises NotSealedToYou or crypto.DecryptionError."""
    grant = ReferralGrant.objects.filter(referral=referral, user=user).first()
    if grant is None or not referral.text:
        raise NotSealedToYou
    referral_key = PrivateKey(crypto.unseal(private_key, bytes(grant.sealed)))
    return crypto.unseal(referral_key, bytes(referral.text)).decode()


def _claim(referral: Referral, **fields: object) -> None:
    """Mark the referral answered, once: two officers answering at the same moment cannot both win.

    The sealed text and its grants go with the answer: once accepted it lives in the new case (sealed to
    that case's key); once declined nobody over there needs it any more.
    """
    claimed = Referral.objects.filter(pk=referral.pk, answered_at__isnull=True).update(
        answered_at=timezone.now(), text=b"", **fields
    )
    if not claimed:
        raise AlreadyAnswered
    ReferralGrant.objects.filter(referral=referral).delete()
    referral.refresh_from_db()


def accept(referral: Referral, *, by: "User", private_key: PrivateKey) -> Case:
    """Open a case from the referral at the receiving organisation, with the referral's text as its summary."""
    if referral.answered_at is not None:
        raise AlreadyAnswered
    text = referral_text(referral, by, private_key)
    referring = referral.case
    with transaction.atomic():
        _claim(referral)
        # The clock of the new case starts when the case reached this organisation: the referral.
        case = open_case(
            referral.to_organisation,
            by=by,
            source=Case.Source.REFERRAL,
            received_at=referral.referred_at,
            summary=text,
            category=referring.category,
            subtype=referring.subtype,
        )
        Referral.objects.filter(pk=referral.pk).update(accepted_case=case)
        referral.accepted_case = case
    detail = {"referral": str(referral.code), "answer": "accepted", "case": case.reference}
    _log(Event.CASE_REFERRAL_ANSWERED, referring.organisation, by, referring.reference, **detail)
    _log(Event.CASE_REFERRAL_ANSWERED, referral.to_organisation, by, case.reference, **detail)
    return case


def decline(referral: Referral, *, by: "User", reason: str) -> None:
    """Decline the referral, saying why (the referring organisation reads the reason on its case)."""
    if referral.answered_at is not None:
        raise AlreadyAnswered
    with transaction.atomic():
        _claim(referral, declined=True, decline_reason=reason)
    detail = {"referral": str(referral.code), "answer": "declined", "reason": reason}
    _log(Event.CASE_REFERRAL_ANSWERED, referral.case.organisation, by, referral.case.reference, **detail)
    _log(Event.CASE_REFERRAL_ANSWERED, referral.to_organisation, by, str(referral.code), **detail)


# ---- the case page's panel -------------------------------------------------------------------------------------


def case_panel(case: Case) -> dict[str, object]:
    """What the case page's sharing panel (cases/sharing/_case_panel.html) needs: the shares and referrals of the
    case, newest first."""
    shares = list(
        case.shares.select_related("consent__to_organisation", "consent__to_alliance", "acknowledged_by", "created_by")
    )
    referrals = list(
        case.referrals.select_related("case__organisation", "to_organisation", "referred_by", "accepted_case")
    )
    return {"shares": shares, "referrals": referrals}
