"""The dilemma library: integrity dilemmas that arise in partnerships, with their courses of action.

A dilemma (the Erasmus Dilemma Game's shape) has a situation, one question, three or four courses of
action and no winner: a reflection says what to weigh and which rules apply, and "what if…?"
variations look for the tipping point. The framework ships starter dilemmas in Dutch and English
(framework/content/dilemmas/, loaded by dilemmas/loader.py; `organisation` is null for them); an
organisation's people add their own, in one language or both.

An organisation's dilemma goes draft → submitted → published (or back to the author, returned with a
reason) inside the organisation. It reaches other organisations only through a `Consent` with the
subject "dilemma:<code>", given after the de-identification check (`DeidentificationCheck`) passed;
a consent for the whole sector counts only once a platform operator approved it (`sector_status`),
who stands in for the sector association's editors.
"""

import functools
import hashlib
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from framework.fulltext import FullTextDocument
from framework.models import Bilingual, Localised, ViolationSubtype, ViolationType, active_content_language
from framework.taxonomy import Taxonomy
from organisations.models import AllianceMember, Consent, Organisation

if TYPE_CHECKING:
    from accounts.models import User

SUBJECT_KIND = "dilemma"
MAX_OPTIONS = 4
MIN_OPTIONS = 3
MAX_VARIATIONS = 5
OPTION_LETTERS = "ABCD"


class Context(models.TextChoices):
    """The partnership context a dilemma arises in."""

    FUNDER_PARTNER = "funder-partner", _("Between a funder and a partner")
    LOCAL_PARTNER = "local-partner", _("With a local partner")
    ALLIANCE = "alliance", _("Within an alliance")
    CONSORTIUM = "consortium", _("In a consortium")
    SUPPLIER = "supplier", _("With a supplier")
    GOVERNMENT = "government", _("With a government or authority")
    COMMUNITY = "community", _("With the communities we serve")
    ORGANISATION = "organisation", _("Within the organisation")


