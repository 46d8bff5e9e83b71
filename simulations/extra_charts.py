"""Charts the Django layer adds to a stored run for the page (none yet)."""

from __future__ import annotations

from typing import Any


def extra_charts(run, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Charts drawn from a stored run's numbers, shown before the engine's charts."""
    return []
