"""The vanishing-gradient simulation: schema, determinism, the effect, its checks, validation."""

import json
import warnings

import numpy as np
import pytest
from django.utils import translation

from simulations.engine import ParamError, get
from simulations.engine.vanishing_gradient import SIMULATION
from simulations.i18n import localize

SMALL = {"depth": 8, "width": 16, "steps": 10}


def _json(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_is_registered():
    assert get("vanishing-gradient") is SIMULATION


def test_defaults_run_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = SIMULATION.run(seed=1)
    assert 2 <= len(result.findings) <= 5
    assert result.checks and all(check.passed for check in result.checks)


def test_result_schema_is_json_with_charts_tied_to_tables():
    with translation.override("en"):  # stored texts are messages; the site renders them
        data = localize(json.loads(_json(SIMULATION.run(seed=2))))
    assert set(data) == {"metrics", "tables", "charts", "findings", "checks"}
    table_keys = {table["key"] for table in data["tables"]}
    for chart in data["charts"]:
        assert chart["table"] in table_keys
        assert chart["description"].endswith(".")
        spec = chart["spec"]
        assert spec["title"] and spec["data"]["values"]
        assert spec["encoding"]["x"]["title"] and spec["encoding"]["y"]["title"]
    for metric in data["metrics"]:
        assert metric["label"]


def test_same_seed_same_result_other_seed_differs():
    assert _json(SIMULATION.run(SMALL, seed=5)) == _json(SIMULATION.run(SMALL, seed=5))
    assert _json(SIMULATION.run(SMALL, seed=5)) != _json(SIMULATION.run(SMALL, seed=6))


@pytest.mark.parametrize("preset", [p.slug for p in SIMULATION.presets])
def test_presets_run_and_their_checks_pass(preset):
    result = SIMULATION.run({"steps": 10}, seed=3, preset=preset)
    assert all(check.passed for check in result.checks)


def test_sigmoid_gradient_vanishes_and_relu_he_does_not_over_many_seeds():
    sigmoid, relu = [], []
    for seed in range(15):
        params = {"depth": 10, "width": 32, "steps": 0}
        sigmoid.append(SIMULATION.run(params, seed=seed).metric("first_to_last").value)
        relu.append(
            SIMULATION.run({**params, "activation": "relu", "init": "he"}, seed=seed)
            .metric("first_to_last")
            .value
        )
    assert max(sigmoid) < 1e-3
    assert np.median(relu) > 0.1


def test_deeper_sigmoid_networks_vanish_more():
    ratios = [
        np.median(
            [
                SIMULATION.run({"depth": depth, "steps": 0}, seed=seed)
                .metric("first_to_last")
                .value
                for seed in range(5)
            ]
        )
        for depth in (3, 6, 12)
    ]
    assert ratios[0] > ratios[1] > ratios[2]


@pytest.mark.parametrize(
    "params",
    [
        {"activation": "sigmoid", "depth": 10, "width": 32, "steps": 0},
        {"activation": "tanh", "depth": 10, "width": 32, "steps": 0},
        {"activation": "relu", "init": "he", "depth": 12, "width": 32, "steps": 0},
        {"activation": "relu", "init": "he", "depth": 15, "width": 32, "steps": 0},
    ],
)
def test_checks_pass_over_many_seeds(params):
    for seed in range(20):
        result = SIMULATION.run(params, seed=seed)
        failed = [check.key for check in result.checks if not check.passed]
        assert not failed, (seed, failed)
    keys = {check.key for check in result.checks}
    if params["activation"] == "sigmoid":
        assert "sigmoid-vanishes" in keys
    if params["activation"] == "relu":
        assert "relu-he-stable" in keys


def test_findings_move_with_the_numbers():
    vanishing = SIMULATION.run({"steps": 10}, seed=1).findings[0]
    healthy = SIMULATION.run({"steps": 10, "activation": "relu", "init": "he"}, seed=1).findings[0]
    assert "times smaller" in vanishing
    assert "same order of magnitude" in healthy
    diverged = SIMULATION.run(
        {"activation": "relu", "init": "he", "learning_rate": 2.0, "depth": 20, "steps": 50},
        seed=1,
    )
    assert any("diverged" in finding for finding in diverged.findings)
    json.dumps(diverged.to_dict(), allow_nan=False)


def test_dead_relu_network_is_reported_not_crashed():
    result = SIMULATION.run({"activation": "relu", "init": "he", "depth": 30, "width": 4}, seed=0)
    json.dumps(result.to_dict(), allow_nan=False)
    assert 2 <= len(result.findings) <= 5


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"depth": 1}, "depth"),
        ({"depth": 31}, "depth"),
        ({"width": 200}, "width"),
        ({"steps": "many"}, "steps"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"activation": "softmax"}, "activation"),
        ({"depth": 2.5}, "depth"),
        ({"momentum": 0.9}, "momentum"),
    ],
)
def test_bad_parameters_are_rejected_by_name(params, field):
    with pytest.raises(ParamError) as excinfo:
        SIMULATION.run(params, seed=0)
    assert field in excinfo.value.errors
