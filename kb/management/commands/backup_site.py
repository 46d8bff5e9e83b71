"""Write a dump of everything (content, history, users, attempts, runs).

References to content types, permissions and other natural-keyed rows are written as natural
keys (they differ between databases); primary keys are kept, because the history tables refer to
their objects by id and a restored site must be identical.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

# Rebuilt by `migrate` on the target site (pagecache holds only a cache generation number);
# everything else is dumped.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "pagecache"]


class Command(BaseCommand):
    help = "Dump the whole site to a JSON file (.json, or compressed .json.gz/.json.xz) for restore_site."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            help="Output path (default: backups/reality-check-<UTC timestamp>.json.gz).",
        )

    def handle(self, *args, file=None, **options):
        path = Path(file or f"backups/reality-check-{timezone.now():%Y%m%dT%H%M%SZ}.json.gz")
        if not path.name.endswith((".json", ".json.gz", ".json.xz", ".json.bz2")):
            raise CommandError(
                "The backup file name must end in .json, .json.gz, .json.xz or .json.bz2."
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot create {path.parent}: {exc.strerror}.") from exc
        call_command(
            "dumpdata",
            "--natural-foreign",
            "--indent",
            "1",
            *[arg for label in EXCLUDED for arg in ("--exclude", label)],
            "--output",
            str(path),
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
