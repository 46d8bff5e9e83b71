"""Create the Teachers group with add/change/view on knowledge-base content (no user management)."""

from django.db import migrations

from kb import teachers

KB_PERMISSIONS = {
    "theme": ("add", "change", "view"),
    "country": ("add", "change", "view"),
    "casestudy": ("add", "change", "view"),
    "source": ("add", "change", "delete", "view"),
    "keyfact": ("add", "change", "delete", "view"),
    "timelineevent": ("add", "change", "delete", "view"),
    "historicaltheme": ("view",),
    "historicalcasestudy": ("view",),
    "historicalsource": ("view",),
    "historicalkeyfact": ("view",),
    "historicaltimelineevent": ("view",),
}


def forwards(apps, schema_editor):
    teachers.grant(apps, "kb", KB_PERMISSIONS)


def backwards(apps, schema_editor):
    teachers.revoke(apps, "kb", KB_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
