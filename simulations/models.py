"""Stored simulation runs: one row per (simulation, engine version, canonical params, seed)."""

import hashlib
import json
import re
from typing import Any

from django.db import models
from django.urls import reverse

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


class SimulationRun(models.Model):
    key = models.CharField(
        max_length=64,
        unique=True,
        db_index=True,
        editable=False,
        help_text="SHA-256 of the simulation, engine version, canonical parameters and seed.",
    )
    slug = models.SlugField(max_length=80, db_index=True, help_text="The simulation that ran.")
    version = models.CharField(max_length=20, help_text="The simulation's engine version.")
    params = models.JSONField(help_text="Every parameter, defaults filled in.")
    seed = models.PositiveBigIntegerField(help_text="Seed of the run's random generator.")
    preset = models.SlugField(
        max_length=80, blank=True, help_text="The preset the run started from, if any."
    )
    result = models.JSONField(help_text="Metrics, tables, charts, findings and checks.")
    duration_ms = models.PositiveIntegerField(help_text="How long the engine took, in ms.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "simulation run"

    def __str__(self):
        return f"{self.slug} (seed {self.seed})"

    def get_absolute_url(self):
        return reverse("simulations:run-detail", kwargs={"key": self.key})
