"""Small helpers shared by the proxy-scoring, asymmetric-costs, overfitting, vanishing-gradient,
seed-variance, missing-data and later simulations: number wording and chart tweaks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from fairlearn.metrics import MetricFrame

from .text import N_, Int, Msg, Num, Pct, plural


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


def times(ratio: float) -> Msg:
    """A ratio as words: 0.001 → '1,000 times smaller', 3.2 → '3.2 times larger'.

    Parameters
    ----------
    ratio : float
        A positive ratio (first / second).

    Returns
    -------
    Msg
        English as a ``str``; translated by the site (``simulations.i18n``).
    """
    if not math.isfinite(ratio) or ratio <= 0:
        return N_("incomparably smaller")
    if ratio < 1:
        inverse = 1 / ratio
        return Msg("{n} times smaller", n=sig(inverse))
    return Msg("{n} times larger", n=sig(ratio))


def sig(x: float) -> Msg:
    """Round to about two significant figures with thousands separators (12345 → '12,000';
    French '12 000').

    Parameters
    ----------
    x : float

    Returns
    -------
    Msg
        The number as a message holding an :class:`Int` or :class:`Num` with the decimals
        shown (very large values stay in exponent notation, as written).
    """
    if x == 0 or not math.isfinite(x):
        return Msg("{n}", n=f"{x:g}")
    if abs(x) >= 1e9:
        return Msg("{n}", n=f"{x:.1e}")
    digits = 1 - int(math.floor(math.log10(abs(x))))
    value = round(x, digits)
    if digits <= 0:
        return Msg("{n}", n=Int(int(value)))
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    shown = len(text.partition(".")[2])
    return Msg("{n}", n=Num(value, shown) if shown else Int(int(round(value))))


def points(x: float) -> Msg:
    """A difference of proportions as percentage points: 0.0734 → '7.3 points'.

    Parameters
    ----------
    x : float

    Returns
    -------
    Msg
    """
    return Msg("{n} points", n=Num(100 * abs(x), 1))


def group_metric_frame(
    metrics: dict[str, Any], y_true: Any, y_pred: Any, sensitive_features: Any
) -> MetricFrame:
    """Fairlearn's :class:`~fairlearn.metrics.MetricFrame` on 0/1 labels, computed from counts.

    MetricFrame's per-row overhead grows with the number of records; for binary labels the
    metrics only depend on how many records share each (group, truth, decision), so the frame
    is built from those few combinations weighted by their counts. The values are identical.

    Parameters
    ----------
    metrics : dict of str to callable
        Fairlearn metrics that accept ``sample_weight`` (selection_rate, false_positive_rate, …).
    y_true, y_pred : array-like of 0/1
    sensitive_features : array-like
        Group label of each record.

    Returns
    -------
    fairlearn.metrics.MetricFrame
    """
    labels, group_idx = np.unique(np.asarray(sensitive_features), return_inverse=True)
    code = (group_idx * 2 + np.asarray(y_true, dtype=int)) * 2 + np.asarray(y_pred, dtype=int)
    combos, counts = np.unique(code, return_counts=True)
    return MetricFrame(
        metrics=metrics,
        y_true=(combos // 2) % 2,
        y_pred=combos % 2,
        sensitive_features=labels[combos // 4],
        sample_params={name: {"sample_weight": counts} for name in metrics},
    )


def g_pct(percent: float) -> Pct:
    """``f"{percent:g}%"`` as a typed percentage with the same decimals (0.5 → '0.5%')."""
    decimals = f"{percent:g}".partition(".")[2]
    return Pct(percent / 100, 0 if "e" in decimals else len(decimals))


def counted_points(x: float, digits: int = 1) -> Msg:
    """A difference of shares in percentage points, counted: 0.052 → '5.2 points', French
    '0,9 point' (singular below 2). The shown value, not the raw one, decides the form."""
    shown = round(100 * abs(x), digits)
    return plural("{size} points", "{size} points", int(shown), size=Num(shown, digits))
