"""The key scheme of speak-up applied to the models: handler keys, report keys, grants, and the unlock stash.

Read docs/security/speakup.md first. In short:

    password ──Argon2id──► K_pw ──┐                      receipt code ──Argon2id──► reporter key pair
    recovery ──Argon2id──► K_rc ──┴─ lock ─► handler private key      (and the report's lookup value)
                                                   │                                 │
                              HandlerGrant.sealed ─┴─► report private key (version n) ◄─ ReportKey.for_reporter
                                                                  │
                                      content, messages, attachment names and bytes (sealed to version n)

Nothing here trusts the caller about who may read a report: the views authorise first, these
functions only make reading possible for the keys that were given.
"""

import base64
import binascii
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from nacl.public import PrivateKey

from audit.models import Event, record
from organisations.models import Membership
from speakup import crypto
from speakup.models import Channel, ChannelHandler, HandlerGrant, HandlerKey, Report, ReportKey

if TYPE_CHECKING:
    from accounts.models import User

# Defaults: libsodium's "interactive" memory (64 MiB) with its "moderate" passes (3).
# Measured on the 2-core development machine (AMD EPYC): 86 ms median, 90 ms p95 per derivation;
# see docs/security/speakup.md.
DEFAULT_OPSLIMIT = 3
DEFAULT_MEMLIMIT = 64 * 1024 * 1024

UNLOCK_COOKIE = "samen_unlock"
HANDLER_STASH = "handler"
_STASH_PREFIX = "speakup:stash:"

# Audit events (plain strings: the audit app knows no feature app's events).
KEY_CREATED = Event.SPEAKUP_KEY_CREATED
KEY_RECOVERED = Event.SPEAKUP_KEY_RECOVERED
RECOVERY_KEY_REPLACED = Event.SPEAKUP_RECOVERY_KEY_REPLACED
KEY_UNLOCK_FAILED = Event.SPEAKUP_UNLOCK_FAILED
HANDLER_REMOVED = Event.SPEAKUP_HANDLER_REMOVED


class WrongSecret(Exception):
    """The password or recovery key does not open this handler key."""


class NoHandlerKey(Exception):
    """The person has not set up a handler key yet."""


class KeyAlreadyExists(Exception):
    """The person already has a handler key; replacing it would cut them off from their reports."""


class ConflictedHandler(Exception):
    """The person belongs to the organisation the report is about: they never get its key."""


def argon2_limits() -> tuple[int, int]:
    return (
        getattr(settings, "SPEAKUP_ARGON2_OPSLIMIT", DEFAULT_OPSLIMIT),
        getattr(settings, "SPEAKUP_ARGON2_MEMLIMIT", DEFAULT_MEMLIMIT),
    )


def _derive(secret: str, salt: bytes) -> bytes:
    opslimit, memlimit = argon2_limits()
    return crypto.derive_key(secret, bytes(salt), opslimit, memlimit)


def _private_key(raw: bytes) -> PrivateKey:
    return PrivateKey(bytes(raw))


# Handler keys ---------------------------------------------------------------------------------------


def has_key(user: "User") -> bool:
    return HandlerKey.objects.filter(user=user).exists()


def setup(user: "User", password: str) -> tuple[HandlerKey, str]:
    """Make the person's key pair, locked under their password and a new recovery key.

    Returns the recovery key in plain text, to be shown once; it is not stored anywhere.
    """
    if has_key(user):
        raise KeyAlreadyExists
    private_key = crypto.new_keypair()
    recovery_key = crypto.new_recovery_key()
    password_salt, recovery_salt = crypto.new_salt(), crypto.new_salt()
    handler_key = HandlerKey.objects.create(
        user=user,
        public_key=bytes(private_key.public_key),
        by_password=crypto.lock(_derive(password, password_salt), bytes(private_key)),
        password_salt=password_salt,
        by_recovery=crypto.lock(
            _derive(crypto.normalise_recovery_key(recovery_key), recovery_salt), bytes(private_key)
        ),
        recovery_salt=recovery_salt,
    )
    record(KEY_CREATED, actor=user.email)
    return handler_key, recovery_key


def _handler_key(user: "User") -> HandlerKey:
    try:
        return HandlerKey.objects.get(user=user)
    except HandlerKey.DoesNotExist:
        raise NoHandlerKey from None


def open_with_password(user: "User", password: str) -> PrivateKey:
    handler_key = _handler_key(user)
    try:
        raw = crypto.unlock(_derive(password, handler_key.password_salt), handler_key.by_password)
    except crypto.DecryptionError:
        raise WrongSecret from None
    return _private_key(raw)


