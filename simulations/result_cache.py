"""Results computed for a preview, kept a while so that keeping that run does not compute it again.

A preview (simulations.preview) computes exactly what a run of the same simulation version,
parameters and seed stores; when the student then keeps it ("Keep this run"), the run is stored
from this cache instead of taking a run slot and computing it a second time. Only the server
writes these entries.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache


def _key(slug: str, version: str, params: dict[str, Any], seed: int) -> str:
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(f"{slug}|{version}|{canonical}|{seed}".encode()).hexdigest()[:32]
    return f"sim-result:{digest}"


def timeout() -> int:
    return int(getattr(settings, "SIMULATIONS", {}).get("PREVIEW_CACHE_SECONDS", 600))


def remember(simulation, params: dict[str, Any], seed: int, result: dict, duration_ms: int):
    key = _key(simulation.slug, simulation.version, params, seed)
    cache.set(key, {"result": result, "duration_ms": duration_ms}, timeout())


def recall(simulation, params: dict[str, Any], seed: int) -> dict | None:
    """``{"result", "duration_ms"}`` of a preview of these inputs, or None."""
    return cache.get(_key(simulation.slug, simulation.version, params, seed))
