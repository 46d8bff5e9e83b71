"""The engine speed-ups of issue 15 compute exactly what the slower code computed.

Each fast path is compared with the straightforward computation it replaced, bit for bit.
"""

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.stats import norm

from simulations.engine import interpretability, seed_variance


def test_phi_and_big_phi_equal_scipy_stats_bit_for_bit():
    xs = np.concatenate(
        [np.linspace(-12, 12, 4001), np.random.default_rng(0).uniform(-12, 12, 4000)]
    ).tolist()
    assert all(seed_variance._phi(x) == norm.pdf(x) for x in xs)
    assert all(seed_variance._big_phi(x) == norm.cdf(x) for x in xs)


@pytest.mark.parametrize("k", [3, 8, 20, 30])
def test_expected_max_of_normals_unchanged(k):
    slow, _ = quad(lambda x: x * k * norm.pdf(x) * norm.cdf(x) ** (k - 1), -12, 12)
    assert seed_variance._expected_max_of_normals(k) == float(slow)


def _midrank(x):
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x))
    sorted_x = x[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_x)) + 1]
    ends = np.r_[starts[1:], len(x)]
    ranks[order] = np.repeat((starts + ends + 1) / 2, ends - starts)
    return ranks


def _placements_by_midranks(y, s):
    """The former implementation: three sorts, ranks among everyone minus within the class."""
    pos = y == 1
    sp, sn = s[pos], s[~pos]
    m, n = len(sp), len(sn)
    tz = _midrank(np.concatenate([sp, sn]))
    v10 = (tz[:m] - _midrank(sp)) / n
    v01 = 1 - (tz[m:] - _midrank(sn)) / m
    return float(v10.mean()), v10, v01


@pytest.mark.parametrize("levels", [None, 7, 2])
def test_placements_equal_midrank_placements_with_and_without_ties(levels):
    rng = np.random.default_rng(5)
    y = (rng.random(3000) < 0.3).astype(int)
    s = rng.random(3000)
    if levels:  # a tree's scores: few distinct values, many ties across the classes
        s = np.floor(s * levels) / levels
    fast = interpretability._placements(y, s)
    slow = _placements_by_midranks(y, s)
    assert fast[0] == slow[0]
    assert np.array_equal(fast[1], slow[1])
    assert np.array_equal(fast[2], slow[2])
