"""Content written before the site spoke French is English: copy each translated field's
original column into its ``_en`` column (French stays empty and falls back, visibly, to it)."""

from django.db import migrations

FIELDS = {
    "theme": ("name", "definition", "explanation", "explanation_html"),
    "country": ("name",),
    "casestudy": (
        "title", "summary", "body", "body_html", "deployer", "developer",
        "discussion_questions", "discussion_html",
    ),
    "source": ("supports",),
    "keyfact": ("statement", "location", "note"),
    "timelineevent": ("text",),
}


def copy_to_english(apps, schema_editor, app_label="kb", fields=FIELDS):
    for model_name, names in fields.items():
        model = apps.get_model(app_label, model_name)
        for row in model.objects.all().iterator():
            changed = []
            for name in names:
                if not getattr(row, f"{name}_en") and getattr(row, name):
                    setattr(row, f"{name}_en", getattr(row, name))
                    changed.append(f"{name}_en")
            if changed:
                model.objects.filter(pk=row.pk).update(**{f: getattr(row, f) for f in changed})


class Migration(migrations.Migration):
    dependencies = [("kb", "0006_translations")]
    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