class Languages(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")
    BOTH = "nl,en", _("Dutch and English")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned to the author")


class SectorStatus(models.TextChoices):
    """The editors' review of a share with the whole sector ("" = never asked)."""

    NONE = "", _("Not offered to the sector")
    PENDING = "pending", _("Waiting for the sector's editors")
    APPROVED = "approved", _("Approved for the sector library")
    RETURNED = "returned", _("Returned by the sector's editors")


def _text_fields(name: str) -> tuple[str, str]:
    return f"{name}_nl", f"{name}_en"


# What a dilemma's card shows (the library's dilemmas/_item.html, its CSV, the guide's search results, the
# session composer's).
CARD_FIELDS = [
    "code",
    "organisation",
    "languages",
    "title_nl",
    "title_en",
    "question_nl",
    "question_en",
    "context",
    "published_at",
]


class DilemmaQuerySet(models.QuerySet["Dilemma"]):
    def cards(self) -> "DilemmaQuerySet":
        """Only what a card shows, with its organisation's name: the long texts (situation, reflection, the search
        text: some 5 KB a dilemma, past the end of a database page) stay unread."""
        return self.select_related("organisation").only(*CARD_FIELDS, "organisation__name")

    def framework(self) -> "DilemmaQuerySet":
        return self.filter(organisation__isnull=True)

    def published(self) -> "DilemmaQuerySet":
        return self.filter(status=Status.PUBLISHED, retired=False)

    def visible_to(self, viewer: Organisation) -> "DilemmaQuerySet":
        """The library as `viewer` sees it (see visible_ids)."""
        return self.filter(pk__in=self.visible_ids(viewer))

    def visible_ids(self, viewer: Organisation) -> RawSQL:
        """The ids of the library as `viewer` sees it: the framework's dilemmas, its own published ones, and those
        other organisations share with it by an active consent (a sector-wide one once the editors approved).

        The authority on who sees what; the search's visibility tokens (`audience_tokens`) only narrow its
        work before this applies. One condition, `pk IN (…)`, over a UNION of id lists, each answered from an
        index of its own (organisation, the sector library's partial index, the consents' subjects): an OR of
        the parts made SQLite read every candidate's wide row and PostgreSQL scan the table. A sector share
        without an end date is read from `in_sector_library`, which `refresh_sector_listing` keeps on the
        dilemma. The other consents (to this organisation, to its alliances, a sector share that ends on a
        date) are few per viewer and checked here, each only for a dilemma of the organisation that gave it.

        A subquery for `pk__in=` (or any `__in`). Its SQL is made once per reader, day and database and kept
        (`_visible_sql`, ADR 0020): building and compiling the union took some 3 ms of every library page. The SQL holds
        no data but the reader's id and the day; the ids come from the database each time it runs.
        """
        sql, params = _visible_sql(viewer.pk, timezone.localdate(), self.db)
        return RawSQL(sql, params)  # noqa: S611 -- the ORM's own SQL (_visible_sql), values as parameters

    def awaiting_sector_review(self) -> "DilemmaQuerySet":
        """Dilemmas offered to the whole sector, waiting for the editors: published, with an active sector consent."""
        sector = Consent.objects.active().filter(
            scope=Consent.Scope.SECTOR, organisation=OuterRef("organisation"), subject=OuterRef("subject")
        )
        return self.published().filter(Exists(sector), sector_status=SectorStatus.PENDING)

    def with_topic(self, codes: list[str], taxonomy: Taxonomy | None = None) -> "DilemmaQuerySet":
        """Tagged with any of `codes` (violation types or sub-types; a type also finds its sub-types), as
        `taxonomy` (read here when not given) knows them."""
        if not codes:
            return self
        # The tags' ids first, then the links on their index: given the tags as a join or a subquery, SQLite
        # read every link of the library (77,000 at 50,000 dilemmas) instead.
        types, subtypes = (taxonomy or Taxonomy.read()).finds(codes)
        by_type = Dilemma.types.through.objects.filter(violationtype_id__in=types).values("dilemma_id")
        by_subtype = Dilemma.subtypes.through.objects.filter(violationsubtype_id__in=subtypes).values("dilemma_id")
        return self.filter(Q(pk__in=by_type) | Q(pk__in=by_subtype))

    def in_language(self, code: str) -> "DilemmaQuerySet":
        return self.filter(languages__contains=code) if code else self

    def related_to(self, dilemma: "Dilemma") -> "DilemmaQuerySet":
        """Others that share a topic with `dilemma` (or, when it has none, its context), closest first.

        A shared sub-type counts twice, a shared violation type once, the same context once more.
        """
        type_ids = [t.pk for t in dilemma.types.all()]
        subtype_ids = [s.pk for s in dilemma.subtypes.all()]
        if type_ids or subtype_ids:
            by_type = Dilemma.types.through.objects.filter(violationtype_id__in=type_ids).values("dilemma_id")
            by_subtype = Dilemma.subtypes.through.objects.filter(violationsubtype_id__in=subtype_ids).values(
                "dilemma_id"
            )
            candidates = self.filter(Q(pk__in=by_type) | Q(pk__in=by_subtype))
        else:
            candidates = self.filter(context=dilemma.context)
        score = (
            _shared(Dilemma.types.through, "violationtype_id", type_ids)
            + 2 * _shared(Dilemma.subtypes.through, "violationsubtype_id", subtype_ids)
            + Case(When(context=dilemma.context, then=Value(1)), default=Value(0))
        )
        return candidates.exclude(pk=dilemma.pk).annotate(closeness=score).order_by("-closeness", "-published_at", "pk")


def _shared(through: Any, column: str, ids: list[int]) -> Any:
    """How many of `ids` a dilemma is tagged with: a correlated count, so the outer query needs no GROUP BY."""
    if not ids:
        return Value(0)
    tagged = (
        through.objects.filter(dilemma_id=OuterRef("pk"), **{f"{column}__in": ids})
        .values("dilemma_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(tagged), Value(0))


@functools.lru_cache(maxsize=1024)
def _visible_sql(viewer: int, today: date, using: str) -> tuple[str, tuple[Any, ...]]:
    """The SQL of `DilemmaQuerySet.visible_ids` for the organisation with key `viewer` on `today` (the day the
    consents' end dates are read against), compiled for the database `using`."""
    return _visible_union(Organisation(pk=viewer)).query.get_compiler(using=using).as_sql()


def _visible_union(viewer: Organisation) -> "models.QuerySet[Any]":
    published = Q(status=Status.PUBLISHED, retired=False)
    framework = Dilemma.objects.filter(published, organisation__isnull=True).order_by().values("pk")
    own = Dilemma.objects.filter(published, organisation=viewer).order_by().values("pk")
    # The sector library on its partial index (which holds status and retired: no table rows are read).
    sector = Dilemma.objects.filter(published, in_sector_library=True).order_by().values("pk")
    # The other consents lead: each finds the dilemma it names, of the organisation that gave it, in the
    # covering index dilemma_visible_shared_ids. One part per scope, each on the consents' index of its own.
    grants = Consent.objects.filter(subject__startswith=f"{SUBJECT_KIND}:").order_by().granting_by_scope(viewer)
    named = Dilemma.objects.filter(
        published, organisation=OuterRef("organisation"), subject=OuterRef("subject")
    ).order_by()
    direct = [
        grants[scope].values(dilemma=Subquery(named.values("pk")[:1]))
        for scope in (Consent.Scope.ORGANISATION, Consent.Scope.ALLIANCE)
    ]
    dated = (
        grants[Consent.Scope.SECTOR]
        .filter(valid_until__isnull=False)
        .values(dilemma=Subquery(named.filter(sector_status=SectorStatus.APPROVED).values("pk")[:1]))
    )
    # UNION, not UNION ALL: PostgreSQL then knows the ids are distinct and how many, and starts a search
    # from the GIN index of the reader's tokens rather than from this list (it guessed 200 distinct ids of an ALL).
    return framework.union(own, sector, *direct, dated)


class Dilemma(Bilingual):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Null for the framework's starter dilemmas, which every organisation sees.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="dilemmas"
    )
    # What a consent that shares it names ("dilemma:<code>"), kept as a column so visibility is one query.
    # Unique through a partial index (Meta), not `unique=True`: see dilemma_subject_unique.
    subject = models.CharField(max_length=60, editable=False)
    # Framework dilemmas only: the code in the content file, the file, and whether the file still has it.
    slug = models.SlugField(max_length=80, blank=True)
    source = models.CharField(max_length=200, blank=True)
    retired = models.BooleanField(default=False)

    languages = models.CharField(_("language"), max_length=8, choices=Languages.choices)
    title_nl = models.CharField(max_length=200, blank=True)
    title_en = models.CharField(max_length=200, blank=True)
    situation_nl = models.TextField(blank=True)
    situation_en = models.TextField(blank=True)
    question_nl = models.TextField(blank=True)
    question_en = models.TextField(blank=True)
    reflection_nl = models.TextField(blank=True)
    reflection_en = models.TextField(blank=True)
    context = models.CharField(_("partnership context"), max_length=20, choices=Context.choices)
    types = models.ManyToManyField(ViolationType, blank=True, related_name="dilemmas")
    subtypes = models.ManyToManyField(ViolationSubtype, blank=True, related_name="dilemmas")

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    sector_status = models.CharField(max_length=10, choices=SectorStatus.choices, blank=True, default="")
    sector_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sector_requested_at = models.DateTimeField(null=True, blank=True)
    sector_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sector_reviewed_at = models.DateTimeField(null=True, blank=True)
    sector_reason = models.TextField(blank=True)

    # Every text of the dilemma but its titles (situation, question, options, reflection, variations, tag
    # names; both languages), kept by `reindex()`: the full-text index reads it (dilemmas/search.py).
    search_text = models.TextField(blank=True, editable=False)
    # Published, approved by the sector's editors and shared with the whole sector by its organisation with no
    # end date: kept by refresh_sector_listing() whenever one of those changes (a consent's save calls it too).
    # The library reads this one indexed column instead of matching every sector consent to its dilemma on
    # every request (docs/benchmarks.md); the consents stay the record of what was shared.
    in_sector_library = models.BooleanField(default=False, editable=False)
    # Whom its organisation's active consents share it with, as the search's visibility tokens ("vo<id>" an
    # organisation, "va<id>" an alliance, "vsector"): kept by refresh_audience() whenever a consent on it
    # changes. The full-text document adds the owner's token, "vframework" and the sector library's from the
    # row itself, and none at all unless it is published (migration 0004). A superset of what
    # `visible_to` allows, never less: a share that ends on a date keeps its token after that date, and
    # `visible_to` still decides.
    audience = models.TextField(blank=True, default="", editable=False)

    objects = DilemmaQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "pk"]
        # The parts of `visible_to` each read one of these and no table row (covering indexes on SQLite).
        indexes = [
            models.Index(fields=["organisation", "status", "retired"], name="dilemma_visible_owner"),
            models.Index(fields=["status", "published_at"]),
            # The library's order, for lists of one organisation's dilemmas.
            models.Index(fields=["published_at", "created_at"], name="dilemma_listing"),
            # The same order looked up by key, with the filters' columns: the visible ids filtered and sorted
            # without reading their wide rows (SQLite).
            models.Index(
                fields=["id", "published_at", "created_at", "context", "languages"], name="dilemma_listing_filters"
            ),
            # With the id last, for PostgreSQL's index-only scans (SQLite's indexes hold the id anyway).
            models.Index(
                fields=["in_sector_library", "status", "retired", "id"],
                condition=Q(in_sector_library=True),
                name="dilemma_visible_sector_ids",
            ),
            models.Index(
                fields=["subject", "organisation", "status", "retired", "sector_status", "id"],
                name="dilemma_visible_shared_ids",
            ),
        ]
        constraints = [
            # Framework dilemmas have a slug, come from a file and are published; organisations' never do.
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=True, status="published")
                    & ~Q(slug="")
                    & ~Q(source="")
                    & Q(author__isnull=True)
                )
                | Q(organisation__isnull=False, slug="", source=""),
                name="dilemma_framework_or_organisation",
            ),
            models.UniqueConstraint(fields=["slug"], condition=~Q(slug=""), name="dilemma_slug_unique"),
            # Every dilemma has its subject, and no two the same. Partial, though no row is left out: SQLite's
            # planner takes a unique index on `subject` alone over the covering dilemma_visible_shared_ids for the
            # visibility rule's consents (it promises one row), and then reads each dilemma's wide row (its
            # texts come first and overflow the page) to check status and owner: 4.2 ms for 1,000 shares
            # instead of 1.3. It cannot use a partial index for `subject = <a consent's subject>`.
            models.CheckConstraint(condition=~Q(subject=""), name="dilemma_has_subject"),
            models.UniqueConstraint(fields=["subject"], condition=~Q(subject=""), name="dilemma_subject_unique"),
            models.CheckConstraint(condition=Q(languages__in=Languages.values), name="dilemma_languages_valid"),
            models.CheckConstraint(condition=Q(context__in=Context.values), name="dilemma_context_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="dilemma_status_valid"),
            models.CheckConstraint(
                condition=Q(sector_status__in=SectorStatus.values), name="dilemma_sector_status_valid"
            ),
            # Each language it claims has a title, a situation and a question.
            models.CheckConstraint(
                condition=~Q(languages__contains="nl") | (~Q(title_nl="") & ~Q(situation_nl="") & ~Q(question_nl="")),
                name="dilemma_dutch_texts",
            ),
            models.CheckConstraint(
                condition=~Q(languages__contains="en") | (~Q(title_en="") & ~Q(situation_en="") & ~Q(question_en="")),
                name="dilemma_english_texts",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="dilemma_returned_with_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="dilemma_published_dated"
            ),
            models.CheckConstraint(
                condition=~Q(sector_status="returned") | ~Q(sector_reason=""), name="dilemma_sector_returned_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.subject:  # set once: the code never changes
            self.subject = f"{SUBJECT_KIND}:{self.code}"
        if not self._state.adding and not args and kwargs.get("update_fields") is None:
            # `audience` is kept in the database by refresh_audiences(): an instance read before a consent on it
            # changed must not write its old tokens back (the search would miss what visible_to allows).
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "audience"
            ]
        super().save(*args, **kwargs)

    title = Localised()
    situation = Localised()
    question = Localised()
    reflection = Localised()

    @property
    def is_framework(self) -> bool:
        return self.organisation_id is None

    @property
    def language_codes(self) -> list[str]:
        return self.languages.split(",") if self.languages else []

    @property
    def shown_language(self) -> str:
        """The language the texts are shown in: the active one when the dilemma has it."""
        active = active_content_language()
        codes = self.language_codes
        return active if active in codes or not codes else codes[0]

    @property
    def in_active_language(self) -> bool:
        return self.shown_language == active_content_language()

    # --- The workflow inside the organisation --------------------------------------------------------

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)

    def submit(self, by: "User") -> None:
        self.status, self.submitted_at, self.updated_at = Status.SUBMITTED, timezone.now(), timezone.now()
        self.save(update_fields=["status", "submitted_at", "updated_at"])

    def publish(self, by: "User") -> None:
        now = timezone.now()
        self.status, self.reviewer, self.reviewed_at, self.published_at = Status.PUBLISHED, by, now, now
        self.return_reason = ""
        self.save(update_fields=["status", "reviewer", "reviewed_at", "published_at", "return_reason"])
        self.refresh_sector_listing()

    def send_back(self, by: "User", reason: str) -> None:
        self.status, self.reviewer, self.reviewed_at, self.return_reason = Status.RETURNED, by, timezone.now(), reason
        self.save(update_fields=["status", "reviewer", "reviewed_at", "return_reason"])

    # --- The sector's editors -------------------------------------------------------------------------

    def offer_to_sector(self, by: "User") -> None:
        """Ask the editors to review a sector-wide share; an approval already given stands (the text is unchanged)."""
        if self.sector_status == SectorStatus.APPROVED:
            return
        self.sector_status, self.sector_requested_by, self.sector_requested_at = (
            SectorStatus.PENDING,
            by,
            timezone.now(),
        )
        self.sector_reason = ""
        self.save(update_fields=["sector_status", "sector_requested_by", "sector_requested_at", "sector_reason"])
        self.refresh_sector_listing()

    def approve_for_sector(self, by: "User") -> None:
        self.sector_status, self.sector_reviewer, self.sector_reviewed_at = SectorStatus.APPROVED, by, timezone.now()
        self.save(update_fields=["sector_status", "sector_reviewer", "sector_reviewed_at"])
        self.refresh_sector_listing()

    def return_from_sector(self, by: "User", reason: str) -> None:
        self.sector_status, self.sector_reviewer, self.sector_reviewed_at = SectorStatus.RETURNED, by, timezone.now()
        self.sector_reason = reason
        self.save(update_fields=["sector_status", "sector_reviewer", "sector_reviewed_at", "sector_reason"])
        self.refresh_sector_listing()

    def refresh_sector_listing(self) -> None:
        """Set `in_sector_library` from the dilemma and its organisation's sector consents (see the field)."""
        listed = (
            self.organisation_id is not None
            and self.status == Status.PUBLISHED
            and not self.retired
            and self.sector_status == SectorStatus.APPROVED
            and Consent.objects.active()
            .filter(
                scope=Consent.Scope.SECTOR,
                organisation_id=self.organisation_id,
                subject=self.subject,
                valid_until__isnull=True,
            )
            .exists()
        )
        if listed != self.in_sector_library:
            self.in_sector_library = listed
            self.save(update_fields=["in_sector_library"])

    def refresh_audience(self) -> None:
        """Set `audience` from its organisation's active consents on it (see the field)."""
        refresh_audiences(Dilemma.objects.filter(pk=self.pk))
        self.refresh_from_db(fields=["audience"])

    # --- Writing ------------------------------------------------------------------------------------

    def set_options(self, texts: list[dict[str, str]]) -> bool:
        """Make the courses of action these {"nl": …, "en": …} texts, in order; whether anything changed.

        Rows are matched by position, so an option keeps its id (and any votes on it) when reworded.
        """
        return _sync_rows(Option, self, texts)

    def set_variations(self, texts: list[dict[str, str]]) -> bool:
        return _sync_rows(Variation, self, texts)

    def set_tags(self, codes: list[str]) -> None:
        """Tag it with these taxonomy codes (violation types or sub-types); unknown codes are left out."""
        self.types.set(ViolationType.objects.active().filter(code__in=codes))
        self.subtypes.set(ViolationSubtype.objects.active().filter(code__in=codes))

    def missing(self) -> list[str]:
        """What it still needs before it can be submitted for review; empty when it is complete."""
        needs = []
        if self.options.count() < MIN_OPTIONS:
            needs.append(str(_("at least %(n)s courses of action") % {"n": MIN_OPTIONS}))
        for code in self.language_codes:
            question = getattr(self, f"question_{code}")
            if not (question.rstrip().endswith("?") and question.count("?") == 1):
                needs.append(str(_("one question that ends with a question mark")))
                break
        return needs

    def active_consents(self) -> "models.QuerySet[Consent]":
        if self.organisation_id is None:
            return Consent.objects.none()
        return Consent.objects.active().filter(organisation_id=self.organisation_id, subject=self.subject)

    # --- Its texts, as the de-identification check and the search index read them ----------------------

    def texts(self) -> list[tuple[str, str]]:
        """Every text of the dilemma as (key, text), in reading order; empty texts left out.

        Keys: "title_nl", …, "option:2:en", "variation:1:nl" (options and variations by position).
        """
        found: list[tuple[str, str]] = []
        for name in ("title", "situation", "question"):
            for key in _text_fields(name):
                found.append((key, getattr(self, key)))
        for option in self.options.all():
            found += [(f"option:{option.position}:{c}", getattr(option, f"text_{c}")) for c in ("nl", "en")]
        for key in _text_fields("reflection"):
            found.append((key, getattr(self, key)))
        for variation in self.variations.all():
            found += [(f"variation:{variation.position}:{c}", getattr(variation, f"text_{c}")) for c in ("nl", "en")]
        return [(key, text) for key, text in found if text]

    def set_text(self, key: str, text: str) -> None:
        """Replace one text named as in `texts()` and save it."""
        kind, _sep, rest = key.partition(":")
        if not rest:
            if kind.rpartition("_")[0] not in ("title", "situation", "question", "reflection"):
                raise ValueError(f"Not a text of a dilemma: {key}")
            setattr(self, kind, text)
            self.updated_at = timezone.now()
            self.save(update_fields=[kind, "updated_at"])
            return
        position, _sep, lang = rest.partition(":")
        if kind not in ("option", "variation") or lang not in ("nl", "en"):
            raise ValueError(f"Not a text of a dilemma: {key}")
        model: type[Option] | type[Variation] = Option if kind == "option" else Variation
        row = model.objects.get(dilemma=self, position=int(position))
        setattr(row, f"text_{lang}", text)
        row.save(update_fields=[f"text_{lang}"])

    def content_hash(self) -> str:
        """A fingerprint of every text: a de-identification check holds only for the texts it saw."""
        digest = hashlib.sha256()
        for key, text in self.texts():
            digest.update(f"{key}\x00{text}\x00".encode())
        return digest.hexdigest()

    def reindex(self) -> None:
        """Refresh the text the full-text index reads; call after changing texts, options, variations or tags.

        It reads options, variations and tags through `self`: call it on an instance whose prefetched rows
        (if any) are current (tags set through `set_tags` are).
        """
        parts = [text for key, text in self.texts() if not key.startswith("title_")]
        for tag in self.tags:
            parts += [tag.name_nl, tag.name_en]
        text = "\n".join(parts)
        if text != self.search_text:
            self.search_text = text
            self.save(update_fields=["search_text"])

    @property
    def tags(self) -> list[ViolationType | ViolationSubtype]:
        return [*self.types.all(), *self.subtypes.all()]


