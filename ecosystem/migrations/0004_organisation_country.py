import django.db.models.deletion
from django.db import migrations, models

from ecosystem.models import derive_countries_sql


def derive(apps, schema_editor):
    """The countries of the organisations already imported, as OrganisationCountry.objects.refresh() derives them."""
    table = apps.get_model("ecosystem", "OrganisationCountry")._meta.db_table
    relation = apps.get_model("ecosystem", "Relation")._meta.db_table
    country = apps.get_model("ecosystem", "ActivityCountry")._meta.db_table
    schema_editor.execute(derive_countries_sql(table, relation, country))


class Migration(migrations.Migration):
    dependencies = [
        ("ecosystem", "0003_graph_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrganisationCountry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("country", models.CharField(max_length=2, verbose_name="country")),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ecosystem.importedorganisation",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "organisation countries",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("country", "organisation"), name="ecosystem_organisation_country_once"
                    )
                ],
            },
        ),
        migrations.RunPython(derive, migrations.RunPython.noop),
    ]
