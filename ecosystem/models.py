"""The ecosystem: organisations and the relations between them, as published in IATI.

IATI activity data is public: every publisher puts it on the IATI Registry for anyone to read. So
`ImportedOrganisation`, `Activity`, `Relation` and their details belong to no Samen organisation
and carry no organisation foreign key; every member may see them. What is Samen-only (assessments,
actions, agreements) stays in its own apps and is overlaid on the map only where it is shared with
the viewer. The one record here that does belong to an organisation is `ImportJob`: the upload an
admin started, with its progress and result.

Relations run from `source` to `target`, with two kinds:
- `PARTICIPATION`, derived from an activity's participating organisations: every funding
  organisation (role 1) → every implementing organisation (role 4). An activity that names no
  implementing organisation falls back to its extending organisations (role 3), then its
  accountable ones (role 2), so a funder is never left without a counterpart the publisher named.
  An organisation never relates to itself.
- `TRANSACTION`, one per transaction: provider → receiver, with its type, amount, currency and date.
  Where the publisher leaves one side out, IATI means the reporting organisation: the receiver of
  incoming funds and commitments, the provider of everything else.

The map walks these in both directions (`RelationQuerySet.touching`), so relations are indexed on
(source, target) and on (target, source).
"""

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.identifiers import normalise_identifier
from organisations.models import Organisation
from samen.counters import Counter

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User


class OrganisationType(models.TextChoices):
    """IATI OrganisationType codelist (2.03)."""

    GOVERNMENT = "10", _("Government")
    LOCAL_GOVERNMENT = "11", _("Local government")
    OTHER_PUBLIC = "15", _("Other public sector")
    INTERNATIONAL_NGO = "21", _("International NGO")
    NATIONAL_NGO = "22", _("National NGO")
    REGIONAL_NGO = "23", _("Regional NGO")
    PARTNER_COUNTRY_NGO = "24", _("Partner country based NGO")
    PUBLIC_PRIVATE = "30", _("Public private partnership")
    MULTILATERAL = "40", _("Multilateral")
    FOUNDATION = "60", _("Foundation")
    PRIVATE_SECTOR = "70", _("Private sector")
    PRIVATE_PROVIDER_COUNTRY = "71", _("Private sector in provider country")
    PRIVATE_RECIPIENT_COUNTRY = "72", _("Private sector in aid recipient country")
    PRIVATE_THIRD_COUNTRY = "73", _("Private sector in third country")
    ACADEMIC = "80", _("Academic, training and research")
    OTHER = "90", _("Other")


class Role(models.IntegerChoices):
    """IATI OrganisationRole codelist: the part an organisation plays in an activity."""

    FUNDING = 1, _("Funding")
    ACCOUNTABLE = 2, _("Accountable")
    EXTENDING = 3, _("Extending")
    IMPLEMENTING = 4, _("Implementing")


def name_key(name: str) -> str:
    """How names of organisations without an identifier are matched: case and spacing do not count."""
    return " ".join(name.split()).casefold()[:300]


class ImportedOrganisationQuerySet(models.QuerySet["ImportedOrganisation"]):
    def search(self, query: str) -> "ImportedOrganisationQuerySet":
        """Organisations with any name containing `query`, or whose identifier starts with it."""
        query = query.strip()
        if not query:
            return self.none()
        return self.filter(
            Q(identifier__startswith=normalise_identifier(query)) | Q(names__name__icontains=query)
        ).distinct()

    def with_identifier(self) -> "ImportedOrganisationQuerySet":
        return self.exclude(identifier="")

    def link_samen_organisations(self) -> int:
        """Point each organisation at the Samen organisation with the same identifier, in one UPDATE."""
        samen = Organisation.objects.filter(iati_identifier=OuterRef("identifier")).exclude(iati_identifier="")
        return self.update(samen_organisation=Subquery(samen.values("pk")[:1]))


