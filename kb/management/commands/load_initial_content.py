"""Load the site's initial content from fixtures/ into an empty database, and only then."""

import io
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def render_loaded_markdown() -> int:
    """Fill the *_html fields that raw loading (which bypasses save()) leaves empty."""
    from config.translation_support import localized
    from kb.markdown import render_markdown

    Theme = apps.get_model("kb", "Theme")
    CaseStudy = apps.get_model("kb", "CaseStudy")
    count = 0
    pairs = {
        Theme: [("explanation", "explanation_html")],
        CaseStudy: [("body", "body_html"), ("discussion_questions", "discussion_html")],
    }
    for model, fields in pairs.items():
        sources = [name for source, _ in fields for name in localized(source)]
        for row in model.objects.only("pk", *sources):
            update = {}
            for source, target in fields:
                for src, dst in zip(localized(source), localized(target), strict=True):
                    text = getattr(row, src) or ""
                    update[dst] = render_markdown(text) if text else ""
            model.objects.filter(pk=row.pk).update(**update)
            count += 1
    return count


class Command(BaseCommand):
    help = (
        "Load fixtures/*.yaml (in name order) when the database holds no content yet. "
        "Later runs leave teachers' edits alone. Then runs load_quizzes, which has the same rule."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even if content exists (objects with the same natural key are overwritten).",
        )

    def handle(self, *args, force=False, **options):
        CaseStudy = apps.get_model("kb", "CaseStudy")
        Theme = apps.get_model("kb", "Theme")
        loaded = False
        if not force and (CaseStudy.objects.exists() or Theme.objects.exists()):
            self.stdout.write("Knowledge base already has content; fixtures not loaded.")
        else:
            files = sorted(FIXTURES_DIR.glob("*.yaml"))
            with transaction.atomic():
                if files:
                    call_command("loaddata", *[str(f) for f in files], verbosity=0)
                rendered = render_loaded_markdown()
                # loaddata saves raw, so no "created" version exists yet: record one per object,
                # so a teacher's first edit can be compared with (and reverted to) the original.
                call_command(
                    "populate_history",
                    "--auto",
                    verbosity=0,
                    stdout=io.StringIO(),
                    stderr=io.StringIO(),
                )
            self.stdout.write(f"Rendered Markdown of {rendered} themes and cases.")
            self.stdout.write(self.style.SUCCESS(f"Loaded {len(files)} fixture files."))
            loaded = True
        # The quiz app keeps its content in its own YAML format, loaded by its own command.
        if "load_quizzes" in get_commands():
            call_command("load_quizzes", *(["--force"] if force else []))
        # The course deck's slides name quizzes, so they come last.
        if "load_course" in get_commands():
            call_command("load_course", *(["--force"] if force else []))
        if loaded:
            # Text as the admin's forms save it (no phantom change at the first save), then each
            # case and quiz starts its history with one version shown as "initial content".
            from config.history import content_models, normalize_stored_text, record_initial_content

            if normalize_stored_text(content_models()):
                render_loaded_markdown()
            record_initial_content()
