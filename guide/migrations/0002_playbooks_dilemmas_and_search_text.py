"""Related playbooks and dilemmas on a guide page, and the plain text the full-text index reads (migration 0003).

Pages already stored get their `search_text` here: the loader skips content files that did not change,
so it would not fill it. The words are read with the Markdown rules of today, frozen in `_plain` (like
guide.markdown.plain): no markup, no link addresses.
"""

import django.db.models.deletion
import framework.fulltext
from django.db import migrations, models


def _plain(text):
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    blocks = []
    for token in parser.parse(text):
        if token.type == "inline" and token.children:
            blocks.append(
                "".join(
                    " " if child.type in ("softbreak", "hardbreak") else child.content
                    for child in token.children
                    if child.type in ("text", "code_inline", "image", "softbreak", "hardbreak")
                )
            )
        elif token.type in ("code_block", "fence"):
            blocks.append(token.content.strip())
    return "\n".join(block for block in blocks if block)


def fill_search_text(apps, schema_editor):
    for page in apps.get_model("guide", "GuidePage").objects.all():
        page.search_text = _plain(page.body_nl) + "\n" + _plain(page.body_en)
        page.save(update_fields=["search_text"])
    for page in apps.get_model("guide", "OrganisationPage").objects.all():
        page.search_text = _plain(page.body)
        page.save(update_fields=["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ('guide', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='GuidePageEntry',
            fields=[
                ('page', models.OneToOneField(db_column='rowid', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='guide.guidepage')),
                ('document', framework.fulltext.FullTextDocument(db_column='guide_guidepage_fts')),
                ('rank', models.FloatField()),
            ],
            options={
                'db_table': 'guide_guidepage_fts',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='OrganisationPageEntry',
            fields=[
                ('page', models.OneToOneField(db_column='rowid', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='guide.organisationpage')),
                ('document', framework.fulltext.FullTextDocument(db_column='guide_organisationpage_fts')),
                ('rank', models.FloatField()),
            ],
            options={
                'db_table': 'guide_organisationpage_fts',
                'managed': False,
            },
        ),
        migrations.AddField(
            model_name='guidepage',
            name='related_dilemma',
            field=models.JSONField(blank=True, default=list, help_text='Slugs of starter dilemmas'),
        ),
        migrations.AddField(
            model_name='guidepage',
            name='related_playbook',
            field=models.JSONField(blank=True, default=list, help_text='Codes of framework playbooks'),
        ),
        migrations.AddField(
            model_name='guidepage',
            name='search_text',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='organisationpage',
            name='search_text',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
