"""Create the database table of the "shared" cache (throttle and log-in counts), if one is configured.

`manage.py createcachetable` does this; running it from a migration means every `migrate` (the
README's deployment steps, `make run`, the test database) creates it. It creates only the tables
of database caches that are missing, so it is safe to run again; with REDIS_URL set there is none.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("pagecache", "0001_generation")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
