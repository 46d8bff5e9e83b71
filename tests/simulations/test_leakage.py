"""The leakage simulation: a marker written after the outcome inflates test scores."""

import functools
import json

import numpy as np
import pytest

from simulations.engine import ParamError, get

SIM = get("leakage")
SMALL = {"people": 5000, "base_rate": 4.0}
SEEDS = range(20)


@functools.cache
def _runs():
    """One run per seed at SMALL, shared by the tests below."""
    return [SIM.run(SMALL, seed=s) for s in SEEDS]


def _dump(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_defaults_run_and_serialise():
    result = SIM.run(seed=1)
    data = json.loads(_dump(result))
    assert {"metrics", "tables", "charts", "findings", "checks"} <= set(data)
    assert 2 <= len(result.findings) <= 5
    for row in next(t for t in result.tables if t.key == "models").rows:
        assert 0 <= row["auc"] <= 1 and 0 <= row["accuracy"] <= 1


def test_same_seed_same_result_other_seed_other_samples():
    assert _dump(SIM.run(SMALL, seed=7)) == _dump(SIM.run(SMALL, seed=7))
    assert _dump(SIM.run(SMALL, seed=7)) != _dump(SIM.run(SMALL, seed=8))


def test_leak_inflates_testing_but_not_deployment_over_many_seeds():
    runs = _runs()
    tested = [r.metric("auc_tested").value for r in runs]
    deployed = [r.metric("auc_deployed").value for r in runs]
    clean = [r.metric("auc_clean").value for r in runs]
    assert min(np.subtract(tested, deployed)) > 0.1
    assert np.mean(tested) > np.mean(clean) + 0.1
    assert all(r.metric("weight_marker").value > 1 for r in runs)


def test_without_leak_testing_and_deployment_agree():
    runs = [SIM.run({**SMALL, "leak_strength": 0}, seed=s) for s in range(10)]
    gaps = [r.metric("auc_tested").value - r.metric("auc_deployed").value for r in runs]
    assert abs(np.mean(gaps)) < 0.03


def test_accuracy_is_no_better_than_always_no_at_low_base_rate():
    result = SIM.run({"base_rate": 0.5}, seed=3)
    assert result.metric("always_no_accuracy").value > 0.99
    models = {r["model"]: r for r in next(t for t in result.tables if t.key == "models").rows}
    assert (
        models["Model without the marker"]["accuracy"]
        <= result.metric("always_no_accuracy").value + 0.002
    )


def test_reference_checks_pass_over_many_seeds():
    runs = list(_runs()) + [
        SIM.run({**SMALL, "leak_strength": 30, "marker_false_rate": 10}, seed=s) for s in range(10)
    ]
    for result in runs:
        assert [c.key for c in result.checks] == ["always_no_accuracy", "marker_auc"]
        assert all(c.passed for c in result.checks), [c.observed for c in result.checks]


def test_presets_run_and_pass_checks():
    for preset in SIM.presets:
        assert all(c.passed for c in SIM.run(seed=0, preset=preset.slug).checks)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"people": 100}, "people"),
        ({"people": 200_001}, "people"),
        ({"base_rate": 0.0}, "base_rate"),
        ({"leak_strength": 101}, "leak_strength"),
        ({"signal": "strong"}, "signal"),
        ({"marker_false_rate": -1}, "marker_false_rate"),
        ({"leak": 1}, "leak"),
    ],
)
def test_bad_parameters_rejected_by_name(params, field):
    with pytest.raises(ParamError) as info:
        SIM.run(params, seed=0)
    assert field in info.value.errors


def test_findings_follow_the_numbers():
    leaky = SIM.run(SMALL, seed=2).findings
    fixed = SIM.run({**SMALL, "leak_strength": 0}, seed=2).findings
    assert "in testing but" in leaky[0]
    assert "Testing and deployment agree" in fixed[0]
    rare = SIM.run({**SMALL, "base_rate": 0.5}, seed=2)
    always_no = rare.metric("always_no_accuracy").value
    assert f"right {100 * always_no:.1f}% of the time" in rare.findings[1]
    assert "only about 0.5% of people" in rare.findings[1]
    assert rare.findings[1] != leaky[1]