def open_with_recovery_key(user: "User", recovery_key: str) -> PrivateKey:
    handler_key = _handler_key(user)
    secret = crypto.normalise_recovery_key(recovery_key)
    try:
        raw = crypto.unlock(_derive(secret, handler_key.recovery_salt), handler_key.by_recovery)
    except crypto.DecryptionError:
        raise WrongSecret from None
    return _private_key(raw)


def rewrap_password(handler_key: HandlerKey, private_key: PrivateKey, new_password: str) -> None:
    """Lock the private key under a new password (with a new salt)."""
    salt = crypto.new_salt()
    handler_key.by_password = crypto.lock(_derive(new_password, salt), bytes(private_key))
    handler_key.password_salt = salt
    handler_key.password_wrapped_at = timezone.now()
    handler_key.save(update_fields=["by_password", "password_salt", "password_wrapped_at"])


def change_password(user: "User", old_password: str, new_password: str) -> bool:
    """Follow a password change; False when there is no key or the old password did not open it.

    The second case happens when the key was last locked under a password the person has since
    reset by email: they open it with their recovery key instead.
    """
    try:
        private_key = open_with_password(user, old_password)
    except (NoHandlerKey, WrongSecret):
        return False
    rewrap_password(user.handler_key, private_key, new_password)
    return True


def replace_recovery_key(user: "User", private_key: PrivateKey) -> str:
    """Lock the (unlocked) private key under a new recovery key; the old one stops working.

    For a handler who lost the recovery key, or never confirmed storing it. Returns the new one, to show once.
    """
    handler_key = _handler_key(user)
    if bytes(private_key.public_key) != bytes(handler_key.public_key):
        raise WrongSecret
    recovery_key = crypto.new_recovery_key()
    salt = crypto.new_salt()
    handler_key.by_recovery = crypto.lock(
        _derive(crypto.normalise_recovery_key(recovery_key), salt), bytes(private_key)
    )
    handler_key.recovery_salt = salt
    handler_key.recovery_confirmed_at = None
    handler_key.save(update_fields=["by_recovery", "recovery_salt", "recovery_confirmed_at"])
    record(RECOVERY_KEY_REPLACED, actor=user.email)
    return recovery_key


def recover(user: "User", recovery_key: str, new_password: str) -> PrivateKey:
    """Open the key with the recovery key and lock it under `new_password` (the forgotten-password path)."""
    private_key = open_with_recovery_key(user, recovery_key)
    rewrap_password(user.handler_key, private_key, new_password)
    record(KEY_RECOVERED, actor=user.email)
    return private_key


# The unlock stash -----------------------------------------------------------------------------------
#
# An unlocked private key lives in the session (in the database) only locked under a random key
# that lives only in the browser, in a separate cookie. A copy of the sessions table alone opens
# nothing; the cookie alone holds no key material of the handler.


def _cookie_key(request: HttpRequest) -> bytes | None:
    fresh = getattr(request, "_speakup_unlock_key", None)
    if fresh is not None:
        return fresh
    value = request.COOKIES.get(UNLOCK_COOKIE, "")
    try:
        key = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == crypto.KEY_BYTES else None


