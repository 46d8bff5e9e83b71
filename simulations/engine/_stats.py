"""Small statistical helpers shared by the feedback-loop, leakage, base-rate, mass-surveillance,
hiring and spurious-correlation simulations (binomial tolerances, Bayes' rule, wording).
"""

from __future__ import annotations

import math


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


def ratio_text(x: float) -> str:
    """A ratio for a sentence: '3.2 times' or 'the same'."""
    if not math.isfinite(x):
        return "infinitely many times"
    if abs(x - 1) < 0.05:
        return "about the same"
    return f"{x:.1f} times"


def count(x: float) -> str:
    """A count for a sentence, with thousands separators: 12345.6 → '12,346'."""
    return f"{round(x):,}"
