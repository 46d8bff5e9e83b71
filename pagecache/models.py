"""The content generation: one row whose value changes whenever public content may have changed."""

import secrets

from django.db import connection, models

ROW_ID = 1


class Generation(models.Model):
    """Part of every cached page's key, so one UPDATE retires every cached page at once.

    Kept in the database, not the cache: with the default local-memory cache each gunicorn
    worker has its own cache, and a teacher's edit is saved by one worker only. Every worker
    reads this row (one primary-key lookup) before serving a cached page.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "content generation"

    def __str__(self):
        return f"generation {self.value}"


def current_generation() -> int:
    """Read on every cached hit, so plain SQL: the ORM would cost more than the page itself."""
    table = connection.ops.quote_name(Generation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = %s", [ROW_ID])
        row = cursor.fetchone()
    return row[0] if row else 0


def bump_generation() -> None:
    """A new random value rather than +1: test databases roll back, and a counter would then
    come back to values whose pages another test left in a process-wide cache."""
    value = secrets.randbits(62)
    if not Generation.objects.filter(pk=ROW_ID).update(value=value):
        Generation.objects.update_or_create(pk=ROW_ID, defaults={"value": value})


def content_changed(sender, **kwargs) -> None:
    """Signal receiver (post_save, post_delete, m2m_changed) for every content model."""
    bump_generation()