class ImportedOrganisation(models.Model):
    """An organisation named in IATI data, public and owned by no Samen organisation.

    One row per normalised identifier (`NL-KVK- 41158230` and `nl-kvk-41158230` are one). An
    organisation published without an identifier is one row per publisher and name: two publishers
    who both write "Local partner" may mean two different organisations.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Normalised with organisations.identifiers.normalise_identifier; "" when published by name only.
    identifier = models.CharField(_("IATI organisation identifier"), max_length=200, blank=True)
    # For name-only organisations: the normalised identifier of the publisher (reporting organisation)
    # and the name as matched (`name_key`). Both "" for organisations with an identifier.
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    name_key = models.CharField(max_length=300, blank=True)
    # The name to show, chosen from `names`: English if there is one, else the first name seen.
    name = models.CharField(_("name"), max_length=300)
    type = models.CharField(_("organisation type"), max_length=3, choices=OrganisationType.choices, blank=True)
    samen_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="iati_organisations",
        verbose_name=_("organisation on Samen"),
    )

    objects = ImportedOrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier"], condition=~Q(identifier=""), name="ecosystem_organisation_identifier_unique"
            ),
            models.UniqueConstraint(
                fields=["publisher", "name_key"],
                condition=Q(identifier=""),
                name="ecosystem_organisation_name_per_publisher_unique",
            ),
            models.CheckConstraint(
                condition=(Q(identifier="") & ~Q(name_key="")) | (~Q(identifier="") & Q(publisher="") & Q(name_key="")),
                name="ecosystem_organisation_identifier_or_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})" if self.identifier else self.name


class OrganisationName(models.Model):
    """Every name an organisation was published under, per language ("" when the language is not given)."""

    organisation = models.ForeignKey(ImportedOrganisation, on_delete=models.CASCADE, related_name="names")
    language = models.CharField(_("language"), max_length=10, blank=True)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["language", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "language", "name"], name="ecosystem_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.language}]" if self.language else self.name


class Activity(models.Model):
    """An IATI activity: the project whose participants and transactions give the relations."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    iati_identifier = models.CharField(_("IATI activity identifier"), max_length=250, unique=True)
    reporting_organisation = models.ForeignKey(
        ImportedOrganisation, on_delete=models.PROTECT, related_name="reported_activities"
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    # The publisher's last-updated-datetime: an older version of an activity never replaces a newer one.
    last_updated = models.DateTimeField(_("last updated by the publisher"), null=True, blank=True)
    # SHA-256 of the activity's XML: re-importing the same activity changes nothing.
    digest = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["iati_identifier"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.iati_identifier


class ActivitySector(models.Model):
    """A sector of an activity, in any IATI vocabulary: 1 DAC 5-digit, 2 DAC 3-digit, 7–9 SDG goal/target/indicator…"""

    SDG_VOCABULARIES = ("7", "8", "9")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sectors")
    vocabulary = models.CharField(_("vocabulary"), max_length=10)
    code = models.CharField(_("code"), max_length=50)
    percentage = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["vocabulary", "code"], name="ecosystem_sector_code")]

    def __str__(self) -> str:
        return f"{self.vocabulary}:{self.code}"


