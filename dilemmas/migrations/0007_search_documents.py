"""PostgreSQL: the search documents in a table of their own, kept in its rows; no GIN index on the words.

Until now the weighted document and the visibility tokens were stored generated columns of the dilemma
table, each GIN-indexed. A common word ("partner") then cost twice: the GIN index's prefix match collected
the 41,000 matches of the whole sector (10 ms on 50,000 dilemmas) to intersect them with the ~3,500 the
reader may see, and ranking the 2,600 left read each ~4 KB document from TOAST (three chunks through the
TOAST index: 16–20 ms). Here (ADR 0026):

- `dilemmas_searchdocument` (dilemmas.models.SearchDocument, a table on PostgreSQL only): one row per
  dilemma, `document` kept in the row (STORAGE MAIN: a document stays inline unless the row outgrows a
  page), `audience` GIN-indexed. The search starts from the reader's tokens and checks their few thousand
  documents, read from the row, against the words: ~13 ms for "partner" where it was ~40.
- The document has no index: with one, the planner starts from the words again.
- A trigger writes the row on every insert and on every change of what it is made of (the columns of
  0004's WATCHED), another removes it with its dilemma; every way of writing (Django, bulk, SQL) is followed.
- The generated columns and their indexes go; existing rows' documents move over as they are.

SQLite is unchanged (its FTS5 table of 0004): the model's table is not created there (samen/routers.py).
"""

from importlib import import_module

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

visibility = import_module("dilemmas.migrations.0004_search_visibility")

TABLE = "dilemmas_searchdocument"
FUNCTION = "dilemmas_searchdocument_write"
WATCHED = [column.strip() for column in visibility.WATCHED.split(",")]


CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in WATCHED)
CREATE = [
    f"ALTER TABLE {TABLE} ALTER COLUMN document SET STORAGE MAIN",
    f"CREATE INDEX dilemma_search_audience_tokens ON {TABLE} USING gin (audience)",
    f"""CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {TABLE} WHERE dilemma_id = OLD.id;
            RETURN NULL;
        END IF;
        INSERT INTO {TABLE} (dilemma_id, document, audience) VALUES (NEW.id, {visibility.document("NEW.")}, {visibility.audience("NEW.")})
        ON CONFLICT (dilemma_id) DO UPDATE SET document = EXCLUDED.document, audience = EXCLUDED.audience;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {FUNCTION}_insert AFTER INSERT ON dilemmas_dilemma
        FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()""",
    f"""CREATE TRIGGER {FUNCTION}_update AFTER UPDATE OF {", ".join(WATCHED)} ON dilemmas_dilemma
        FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION {FUNCTION}()""",
    f"""CREATE TRIGGER {FUNCTION}_delete AFTER DELETE ON dilemmas_dilemma
        FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()""",
    f"INSERT INTO {TABLE} (dilemma_id, document, audience) SELECT id, {visibility.document()}, {visibility.audience()} FROM dilemmas_dilemma",
    *visibility.POSTGRES_DROP,
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS {FUNCTION}_{name} ON dilemmas_dilemma" for name in ("insert", "update", "delete")),
    f"DROP FUNCTION IF EXISTS {FUNCTION}()",
    *visibility.POSTGRES_CREATE,
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("dilemmas", "0006_visibility_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "dilemma",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="dilemmas.dilemma",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
                ("audience", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.RunPython(create, drop),
    ]
