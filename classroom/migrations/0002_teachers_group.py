"""Teachers may create and run classes (each sees only their own: classroom.models.visible_to)."""

from django.db import migrations

from kb import teachers

CLASSROOM_PERMISSIONS = {
    "classroom": ("add", "change", "view", "delete"),
    "member": ("view", "delete"),
    "assignment": ("add", "change", "view", "delete"),
    "assignmentattempt": ("view",),
    "livesession": ("add", "change", "view", "delete"),
    "liveresponse": ("view",),
}


def grant(apps, schema_editor):
    teachers.grant(apps, "classroom", CLASSROOM_PERMISSIONS)


def revoke(apps, schema_editor):
    teachers.revoke(apps, "classroom", CLASSROOM_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("classroom", "0001_classes"),
        ("kb", "0002_teachers_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
