"""The content generation: one row whose value changes whenever public content may have changed."""

import secrets
import time

from django.db import connection, models
from django.utils.translation import gettext_lazy as _

ROW_ID = 1


class Generation(models.Model):
    """Part of every cached page's key, so one UPDATE retires every cached page at once.

    Kept in the database, not the cache: with the default local-memory cache each gunicorn
    worker has its own cache, and a teacher's edit is saved by one worker only. Every worker
    reads this row (one primary-key lookup) before serving a cached page, or, with
    PAGE_CACHE["GENERATION_MAX_AGE"] > 0, at most once per that many seconds.
    """

    value = models.BigIntegerField(verbose_name=_("value"), default=0)

    class Meta:
        verbose_name_plural = _("content generations")
        verbose_name = _("content generation")

    def __str__(self):
        return f"generation {self.value}"


# This process's last reading of the generation: (database name, value, monotonic expiry).
_last_read: tuple[str, int, float] | None = None


def current_generation(max_age: float = 0) -> int:
    """Read on every cached hit, so plain SQL: the ORM would cost more than the page itself.

    With `max_age` > 0 a reading is reused for that many seconds: on PostgreSQL the round trip
    is the largest part of serving a cached page. An edit saved by this process is seen at
    once (bump_generation forgets the reading); one saved by another process, within
    `max_age` seconds.
    """
    global _last_read
    database = str(connection.settings_dict["NAME"])
    now = time.monotonic()
    if max_age > 0 and _last_read is not None:
        name, value, expires = _last_read
        if name == database and now < expires:
            return value
    table = connection.ops.quote_name(Generation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = %s", [ROW_ID])
        row = cursor.fetchone()
    value = row[0] if row else 0
    if max_age > 0 and not connection.in_atomic_block:  # never keep an uncommitted value
        _last_read = (database, value, now + max_age)
    return value


def forget_generation() -> None:
    global _last_read
    _last_read = None


def bump_generation() -> None:
    """A new random value rather than +1: test databases roll back, and a counter would then
    come back to values whose pages another test left in a process-wide cache."""
    value = secrets.randbits(62)
    forget_generation()
    if not Generation.objects.filter(pk=ROW_ID).update(value=value):
        Generation.objects.update_or_create(pk=ROW_ID, defaults={"value": value})


def content_changed(sender, **kwargs) -> None:
    """Signal receiver (post_save, post_delete, m2m_changed) for every content model."""
    bump_generation()
