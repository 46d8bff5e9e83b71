"""Small helpers shared by the proxy-scoring, asymmetric-costs, overfitting, vanishing-gradient,
seed-variance and missing-data simulations: number wording and chart tweaks."""

from __future__ import annotations

import math
from typing import Any


def log_axis(spec: dict[str, Any], channel: str = "y") -> dict[str, Any]:
    """Switch one positional channel of a Vega-Lite spec to a logarithmic scale, in place.

    Parameters
    ----------
    spec : dict
        A spec built by :mod:`simulations.engine.charts`.
    channel : {"x", "y"}
        The encoding channel to change.

    Returns
    -------
    dict
        The same spec, for chaining.
    """
    encoding = spec["encoding"][channel]
    encoding["scale"] = {**encoding.get("scale", {}), "type": "log"}
    encoding.setdefault("axis", {})["format"] = "~e"
    return spec


def times(ratio: float) -> str:
    """A ratio as words: 0.001 → '1,000 times smaller', 3.2 → '3.2 times larger'.

    Parameters
    ----------
    ratio : float
        A positive ratio (first / second).

    Returns
    -------
    str
    """
    if not math.isfinite(ratio) or ratio <= 0:
        return "incomparably smaller"
    if ratio < 1:
        inverse = 1 / ratio
        return f"{sig(inverse)} times smaller"
    return f"{sig(ratio)} times larger"


def sig(x: float) -> str:
    """Round to about two significant figures with thousands separators (12345 → '12,000').

    Parameters
    ----------
    x : float

    Returns
    -------
    str
    """
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    if abs(x) >= 1e9:
        return f"{x:.1e}"
    digits = 1 - int(math.floor(math.log10(abs(x))))
    value = round(x, digits)
    if digits <= 0:
        return f"{int(value):,}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def points(x: float) -> str:
    """A difference of proportions as percentage points: 0.0734 → '7.3 points'.

    Parameters
    ----------
    x : float

    Returns
    -------
    str
    """
    return f"{100 * abs(x):.1f} points"
