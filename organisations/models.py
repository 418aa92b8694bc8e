"""Organisations, the people in them, and how organisations relate and share.

Tenancy starts here: every record of later apps that belongs to an organisation points to
`Organisation` directly, and crossing from one organisation to another always goes through a
`Consent`.
"""

import hashlib
import secrets
import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from audit.models import Event, record
from organisations import subjects
from organisations.identifiers import (
    normalise_identifier,
    validate_iati_identifier,
    validate_kvk_number,
)
from samen.counters import Counter

if TYPE_CHECKING:
    from accounts.models import User

LANGUAGE_CHOICES = [
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),
    ("sw", _("Swahili")),
]


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def search(self, query: str) -> "OrganisationQuerySet":
        """Organisations whose name contains `query`, or whose IATI identifier or KvK number starts with it."""
        query = query.strip()
        if not query:
            return self.none()
        identifier = normalise_identifier(query)
        return self.filter(
            Q(name__icontains=query) | Q(iati_identifier__startswith=identifier) | Q(kvk_number=identifier)
        )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("Member organisation")
        PARTNER = "partner", _("Partner organisation")
        FUNDER = "funder", _("Funder")
        NETWORK = "network", _("Network or sector association")

    class Size(models.TextChoices):
        # CBF Recognition Scheme categories by yearly income.
        A = "A", _("A — under €100,000")
        B = "B", _("B — €100,000 to €500,000")
        C = "C", _("C — €500,000 to €2 million")
        D = "D", _("D — €2 million or more")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short name in web addresses"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PARTNER)
    country = CountryField(_("country"), blank=True)
    size_category = models.CharField(_("size category"), max_length=1, choices=Size.choices, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    iati_identifier = models.CharField(
        _("IATI organisation identifier"), max_length=100, blank=True, validators=[validate_iati_identifier]
    )
    kvk_number = models.CharField(_("KvK number"), max_length=8, blank=True, validators=[validate_kvk_number])
    website = models.URLField(_("website"), blank=True)
    # Who recorded an organisation that is not on Samen yet; they may edit it until it has members.
    registered_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="registered_organisations"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["iati_identifier"], condition=~Q(iati_identifier=""), name="organisation_iati_unique"
            ),
            models.UniqueConstraint(fields=["kvk_number"], condition=~Q(kvk_number=""), name="organisation_kvk_unique"),
            models.CheckConstraint(
                condition=Q(size_category__in=["", "A", "B", "C", "D"]), name="organisation_size_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.iati_identifier = normalise_identifier(self.iati_identifier)
        self.kvk_number = normalise_identifier(self.kvk_number)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_on_samen(self) -> bool:
        return self.memberships.exists()

    @classmethod
    def free_slug(cls, name: str) -> str:
        """A slug for `name` that no organisation uses yet ("kampala-women", then "kampala-women-2", …)."""
        base = slugify(name)[:50] or "organisation"
        taken = set(cls.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def partnerships(self) -> "models.QuerySet[Partnership]":
        return Partnership.objects.involving(self)

    def alliances(self) -> "models.QuerySet[Alliance]":
        return Alliance.objects.filter(alliance_memberships__organisation=self).distinct()


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICER = "officer", _("Integrity officer")
    MANAGER = "manager", _("Manager")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Viewer")


# Roles that may change an organisation's partners, alliances and sharing.
MANAGING_ROLES = {Role.ADMIN, Role.MANAGER}
# Roles that hold sensitive powers and so must use two-factor authentication.
TWO_FACTOR_ROLES = {Role.ADMIN, Role.OFFICER}


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user: "User") -> "MembershipQuerySet":
        return self.filter(user=user).select_related("organisation")


class Membership(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGING_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_write(self) -> bool:
        return self.role != Role.VIEWER

    @property
    def can_read_audit(self) -> bool:
        return self.role in (Role.ADMIN, Role.OFFICER)

    def is_last_admin(self) -> bool:
        """Whether this is the organisation's only admin: it must not lose that role."""
        return (
            self.role == Role.ADMIN
            and not Membership.objects.filter(organisation_id=self.organisation_id, role=Role.ADMIN)
            .exclude(pk=self.pk)
            .exists()
        )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use emailed link that makes the holder a member with a role.

    Only a hash of the link's token is stored: a copy of the database cannot be used to accept it.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid")]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @classmethod
    def issue(
        cls, organisation: Organisation, email: str, role: str, invited_by: "User | None"
    ) -> tuple["Invitation", str]:
        """Create an invitation; return it with the plain token, which exists only in the email."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            organisation=organisation,
            email=email.lower(),
            role=role,
            token_hash=_token_hash(token),
            invited_by=invited_by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
        )
        return invitation, token

    @classmethod
    def from_token(cls, token: str) -> "Invitation | None":
        return cls.objects.select_related("organisation").filter(token_hash=_token_hash(token)).first()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    def accept(self, user: "User") -> "Membership | None":
        """Make `user` a member with the invited role; None when the link was already used or withdrawn.

        The conditional update makes the link single-use even when two requests race for it.
        """
        with transaction.atomic():
            claimed = Invitation.objects.filter(
                pk=self.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
            ).update(accepted_at=timezone.now(), accepted_by=user)
            if not claimed:
                return None
            # Someone who became a member meanwhile keeps the role they have.
            membership, _created = Membership.objects.get_or_create(
                user=user, organisation=self.organisation, defaults={"role": self.role}
            )
        return membership

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def involving(self, organisation: Organisation) -> "PartnershipQuerySet":
        return self.filter(Q(organisation=organisation) | Q(partner=organisation)).select_related(
            "organisation", "partner"
        )

    def current(self) -> "PartnershipQuerySet":
        return self.filter(status=Partnership.Status.ACTIVE)

    def partners_of(self, organisation: Organisation) -> "models.QuerySet[Organisation]":
        """Every organisation on the other side of a partnership (of these) with `organisation`, by name."""
        mine = self.filter(Q(organisation=organisation) | Q(partner=organisation))
        return (
            Organisation.objects.filter(Q(pk__in=mine.values("partner")) | Q(pk__in=mine.values("organisation")))
            .exclude(pk=organisation.pk)
            .order_by("name", "pk")
        )

    def partner_keys_of(self, organisation: Organisation) -> "models.QuerySet[Any]":
        """The keys of `partners_of(organisation)`, in key order: each side of the partnerships read from its
        own index and merged (a UNION), for paging through thousands of partners without visiting every one."""
        mine = self.order_by()
        recorded = mine.filter(organisation=organisation).exclude(partner=organisation)
        recording = mine.filter(partner=organisation).exclude(organisation=organisation)
        return (
            recorded.values_list("partner_id", flat=True)
            .union(recording.values_list("organisation_id", flat=True))
            .order_by("partner_id")
        )

    def current_partner_keys_of(self, organisation: Organisation) -> "models.QuerySet[Any]":
        """The keys of `organisation`'s current partners in no order: a subquery for filters (or a set)."""
        return self.current().partner_keys_of(organisation).order_by()


class Partnership(models.Model):
    """A relation between two organisations, recorded by `organisation` with `partner`."""

    class Kind(models.TextChoices):
        FUNDING = "funding", _("Funding")
        IMPLEMENTING = "implementing", _("Implementing")
        PEER = "peer", _("Co-implementing / peer")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="partnerships_recorded")
    partner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="partnerships_received")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.IMPLEMENTING)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["partner__name"]
        # An organisation's current partners, from either side, without reading a row: a large funder's ~6,000
        # partners are read as a subquery by many pages (the map's overlay four times), 4.5 ms each from the table.
        indexes = [
            models.Index(fields=["organisation", "status", "partner"], name="partnership_partners_of"),
            models.Index(fields=["partner", "status", "organisation"], name="partnership_partnered_by"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(organisation=models.F("partner")), name="partnership_two_parties"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="partnership_period_valid",
            ),
            models.UniqueConstraint(fields=["organisation", "partner", "kind"], name="partnership_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["funding", "implementing", "peer"]), name="partnership_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "active", "ended"]), name="partnership_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.partner} ({self.kind})"

    def other(self, organisation: Organisation) -> Organisation:
        return self.partner if self.organisation_id == organisation.pk else self.organisation


