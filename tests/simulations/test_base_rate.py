"""The base-rate simulation: sampled confusion counts against Bayes' rule."""

import json

import numpy as np
import pytest

from simulations.engine import ParamError, get

SIM = get("base-rate")
SEEDS = range(20)
SMALL = {"travellers": 20_000}


def _dump(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_defaults_run_and_serialise():
    result = SIM.run(seed=1)
    data = json.loads(_dump(result))
    assert {"metrics", "tables", "charts", "findings", "checks"} <= set(data)
    assert 2 <= len(result.findings) <= 5


def test_counts_add_up_to_the_travellers():
    result = SIM.run({"travellers": 5000}, seed=4)
    m = {x.key: x.value for x in result.metrics}
    assert (
        m["true_positives"] + m["false_positives"] + m["false_negatives"] + m["true_negatives"]
        == 5000
    )
    groups = next(t for t in result.tables if t.key == "by_group").rows
    assert sum(r["travellers"] for r in groups) == 5000
    assert sum(r["honest_flagged"] for r in groups) == m["false_positives"]


def test_same_seed_same_result_other_seed_other_samples():
    assert _dump(SIM.run(seed=7)) == _dump(SIM.run(seed=7))
    assert _dump(SIM.run(seed=7)) != _dump(SIM.run(seed=8))


@pytest.mark.parametrize(
    "accuracy, base_rate, expected",
    [(76, 0.1, 0.0032), (76, 1, 0.031), (76, 5, 0.143), (85, 1, 0.054), (85, 5, 0.230)],
)
def test_analytic_ppv_reproduces_worked_examples(accuracy, base_rate, expected):
    params = {
        "travellers": 1000,
        "base_rate": base_rate,
        "sensitivity": accuracy,
        "specificity": accuracy,
    }
    result = SIM.run(params, seed=0)
    assert result.metric("ppv_analytic").value == pytest.approx(expected, abs=0.0006)


def test_expected_counts_per_million():
    rows = next(t for t in SIM.run(seed=0, preset="iborderctrl-border-1pct").tables).rows
    expected = {r["outcome"]: r["expected"] for r in rows}
    assert expected["Liars flagged"] == pytest.approx(7600)
    assert expected["Honest travellers flagged"] == pytest.approx(237_600)


def test_low_ppv_and_reference_checks_hold_over_many_seeds():
    ppvs = []
    for seed in SEEDS:
        result = SIM.run(SMALL, seed=seed)
        ppvs.append(result.metric("ppv").value)
        assert all(c.passed for c in result.checks), seed
    assert np.mean(ppvs) == pytest.approx(0.031, abs=0.003)
    assert max(ppvs) < 0.05


@pytest.mark.parametrize(
    "params", [{"travellers": 32, "base_rate": 50}, {**SMALL, "group_b_drop": 15}]
)
def test_reference_checks_pass_over_many_seeds(params):
    for seed in range(15):
        failed = [c.key for c in SIM.run(params, seed=seed).checks if not c.passed]
        assert not failed, (seed, failed)


def test_every_preset_passes_its_checks():
    for preset in SIM.presets:
        assert all(c.passed for c in SIM.run(seed=0, preset=preset.slug).checks)


def test_less_accurate_group_gets_more_false_alarms():
    result = SIM.run({"group_b_drop": 10}, seed=5)
    rows = {r["group"]: r for r in next(t for t in result.tables if t.key == "by_group").rows}
    assert rows["Group B"]["fpr"] > rows["Group A"]["fpr"] + 0.05


@pytest.mark.parametrize(
    "params, field",
    [
        ({"travellers": 5}, "travellers"),
        ({"travellers": 1_000_001}, "travellers"),
        ({"base_rate": 0}, "base_rate"),
        ({"sensitivity": "high"}, "sensitivity"),
        ({"specificity": 100.5}, "specificity"),
        ({"group_b_share": 95}, "group_b_share"),
        ({"framing": "court"}, "framing"),
        ({"liars": 3}, "liars"),
    ],
)
def test_bad_parameters_rejected_by_name(params, field):
    with pytest.raises(ParamError) as info:
        SIM.run(params, seed=0)
    assert field in info.value.errors


def test_findings_follow_the_numbers():
    rare = SIM.run({"base_rate": 1}, seed=3).findings
    common = SIM.run({"base_rate": 50}, seed=3).findings
    assert rare != common
    assert "honest travellers were flagged" in rare[1]
    assert "Fewer honest travellers than liars" in common[1]
    assert "clearing everyone would have been right" in rare[2]
    trait = SIM.run(seed=3, preset="kosinski-auc-091").findings
    assert "people flagged" in trait[0]
    unequal = SIM.run({"group_b_drop": 10}, seed=3).findings
    assert any("group B" in f for f in unequal)
    assert not any("group B" in f for f in rare)
