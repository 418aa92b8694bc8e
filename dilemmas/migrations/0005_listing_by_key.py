from django.db import migrations, models


class Migration(migrations.Migration):
    """The library's order looked up by key: the visible ids sorted without reading their wide rows (SQLite)."""

    dependencies = [("dilemmas", "0004_search_visibility")]

    operations = [
        migrations.AddIndex(
            model_name="dilemma",
            index=models.Index(fields=["id", "published_at", "created_at"], name="dilemma_listing_by_key"),
        ),
    ]
