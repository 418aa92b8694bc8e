"""The full-text index of the dilemma library, in the database's own kind (dilemmas/search.py reads it).

SQLite: an FTS5 table over the dilemma table's titles and `search_text` (external content: the text
is not stored twice), with triggers that follow every insert, update and delete, and bm25 weights
that count a title four times. PostgreSQL: a GIN index on the same weighted tsvector expression the
search builds, so the planner uses it.

Careful: on SQLite, a later migration that changes dilemmas_dilemma in a way SQLite cannot ALTER
rebuilds the table and drops these triggers; such a migration must run TRIGGERS again. The test
tests/dilemmas/test_search.py::test_the_sqlite_index_follows_every_change fails when they are gone.
"""

from django.db import migrations

FTS = "dilemmas_dilemma_fts"
COLUMNS = "title_nl, title_en, search_text"
NEW = "new.title_nl, new.title_en, new.search_text"
OLD = "old.title_nl, old.title_en, old.search_text"

CREATE = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        {COLUMNS}, content='dilemmas_dilemma', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    # The persistent rank: bm25 with a title counting four times the rest.
    f"INSERT INTO {FTS}({FTS}, rank) VALUES ('rank', 'bm25(4.0, 4.0, 1.0)')",
]
TRIGGERS = [
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON dilemmas_dilemma BEGIN
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON dilemmas_dilemma BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
    END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE OF {COLUMNS} ON dilemmas_dilemma BEGIN
        INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
        INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
]
# Rows that existed before the index (none when this app is new; kept for a rebuild after trouble).
REBUILD = f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')"
POSTGRES_INDEX = "dilemma_search_gin"


def postgres_index():
    # The expression of dilemmas.search.postgres_vector() as it is today, frozen here like any migration.
    # If the search's expression changes, a new migration must rebuild this index (the PostgreSQL test
    # that reads the query plan fails otherwise).
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    vector = SearchVector("title_nl", "title_en", weight="A", config="simple") + SearchVector(
        "search_text", weight="B", config="simple"
    )
    return GinIndex(vector, name=POSTGRES_INDEX)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in [*CREATE, *TRIGGERS, REBUILD]:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("dilemmas", "Dilemma"), postgres_index())


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS}_{name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("dilemmas", "Dilemma"), postgres_index())


class Migration(migrations.Migration):
    dependencies = [("dilemmas", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
