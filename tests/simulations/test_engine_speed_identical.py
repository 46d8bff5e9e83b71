"""The engine speed-ups of issue 15 compute exactly what the slower code computed.

Each fast path is compared with the straightforward computation it replaced, bit for bit.
"""

import math

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


def _jsonable_by_isinstance(value):
    """The former ``_jsonable``: the isinstance chain alone."""
    import math

    from simulations.engine.text import Int, Msg, Num, Pct, Seq

    if isinstance(value, Msg | Int | Num | Pct | Seq):
        return _jsonable_by_isinstance(value.to_json())
    if isinstance(value, dict):
        return {str(k): _jsonable_by_isinstance(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable_by_isinstance(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return _jsonable_by_isinstance(value.tolist())
    return value


def test_jsonable_fast_path_equals_the_isinstance_chain():
    from simulations.engine import base
    from simulations.engine.text import Int, Msg, Pct

    value = {
        "s": "text",
        1: [0, True, None, 1.5, math.nan, -math.inf, np.float64(2.5), np.int64(3), np.bool_(0)],
        "msg": Msg("{n} of {p}", n=Int(3), p=Pct(0.25, 1)),
        "nested": ({"a": np.array([1.0, np.nan])}, [{"b": (1, "x")}]),
    }
    fast, slow = base._jsonable(value), _jsonable_by_isinstance(value)
    assert repr(fast) == repr(slow)
