"""python manage.py housekeeping [--dry-run]: every periodic clean-up, for cron (README).

1. Stored simulation runs: pruned by the retention policy (simulations.retention).
2. Course guesses (course.retention): anonymous ones past a session's life, and over a cap.
3. Classes inactive for CLASSROOM_RETENTION_DAYS (classroom.retention), with their students'
   attempts.
4. Expired sessions: Django's ``clearsessions`` (anonymous API submissions and quiz visitors
   each leave a session row).
5. Expired rows of every database cache (throttle counts, log-in failures and cached pages
   when a cache uses Django's DatabaseCache), which that backend culls only when it is full.
6. SQLite: the write-ahead log is checkpointed and truncated, so it does not keep the size
   of the busiest moment.
"""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, connections, router
from django.utils import timezone

from classroom.retention import prune_classes
from course.retention import prune_guesses
from simulations.retention import prune_runs


class Command(BaseCommand):
    help = (
        "Periodic clean-up: prune stored simulation runs (retention policy), clear expired "
        "sessions and expired database-cache rows, checkpoint SQLite's log. Run it from cron "
        "(see the README)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be deleted, delete nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        verb = "would delete" if dry_run else "deleted"
        report = prune_runs(dry_run=dry_run)
        self.stdout.write(
            f"Simulation runs: {verb} {report.deleted} "
            f"({report.expired_unkept} unused for too long, {report.over_cap} over the cap, "
            f"{report.expired_kept} kept runs unused for too long); "
            f"{report.pinned} pinned runs stay."
        )
        guesses = prune_guesses(dry_run=dry_run)
        self.stdout.write(
            f"Course guesses: {verb} {guesses} (anonymous past a session's life, or over the cap)."
        )
        classes = prune_classes(dry_run=dry_run)
        self.stdout.write(
            f"Classes: {verb} {classes.classes} inactive for "
            f"{settings.CLASSROOM_RETENTION_DAYS} days ({classes.students} students, "
            f"{classes.attempts} attempts)."
        )
        expired = Session.objects.filter(expire_date__lt=timezone.now()).count()
        if not dry_run:
            call_command("clearsessions")
        self.stdout.write(f"Sessions: {verb} {expired} expired.")
        for alias in settings.CACHES:
            cache = caches[alias]
            if isinstance(cache, DatabaseCache):
                count = self._clear_cache_table(cache, dry_run=dry_run)
                self.stdout.write(f"Cache “{alias}”: {verb} {count} expired rows.")
        if connection.vendor == "sqlite" and not connection.is_in_memory_db() and not dry_run:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.stdout.write("SQLite: write-ahead log checkpointed.")
        self.stdout.write(self.style.SUCCESS("Housekeeping done."))

    def _clear_cache_table(self, cache: DatabaseCache, *, dry_run: bool) -> int:
        """Delete the expired rows, as DatabaseCache's own cull does (same SQL, same clock)."""
        db = router.db_for_write(cache.cache_model_class)
        ops = connections[db].ops
        table, expires = ops.quote_name(cache._table), ops.quote_name("expires")
        now = ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        with connections[db].cursor() as cursor:
            condition = f"FROM {table} WHERE {expires} < %s"
            if dry_run:
                cursor.execute(f"SELECT COUNT(*) {condition}", [now])
                return cursor.fetchone()[0]
            cursor.execute(f"DELETE {condition}", [now])
            return cursor.rowcount
