"""Small statistical helpers shared by the feedback-loop, leakage, base-rate, mass-surveillance,
hiring and spurious-correlation simulations (binomial tolerances, Bayes' rule, wording).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from fairlearn.metrics import MetricFrame

from .text import N_, Int, Msg, Num, Pct


def binomial_tolerance(p: float, n: int, z: float = 4.0) -> float:
    """Half-width of a generous acceptance band for a sampled proportion.

    Parameters
    ----------
    p : float
        The proportion the reference predicts.
    n : int
        The number of trials behind the sampled proportion.
    z : float
        How many standard errors to allow; 4 keeps false failures below 1 in 10,000 runs.

    Returns
    -------
    float
        ``z`` binomial standard errors plus one count's worth (``1/n``) for discreteness.
    """
    if n <= 0:
        return 1.0
    return z * math.sqrt(max(p * (1 - p), 0.0) / n) + 1 / n


def ppv(prevalence: float, sensitivity: float, specificity: float) -> float:
    """Positive predictive value by Bayes' rule.

    Parameters
    ----------
    prevalence : float
        Share of people who truly have the condition.
    sensitivity : float
        Share of those people the test flags (true-positive rate).
    specificity : float
        Share of everyone else the test clears (true-negative rate).

    Returns
    -------
    float
        P(condition | flagged); NaN when nobody can be flagged.
    """
    tp = prevalence * sensitivity
    fp = (1 - prevalence) * (1 - specificity)
    return tp / (tp + fp) if tp + fp > 0 else math.nan


def ratio_text(x: float) -> Msg:
    """A ratio for a sentence: '3.2 times' or 'about the same' (a translatable message)."""
    if not math.isfinite(x):
        return N_("infinitely many times")
    if abs(x - 1) < 0.05:
        return N_("about the same")
    return Msg("{ratio} times", ratio=Num(x, 1))


def count(x: float) -> Msg:
    """A count for a sentence, grouped per language: 12345.6 → '12,346' / '12 346'."""
    return Msg("{n}", n=Int(round(x)))


def compress(*columns: Any) -> tuple[list[np.ndarray], np.ndarray]:
    """Collapse rows of discrete columns into distinct rows and their counts.

    Binary-classification metrics depend only on how many rows share each
    (true label, decision, group) combination, so a :class:`fairlearn.metrics.MetricFrame`
    (or a scikit-learn metric) over the distinct rows, weighted by their counts, gives exactly
    the same numbers as over every row. Fairlearn 0.15 stacks each value of each column in
    Python, which costs seconds at 100,000 rows; a handful of weighted rows costs
    milliseconds.

    Parameters
    ----------
    *columns : array_like
        Equal-length 1-D arrays of discrete values (labels, decisions, group codes).

    Returns
    -------
    distinct : list of numpy.ndarray
        One array per input column, holding each distinct row once.
    counts : numpy.ndarray
        How many original rows each distinct row stands for.
    """
    uniques, codes = [], []
    for column in columns:
        values, inverse = np.unique(np.asarray(column), return_inverse=True)
        uniques.append(values)
        codes.append(inverse.ravel())
    shape = tuple(len(u) for u in uniques)
    flat = np.ravel_multi_index(codes, shape)
    counts = np.bincount(flat, minlength=int(np.prod(shape)))
    present = np.flatnonzero(counts)
    index = np.unravel_index(present, shape)
    return [u[i] for u, i in zip(uniques, index, strict=True)], counts[present]


def group_metrics(
    metrics: dict[str, Callable[..., float]],
    y_true: Any,
    y_pred: Any,
    groups: Any,
    *,
    weight: np.ndarray | None = None,
) -> MetricFrame:
    """A Fairlearn ``MetricFrame`` by group, computed on compressed, weighted rows.

    Parameters
    ----------
    metrics : dict of callables
        Metric functions accepting ``sample_weight`` (Fairlearn's and scikit-learn's do).
    y_true, y_pred : array_like of {0, 1}
        True labels and decisions.
    groups : array_like
        The sensitive feature.
    weight : numpy.ndarray, optional
        When given, the rows are already compressed (see :func:`compress`) and ``weight``
        holds how many people each stands for.

    Returns
    -------
    fairlearn.metrics.MetricFrame
        Identical values to a MetricFrame over every row.
    """
    if weight is None:
        (yt, yp, g), w = compress(y_true, y_pred, groups)
    else:
        yt, yp, g, w = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups), weight
    if len(yt) == 1:
        # Fairlearn refuses a single row ("Feature array has too many dimensions"), which
        # happens when every row is alike (10 honest travellers, none flagged): the same row
        # twice, each standing for half of it, gives the same weighted metrics.
        yt, yp, g = (np.repeat(a, 2) for a in (yt, yp, g))
        w = np.repeat(np.asarray(w, dtype=float) / 2, 2)
    return MetricFrame(
        metrics=metrics,
        y_true=yt,
        y_pred=yp,
        sensitive_features=g,
        sample_params={name: {"sample_weight": w} for name in metrics},
    )


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a proportion (95% by default).

    Parameters
    ----------
    successes, n : int
        Observed successes out of ``n`` trials.
    z : float
        Normal quantile of the interval.

    Returns
    -------
    tuple of float
        Lower and upper bounds; (0, 1) when ``n`` is 0.
    """
    if n == 0:
        return 0.0, 1.0
    phat = successes / n
    denom = 1 + z**2 / n
    centre = (phat + z**2 / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z**2 / (4 * n**2)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def hanley_mcneil_se(auc: float, n_pos: int, n_neg: int) -> float:
    """Standard error of an AUC (Hanley & McNeil 1982, Radiology 143:29–36).

    Parameters
    ----------
    auc : float
        The AUC.
    n_pos, n_neg : int
        Numbers of positive and negative cases.

    Returns
    -------
    float
        Infinite when either class is empty.
    """
    if n_pos == 0 or n_neg == 0:
        return math.inf
    q1 = auc / (2 - auc)
    q2 = 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc**2) + (n_neg - 1) * (q2 - auc**2)) / (
        n_pos * n_neg
    )
    return math.sqrt(max(var, 0.0))


