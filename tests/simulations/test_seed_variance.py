"""The seed-variance simulation: schema, determinism, the spread, its check, validation."""

import json
import warnings

import numpy as np
import pytest
from django.utils import translation

from simulations.engine import ParamError, get
from simulations.engine.seed_variance import SIMULATION
from simulations.i18n import localize

FAST = {"model": "tree", "n_seeds": 10, "n_samples": 200}


def _json(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_is_registered():
    assert get("seed-variance") is SIMULATION


def test_defaults_run_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = SIMULATION.run(seed=1)
    assert 2 <= len(result.findings) <= 5
    assert result.metric("worst_accuracy").value <= result.metric("mean_accuracy").value
    assert result.metric("mean_accuracy").value <= result.metric("best_accuracy").value


def test_mlp_warnings_do_not_leak():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SIMULATION.run({"model": "mlp", "n_seeds": 3, "n_samples": 100}, seed=4)


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
    runs = next(t for t in data["tables"] if t["key"] == "runs")
    assert len(runs["rows"]) == FAST["n_seeds"]
    assert all(0 <= row["accuracy"] <= 1 for row in runs["rows"])


def test_same_seed_same_result_other_seed_differs():
    assert _json(SIMULATION.run(FAST, seed=5)) == _json(SIMULATION.run(FAST, seed=5))
    assert _json(SIMULATION.run(FAST, seed=5)) != _json(SIMULATION.run(FAST, seed=6))


@pytest.mark.parametrize("preset", [p.slug for p in SIMULATION.presets])
def test_presets_run(preset):
    result = SIMULATION.run({"n_seeds": 5}, seed=3, preset=preset)
    assert all(check.passed for check in result.checks)


def test_best_run_overstates_the_mean_over_many_seeds():
    gains = [SIMULATION.run(FAST, seed=s).metric("best_minus_mean").value for s in range(15)]
    assert min(gains) > 0
    assert np.mean(gains) > 0.02


def test_more_tries_claim_more():
    few = np.mean(
        [
            SIMULATION.run({**FAST, "n_seeds": 3}, seed=s).metric("best_minus_mean").value
            for s in range(10)
        ]
    )
    many = np.mean(
        [
            SIMULATION.run({**FAST, "n_seeds": 30}, seed=s).metric("best_minus_mean").value
            for s in range(10)
        ]
    )
    assert many > few


def test_binomial_check_passes_over_many_seeds():
    params = {"model": "tree", "vary": "split", "n_seeds": 20, "n_samples": 300}
    for seed in range(20):
        result = SIMULATION.run(params, seed=seed)
        check = next(c for c in result.checks if c.key == "binomial-spread")
        assert check.passed, (seed, check.observed)


def test_findings_move_with_the_numbers():
    result = SIMULATION.run(FAST, seed=1)
    best = result.metric("best_accuracy").value
    assert f"{100 * best:.1f}%" in result.findings[1]
    other = SIMULATION.run({**FAST, "label_noise": 0.3}, seed=1)
    assert other.findings != result.findings


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"n_seeds": 2}, "n_seeds"),
        ({"n_seeds": 31}, "n_seeds"),
        ({"n_samples": 50}, "n_samples"),
        ({"test_share": 0.9}, "test_share"),
        ({"label_noise": "lots"}, "label_noise"),
        ({"model": "svm"}, "model"),
        ({"vary": True}, "vary"),
        ({"epochs": 3}, "epochs"),
    ],
)
def test_bad_parameters_are_rejected_by_name(params, field):
    with pytest.raises(ParamError) as excinfo:
        SIMULATION.run(params, seed=0)
    assert field in excinfo.value.errors
