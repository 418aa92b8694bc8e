"""The full-text indexes of the guide, in the database's own kind (framework/fulltext.py and guide/models.py read them).

The same search as the dilemma library's (dilemmas/migrations/0002_search.py), one index per page kind:
the framework's pages (both languages) and organisations' own pages.

SQLite: FTS5 tables over the pages' titles, summaries and `search_text` (external content: the text is
not stored twice), with triggers that follow every insert, update and delete, and bm25 weights that
count a title four times and a summary twice. PostgreSQL: GIN indexes on the same weighted tsvector
expressions the search builds (guide.models.*_vector()), so the planner uses them.

Careful: on SQLite, a later migration that changes guide_guidepage or guide_organisationpage in a way
SQLite cannot ALTER (adding a NOT NULL column, say) rebuilds the table and drops these triggers; such a
migration must create them again. tests/guide/test_search.py::test_the_sqlite_indexes_follow_every_change
fails when they are gone.
"""

from django.db import migrations

TABLES = {
    # content table: (FTS table, indexed columns, bm25 weights per column)
    "guide_guidepage": (
        "guide_guidepage_fts",
        ["title_nl", "title_en", "summary_nl", "summary_en", "search_text"],
        "4.0, 4.0, 2.0, 2.0, 1.0",
    ),
    "guide_organisationpage": ("guide_organisationpage_fts", ["title", "summary", "search_text"], "4.0, 2.0, 1.0"),
}


def sqlite_statements(content, fts, columns, weights):
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"""CREATE VIRTUAL TABLE {fts} USING fts5(
            {names}, content='{content}', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3'
        )""",
        # The persistent rank: bm25 with the weights above.
        f"INSERT INTO {fts}({fts}, rank) VALUES ('rank', 'bm25({weights})')",
        f"""CREATE TRIGGER {fts}_insert AFTER INSERT ON {content} BEGIN
            INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});
        END""",
        f"""CREATE TRIGGER {fts}_delete AFTER DELETE ON {content} BEGIN
            INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});
        END""",
        f"""CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {content} BEGIN
            INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});
            INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});
        END""",
        # The pages stored before the index.
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def postgres_indexes():
    # The expressions of guide.models.guide_page_vector() and organisation_page_vector() as they are today,
    # frozen here like any migration. If the search's expression changes, a new migration must rebuild the
    # index (the PostgreSQL test that reads the query plan fails otherwise).
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    def vector(*groups):
        parts = [SearchVector(*columns, weight=weight, config="simple") for weight, columns in groups]
        result = parts[0]
        for part in parts[1:]:
            result = result + part
        return result

    return {
        "GuidePage": GinIndex(
            vector(("A", ["title_nl", "title_en"]), ("B", ["summary_nl", "summary_en"]), ("C", ["search_text"])),
            name="guide_page_search_gin",
        ),
        "OrganisationPage": GinIndex(
            vector(("A", ["title"]), ("B", ["summary"]), ("C", ["search_text"])),
            name="guide_own_page_search_gin",
        ),
    }


def create_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for content, (fts, columns, weights) in TABLES.items():
            for sql in sqlite_statements(content, fts, columns, weights):
                schema_editor.execute(sql)
    elif vendor == "postgresql":
        for model, index in postgres_indexes().items():
            schema_editor.add_index(apps.get_model("guide", model), index)


def drop_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for fts, _columns, _weights in TABLES.values():
            for name in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{name}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
    elif vendor == "postgresql":
        for model, index in postgres_indexes().items():
            schema_editor.remove_index(apps.get_model("guide", model), index)


class Migration(migrations.Migration):
    dependencies = [("guide", "0002_playbooks_dilemmas_and_search_text")]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
