"""Which stored runs stay, and pruning the rest (review M2: the run table grew without bound).

A run is stored once per (simulation, engine version, parameters, seed): the same inputs
always reuse one row (the key), so runs are deduplicated by construction. What grows is the
number of distinct inputs, chiefly "another seed" runs nobody looks at again. The policy
(settings.SIMULATION_RUN_RETENTION, documented in the README):

1. **Pinned, never pruned**: the runs the site itself points at, i.e. each simulation's
   default parameters and each preset (which quizzes and cases link to) at the default seed,
   for the current engine version; and any run whose permalink (``/simulations/runs/<key>/``
   or ``?run=<key>``) appears in a case, theme, quiz, question or choice.
2. **Kept**: a run someone came back to: its permalink opened an hour or more after it was made
   (``kept_at``). Pruned only when unused for ``KEPT_DAYS``.
3. **Everything else** (one-off runs): pruned when unused for ``UNKEPT_DAYS``, and beyond
   ``UNKEPT_MAX`` such runs the least recently used go first.

"Used" is ``last_used_at``: opening the permalink (page or API) or asking for the same inputs
again, recorded to the day. ``manage.py housekeeping`` prunes; deletes go in small batches so
that no write transaction holds SQLite's write lock for long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from . import engine
from .engine import ParamError
from .models import SimulationRun, run_key
from .services import DEFAULT_SEED

DELETE_BATCH = 500
CONTENT_APPS = ("kb", "quiz")
_KEY_IN_TEXT = re.compile(r"(?:runs/|run=)([0-9a-f]{64})")


@dataclass
class PruneReport:
    pinned: int = 0
    expired_unkept: int = 0
    over_cap: int = 0
    expired_kept: int = 0

    @property
    def deleted(self) -> int:
        return self.expired_unkept + self.over_cap + self.expired_kept


def policy() -> dict:
    return {"UNKEPT_DAYS": 7, "UNKEPT_MAX": 5000, "KEPT_DAYS": 730} | getattr(
        settings, "SIMULATION_RUN_RETENTION", {}
    )


def site_run_keys() -> set[str]:
    """Keys of the runs the site links to: defaults and presets at the default seed."""
    keys = set()
    for simulation in engine.REGISTRY.values():
        for preset in (None, *(p.slug for p in simulation.presets)):
            try:
                values = simulation.validate(None, preset=preset)
            except ParamError:
                continue
            keys.add(
                run_key(
                    slug=simulation.slug,
                    version=simulation.version,
                    params=values,
                    seed=DEFAULT_SEED,
                )
            )
    return keys


def content_run_keys() -> set[str]:
    """Keys of the runs whose permalink appears in teachers' content (any text field)."""
    keys = set()
    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.TextField | models.CharField)
                and not f.name.endswith("_html")
            ]
            if not fields:
                continue
            for row in model._default_manager.values_list(*fields).iterator(chunk_size=500):
                for value in row:
                    if value and ("runs/" in value or "run=" in value):
                        keys.update(_KEY_IN_TEXT.findall(value))
    return keys


def pinned_keys() -> set[str]:
    return site_run_keys() | content_run_keys()


def _delete(ids: list[int], *, dry_run: bool) -> int:
    if dry_run:
        return len(ids)
    deleted = 0
    for start in range(0, len(ids), DELETE_BATCH):
        batch = ids[start : start + DELETE_BATCH]
        deleted += SimulationRun.objects.filter(pk__in=batch).delete()[0]
    return deleted


def prune_runs(*, now=None, dry_run: bool = False) -> PruneReport:
    """Delete the runs the retention policy lets go; returns what was (or would be) deleted."""
    rules = policy()
    now = now or timezone.now()
    pinned = pinned_keys()
    candidates = SimulationRun.objects.exclude(key__in=pinned)
    report = PruneReport(pinned=SimulationRun.objects.filter(key__in=pinned).count())
    unkept = candidates.filter(kept_at__isnull=True)
    old = now - timedelta(days=rules["UNKEPT_DAYS"])
    expired = list(unkept.filter(last_used_at__lt=old).values_list("pk", flat=True))
    report.expired_unkept = _delete(expired, dry_run=dry_run)
    remaining = unkept.exclude(pk__in=expired) if dry_run else unkept
    surplus = list(
        remaining.order_by("-last_used_at", "-pk").values_list("pk", flat=True)[
            rules["UNKEPT_MAX"] :
        ]
    )
    report.over_cap = _delete(surplus, dry_run=dry_run)
    kept_old = now - timedelta(days=rules["KEPT_DAYS"])
    expired_kept = list(
        candidates.filter(kept_at__isnull=False, last_used_at__lt=kept_old).values_list(
            "pk", flat=True
        )
    )
    report.expired_kept = _delete(expired_kept, dry_run=dry_run)
    return report
