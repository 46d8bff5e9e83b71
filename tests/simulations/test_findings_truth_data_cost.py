"""Data cost: every finding stays true for the numbers beside it, whatever the settings.

Causes off — no label noise, nothing to learn (separation 0), free labels and runs — the text
never claims the effect; at the defaults it claims each effect on most seeds. Whatever the
settings, the numbers a sentence quotes agree with the tables (a gain called "within chance"
is inside its band; the stopping point is followed only by batches that do not pay).
"""

import re

import pytest
from threadpoolctl import threadpool_limits

from simulations.engine.data_cost import DOES_NOT_PAY, PAYS, SIMULATION

SEEDS = range(20)
SMALL = {"features": 10, "batch": 100, "max_labels": 1000, "repeats": 8, "test_size": 2000}
RISING = {"features": 30, "batch": 60, "max_labels": 300, "repeats": 30, "test_size": 2000}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


def _rows(result, key):
    return next(t for t in result.tables if t.key == key).rows


def _number(text):
    return float(text.replace(",", ""))


def _assert_consistent(result, value_per_point=500.0):
    """The sentences quote the numbers the tables hold."""
    curve, pay, noise, euro, runs = result.findings
    expert_steps = [r for r in _rows(result, "marginal") if r["labels_from"] == "Expert labels"]
    flat = re.search(r"\(([+−])([\d.]+) points?\) is within .* \(±([\d.]+) points\)", curve)
    plateau = result.metric("plateau_labels").value
    if flat:
        assert _number(flat.group(2)) <= _number(flat.group(3)), curve
        assert f"From {plateau:,} labels on" in curve
    else:
        assert plateau is None and ("has not flattened" in curve or "lowered" in curve), curve
    stop = result.metric("stop_paying_labels").value
    if stop is not None:
        assert f"from {stop:,} labels on" in pay.lower()
        after = [r for r in expert_steps if r["labels"] > stop]
        assert after and all(r["verdict"] == DOES_NOT_PAY for r in after)
        assert all(r["gain_high"] * value_per_point < r["cost"] for r in after)
    paid = re.search(r"The batch up to ([\d,]+) labels was the last that surely paid", pay)
    if paid:
        row = next(r for r in expert_steps if r["labels"] == int(_number(paid.group(1))))
        assert row["verdict"] == PAYS and row["gain_low"] > 0
    if "Every batch up to" in pay:
        assert all(r["verdict"] == PAYS for r in expert_steps)
    gap = result.metric("noise_cost_points").value
    if "cost" in noise and "beyond chance" in noise:
        assert gap > 0
    if "win by" in euro:
        diff = result.metric("crowd_minus_expert_per_euro").value
        assert (diff > 0) == ("crowd labels win" in euro), (diff, euro)
    assert f"{result.metric('training_runs').value:,}" in runs or "runs (" in runs


def test_no_noise_never_claims_that_noise_cost_anything():
    for seed in SEEDS:
        result = SIMULATION.run({**SMALL, "crowd_noise": 0.0}, seed=seed)
        noise = result.findings[2]
        assert noise.startswith("With no wrong crowd labels"), noise
        assert result.metric("noise_cost_points").value == 0
        assert all(c.passed for c in result.checks)
        _assert_consistent(result)


def test_nothing_to_learn_never_claims_a_gain_or_a_winner():
    for seed in SEEDS:
        result = SIMULATION.run({**SMALL, "separation": 0.0}, seed=seed)
        curve, pay, noise, euro, _ = result.findings
        assert "no gain shows" in curve and "has not flattened" not in curve, (seed, curve)
        assert "surely paid" not in pay, (seed, pay)
        assert "beyond chance" not in noise, (seed, noise)
        assert "win by" not in euro, (seed, euro)
        assert all(c.passed for c in result.checks)
        _assert_consistent(result)


def test_free_labels_and_runs_say_so():
    params = {**SMALL, "expert_price": 0.0, "crowd_price": 0.0, "run_cost": 0.0}
    for seed in range(5):
        result = SIMULATION.run(params, seed=seed)
        _, pay, _, euro, runs = result.findings
        assert pay.startswith("Expert labels and training runs cost nothing here")
        assert euro.startswith("Crowd and experts charge the same here (€0 a label)")
        assert runs.startswith("Training runs are free here")
        assert "€" not in runs


def test_free_labels_preset_still_prices_the_runs():
    result = SIMULATION.run(seed=0, preset="free-labels")
    pay = result.findings[1]
    assert pay.startswith("Each batch of 250 expert labels costs €20 (€0 for the labels")


def test_defaults_claim_each_effect_on_most_seeds():
    counts = {"flat": 0, "stop": 0, "noise": 0, "crowd": 0}
    for seed in SEEDS:
        result = SIMULATION.run(seed=seed)
        curve, pay, noise, euro, _ = result.findings
        counts["flat"] += "no gain shows" in curve
        counts["stop"] += "stop paying" in pay
        counts["noise"] += "cost" in noise and "beyond chance" in noise
        counts["crowd"] += "crowd labels win" in euro
        _assert_consistent(result)
    assert min(counts.values()) >= 16, counts


def test_a_very_noisy_crowd_loses_per_euro_on_most_seeds():
    wins = 0
    for seed in SEEDS:
        result = SIMULATION.run(seed=seed, preset="noisy-crowd")
        assert "crowd labels win" not in result.findings[3]
        wins += "expert labels win" in result.findings[3]
    assert wins >= 16


def test_a_curve_still_rising_is_not_called_flat():
    rising = 0
    for seed in SEEDS:
        result = SIMULATION.run(RISING, seed=seed)
        _assert_consistent(result)
        rising += "has not flattened" in result.findings[0]
    assert rising >= 8  # the last batch of 60 labels often still adds beyond chance


def test_too_few_labels_for_the_dearer_option_is_said_not_computed():
    result = SIMULATION.run(seed=0, preset="iborderctrl-32")
    euro = result.findings[3]
    assert "experts would label only 3 examples" in euro and "by default" in euro
    assert result.metric("crowd_minus_expert_per_euro").value is None


def test_no_value_means_no_batch_pays():
    result = SIMULATION.run({**SMALL, "value_per_point": 0.0}, seed=0)
    assert "no batch can pay for itself" in result.findings[1]
    assert all(r["verdict"] != PAYS for r in _rows(result, "marginal"))
