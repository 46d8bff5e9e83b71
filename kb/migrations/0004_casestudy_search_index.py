"""The SQLite search index (kb.search): an FTS5 trigram table kept in step by triggers.

Nothing on other databases. kb.apps re-creates whatever a later table rebuild drops.
"""

from django.db import migrations


def create(apps, schema_editor):
    from kb import search

    search.ensure_index(schema_editor.connection)


def drop(apps, schema_editor):
    from kb import search

    search.drop_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0003_casestudy_title_index"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
