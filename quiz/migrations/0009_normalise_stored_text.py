"""Store quiz text as the admin's form saves it (see kb 0012): no phantom change at a first save."""

from django.db import migrations


def normalise(apps, schema_editor):
    from config.history import normalize_stored_text

    normalize_stored_text([apps.get_model("quiz", name) for name in ["Quiz", "Question", "Choice"]])


class Migration(migrations.Migration):
    dependencies = [("quiz", "0008_draft_answers")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
