"""Quizzes written before the site spoke French are English: copy each translated field's
original column into its ``_en`` column (French stays empty and falls back to it)."""

from django.db import migrations


FIELDS = {
    "quiz": ("title", "description", "description_html"),
    "question": (
        "title", "prompt", "prompt_html", "general_feedback", "general_feedback_html", "unit",
    ),
    "choice": ("text", "feedback", "feedback_html", "misconception"),
}


def copy_to_english(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("quiz", model_name)
        for row in model.objects.all().iterator():
            changed = {
                f"{name}_en": getattr(row, name)
                for name in names
                if not getattr(row, f"{name}_en") and getattr(row, name)
            }
            if changed:
                model.objects.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("quiz", "0004_translations")]
    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
