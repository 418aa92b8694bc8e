"""The guide (handreiking): framework pages loaded from content files, and organisations' own pages.

Framework pages (`GuidePage`) are bilingual Markdown kept in framework/content/guide/ and reach the
database only through `manage.py load_framework` (see guide/loader.py). An organisation's own pages
(`OrganisationPage`) are written in one language through a form, are visible to its members, and
reach other organisations only through a consent with the subject "guide:<code>".

Both kinds are searched with the dilemma library's full-text search (framework/fulltext.py): every word
as a word or prefix, in either language, titles first. Each has its own index (migration 0003): an FTS5
table kept by triggers on SQLite, a GIN index on the weighted document on PostgreSQL. The text they
index is `search_text`, the words of the Markdown without its markup and link addresses.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from framework import fulltext
from framework.fulltext import FullTextDocument, RankedMatches
from framework.models import Bilingual, ContentQuerySet, Localised
from guide import markdown
from organisations.models import Consent, Organisation, Role

# Roles that write their organisation's own guide pages.
WRITING_ROLES = {Role.ADMIN, Role.OFFICER, Role.MANAGER}
SUBJECT_KIND = "guide"


class GuideSection(Bilingual):
    """A chapter of the guide; the table of contents (guide/_sections.yaml) lists its pages in order."""

    code = models.SlugField(max_length=80, unique=True)
    order = models.PositiveIntegerField(default=0)
    title_nl = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    intro_nl = models.TextField(blank=True)
    intro_en = models.TextField(blank=True)
    pages = models.JSONField(default=list, help_text="Slugs of its pages, in order")
    retired = models.BooleanField(default=False)
    source = models.CharField(max_length=200)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.title

    title = Localised()

    intro = Localised()


class GuidePageQuerySet(ContentQuerySet["GuidePage"]):
    def search(self, q: str) -> "GuidePageQuerySet | RankedMatches[GuidePage]":
        """The pages that match every word of `q`, best first (see framework/fulltext.py); all of them without words."""
        return fulltext.search(self, q, GUIDE_PAGE_INDEX)  # type: ignore[return-value]


class GuidePage(Bilingual):
    slug = models.SlugField(max_length=80, unique=True)
    section = models.ForeignKey(GuideSection, on_delete=models.PROTECT, related_name="guide_pages")
    order = models.PositiveIntegerField(default=0)
    version = models.CharField(max_length=40)
    title_nl = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    summary_nl = models.TextField()
    summary_en = models.TextField()
    body_nl = models.TextField(help_text="Markdown")
    body_en = models.TextField(help_text="Markdown")
    related_glossary = models.JSONField(default=list, blank=True)
    related_taxonomy = models.JSONField(default=list, blank=True)
    related_library = models.JSONField(default=list, blank=True, help_text="'library' or 'library/requirement'")
    related_playbook = models.JSONField(default=list, blank=True, help_text="Codes of framework playbooks")
    related_dilemma = models.JSONField(default=list, blank=True, help_text="Slugs of starter dilemmas")
    # The words of both bodies without Markdown: what the full-text index reads besides titles and summaries.
    search_text = models.TextField(blank=True, editable=False)
    retired = models.BooleanField(default=False)
    source = models.CharField(max_length=200)

    objects = GuidePageQuerySet.as_manager()

    class Meta:
        ordering = ["section__order", "order", "slug"]

    def __str__(self) -> str:
        return self.title

    def url(self, org_slug: str) -> str:
        return reverse("guide:page", kwargs={"slug": org_slug, "page": self.slug})

    title = Localised()

    @property
    def title_other(self) -> str:
        return self.other_language("title")

    summary = Localised()

    body = Localised()


class OrganisationPageQuerySet(models.QuerySet["OrganisationPage"]):
    def visible_to(self, viewer: Organisation) -> "OrganisationPageQuerySet":
        """The viewer's own pages and the pages other organisations share with it by an active consent.

        Two queries whatever the numbers: the consents, then the pages. A consent covers only a page
        of the organisation that gave it.
        """
        shared = (
            Consent.objects.granting(viewer)
            .exclude(organisation=viewer)
            .filter(subject__startswith=f"{SUBJECT_KIND}:")
            .values_list("organisation_id", "subject")
        )
        granted = Q(organisation=viewer)
        for owner_id, subject in shared:
            try:
                code = uuid.UUID(subject.partition(":")[2])
            except ValueError:
                continue
            granted |= Q(organisation_id=owner_id, code=code)
        return self.filter(granted)

    def search(self, q: str) -> "OrganisationPageQuerySet | RankedMatches[OrganisationPage]":
        """The pages that match every word of `q`, best first (see framework/fulltext.py); all of them without words."""
        return fulltext.search(self, q, ORGANISATION_PAGE_INDEX)  # type: ignore[return-value]


class OrganisationPage(models.Model):
    """A page an organisation writes for its own people (its procedures, contacts, local agreements)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="guide_pages")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400, blank=True)
    body = models.TextField(help_text="Markdown")
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OrganisationPageQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["organisation", "title"])]

    def __str__(self) -> str:
        return self.title

    @property
    def subject(self) -> str:
        """What a consent that shares this page names."""
        return f"{SUBJECT_KIND}:{self.code}"

    def set_body(self, body: str) -> None:
        """Change the text, and the words the search index reads from it."""
        self.body = body
        self.search_text = markdown.plain(body)


