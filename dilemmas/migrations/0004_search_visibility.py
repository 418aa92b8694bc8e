"""Visibility in the full-text document, a stored document on PostgreSQL, and covering indexes for `visible_to`.

The search intersects the words with the visibility tokens of the reader (dilemmas.models.audience_tokens)
before it ranks, so it ranks what the reader may see instead of every match (docs/benchmarks.md, issue 6).
A dilemma's tokens: its owner's ("vo<id>", or "vframework"), "vsector" when it is in the sector library,
and `audience` (the organisations and alliances its consents share it with, kept by Python); none unless it
is published and not retired. They are computed by the database from the row (TOKENS below), so every
change of those columns — through Django or not — changes them.

SQLite: the FTS5 table gets a fourth column, `visibility`, weighing 0 in bm25 (it never changes a rank),
over a view of the dilemma table that computes it; its triggers follow every change of the columns it
reads. Adding `audience` makes Django rebuild dilemmas_dilemma, which drops the triggers of 0002 anyway.

PostgreSQL: two stored generated columns, `search_document` (the weighted tsvector the search used to
compute for every row it ranked: titles A, the other texts B) and `search_audience` (the tokens), each with
a GIN index; the expression index of 0002 goes. They are not fields of the model (Django would write
them); dilemmas/search.py reads them by name.

Existing rows: `audience` is filled from the active consents here, the FTS5 index rebuilt from the view, and
PostgreSQL computes generated columns for every row as it adds them.
"""

from django.db import migrations, models

FTS = "dilemmas_dilemma_fts"
VIEW = "dilemmas_dilemma_search"
COLUMNS = "title_nl, title_en, search_text, visibility"
# Columns whose change changes the indexed document.
WATCHED = "title_nl, title_en, search_text, status, retired, organisation_id, in_sector_library, audience"


def tokens(vendor: str, row: str = "") -> str:
    """The SQL of a row's visibility tokens; `row` prefixes the columns ("new.", "old." in a trigger)."""
    owner = f"'vo' || {row}organisation_id" + ("::text" if vendor == "postgresql" else "")
    sector = f"{row}in_sector_library" + ("" if vendor == "postgresql" else " = 1")
    return (
        f"CASE WHEN {row}status = 'published' AND NOT {row}retired THEN "
        f"(CASE WHEN {row}organisation_id IS NULL THEN 'vframework' ELSE {owner} END)"
        f" || (CASE WHEN {sector} THEN ' vsector' ELSE '' END) || ' ' || {row}audience ELSE '' END"
    )


def document(row: str = "") -> str:
    """The SQL of a row's weighted words on PostgreSQL: the titles A, the other texts B (0007's trigger too)."""
    return (
        f"setweight(to_tsvector('simple'::regconfig, COALESCE({row}title_nl, '') || ' ' || "
        f"COALESCE({row}title_en, '')), 'A')\n        || "
        f"setweight(to_tsvector('simple'::regconfig, COALESCE({row}search_text, '')), 'B')"
    )


def audience(row: str = "") -> str:
    """The SQL of a row's visibility tokens as a tsvector on PostgreSQL (0007's trigger too)."""
    return f"to_tsvector('simple'::regconfig, {tokens('postgresql', row)})"


def values(row: str) -> str:
    return f"{row}title_nl, {row}title_en, {row}search_text, {tokens('sqlite', row)}"


def fts_table(prefixes: str = "2 3") -> str:
    """The FTS5 table over the view, with prefix indexes for words of these lengths (0008 adds more)."""
    return f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        {COLUMNS}, content='{VIEW}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='{prefixes}'
    )"""


# The persistent rank: bm25 with a title counting four times the rest, and the tokens not at all.
SQLITE_RANK = f"INSERT INTO {FTS}({FTS}, rank) VALUES ('rank', 'bm25(4.0, 4.0, 1.0, 0.0)')"
SQLITE_CREATE = [
    f"""CREATE VIEW {VIEW} AS SELECT id, title_nl, title_en, search_text, {tokens("sqlite")} AS visibility
        FROM dilemmas_dilemma""",
    fts_table(),
    SQLITE_RANK,
]
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON dilemmas_dilemma BEGIN
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {values("new.")});
    END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON dilemmas_dilemma BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {values("old.")});
    END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF {WATCHED} ON dilemmas_dilemma BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {values("old.")});
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {values("new.")});
    END""",
]
SQLITE_REBUILD = f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')"
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {FTS}_{name}" for name in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {FTS}",
    f"DROP VIEW IF EXISTS {VIEW}",
]