def _sync_rows(model: "type[Option] | type[Variation]", dilemma: Dilemma, texts: list[dict[str, str]]) -> bool:
    existing = {row.position: row for row in model.objects.filter(dilemma=dilemma)}
    changed = False
    for position, item in enumerate(texts, start=1):
        nl, en = item.get("nl", ""), item.get("en", "")
        row = existing.pop(position, None)
        if row is None:
            model.objects.create(dilemma=dilemma, position=position, text_nl=nl, text_en=en)
            changed = True
        elif (row.text_nl, row.text_en) != (nl, en):
            row.text_nl, row.text_en = nl, en
            row.save(update_fields=["text_nl", "text_en"])
            changed = True
    if existing:
        model.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
        changed = True
    return changed


class Option(Bilingual):
    """One course of action. Rows keep their id while their text changes: a session's votes point at them."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dilemma = models.ForeignKey(Dilemma, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    text_nl = models.TextField(blank=True)
    text_en = models.TextField(blank=True)

    class Meta:
        ordering = ["dilemma", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dilemma", "position"], name="dilemma_option_position_unique"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=MAX_OPTIONS), name="dilemma_option_position_1_4"
            ),
            models.CheckConstraint(condition=~Q(text_nl="") | ~Q(text_en=""), name="dilemma_option_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.letter}. {self.text}"

    text = Localised()

    @property
    def letter(self) -> str:
        return OPTION_LETTERS[self.position - 1]


class Variation(Bilingual):
    """A "what if…?" that changes one fact of the situation, to find where the choice tips."""

    dilemma = models.ForeignKey(Dilemma, on_delete=models.CASCADE, related_name="variations")
    position = models.PositiveSmallIntegerField()
    text_nl = models.TextField(blank=True)
    text_en = models.TextField(blank=True)

    class Meta:
        ordering = ["dilemma", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dilemma", "position"], name="dilemma_variation_position_unique"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=MAX_VARIATIONS), name="dilemma_variation_position_valid"
            ),
            models.CheckConstraint(condition=~Q(text_nl="") | ~Q(text_en=""), name="dilemma_variation_has_text"),
        ]

    def __str__(self) -> str:
        return self.text

    text = Localised()


# --- De-identification -------------------------------------------------------------------------------


class DeidentificationCheck(models.Model):
    """One run of the de-identification checker over a dilemma's texts, and how each flag was resolved.

    It holds while `text_hash` equals the dilemma's `content_hash()` (a redaction updates both) and no
    flag is open. Earlier runs are kept: they record who decided what.
    """

    dilemma = models.ForeignKey(Dilemma, on_delete=models.CASCADE, related_name="checks")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    run_at = models.DateTimeField(default=timezone.now)
    text_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-run_at", "-pk"]
        get_latest_by = ["run_at", "pk"]

    def __str__(self) -> str:
        return f"Check of {self.dilemma_id} at {self.run_at:%Y-%m-%d %H:%M}"


class Resolution(models.TextChoices):
    OPEN = "", _("Not resolved yet")
    REDACTED = "redacted", _("Replaced")
    KEPT = "kept", _("Kept")


class Flag(models.Model):
    """Something in the text that may identify a person, organisation or place."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    check_run = models.ForeignKey(DeidentificationCheck, on_delete=models.CASCADE, related_name="flags")
    field = models.CharField(max_length=40, help_text="The text it is in, as Dilemma.texts() names it")
    kind = models.CharField(max_length=30)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # Emptied when the flag is resolved by replacing it: the record must not keep what was taken out.
    text = models.CharField(max_length=300, blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True, default="")
    reason = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["check_run", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="dilemma_flag_span"),
            models.CheckConstraint(condition=Q(resolution__in=Resolution.values), name="dilemma_flag_resolution"),
            models.CheckConstraint(condition=~Q(resolution="kept") | ~Q(reason=""), name="dilemma_flag_kept_reason"),
            models.CheckConstraint(
                condition=Q(resolution="") | Q(resolved_at__isnull=False), name="dilemma_flag_resolved_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} in {self.field}"

    @property
    def is_open(self) -> bool:
        return self.resolution == Resolution.OPEN


# --- The SQLite full-text index ----------------------------------------------------------------------


class SearchEntry(models.Model):
    """A row of the SQLite FTS5 table `dilemmas_dilemma_fts` (migration 0002), for querying it with the ORM.

    Exists only on SQLite and is never written through Django: triggers keep it in step with the
    dilemma table. `document` is FTS5's hidden column named after the table (the left side of MATCH),
    `rank` its hidden bm25 rank. PostgreSQL has `SearchDocument` instead.
    """

    ONLY_ON = "sqlite"  # samen/routers.py

    dilemma = models.OneToOneField(
        Dilemma, primary_key=True, db_column="rowid", on_delete=models.DO_NOTHING, related_name="+"
    )
    document = FullTextDocument(db_column="dilemmas_dilemma_fts")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "dilemmas_dilemma_fts"

    def __str__(self) -> str:
        return f"search entry {self.pk}"


class SearchDocument(models.Model):
    """A dilemma's search document on PostgreSQL (migration 0007): its weighted words and its visibility tokens.

    Exists only on PostgreSQL and is never written through Django: a trigger on the dilemma table writes
    the row on every insert and every change of what it is made of, and removes it with the dilemma.
    `document` holds the titles weighted A and the other texts B; `audience` the visibility tokens
    (`audience_tokens`), GIN-indexed. The document is kept in the row itself (STORAGE MAIN), not in TOAST:
    ranking reads every document the reader may see that matches (ADR 0026).
    """

    ONLY_ON = "postgresql"  # samen/routers.py

    dilemma = models.OneToOneField(
        Dilemma, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    document = SearchVectorField()
    audience = SearchVectorField()

    def __str__(self) -> str:
        return f"search document {self.pk}"


def consent_changed(sender: type[Consent], instance: Consent, **kwargs: Any) -> None:
    """A consent on a dilemma was given, revoked or deleted: its place in the sector library follows at once.

    Connected in DilemmasConfig.ready(): a consent can be revoked where the dilemmas app is not (the
    organisation's sharing page), and organisations may not import feature apps.
    """
    if instance.subject.startswith(f"{SUBJECT_KIND}:"):
        for dilemma in Dilemma.objects.filter(subject=instance.subject):
            dilemma.refresh_sector_listing()
        refresh_audiences(Dilemma.objects.filter(subject=instance.subject))


# --- Visibility tokens: what the search intersects its words with before it ranks ---------------------------

FRAMEWORK_TOKEN = "vframework"  # noqa: S105 -- a search token, not a secret
SECTOR_TOKEN = "vsector"  # noqa: S105 -- a search token, not a secret


def organisation_token(pk: int) -> str:
    return f"vo{pk}"


def alliance_token(pk: int) -> str:
    return f"va{pk}"


def audience_tokens(viewer: Organisation) -> list[str]:
    """The visibility tokens of what `viewer` may see: a dilemma it may see carries at least one of them."""
    alliances = AllianceMember.objects.filter(organisation=viewer).values_list("alliance_id", flat=True)
    return [FRAMEWORK_TOKEN, SECTOR_TOKEN, organisation_token(viewer.pk), *map(alliance_token, sorted(alliances))]


def refresh_audiences(dilemmas: "models.QuerySet[Dilemma]") -> int:
    """Set `audience` of these dilemmas from their organisations' active consents; how many changed.

    Two queries for any number of dilemmas, and one update per dilemma whose audience changed (a data
    migration and the bench call it on thousands).
    """
    rows = list(
        dilemmas.filter(organisation__isnull=False)
        .order_by()
        .values_list("pk", "organisation_id", "subject", "audience")
    )
    if not rows:
        return 0
    wanted: dict[tuple[int, str], set[str]] = {(org, subject): set() for _pk, org, subject, _a in rows}
    consents = (
        Consent.objects.active()
        .filter(subject__in=[subject for _pk, _org, subject, _a in rows])
        .values_list("organisation_id", "subject", "scope", "to_organisation_id", "to_alliance_id")
    )
    for org, subject, scope, to_organisation, to_alliance in consents:
        tokens = wanted.get((org, subject))
        if tokens is None:
            continue  # a consent of another organisation than the owner shares nothing
        if scope == Consent.Scope.ORGANISATION and to_organisation is not None:
            tokens.add(organisation_token(to_organisation))
        elif scope == Consent.Scope.ALLIANCE and to_alliance is not None:
            tokens.add(alliance_token(to_alliance))
        elif scope == Consent.Scope.SECTOR:
            tokens.add(SECTOR_TOKEN)
    changed = 0
    for pk, org, subject, audience in rows:
        text = " ".join(sorted(wanted[(org, subject)]))
        if text != audience:
            Dilemma.objects.filter(pk=pk).update(audience=text)
            changed += 1
    return changed
