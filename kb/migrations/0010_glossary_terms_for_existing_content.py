"""A database that already has its content (themes) gets the glossary's initial terms from
fixtures/15_kb_glossary.yaml; load_initial_content, which loads only into an empty database,
would never add them there. An empty database is left to load_initial_content."""

from pathlib import Path

import yaml
from django.conf import settings
from django.db import migrations

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "15_kb_glossary.yaml"


def load_terms(apps, schema_editor):
    Theme = apps.get_model("kb", "Theme")
    GlossaryTerm = apps.get_model("kb", "GlossaryTerm")
    if not Theme.objects.exists() or GlossaryTerm.objects.exists() or not FIXTURE.exists():
        return
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    for entry in yaml.safe_load(FIXTURE.read_text(encoding="utf-8")) or []:
        if entry.get("model") != "kb.glossaryterm":
            continue
        fields = dict(entry["fields"])
        theme_key = fields.pop("theme", None)
        theme = themes.get(theme_key[0]) if theme_key else None
        GlossaryTerm.objects.create(
            term=fields.get("term_fr") or fields.get("term_en") or "",
            definition=fields.get("definition_fr") or fields.get("definition_en") or "",
            theme=theme,
            **fields,
        )


class Migration(migrations.Migration):
    dependencies = [("kb", "0009_glossary_term")]
    operations = [migrations.RunPython(load_terms, migrations.RunPython.noop)]
