"""People who log in, their second factor, and the login limiter."""

import hashlib
import secrets
import time
import zoneinfo
from datetime import timedelta
from functools import cache

import pyotp
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@cache
def time_zone_names() -> list[str]:
    """Every IANA time zone name this server knows ("Africa/Kampala", "Europe/Amsterdam", …), sorted."""
    return sorted(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError(_("Choose a time zone from the list."), code="invalid")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.DUTCH)
    # An IANA name; blank means the server's settings.TIME_ZONE. No `choices` here: the list comes from the
    # installed tz database, and a new release of it must not need a migration.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, validators=[validate_time_zone])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Platform operator: may use the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    # Base32 TOTP secret; empty until the person confirms a first code.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The 30-second step of the last code accepted: a code works once, even within its validity window.
    totp_last_step = models.BigIntegerField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The person's time zone: the one they chose, else the server's (also when the tz database lost theirs)."""
        if self.time_zone in time_zone_names():
            return zoneinfo.ZoneInfo(self.time_zone)
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def has_two_factor(self) -> bool:
        return bool(self.totp_secret and self.totp_confirmed_at)

    def use_totp(self, code: str) -> bool:
        """Accept a code from the authenticator app once; False when wrong or already used.

        The update claims the code's step in the database, so two requests racing with one code
        cannot both win (RFC 6238 §5.2: the verifier must not accept the same code twice).
        """
        step = totp_step(self.totp_secret, code)
        if step is None:
            return False
        claimed = (
            User.objects.filter(pk=self.pk, totp_secret=self.totp_secret)
            .filter(models.Q(totp_last_step__isnull=True) | models.Q(totp_last_step__lt=step))
            .update(totp_last_step=step)
        )
        if claimed:
            self.totp_last_step = step
        return claimed == 1

    def disable_two_factor(self) -> None:
        self.totp_secret = ""
        self.totp_confirmed_at = None
        self.totp_last_step = None
        self.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
        self.recovery_codes.all().delete()


def totp_step(secret: str, code: str) -> int | None:
    """The time step at which `code` is right for `secret`, allowing one step of clock drift either way."""
    if not secret or not code:
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(time.time())
    for step in (now - 1, now, now + 1):
        if pyotp.utils.strings_equal(code, totp.generate_otp(step)):
            return step
    return None


def _hash_code(code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


class RecoveryCode(models.Model):
    """A single-use code that stands in for the authenticator app. Stored hashed."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")]

    COUNT = 10

    def __str__(self) -> str:
        return f"recovery code of {self.user_id} ({'used' if self.used_at else 'unused'})"

    @classmethod
    def regenerate(cls, user: User) -> list[str]:
        """Replace the user's codes; return the new ones in plain text, to be shown once."""
        codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(cls.COUNT)]
        with transaction.atomic():
            RecoveryCode.objects.filter(user=user).delete()
            RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash_code(c)) for c in codes])
        return codes

    @classmethod
    def use(cls, user: User, code: str) -> bool:
        """Spend a code; False when it is unknown or already used."""
        updated = cls.objects.filter(user=user, code_hash=_hash_code(code), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        return updated == 1


class TokenBucket(models.Model):
    """A database-backed rate limiter (one row per limited key).

    Keys are hashed so that the table holds no email addresses or IP addresses.
    """

    value = models.CharField(max_length=80, unique=True)
    tokens = models.FloatField(default=1.0)
    updated = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.value

    @staticmethod
    def authorize(key: str, capacity: int, per_seconds: int) -> bool:
        """Take one token for `key`; the bucket refills fully over `per_seconds`."""
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()
        value = f"{key.split(':', 1)[0]}:{digest[:60]}"
        now = timezone.now()
        with transaction.atomic():
            bucket, _created = TokenBucket.objects.select_for_update().get_or_create(value=value)
            elapsed = (now - bucket.updated).total_seconds()
            bucket.tokens = min(1.0, bucket.tokens + elapsed / per_seconds)
            bucket.updated = now
            allowed = bucket.tokens >= 1.0 / capacity
            if allowed:
                bucket.tokens -= 1.0 / capacity
            bucket.save(update_fields=["tokens", "updated"])
        return allowed

    @staticmethod
    def purge_older_than(age: timedelta) -> int:
        deleted, _ = TokenBucket.objects.filter(updated__lt=timezone.now() - age).delete()
        return deleted
