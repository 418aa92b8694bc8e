"""PostgreSQL: the guide's weighted documents stored, not computed for every page ranked.

Migration 0003 indexed the expression `guide.models.guide_page_vector()` (and the organisation pages' own): the
GIN index answers the match, but ranking computed the document again from the texts of every page that matched
(10 ms for a common word over the shipped guide). Now each table has a stored generated column
`search_document` with exactly that expression and a GIN index on it; the search ranks what is stored
(`fulltext.Index(document=...)`), as the dilemma library does (dilemmas migration 0004). The columns are not
fields of the models (Django would write them); SQLite is not touched (its FTS5 tables rank by bm25).
"""

from django.db import migrations


def weighted(*groups: tuple[str, list[str]]) -> str:
    parts = []
    for weight, columns in groups:
        text = " || ' ' || ".join(f"COALESCE({column}, '')" for column in columns)
        parts.append(f"setweight(to_tsvector('simple'::regconfig, {text}), '{weight}')")
    return " || ".join(parts)


TABLES = {
    "guide_guidepage": (
        "guide_page_search_gin",
        "guide_page_search_document",
        weighted(("A", ["title_nl", "title_en"]), ("B", ["summary_nl", "summary_en"]), ("C", ["search_text"])),
    ),
    "guide_organisationpage": (
        "guide_own_page_search_gin",
        "guide_own_page_search_document",
        weighted(("A", ["title"]), ("B", ["summary"]), ("C", ["search_text"])),
    ),
}


def store(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (old_index, new_index, document) in TABLES.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {old_index}")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({document}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {new_index} ON {table} USING gin (search_document)")


def compute(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (old_index, new_index, document) in TABLES.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {new_index}")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_document")
        schema_editor.execute(f"CREATE INDEX {old_index} ON {table} USING gin (({document}))")


class Migration(migrations.Migration):
    dependencies = [("guide", "0003_search")]
    operations = [migrations.RunPython(store, compute)]
