"""How long guesses are kept: an anonymous guess as long as a session lives (then nobody can
come back to it), a logged-in student's with the account; and never more than MAX_GUESSES
rows in all (the oldest anonymous ones go first). Run by ``manage.py housekeeping``."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Guess

MAX_GUESSES = 200_000


def prune_guesses(*, dry_run: bool = False, max_rows: int = MAX_GUESSES) -> int:
    """Delete expired and surplus guesses; returns how many (would be) deleted."""
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    expired = Guess.objects.filter(user__isnull=True, created_at__lt=cutoff)
    ids = set(expired.values_list("pk", flat=True))
    surplus = Guess.objects.count() - len(ids) - max_rows
    if surplus > 0:
        oldest = (
            Guess.objects.filter(user__isnull=True)
            .exclude(pk__in=ids)
            .order_by("created_at")
            .values_list("pk", flat=True)[:surplus]
        )
        ids.update(oldest)
    if not dry_run and ids:
        Guess.objects.filter(pk__in=list(ids)).delete()
    return len(ids)