class Alliance(models.Model):
    """Organisations working together under a lead, such as a humanitarian alliance."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    lead = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="alliances_led")
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="alliance_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def members(self) -> "models.QuerySet[Organisation]":
        return Organisation.objects.filter(alliance_memberships__alliance=self).order_by("name")


class AllianceMember(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="alliance_memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="alliance_memberships")
    joined_on = models.DateField(_("joined on"), default=date.today)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["alliance", "organisation"], name="alliance_member_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.alliance}"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self) -> "ConsentQuerySet":
        today = timezone.localdate()
        return self.filter(revoked_at__isnull=True).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))

    def granting(self, viewer: Organisation) -> "ConsentQuerySet":
        """Active consents that let `viewer` see what they share."""
        either = Q()
        for condition in _grants(viewer).values():
            either |= condition
        return self.active().filter(either)

    def granting_by_scope(self, viewer: Organisation) -> "dict[str, ConsentQuerySet]":
        """`granting(viewer)` as one queryset per scope, whose union it is: each can use an index of its own (an
        OR of the three made the dilemma library's visibility read every consent of the sector)."""
        return {scope: self.active().filter(condition) for scope, condition in _grants(viewer).items()}


def _grants(viewer: Organisation) -> dict[str, Q]:
    """Per scope, when a consent lets `viewer` see what it shares (ConsentQuerySet.granting)."""
    # The viewer's alliances as a subquery, not a join: no duplicate rows to remove with DISTINCT, and a
    # plan the database can use inside other queries (the dilemma library's visibility, for one).
    alliances = AllianceMember.objects.filter(organisation=viewer).values("alliance")
    return {
        Consent.Scope.ORGANISATION: Q(scope=Consent.Scope.ORGANISATION, to_organisation=viewer),
        Consent.Scope.ALLIANCE: Q(scope=Consent.Scope.ALLIANCE, to_alliance__in=alliances),
        Consent.Scope.SECTOR: Q(scope=Consent.Scope.SECTOR),
    }


class Consent(models.Model):
    """An explicit, revocable record that one organisation shares something with others.

    Every cross-organisation view checks for one. `subject` names what is shared as
    "<kind>" or "<kind>:<code>" (e.g. "partnerships", later "assessment:<uuid>").
    """

    class Scope(models.TextChoices):
        ORGANISATION = "organisation", _("One organisation")
        ALLIANCE = "alliance", _("An alliance")
        SECTOR = "sector", _("The whole sector")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="consents_given")
    subject = models.CharField(_("what is shared"), max_length=120)
    scope = models.CharField(_("shared with"), max_length=16, choices=Scope.choices)
    to_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="consents_received"
    )
    to_alliance = models.ForeignKey(
        Alliance, null=True, blank=True, on_delete=models.CASCADE, related_name="consents_received"
    )
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)
    valid_until = models.DateField(_("until"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="organisation", to_organisation__isnull=False, to_alliance__isnull=True)
                    | Q(scope="alliance", to_organisation__isnull=True, to_alliance__isnull=False)
                    | Q(scope="sector", to_organisation__isnull=True, to_alliance__isnull=True)
                ),
                name="consent_one_recipient",
            ),
            models.CheckConstraint(condition=~Q(to_organisation=models.F("organisation")), name="consent_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} shares {self.subject} with {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        if self.scope == self.Scope.ORGANISATION and self.to_organisation:
            return self.to_organisation.name
        if self.scope == self.Scope.ALLIANCE and self.to_alliance:
            return self.to_alliance.name
        return str(_("the whole sector"))

    @property
    def subject_label(self) -> str:
        return subjects.label(self.subject)

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.valid_until is None or self.valid_until >= timezone.localdate()

    # The form fields that say with whom and until when.
    RECIPIENT_FIELDS = ("scope", "to_organisation", "to_alliance", "valid_until")

    @classmethod
    def give(cls, *, organisation: Organisation, subject: str, by: "User", **recipient: Any) -> "Consent":
        """Record that `organisation` shares `subject` with the recipient, and write it to the audit log."""
        consent = cls.objects.create(organisation=organisation, subject=subject, given_by=by, **recipient)
        record(
            Event.CONSENT_GIVEN,
            actor=by.email,
            organisation=organisation.slug,
            target=subject,
            detail={
                "consent": str(consent.code),
                "scope": consent.scope,
                "to": consent.recipient_label,
                "until": consent.valid_until.isoformat() if consent.valid_until else None,
            },
        )
        return consent

    def revoke(self, by: "User") -> None:
        self.revoked_at = timezone.now()
        self.revoked_by = by
        self.save(update_fields=["revoked_at", "revoked_by"])


def consent_allows(subject: str, owner: Organisation, viewer: Organisation) -> bool:
    """Whether `owner` has an active consent that lets `viewer` see `subject`."""
    if owner.pk == viewer.pk:
        return True
    return Consent.objects.filter(organisation=owner, subject=subject).granting(viewer).exists()


class OverviewVersion(Counter):
    """A counter per organisation ("org:<pk>"), and one for what every overview shows (EVERYONE), bumped by each
    save or delete of data a card of the overview shows (organisations/dashboard.py, docs/decisions/0023). An
    organisation's cards are kept in the cache under the sum of its counter and EVERYONE's."""

    EVERYONE = "all"