def binomial_acceptance(n: int, p: float, alpha: float = 1e-4) -> tuple[int, int]:
    """Counts a Binomial(n, p) sample falls between with probability 1 − ``alpha``.

    The exact equal-tailed range, for a check that compares a sampled count with a
    probability from an independent formula: the check fails outside it (false failures
    about 1 in 10,000 runs by default). When the range is 0 to n, no count can fail and the
    sample is too small to check anything.

    Parameters
    ----------
    n : int
        Number of trials.
    p : float
        The probability the formula predicts.
    alpha : float
        Total probability left outside the range.

    Returns
    -------
    tuple of int
        The lowest and highest accepted counts.
    """
    from scipy.stats import binom

    if n <= 0:
        return 0, 0
    p = min(max(p, 0.0), 1.0)
    lo = int(binom.ppf(alpha / 2, n, p))
    hi = int(binom.isf(alpha / 2, n, p))
    return max(lo, 0), min(hi, n)


def two_proportion_z(k1: int, n1: int, k2: int, n2: int) -> float:
    """The pooled two-proportion z statistic of k2/n2 against k1/n1 (0 when undefined).

    A difference between two sampled rates is called real in a finding only when |z| exceeds
    a threshold (the callers use 3, a two-sided test at about 0.3%); otherwise the text says
    the difference is within chance.

    Parameters
    ----------
    k1, n1 : int
        Successes and trials in the first sample.
    k2, n2 : int
        Successes and trials in the second sample.

    Returns
    -------
    float
        Positive when the second rate is higher; 0 when either sample is empty or both rates
        are 0 or 1.
    """
    if n1 <= 0 or n2 <= 0:
        return 0.0
    pooled = (k1 + k2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var <= 0:
        return 0.0
    return (k2 / n2 - k1 / n1) / math.sqrt(var)


def distinct_pcts(a: float, b: float, max_digits: int = 3, min_digits: int = 0) -> tuple[Msg, Msg]:
    """Two shares as percentages with just enough decimals that unequal values print apart
    and no share short of 0 or 1 prints as '0%' or '100%'.

    Parameters
    ----------
    a, b : float
        Shares between 0 and 1.
    max_digits, min_digits : int
        The most and the fewest decimals used.

    Returns
    -------
    tuple of Msg
        e.g. (0.9896, 0.99) → ('98.96%', '99.00%'); (0.76, 0.5) → ('76%', '50%'), each
        carrying a :class:`Pct` with the decimals chosen, so French reads '98,96 %'.
    """

    def bad(x: float, text: str) -> bool:
        return (text.startswith("100") and x < 1) or (float(text[:-1]) == 0 and x > 0)

    def typed(digits: int) -> tuple[Msg, Msg]:
        return Msg("{p}", p=Pct(a, digits)), Msg("{p}", p=Pct(b, digits))

    for digits in range(min_digits, max_digits + 1):
        ta, tb = f"{100 * a:.{digits}f}%", f"{100 * b:.{digits}f}%"
        if (ta != tb or a == b) and not bad(a, ta) and not bad(b, tb):
            return typed(digits)
    return typed(max_digits)


def distinct_digits(a: float, b: float, max_digits: int = 3, min_digits: int = 0) -> int:
    """The decimals :func:`distinct_pcts` chooses for ``a`` and ``b`` (for :class:`Pct`)."""
    return distinct_pcts(a, b, max_digits, min_digits)[0].values["p"].digits
