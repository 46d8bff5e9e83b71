"""Let the Teachers group see stored simulation runs in the admin (view only)."""

from django.db import migrations

from kb import teachers

SIMULATIONS_PERMISSIONS = {"simulationrun": ("view",)}


def forwards(apps, schema_editor):
    teachers.grant(apps, "simulations", SIMULATIONS_PERMISSIONS)


def backwards(apps, schema_editor):
    teachers.revoke(apps, "simulations", SIMULATIONS_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("simulations", "0001_simulation_run"),
        ("kb", "0002_teachers_group"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