class ActivityCountry(models.Model):
    """A recipient country of an activity (ISO 3166-1 alpha-2)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="countries")
    country = models.CharField(_("country"), max_length=2, db_index=True)
    percentage = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name_plural = "activity countries"

    def __str__(self) -> str:
        return self.country


class RelationQuerySet(models.QuerySet["Relation"]):
    def touching(self, organisation_ids: "list[int] | set[int] | models.QuerySet") -> "RelationQuerySet":
        """Relations with either end in `organisation_ids` (ImportedOrganisation primary keys): one hop of a walk."""
        return self.filter(Q(source_id__in=organisation_ids) | Q(target_id__in=organisation_ids))

    def between(self, organisation_ids: "list[int] | set[int]") -> "RelationQuerySet":
        """Relations with both ends in `organisation_ids`."""
        return self.filter(source_id__in=organisation_ids, target_id__in=organisation_ids)


class Relation(models.Model):
    """One organisation funding, or paying, another along an activity (see the module docstring)."""

    class Kind(models.TextChoices):
        PARTICIPATION = "participation", _("Funds an implementer")
        TRANSACTION = "transaction", _("Transaction")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # db_index off: the two composite indexes below serve every lookup by source or by target.
    source = models.ForeignKey(ImportedOrganisation, on_delete=models.CASCADE, related_name="outgoing", db_index=False)
    target = models.ForeignKey(ImportedOrganisation, on_delete=models.CASCADE, related_name="incoming", db_index=False)
    # Participation: the IATI roles of both ends (1–4). Transaction: null.
    source_role = models.PositiveSmallIntegerField(choices=Role.choices, null=True, blank=True)
    target_role = models.PositiveSmallIntegerField(choices=Role.choices, null=True, blank=True)
    # Transaction: IATI TransactionType code (1 incoming funds, 2 outgoing commitment, 3 disbursement, …).
    transaction_type = models.CharField(_("transaction type"), max_length=3, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    # Participation: the activity's period. Transaction: its date, as start and end.
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)

    objects = RelationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["source", "target"], name="ecosystem_relation_out"),
            models.Index(fields=["target", "source"], name="ecosystem_relation_in"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="ecosystem_relation_not_to_itself"),
            models.CheckConstraint(
                condition=(Q(kind="participation") & Q(source_role__isnull=False) & Q(target_role__isnull=False))
                | (Q(kind="transaction") & Q(source_role__isnull=True) & Q(target_role__isnull=True)),
                name="ecosystem_relation_roles_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.kind})"


def derive_countries_sql(table: str, relation: str, country: str) -> str:
    """INSERT every (organisation, country) pair of the relations into `table` (migration 0004 uses it too)."""
    return (
        f"INSERT INTO {table} (organisation_id, country) "  # noqa: S608 -- table names, no input
        f"SELECT DISTINCT ends.organisation_id, c.country FROM ("
        f"SELECT source_id AS organisation_id, activity_id FROM {relation} "
        f"UNION SELECT target_id, activity_id FROM {relation}) ends "
        f"JOIN {country} c ON c.activity_id = ends.activity_id"
    )


class OrganisationCountryQuerySet(models.QuerySet["OrganisationCountry"]):
    def refresh(self, organisation_ids: "set[int] | None" = None) -> None:
        """Derive the rows again from the relations: of `organisation_ids`, or of every organisation.

        Every organisation at either end of a relation, with each recipient country of that relation's
        activity. The whole table in one INSERT … SELECT (the importer's and the generators' way); a few
        organisations through the ORM (a relation or a country saved one at a time).
        """
        if organisation_ids is None:
            self.all().delete()
            with connection.cursor() as cursor:
                cursor.execute(
                    derive_countries_sql(
                        OrganisationCountry._meta.db_table, Relation._meta.db_table, ActivityCountry._meta.db_table
                    )
                )
            return
        if not organisation_ids:
            return
        pairs = set()
        ends = Relation.objects.filter(Q(source_id__in=organisation_ids) | Q(target_id__in=organisation_ids))
        for source, target, code in ends.filter(activity__countries__isnull=False).values_list(
            "source_id", "target_id", "activity__countries__country"
        ):
            pairs |= {(pk, code) for pk in (source, target) if pk in organisation_ids}
        self.filter(organisation_id__in=organisation_ids).delete()
        self.bulk_create(OrganisationCountry(organisation_id=pk, country=code) for pk, code in pairs)


class OrganisationCountry(models.Model):
    """A country an imported organisation works in, derived from its relations (see `refresh`).

    What the API's filter "organisations in this country" reads: its unique index gives them in key order
    without visiting the relations of every activity in the country. Kept by the importer (after every
    import), by saving a relation or an activity's country (ecosystem/apps.py), and by the generators;
    whatever deletes relations or countries itself must call `OrganisationCountry.objects.refresh()`.
    """

    organisation = models.ForeignKey(ImportedOrganisation, on_delete=models.CASCADE, related_name="+")
    country = models.CharField(_("country"), max_length=2)

    objects = OrganisationCountryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "organisation"], name="ecosystem_organisation_country_once")
        ]
        verbose_name_plural = "organisation countries"

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.country}"


# Under MEDIA_ROOT, which Samen never serves: uploads wait here for the worker and are deleted after.
UPLOAD_FOLDER = "iati-imports"


class ImportJob(models.Model):
    """An IATI file an admin uploaded, imported in the background; owned by the organisation that started it."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Refused")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="iati_imports")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(_("file"), max_length=255)
    # Where the upload waits, relative to MEDIA_ROOT; "" once the import is over and the file is gone.
    stored_path = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    bytes_read = models.PositiveBigIntegerField(default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.WAITING)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @classmethod
    def receive(cls, organisation: Organisation, user: "User", upload: "UploadedFile") -> "ImportJob":
        """Store an uploaded file where only the worker reads it, and record the job that will import it."""
        name = Path(upload.name or "upload.xml").name[:255]
        job = cls(organisation=organisation, started_by=user, file_name=name, size=upload.size or 0)
        job.stored_path = f"{UPLOAD_FOLDER}/{job.code}.xml"
        job.upload_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with job.upload_path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        job.save()
        return job

    @property
    def upload_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / UPLOAD_FOLDER / f"{self.code}.xml"

    @property
    def progress_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / UPLOAD_FOLDER / f"{self.code}.progress"

    @property
    def is_over(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def read_progress(self) -> int:
        """Bytes read so far: from the worker's progress file while it runs (see ecosystem/tasks.py)."""
        if self.status == self.Status.RUNNING:
            try:
                return int(self.progress_path.read_text())
            except (OSError, ValueError):
                pass
        return self.size if self.is_over else self.bytes_read

    def percent(self) -> int:
        if self.is_over:
            return 100
        return min(99, self.read_progress() * 100 // self.size) if self.size else 0


class NetworkFiguresQuerySet(models.QuerySet["NetworkFigures"]):
    def latest_import(self) -> "datetime | None":
        """When activities last changed: figures computed before then are stale."""
        return Activity.objects.aggregate(latest=models.Max("imported_at"))["latest"]


class NetworkFigures(models.Model):
    """The network figures of one imported organisation or one alliance, computed in the worker and kept here.

    Betweenness walks a few hundred organisations in Python, too slow for a page; so the page shows what
    was computed last and asks the worker again when the data has changed since (a newer import) or the
    figures are older than `MAX_AGE`. See ecosystem/figures.py for what each figure means.
    """

    MAX_AGE = timedelta(days=1)

    organisation = models.ForeignKey(
        ImportedOrganisation, null=True, blank=True, on_delete=models.CASCADE, related_name="network_figures"
    )
    # Alliance figures name its members (Samen data): they belong to the alliance, read by its lead and members.
    alliance = models.ForeignKey(
        "organisations.Alliance", null=True, blank=True, on_delete=models.CASCADE, related_name="network_figures"
    )
    figures = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)

    objects = NetworkFiguresQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "network figures"
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, alliance__isnull=True)
                | Q(organisation__isnull=True, alliance__isnull=False),
                name="ecosystem_figures_one_subject",
            ),
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(organisation__isnull=False), name="ecosystem_figures_organisation"
            ),
            models.UniqueConstraint(
                fields=["alliance"], condition=Q(alliance__isnull=False), name="ecosystem_figures_alliance"
            ),
        ]

    def __str__(self) -> str:
        return f"figures of {self.organisation or self.alliance}"

    def is_stale(self, latest_import: "datetime | None") -> bool:
        if self.computed_at is None:
            return True
        if latest_import is not None and self.computed_at < latest_import:
            return True
        return timezone.now() - self.computed_at > self.MAX_AGE


class GraphVersion(models.Model):
    """One row: a token that changes whenever the relations, organisations or activity sectors and countries change.

    The map keeps the whole network in each process's memory (ecosystem/adjacency.py) and reads it again
    only when this token differs from the one it was read under. The importer writes a new token at the
    end of every import, and saving a relation, an organisation, a sector or a country does too (the test
    helpers and the admin write that way). Whatever deletes relations in bulk must call `bump` itself.
    A random token, not a counter: a rolled-back transaction brings back an older counter value that a
    different network would then reuse.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.token

    @classmethod
    def bump(cls) -> None:
        cls.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex, "changed_at": timezone.now()})


class OverlayVersion(Counter):
    """Counters of what the map's integrity overlay reads beyond the viewer's own data (docs/decisions/0025).

    One row, COVER, bumped by every save or delete of a final assessment, a consent that shares one, a speak-up
    channel, an alliance membership (a channel of an alliance covers its members) and an organisation (its
    IATI identifier links it to the imported data): who is covered anywhere in the sector, and what the viewer's
    partners have. The viewer's own partnerships, plans, actions and agreements are counted by its overview
    version (organisations.OverviewVersion, ADR 0023).
    """

    COVER = "cover"
