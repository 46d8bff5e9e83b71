"""The overfitting simulation: schema, determinism, memorisation, the iBorderCtrl interval."""

import json
import warnings

import numpy as np
import pytest
from django.utils import translation

from simulations.engine import ParamError, get
from simulations.engine.overfitting import SIMULATION
from simulations.i18n import localize

FAST = {"max_depth": 4}


def _json(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_is_registered():
    assert get("overfitting") is SIMULATION
    assert "iborderctrl" in SIMULATION.cases


def test_defaults_run_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = SIMULATION.run(seed=1)
    assert 2 <= len(result.findings) <= 5
    assert all(check.passed for check in result.checks)


def test_result_schema_is_json_with_charts_tied_to_tables():
    with translation.override("en"):  # stored texts are messages; the site renders them
        data = localize(json.loads(_json(SIMULATION.run(FAST, seed=2))))
    assert set(data) == {"metrics", "tables", "charts", "findings", "checks"}
    table_keys = {table["key"] for table in data["tables"]}
    for chart in data["charts"]:
        assert chart["table"] in table_keys
        assert chart["description"].endswith(".")
        spec = chart["spec"]
        assert spec["title"] and spec["data"]["values"]
        assert spec["encoding"]["x"]["title"] and spec["encoding"]["y"]["title"]
    for table in data["tables"]:
        assert all(0 <= row["accuracy"] <= 1 for row in table["rows"])


def test_same_seed_same_result_other_seed_differs():
    assert _json(SIMULATION.run(FAST, seed=5)) == _json(SIMULATION.run(FAST, seed=5))
    assert _json(SIMULATION.run(FAST, seed=5)) != _json(SIMULATION.run(FAST, seed=6))


def test_iborderctrl_preset_cites_its_numbers():
    preset = SIMULATION.preset("iborderctrl-32")
    assert preset.case == "iborderctrl"
    assert "give 32" in preset.source and "teaching values" in preset.source
    assert preset.params["n_people"] == 32


@pytest.mark.parametrize("preset", ["iborderctrl-32", "pure-noise"])
def test_small_study_checks_pass_over_many_seeds(preset):
    widths = []
    for seed in range(6):
        result = SIMULATION.run(FAST, seed=seed, preset=preset)
        failed = [c.key for c in result.checks if not c.passed]
        assert not failed, (seed, failed)
        widths.append(result.metric("panel_half_width").value)
    # The factsheet's ±15 points at n≈32 (binomial, p between 0.5 and 0.76).
    assert 0.13 < np.mean(widths) < 0.19


def test_large_study_preset_runs():
    result = SIMULATION.run(FAST, seed=3, preset="large-study")
    assert all(check.passed for check in result.checks)
    assert result.metric("panel_half_width").value < 0.05


def test_memorisation_gap_over_many_seeds():
    gaps = []
    for seed in range(6):
        result = SIMULATION.run(FAST, seed=seed)
        gaps.append(result.metric("train_unlimited").value - result.metric("fresh_unlimited").value)
    assert min(gaps) > 0.2


def test_more_people_less_optimism():
    small = np.mean(
        [
            SIMULATION.run({**FAST, "n_people": 30}, seed=s).metric("optimism").value
            for s in range(5)
        ]
    )
    large = np.mean(
        [
            SIMULATION.run({**FAST, "n_people": 400}, seed=s).metric("optimism").value
            for s in range(5)
        ]
    )
    assert small > large


def test_findings_move_with_the_numbers():
    small = SIMULATION.run(FAST, seed=1, preset="iborderctrl-32").findings
    large = SIMULATION.run(FAST, seed=1, preset="large-study").findings
    assert "±15 points" in small[-1]
    assert "±15 points" not in large[-1]
    assert small[0] != large[0]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"n_people": 10}, "n_people"),
        ({"n_people": 501}, "n_people"),
        ({"true_accuracy": 1.0}, "true_accuracy"),
        ({"max_depth": "deep"}, "max_depth"),
        ({"n_features": 2, "informative": 5}, "informative"),
        ({"noise": 0.1}, "noise"),
    ],
)
def test_bad_parameters_are_rejected_by_name(params, field):
    with pytest.raises(ParamError) as excinfo:
        SIMULATION.run(params, seed=0)
    assert field in excinfo.value.errors