def stash(request: HttpRequest, response: HttpResponseBase, name: str, private_key: PrivateKey) -> None:
    """Keep `private_key` for this browser session under `name`."""
    key = _cookie_key(request)
    if key is None:
        key = secrets.token_bytes(crypto.KEY_BYTES)
        request._speakup_unlock_key = key  # type: ignore[attr-defined]  # a second stash in this request
    response.set_cookie(
        UNLOCK_COOKIE,
        base64.urlsafe_b64encode(key).decode(),
        max_age=None,  # a browser-session cookie
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    locked = crypto.lock(key, bytes(private_key))
    request.session[_STASH_PREFIX + name] = base64.b64encode(locked).decode()


def unstash(request: HttpRequest, name: str) -> PrivateKey | None:
    """The key stashed under `name`, or None (nothing stashed, cookie missing, or cookie from another session)."""
    locked = request.session.get(_STASH_PREFIX + name)
    key = _cookie_key(request)
    if not locked or key is None:
        return None
    try:
        return _private_key(crypto.unlock(key, base64.b64decode(locked)))
    except (crypto.DecryptionError, binascii.Error, ValueError):
        return None


def forget(request: HttpRequest, response: HttpResponseBase, name: str) -> None:
    request.session.pop(_STASH_PREFIX + name, None)
    # SessionBase has keys() but is not iterable.
    if not any(k.startswith(_STASH_PREFIX) for k in request.session.keys()):  # noqa: SIM118
        response.delete_cookie(UNLOCK_COOKIE, samesite="Strict")


def unlock(request: HttpRequest, response: HttpResponseBase, user: "User", secret: str) -> PrivateKey:
    """Open the handler's key with their password and keep it unlocked for this session.

    Raises NoHandlerKey or WrongSecret.
    """
    try:
        private_key = open_with_password(user, secret)
    except WrongSecret:
        record(KEY_UNLOCK_FAILED, actor=user.email)
        raise
    stash(request, response, HANDLER_STASH, private_key)
    return private_key


def unlocked_private_key(request: HttpRequest) -> PrivateKey | None:
    """The logged-in handler's private key when they unlocked it in this session, else None."""
    private_key = unstash(request, HANDLER_STASH)
    if private_key is None or not request.user.is_authenticated:
        return None
    # The stash must belong to the person now logged in (and to their current key).
    if not HandlerKey.objects.filter(user=request.user, public_key=bytes(private_key.public_key)).exists():
        return None
    return private_key


def lock(request: HttpRequest, response: HttpResponseBase) -> None:
    forget(request, response, HANDLER_STASH)


# Report keys and grants -----------------------------------------------------------------------------


def _conflicted_user_ids(report: Report, users: Iterable["User"]) -> set[int]:
    if report.concerns_id is None:
        return set()
    ids = [u.pk for u in users]
    return set(
        Membership.objects.filter(organisation_id=report.concerns_id, user_id__in=ids).values_list("user_id", flat=True)
    )


def issue_key(
    report: Report,
    private_key: PrivateKey,
    handler_users: Iterable["User"],
    granted_by: "User | None" = None,
) -> ReportKey:
    """Store `private_key` as the report's next key version, for the reporter and for each handler.

    Handlers without a key, and members of the organisation the report is about, are left out.
    At submit: make the key pair with crypto.new_keypair(), seal the content to its public key,
    save the report (key_version=1), then call this.
    """
    users = list(handler_users)
    conflicted = _conflicted_user_ids(report, users)
    handler_keys = HandlerKey.objects.filter(user__in=[u for u in users if u.pk not in conflicted])
    with transaction.atomic():
        version = report.newest_key_version + 1
        report_key = ReportKey.objects.create(
            report=report,
            version=version,
            public_key=bytes(private_key.public_key),
            for_reporter=crypto.seal(bytes(report.reporter_public_key), bytes(private_key)),
        )
        HandlerGrant.objects.bulk_create(
            [
                HandlerGrant(
                    report_key=report_key,
                    user_id=hk.user_id,
                    sealed=crypto.seal(bytes(hk.public_key), bytes(private_key)),
                    granted_by=granted_by,
                )
                for hk in handler_keys
            ]
        )
    return report_key


def _grantor(private_key: PrivateKey) -> HandlerKey:
    try:
        return HandlerKey.objects.select_related("user").get(public_key=bytes(private_key.public_key))
    except HandlerKey.DoesNotExist:
        raise WrongSecret from None


def handler_report_keys(report: Report, handler_private_key: PrivateKey) -> dict[int, PrivateKey]:
    """Every version of the report's private key this handler holds a grant for, by version."""
    grants = HandlerGrant.objects.filter(
        report_key__report=report, user__handler_key__public_key=bytes(handler_private_key.public_key)
    ).values_list("report_key__version", "sealed")
    return {version: _private_key(crypto.unseal(handler_private_key, sealed)) for version, sealed in grants}


def reporter_report_keys(report: Report, reporter_private_key: PrivateKey) -> dict[int, PrivateKey]:
    """Every version of the report's private key, opened with the reporter's key."""
    return {
        version: _private_key(crypto.unseal(reporter_private_key, sealed))
        for version, sealed in report.keys.values_list("version", "for_reporter")
    }


def open_with(report_keys: dict[int, PrivateKey], version: int, data: bytes) -> bytes:
    """Open one sealed item with keys from handler_report_keys/reporter_report_keys (one query for many items)."""
    try:
        key = report_keys[version]
    except KeyError:
        raise crypto.DecryptionError(f"no key for version {version}") from None
    return crypto.unseal(key, bytes(data))


def grant(report: Report, user: "User", by_private_key: PrivateKey) -> int:
    """Give `user` every key version of the report that the holder of `by_private_key` has.

    Returns the number of versions granted (0 when `user` has them all, or has no handler key yet).
    """
    if _conflicted_user_ids(report, [user]):
        raise ConflictedHandler
    grantor = _grantor(by_private_key)
    try:
        recipient = HandlerKey.objects.get(user=user)
    except HandlerKey.DoesNotExist:
        return 0
    held = set(
        HandlerGrant.objects.filter(report_key__report=report, user=user).values_list("report_key_id", flat=True)
    )
    by_version = {rk.version: rk for rk in report.keys.all()}
    new = [
        HandlerGrant(
            report_key=by_version[version],
            user=user,
            sealed=crypto.seal(bytes(recipient.public_key), bytes(private_key)),
            granted_by=grantor.user,
        )
        for version, private_key in handler_report_keys(report, by_private_key).items()
        if by_version[version].pk not in held
    ]
    HandlerGrant.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def rotate(
    report: Report, remaining_handler_users: Iterable["User"], by_private_key: PrivateKey | None = None
) -> ReportKey:
    """Make a new key version, sealed to the reporter and the remaining handlers only.

    New content is sealed to the newest version, so a removed handler (whose grants are deleted
    by the caller, see remove_handler) cannot read anything written after this. Rotation needs
    no private key: it only uses public keys. When a handler's `by_private_key` is given, the
    remaining handlers also get the older versions they lack, so nobody loses sight of earlier content.
    """
    users = list(remaining_handler_users)
    grantor = _grantor(by_private_key).user if by_private_key is not None else None
    report_key = issue_key(report, crypto.new_keypair(), users, granted_by=grantor)
    if by_private_key is not None:
        for user in users:
            if not _conflicted_user_ids(report, [user]):
                grant(report, user, by_private_key)
    return report_key


def remove_handler(channel: Channel, user: "User", removed_by: "User | None" = None) -> int:
    """Take `user` off the channel: delete their grants and rotate every report they could read.

    Returns how many reports were rotated. The removal is written to the audit log.
    """
    with transaction.atomic():
        ChannelHandler.objects.filter(channel=channel, user=user).delete()
        affected = list(Report.objects.filter(channel=channel, keys__grants__user=user).distinct())
        HandlerGrant.objects.filter(report_key__report__channel=channel, user=user).delete()
        remaining = list(channel.handler_users())
        for report in affected:
            rotate(report, remaining)
    # An alliance channel's events belong to the alliance's lead.
    owner = channel.organisation or (channel.alliance.lead if channel.alliance else None)
    organisation = owner.slug if owner else ""
    record(
        HANDLER_REMOVED,
        actor=removed_by.email if removed_by else "",
        organisation=organisation,
        target=user.email,
        detail={"channel": channel.slug, "reports_rotated": len(affected)},
    )
    return len(affected)


def revoke(report: Report, user: "User") -> ReportKey | None:
    """Close one report to one person (excluded from the case about it): their grants go, and the
    report gets a new key version for the others who hold it, so nothing written later reaches them."""
    from accounts.models import User

    with transaction.atomic():
        if not HandlerGrant.objects.filter(report_key__report=report, user=user).exists():
            return None
        HandlerGrant.objects.filter(report_key__report=report, user=user).delete()
        remaining = User.objects.filter(speakup_grants__report_key__report=report).exclude(pk=user.pk).distinct()
        return rotate(report, list(remaining))


# Sealing and opening report content -----------------------------------------------------------------


def seal_for_report(report: Report, data: bytes) -> tuple[bytes, int]:
    """Seal new content to the report's newest key; store the version next to it."""
    report_key = report.keys.order_by("-version").first()
    if report_key is None:
        raise ValueError("the report has no key yet (call issue_key at submit)")
    return crypto.seal(bytes(report_key.public_key), data), report_key.version


def open_for_handler(report: Report, version: int, data: bytes, handler_private_key: PrivateKey) -> bytes:
    """Raises crypto.DecryptionError when this handler holds no grant for that version."""
    grant_row = (
        HandlerGrant.objects.filter(
            report_key__report=report,
            report_key__version=version,
            user__handler_key__public_key=bytes(handler_private_key.public_key),
        )
        .values_list("sealed", flat=True)
        .first()
    )
    if grant_row is None:
        raise crypto.DecryptionError(f"no grant for version {version}")
    report_private_key = _private_key(crypto.unseal(handler_private_key, grant_row))
    return crypto.unseal(report_private_key, bytes(data))


def open_for_reporter(report: Report, version: int, data: bytes, reporter_private_key: PrivateKey) -> bytes:
    for_reporter = report.keys.filter(version=version).values_list("for_reporter", flat=True).first()
    if for_reporter is None:
        raise crypto.DecryptionError(f"no key version {version}")
    report_private_key = _private_key(crypto.unseal(reporter_private_key, for_reporter))
    return crypto.unseal(report_private_key, bytes(data))
