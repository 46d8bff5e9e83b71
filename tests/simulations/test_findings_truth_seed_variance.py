"""Seed-variance findings stay true for their numbers: when the seed changes nothing no text
claims the best run overstates the pipeline, the checks are skipped when too few runs say
anything, and the reference checks compare with independent formulas that can fail."""

import math

import numpy as np
import pytest

from simulations.engine.seed_variance import (
    MIN_RUNS_FOR_CHECKS,
    SIMULATION,
    _expected_max_of_normals,
    _findings_and_checks,
)

SEEDS = range(20)
SMALL = {"n_samples": 150, "n_seeds": 10}
HARM = "Reporting only the best run would claim"


@pytest.mark.parametrize("vary", ["both", "model", "split"])
def test_runs_that_all_agree_claim_nothing(vary):
    """Cause off: a pipeline the seed does not change (every run scores the same)."""
    params = SIMULATION.validate({"vary": vary})
    for k in (3, 10, 30):
        findings, checks = _findings_and_checks(np.full(k, 0.7), 100, params)
        text = " ".join(findings)
        assert HARM not in text and "the seed does not matter" in text
        assert "nan" not in text.lower()
        # No spread: no best run to place among K draws. (Were the splits to vary and still
        # give identical scores, the binomial check would rightly fail.)
        assert all(check.key != "best-of-k" for check in checks)
        if vary == "split" and k >= MIN_RUNS_FOR_CHECKS:
            assert not next(c for c in checks if c.key == "binomial-spread").passed


def test_the_best_run_claim_appears_on_most_seeds_at_the_defaults():
    claimed = sum(HARM in " ".join(SIMULATION.run(SMALL, seed=seed).findings) for seed in SEEDS)
    assert claimed >= 18


def test_every_reference_check_passes_over_seeds_where_it_is_made():
    for seed in SEEDS:
        result = SIMULATION.run({**SMALL, "vary": "split"}, seed=seed)
        failed = [(c.key, c.expected, c.observed) for c in result.checks if not c.passed]
        assert not failed, (seed, failed)


def test_too_few_runs_get_no_badge():
    result = SIMULATION.run({**SMALL, "n_seeds": MIN_RUNS_FOR_CHECKS - 1, "vary": "split"}, seed=0)
    assert result.checks == []


def test_best_of_k_check_can_fail_on_an_outlier():
    """One lucky run far above the rest (a best run far beyond K draws' expectation) fails."""
    params = SIMULATION.validate({"vary": "model"})
    accuracies = np.array([0.60, 0.61, 0.60, 0.62, 0.61, 0.60, 0.61, 0.62, 0.60, 0.95])
    _, checks = _findings_and_checks(accuracies, 100, params)
    check = next(c for c in checks if c.key == "best-of-k")
    assert check.kind == "reference" and not check.passed


def test_expected_maximum_matches_tabulated_values():
    assert _expected_max_of_normals(5) == pytest.approx(1.16296, abs=1e-4)
    assert _expected_max_of_normals(10) == pytest.approx(1.53875, abs=1e-4)
    assert _expected_max_of_normals(20) == pytest.approx(1.86748, abs=1e-4)
    assert math.isclose(_expected_max_of_normals(2), 1 / math.sqrt(math.pi), abs_tol=1e-6)
