"""Give the Teachers group add/change/view on quiz content and view on attempts and answers."""

from django.db import migrations

from kb import teachers

QUIZ_PERMISSIONS = {
    "quiz": ("add", "change", "view"),
    "question": ("add", "change", "delete", "view"),
    "choice": ("add", "change", "delete", "view"),
    "attempt": ("view",),
    "answer": ("view",),
    "answerchoice": ("view",),
    "historicalquiz": ("view",),
    "historicalquestion": ("view",),
    "historicalchoice": ("view",),
}


def forwards(apps, schema_editor):
    teachers.grant(apps, "quiz", QUIZ_PERMISSIONS)


def backwards(apps, schema_editor):
    teachers.revoke(apps, "quiz", QUIZ_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0001_initial"),
        ("kb", "0002_teachers_group"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
