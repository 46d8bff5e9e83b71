"""Store case text as the admin's form saves it (LF line ends, no surrounding white space).

Text loaded from the fixtures kept the final newline of YAML block scalars; the admin's form
strips it, so a teacher's first save showed changes to "Body" and "Discussion questions" that
nobody made (review 2026-12-01 §2.4). Normalised once here; the derived HTML is unaffected
(Markdown renders the same with or without the final newline).
"""

from django.db import migrations


def normalise(apps, schema_editor):
    from config.history import normalize_stored_text

    names = ["CaseStudy", "Source", "KeyFact", "TimelineEvent"]
    normalize_stored_text([apps.get_model("kb", name) for name in names])


class Migration(migrations.Migration):
    dependencies = [("kb", "0011_interface_strings_translatable")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
