"""Stored simulation runs: one row per (simulation, engine version, canonical params, seed)."""

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_RE = re.compile(r"^[0-9a-f]{64}\Z")


def is_run_key(value: str) -> bool:
    """Whether ``value`` has the shape of a run key (64 lowercase hex digits): anything else,
    a NUL byte included, is answered 404 without a query."""
    return bool(KEY_RE.match(value))


def canonical_json(value: Any) -> str:
    """The one JSON spelling of ``value``: sorted keys, no spaces, non-ASCII kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def run_key(*, slug: str, version: str, params: dict[str, Any], seed: int) -> str:
    """Hex SHA-256 identifying a run: same simulation, version, params and seed → same key.

    ``params`` must be the canonical dict the engine's ``validate`` returns (types coerced,
    defaults filled), so that ``{"n": 10}`` and ``{"n": "10"}`` give one key.
    """
    payload = canonical_json(
        {"slug": slug, "version": str(version), "params": params, "seed": int(seed)}
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# The permalink was opened again this long after the run was made: someone kept it.
KEPT_AFTER = timedelta(hours=1)
# last_used_at is written at most this often per run, so reading a run rarely writes.
TOUCH_EVERY = timedelta(days=1)


class SimulationRunQuerySet(models.QuerySet):
    def touch(self, run: "SimulationRun", *, opened: bool = False) -> None:
        """Record that `run` was used (asked for again, or `opened` by its permalink).

        At most one UPDATE a day per run, and a run opened by its permalink an hour or more
        after it was made is marked kept. Bookkeeping never fails a read: if SQLite is busy
        with a long write, the mark waits for another day.
        """
        from config.sqlite.base import DatabaseBusy

        now = timezone.now()
        changes = {}
        if run.last_used_at is None or run.last_used_at < now - TOUCH_EVERY:
            changes["last_used_at"] = now
        if opened and run.kept_at is None and run.created_at <= now - KEPT_AFTER:
            changes["kept_at"] = now
        if not changes:
            return
        try:
            self.filter(pk=run.pk).update(**changes)
        except DatabaseBusy:
            return
        for name, value in changes.items():
            setattr(run, name, value)


class SimulationRun(models.Model):
    key = models.CharField(
        max_length=64,
        unique=True,
        db_index=True,
        editable=False,
        verbose_name=_("key"),
        help_text=_("SHA-256 of the simulation, engine version, canonical parameters and seed."),
    )
    slug = models.SlugField(
        max_length=80,
        db_index=True,
        verbose_name=_("simulation"),
        help_text=_("The simulation that ran."),
    )
    version = models.CharField(
        max_length=20, verbose_name=_("version"), help_text=_("The simulation's engine version.")
    )
    params = models.JSONField(
        verbose_name=_("parameters"), help_text=_("Every parameter, defaults filled in.")
    )
    seed = models.PositiveBigIntegerField(
        verbose_name=_("seed"), help_text=_("Seed of the run's random generator.")
    )
    preset = models.SlugField(
        max_length=80,
        blank=True,
        verbose_name=_("preset"),
        help_text=_("The preset the run started from, if any."),
    )
    result = models.JSONField(
        verbose_name=_("result"), help_text=_("Metrics, tables, charts, findings and checks.")
    )
    duration_ms = models.PositiveIntegerField(
        verbose_name=_("duration (ms)"), help_text=_("How long the engine took, in ms.")
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created"))
    last_used_at = models.DateTimeField(
        default=timezone.now,
        db_index=True,
        verbose_name=_("last used"),
        help_text=_(
            "When the run was last opened or asked for again (to a day): "
            "retention prunes the least recently used first."
        ),
    )
    kept_at = models.DateTimeField(
        null=True,
        blank=True,
        verbose_name=_("kept"),
        help_text=_(
            "When someone came back to the run's permalink, an hour or more after it "
            "was made: a kept run is pruned only after a much longer time unused."
        ),
    )

    objects = SimulationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("simulation run")
        verbose_name_plural = _("simulation runs")

    def __str__(self):
        return f"{self.slug} (seed {self.seed})"

    def get_absolute_url(self):
        return reverse("simulations:run-detail", kwargs={"key": self.key})
