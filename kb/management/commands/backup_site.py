"""Write a dump of everything (content, history, users, attempts, runs).

References to content types, permissions and other natural-keyed rows are written as natural
keys (they differ between databases); primary keys are kept, because the history tables refer to
their objects by id and a restored site must be identical.

The file is readable by its owner only (0600, in a 0700 directory when this command creates it):
it holds every password hash (salted, slow hashes; kept so that everyone can log in to a restored
site). API tokens, which work as passwords as they are, are left out unless ``--include-secrets``
is given; after a restore without them, teachers make new ones (``manage.py drf_create_token``).
The dump reads one snapshot of the database (a repeatable-read transaction on PostgreSQL, a read
transaction on SQLite, which does not block writers), so rows written during a long dump cannot
appear without the rows they refer to.
"""

import os
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

# Rebuilt by `migrate` on the target site (pagecache holds only a cache generation number);
# everything else is dumped.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "pagecache"]
# Credentials that work as they are: left out unless asked for.
SECRETS = ["authtoken.token"]


@contextmanager
def _snapshot():
    """Every query inside reads the same snapshot of the database."""
    if connection.in_atomic_block:  # already inside a transaction (e.g. tests)
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # A plain BEGIN (deferred): a WAL read snapshot that, unlike Django's IMMEDIATE
        # transactions here, takes no write lock, so students' writes go on during the dump.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
    else:
        yield


@contextmanager
def _owner_only():
    """Files and directories created inside are readable by their owner only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


class Command(BaseCommand):
    help = (
        "Dump the whole site to a JSON file (.json, or compressed .json.gz/.json.xz) for "
        "restore_site. The file is readable by its owner only; API tokens are left out unless "
        "--include-secrets is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            help="Output path (default: backups/reality-check-<UTC timestamp>.json.gz).",
        )
        parser.add_argument(
            "--include-secrets",
            action="store_true",
            help="Also dump API tokens (they let anyone holding the file act as their owners).",
        )

    def handle(self, *args, file=None, include_secrets=False, **options):
        path = Path(file or f"backups/reality-check-{timezone.now():%Y%m%dT%H%M%SZ}.json.gz")
        if not path.name.endswith((".json", ".json.gz", ".json.xz", ".json.bz2")):
            raise CommandError(
                "The backup file name must end in .json, .json.gz, .json.xz or .json.bz2."
            )
        excluded = EXCLUDED + ([] if include_secrets else SECRETS)
        with _owner_only():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch(mode=0o600, exist_ok=True)
                path.chmod(0o600)  # an older file of that name keeps no wider mode
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc.strerror}.") from exc
            with _snapshot():
                call_command(
                    "dumpdata",
                    "--natural-foreign",
                    "--indent",
                    "1",
                    *[arg for label in excluded for arg in ("--exclude", label)],
                    "--output",
                    str(path),
                    verbosity=0,
                )
        note = "" if include_secrets else " (API tokens left out)"
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}{note}"))
