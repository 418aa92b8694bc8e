"""The case's own key: case content sealed like speak-up reports (docs/security/cases.md).

Each case has an X25519 key pair per version; its private key is sealed to the handler key
(speakup.HandlerKey) of each person assigned to the case. Content is sealed to the newest public key,
so writing needs no secret; reading needs the handler's unlocked private key (speakup.keys.unlock).
When someone leaves a case (taken off, excluded, conflict declared) their grants go and a new version
is made for the people who remain, so nothing written afterwards reaches them.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from nacl.public import PrivateKey

from cases.models import Case, CaseGrant, CaseKey
from speakup import crypto
from speakup.models import HandlerKey

if TYPE_CHECKING:
    from accounts.models import User

DecryptionError = crypto.DecryptionError


def issue(case: Case, private_key: PrivateKey, users: Iterable["User"], granted_by: "User | None" = None) -> CaseKey:
    """Store `private_key` as the case's next key version, sealed to each of `users` who has a handler key."""
    handler_keys = HandlerKey.objects.filter(user__in=list(users))
    with transaction.atomic():
        version = (case.keys.aggregate(v=Max("version"))["v"] or 0) + 1
        case_key = CaseKey.objects.create(case=case, version=version, public_key=bytes(private_key.public_key))
        CaseGrant.objects.bulk_create(
            [
                CaseGrant(
                    case_key=case_key,
                    user_id=hk.user_id,
                    sealed=crypto.seal(bytes(hk.public_key), bytes(private_key)),
                    granted_by=granted_by,
                )
                for hk in handler_keys
            ]
        )
    return case_key


def new_case_key(case: Case, users: Iterable["User"], granted_by: "User | None" = None) -> CaseKey:
    return issue(case, crypto.new_keypair(), users, granted_by)


def case_keys(case: Case, handler_private_key: PrivateKey) -> dict[int, PrivateKey]:
    """Every version of the case's private key this handler holds, by version (one query)."""
    grants = CaseGrant.objects.filter(
        case_key__case=case, user__handler_key__public_key=bytes(handler_private_key.public_key)
    ).values_list("case_key__version", "sealed")
    return {version: PrivateKey(crypto.unseal(handler_private_key, sealed)) for version, sealed in grants}


def holds_newest(case: Case, user: "User") -> bool:
    newest = case.keys.order_by("-version").first()
    return newest is not None and newest.grants.filter(user=user).exists()


def seal(case: Case, data: bytes) -> tuple[bytes, int]:
    """Seal new content to the case's newest key; store the version next to it."""
    case_key = case.keys.order_by("-version").first()
    if case_key is None:
        raise ValueError("the case has no key yet (call new_case_key when opening it)")
    return crypto.seal(bytes(case_key.public_key), data), case_key.version


def open_with(keys: dict[int, PrivateKey], version: int, data: bytes) -> bytes:
    """Open one sealed item with keys from case_keys(); raises DecryptionError without the version."""
    try:
        key = keys[version]
    except KeyError:
        raise crypto.DecryptionError(f"no key for version {version}") from None
    return crypto.unseal(key, bytes(data))


def grant(case: Case, user: "User", by_private_key: PrivateKey, granted_by: "User | None" = None) -> int:
    """Give `user` every version of the case key the holder of `by_private_key` has; 0 when nothing to give."""
    recipient = HandlerKey.objects.filter(user=user).first()
    if recipient is None:
        return 0
    held = set(CaseGrant.objects.filter(case_key__case=case, user=user).values_list("case_key__version", flat=True))
    by_version = {ck.version: ck for ck in case.keys.all()}
    new = [
        CaseGrant(
            case_key=by_version[version],
            user=user,
            sealed=crypto.seal(bytes(recipient.public_key), bytes(private_key)),
            granted_by=granted_by,
        )
        for version, private_key in case_keys(case, by_private_key).items()
        if version not in held
    ]
    CaseGrant.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def revoke(case: Case, user: "User", remaining: Iterable["User"]) -> CaseKey:
    """Delete the person's grants and make a new key version for the people who remain."""
    with transaction.atomic():
        CaseGrant.objects.filter(case_key__case=case, user=user).delete()
        return new_case_key(case, [u for u in remaining if u.pk != user.pk])