POSTGRES_CREATE = [
    "DROP INDEX IF EXISTS dilemma_search_gin",
    f"""ALTER TABLE dilemmas_dilemma ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        {document()}
    ) STORED""",
    f"""ALTER TABLE dilemmas_dilemma ADD COLUMN search_audience tsvector GENERATED ALWAYS AS (
        {audience()}
    ) STORED""",
    "CREATE INDEX dilemma_search_document ON dilemmas_dilemma USING gin (search_document)",
    "CREATE INDEX dilemma_search_audience ON dilemmas_dilemma USING gin (search_audience)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS dilemma_search_audience",
    "DROP INDEX IF EXISTS dilemma_search_document",
    "ALTER TABLE dilemmas_dilemma DROP COLUMN IF EXISTS search_audience",
    "ALTER TABLE dilemmas_dilemma DROP COLUMN IF EXISTS search_document",
]


def fill_audience(apps, schema_editor):
    """dilemmas.models.refresh_audiences for every shared dilemma (historical models have no methods)."""
    from django.db.models import Q
    from django.utils import timezone

    Dilemma = apps.get_model("dilemmas", "Dilemma")
    Consent = apps.get_model("organisations", "Consent")
    today = timezone.localdate()
    wanted: dict[tuple[int, str], set[str]] = {}
    consents = (
        Consent.objects.filter(subject__startswith="dilemma:", revoked_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values_list("organisation_id", "subject", "scope", "to_organisation_id", "to_alliance_id")
    )
    for org, subject, scope, to_organisation, to_alliance in consents.iterator():
        found = wanted.setdefault((org, subject), set())
        if scope == "organisation" and to_organisation is not None:
            found.add(f"vo{to_organisation}")
        elif scope == "alliance" and to_alliance is not None:
            found.add(f"va{to_alliance}")
        elif scope == "sector":
            found.add("vsector")
    for (org, subject), found in wanted.items():
        Dilemma.objects.filter(organisation_id=org, subject=subject).update(audience=" ".join(sorted(found)))


def create_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in [*SQLITE_DROP, *SQLITE_CREATE, *SQLITE_TRIGGERS, SQLITE_REBUILD]:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        for sql in POSTGRES_CREATE:
            schema_editor.execute(sql)


def drop_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in SQLITE_DROP if vendor == "sqlite" else POSTGRES_DROP if vendor == "postgresql" else []:
        schema_editor.execute(sql)


def drop_sqlite_search(apps, schema_editor):
    """Before the table is rebuilt: the view and triggers name its columns."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


def restore_old_search(apps, schema_editor):
    """Back to 0002's index (and 0003's triggers), once `audience` is gone again."""
    from importlib import import_module

    search = import_module("dilemmas.migrations.0002_search")
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in [*SQLITE_DROP, *search.CREATE, *search.TRIGGERS, search.REBUILD]:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("dilemmas", "Dilemma"), search.postgres_index())


class Migration(migrations.Migration):
    dependencies = [
        ("dilemmas", "0003_sector_library"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_search, restore_old_search),
        migrations.AddField(
            model_name="dilemma",
            name="audience",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RemoveIndex(model_name="dilemma", name="dilemmas_di_organis_0f9285_idx"),
        migrations.RemoveIndex(model_name="dilemma", name="dilemma_sector_library"),
        migrations.AddIndex(
            model_name="dilemma",
            index=models.Index(fields=["organisation", "status", "retired"], name="dilemma_visible_owner"),
        ),
        migrations.AddIndex(
            model_name="dilemma",
            index=models.Index(
                condition=models.Q(("in_sector_library", True)),
                fields=["in_sector_library", "status", "retired"],
                name="dilemma_visible_sector",
            ),
        ),
        migrations.AddIndex(
            model_name="dilemma",
            index=models.Index(
                fields=["subject", "organisation", "status", "retired", "sector_status"],
                name="dilemma_visible_shared",
            ),
        ),
        migrations.AddIndex(
            model_name="dilemma",
            index=models.Index(fields=["published_at", "created_at"], name="dilemma_listing"),
        ),
        migrations.RunPython(fill_audience, migrations.RunPython.noop),
        migrations.RunPython(create_search, drop_search),
    ]
