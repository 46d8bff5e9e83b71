"""The missing-data simulation: schema, determinism, the biases theory predicts, validation."""

import json
import warnings

import numpy as np
import pytest
from django.utils import translation

from simulations.engine import ParamError, get
from simulations.engine.missing_data import SIMULATION
from simulations.i18n import localize

FAST = {"n_people": 800}


def _json(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_is_registered():
    assert get("missing-data") is SIMULATION


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
    rates = next(t for t in data["tables"] if t["key"] == "selection-rates")
    assert all(0 <= row["selection_rate"] <= 1 for row in rates["rows"])


def test_same_seed_same_result_other_seed_differs():
    assert _json(SIMULATION.run(FAST, seed=5)) == _json(SIMULATION.run(FAST, seed=5))
    assert _json(SIMULATION.run(FAST, seed=5)) != _json(SIMULATION.run(FAST, seed=6))


@pytest.mark.parametrize("preset", [p.slug for p in SIMULATION.presets])
def test_presets_run_and_their_checks_pass(preset):
    result = SIMULATION.run(FAST, seed=3, preset=preset)
    assert all(check.passed for check in result.checks)


@pytest.mark.parametrize(
    ("mechanism", "expected_check"),
    [("mcar", "mcar-drop-unbiased"), ("mar", "mar-model-recovers"), ("mnar", "mnar-drop-biased")],
)
def test_checks_pass_over_many_seeds(mechanism, expected_check):
    for seed in range(10):
        result = SIMULATION.run({**FAST, "mechanism": mechanism}, seed=seed)
        assert expected_check in {c.key for c in result.checks}
        failed = [c.key for c in result.checks if not c.passed]
        assert not failed, (seed, failed)


def test_dropping_rows_is_biased_under_mnar_not_mcar_over_many_seeds():
    mcar, mnar = [], []
    for seed in range(10):
        mcar.append(
            SIMULATION.run({**FAST, "mechanism": "mcar"}, seed=seed).metric("bias_drop").value
        )
        mnar.append(
            SIMULATION.run({**FAST, "mechanism": "mnar"}, seed=seed).metric("bias_drop").value
        )
    assert abs(np.mean(mcar)) < 0.3
    assert np.mean(mnar) > 2.0
    assert min(mnar) > 0


def test_bias_grows_with_the_missing_share():
    biases = [
        np.mean(
            [
                SIMULATION.run({**FAST, "missing_share": share}, seed=s).metric("bias_drop").value
                for s in range(4)
            ]
        )
        for share in (0.1, 0.4, 0.7)
    ]
    assert biases[0] < biases[1] < biases[2]


def test_mean_imputation_moves_group_b_selection_rate():
    result = SIMULATION.run({**FAST, "mechanism": "mcar"}, seed=1)
    assert result.metric("rate_b_mean").value > result.metric("rate_b_truth").value + 0.05


def test_findings_move_with_the_numbers():
    mcar = SIMULATION.run({**FAST, "mechanism": "mcar"}, seed=1).findings
    mnar = SIMULATION.run({**FAST, "mechanism": "mnar"}, seed=1).findings
    assert "within what sampling alone gives" in mcar[1]
    assert "overstates" in mnar[1]
    nothing = SIMULATION.run({**FAST, "missing_share": 0.0}, seed=1)
    assert "No income of group B is missing here" in nothing.findings[0]
    json.dumps(nothing.to_dict(), allow_nan=False)


def test_knn_imputer_runs():
    result = SIMULATION.run({**FAST, "imputer": "knn", "mechanism": "mar"}, seed=2)
    assert abs(result.metric("bias_model").value) < abs(result.metric("bias_drop").value)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"missing_share": 0.9}, "missing_share"),
        ({"strength": -1}, "strength"),
        ({"n_people": 100}, "n_people"),
        ({"n_people": 10.5}, "n_people"),
        ({"threshold": "high"}, "threshold"),
        ({"mechanism": "random"}, "mechanism"),
        ({"imputer": "median"}, "imputer"),
        ({"group": "B"}, "group"),
    ],
)
def test_bad_parameters_are_rejected_by_name(params, field):
    with pytest.raises(ParamError) as excinfo:
        SIMULATION.run(params, seed=0)
    assert field in excinfo.value.errors