# --- The SQLite full-text indexes (migration 0003) -------------------------------------------------------
# Rows of FTS5 tables, for querying them with the ORM. They exist only on SQLite and are never written
# through Django: triggers keep them in step with the pages. `document` is FTS5's hidden column named
# after the table (the left side of MATCH), `rank` its hidden bm25 rank. PostgreSQL searches the pages'
# tables themselves, through the GIN index on `*_vector()`.


class GuidePageEntry(models.Model):
    ONLY_ON = "sqlite"  # samen/routers.py: the table exists on SQLite only

    page = models.OneToOneField(
        GuidePage, primary_key=True, db_column="rowid", on_delete=models.DO_NOTHING, related_name="+"
    )
    document = FullTextDocument(db_column="guide_guidepage_fts")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "guide_guidepage_fts"

    def __str__(self) -> str:
        return f"search entry {self.pk}"


class OrganisationPageEntry(models.Model):
    ONLY_ON = "sqlite"  # samen/routers.py: the table exists on SQLite only

    page = models.OneToOneField(
        OrganisationPage, primary_key=True, db_column="rowid", on_delete=models.DO_NOTHING, related_name="+"
    )
    document = FullTextDocument(db_column="guide_organisationpage_fts")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "guide_organisationpage_fts"

    def __str__(self) -> str:
        return f"search entry {self.pk}"


def guide_page_vector() -> Any:
    """The document PostgreSQL searches for a framework page; migration 0004 stores exactly this expression."""
    return fulltext.weighted_vector(
        ("A", ["title_nl", "title_en"]), ("B", ["summary_nl", "summary_en"]), ("C", ["search_text"])
    )


def organisation_page_vector() -> Any:
    """The document PostgreSQL searches for an organisation's page; migration 0004 stores exactly this."""
    return fulltext.weighted_vector(("A", ["title"]), ("B", ["summary"]), ("C", ["search_text"]))


# On PostgreSQL the document is stored in the column `search_document` (migration 0004), GIN-indexed, and ranked
# from there: computing it again for every page that matched cost 10 ms for a common word.
GUIDE_PAGE_INDEX = fulltext.Index(
    entries=GuidePageEntry,
    vector=guide_page_vector,
    fields=("title_nl", "title_en", "summary_nl", "summary_en", "search_text"),
    document="search_document",
)
ORGANISATION_PAGE_INDEX = fulltext.Index(
    entries=OrganisationPageEntry,
    vector=organisation_page_vector,
    fields=("title", "summary", "search_text"),
    document="search_document",
)
