"""The proxy-scoring simulation: schema, determinism, the disparity, its checks, validation."""

import json
import warnings

import numpy as np
import pytest

from simulations.engine import ParamError, get
from simulations.engine.proxy_scoring import SIMULATION

FAST = {"n_people": 800}


def _json(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_is_registered():
    assert get("proxy-scoring") is SIMULATION
    assert SIMULATION.cases == ("predictim",)


def test_defaults_run_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = SIMULATION.run(seed=1)
    assert 2 <= len(result.findings) <= 5
    assert all(check.passed for check in result.checks)


def test_result_schema_is_json_with_charts_tied_to_tables():
    data = json.loads(_json(SIMULATION.run(FAST, seed=2)))
    assert set(data) == {"metrics", "tables", "charts", "findings", "checks"}
    table_keys = {table["key"] for table in data["tables"]}
    for chart in data["charts"]:
        assert chart["table"] in table_keys
        # A computed description is stored as a message: {"$t": English template, "v": values}.
        assert chart["description"]["$t"].endswith(".")
        spec = chart["spec"]
        assert spec["title"] and spec["data"]["values"]
        assert spec["encoding"]["x"]["title"] and spec["encoding"]["y"]["title"]
    parent = next(t for t in data["tables"] if t["key"] == "parent-view")
    assert all(1 <= row["score"] <= 5 for row in parent["rows"])


def test_same_seed_same_result_other_seed_differs():
    assert _json(SIMULATION.run(FAST, seed=5)) == _json(SIMULATION.run(FAST, seed=5))
    assert _json(SIMULATION.run(FAST, seed=5)) != _json(SIMULATION.run(FAST, seed=6))


@pytest.mark.parametrize("preset", [p.slug for p in SIMULATION.presets])
def test_presets_checks_pass_over_many_seeds(preset):
    for seed in range(8):
        result = SIMULATION.run(FAST, seed=seed, preset=preset)
        failed = [c.key for c in result.checks if not c.passed]
        assert not failed, (seed, failed)


def test_biased_labels_give_a_false_positive_gap_over_many_seeds():
    biased, control = [], []
    for seed in range(10):
        biased.append(SIMULATION.run(FAST, seed=seed).metric("fpr_gap").value)
        control.append(
            SIMULATION.run({**FAST, "annotator_bias": 0.0}, seed=seed).metric("fpr_gap").value
        )
    assert min(biased) > 0.05
    assert abs(np.mean(control)) < 0.03


def test_gap_grows_with_annotator_bias():
    gaps = [
        np.mean(
            [
                SIMULATION.run({**FAST, "annotator_bias": b}, seed=s).metric("fpr_gap").value
                for s in range(4)
            ]
        )
        for b in (0.1, 0.3, 0.5)
    ]
    assert gaps[0] < gaps[1] < gaps[2]


def test_findings_move_with_the_numbers():
    biased = SIMULATION.run(FAST, seed=1).findings
    control = SIMULATION.run(FAST, seed=1, preset="no-annotator-bias").findings
    assert "learned from the annotators' labels" in biased[1]
    assert "within what chance gives" in control[1]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"annotator_bias": 0.7}, "annotator_bias"),
        ({"marker_rate": -0.1}, "marker_rate"),
        ({"flag_score": 1}, "flag_score"),
        ({"flag_score": 6}, "flag_score"),
        ({"vectorizer": "bert"}, "vectorizer"),
        ({"n_people": "lots"}, "n_people"),
        ({"threshold": 0.5}, "threshold"),
    ],
)
def test_bad_parameters_are_rejected_by_name(params, field):
    with pytest.raises(ParamError) as excinfo:
        SIMULATION.run(params, seed=0)
    assert field in excinfo.value.errors
