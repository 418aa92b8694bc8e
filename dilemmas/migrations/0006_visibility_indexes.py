"""`subject` unique through a partial index, so that the visibility rule's consents are looked up in the covering
index (see Dilemma.Meta) instead of reading each dilemma's wide row; and the id added to the visibility rule's
indexes, for PostgreSQL's index-only scans; the library's order by key holds the filters' columns too.

On SQLite, changing the field rebuilds dilemmas_dilemma, and the rename at the end of a rebuild fails while a view
names the table: the search's view and triggers (0004) are dropped first and made again after. The FTS5 index
itself stays: it holds the same rows under the same ids.
"""

from importlib import import_module

from django.db import migrations, models

search = import_module("dilemmas.migrations.0004_search_visibility")


def drop_view_and_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in search.SQLITE_DROP:
            if not sql.startswith(f"DROP TABLE IF EXISTS {search.FTS}"):
                schema_editor.execute(sql)


def make_view_and_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in [search.SQLITE_CREATE[0], *search.SQLITE_TRIGGERS]:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("dilemmas", "0005_listing_by_key")]

    operations = [
        migrations.RunPython(drop_view_and_triggers, make_view_and_triggers),
        migrations.AlterField(
            model_name="dilemma",
            name="subject",
            field=models.CharField(editable=False, max_length=60),
        ),
        migrations.AddConstraint(
            model_name="dilemma",
            constraint=models.CheckConstraint(condition=~models.Q(subject=""), name="dilemma_has_subject"),
        ),
        migrations.AddConstraint(
            model_name="dilemma",
            constraint=models.UniqueConstraint(
                fields=["subject"], condition=~models.Q(subject=""), name="dilemma_subject_unique"
            ),
        ),
        migrations.RemoveIndex(model_name="dilemma", name="dilemma_visible_sector"),
        migrations.RemoveIndex(model_name="dilemma", name="dilemma_visible_shared"),
        migrations.AddIndex(
            model_name="dilemma",
            index=models.Index(
                condition=models.Q(in_sector_library=True),
                fields=["in_sector_library", "status", "retired", "id"],
                name="dilemma_visible_sector_ids",
            ),
        ),
        migrations.AddIndex(
            model_name="dilemma",
            index=models.Index(
                fields=["subject", "organisation", "status", "retired", "sector_status", "id"],
                name="dilemma_visible_shared_ids",
            ),
        ),
        migrations.RemoveIndex(model_name="dilemma", name="dilemma_listing_by_key"),
        migrations.AddIndex(
            model_name="dilemma",
            index=models.Index(
                fields=["id", "published_at", "created_at", "context", "languages"], name="dilemma_listing_filters"
            ),
        ),
        migrations.RunPython(make_view_and_triggers, drop_view_and_triggers),
    ]
