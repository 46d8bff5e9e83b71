"""Rebuild a site from a backup_site dump, into an empty (freshly migrated) database only."""

from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Migrate, then load a backup_site dump. Refuses a database that already has content or users."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file written by backup_site.")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such backup file: {path}")
        call_command("migrate", verbosity=0, interactive=False)
        occupied = [
            label
            for label, model in (
                ("case studies", apps.get_model("kb", "CaseStudy")),
                ("themes", apps.get_model("kb", "Theme")),
                ("users", get_user_model()),
            )
            if model.objects.exists()
        ]
        if occupied:
            raise CommandError(
                f"The database is not empty (it has {', '.join(occupied)}). Restore into an empty "
                "database: set DATABASE_URL to a new one, or drop and recreate it."
            )
        # The dump holds the history itself: recording new versions while loading would
        # duplicate it (m2m changes are not raw saves).
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(path), verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))
