"""The asymmetric-costs simulation: schema, determinism, lab vs field, checks, validation."""

import json
import warnings

import numpy as np
import pytest

from simulations.engine import ParamError, get
from simulations.engine.asymmetric_costs import SIMULATION

FAST = {"n_lab": 1000, "n_field": 4000}


def _json(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_is_registered():
    assert get("asymmetric-costs") is SIMULATION
    assert all(preset.case == "killer-robots" for preset in SIMULATION.presets)
    assert all("not published" in preset.source for preset in SIMULATION.presets)


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
    rows = data["tables"][0]["rows"]
    assert len(rows) == 4
    assert all(0 <= row["civilians_per_1000"] <= 1000 for row in rows)


def test_same_seed_same_result_other_seed_differs():
    assert _json(SIMULATION.run(FAST, seed=5)) == _json(SIMULATION.run(FAST, seed=5))
    assert _json(SIMULATION.run(FAST, seed=5)) != _json(SIMULATION.run(FAST, seed=6))


@pytest.mark.parametrize("preset", [p.slug for p in SIMULATION.presets])
def test_presets_checks_pass_over_many_seeds(preset):
    for seed in range(10):
        result = SIMULATION.run(FAST, seed=seed, preset=preset)
        failed = [c.key for c in result.checks if not c.passed]
        assert not failed, (seed, failed)


def test_harm_tuning_spares_civilians_in_the_lab_and_field_is_worse_over_many_seeds():
    lab, field, lab_acc = [], [], []
    for seed in range(12):
        result = SIMULATION.run(FAST, seed=seed)
        lab.append(result.metric("lab_civilians_harm").value)
        lab_acc.append(result.metric("lab_civilians_accuracy").value)
        field.append(result.metric("field_civilians_harm").value)
    assert np.mean(lab) < np.mean(lab_acc)
    assert np.mean(field) > 3 * np.mean(lab)


def test_look_alikes_drive_field_errors():
    def field(share):
        return np.mean(
            [
                SIMULATION.run({**FAST, "lookalike_share": share}, seed=s)
                .metric("field_civilians_harm")
                .value
                for s in range(6)
            ]
        )

    assert field(0.0) < field(0.3) < field(0.6)


def test_findings_move_with_the_numbers():
    default = SIMULATION.run(FAST, seed=1).findings
    equal = SIMULATION.run({**FAST, "cost_ratio": 1.0}, seed=1).findings
    like_lab = SIMULATION.run(FAST, seed=1, preset="field-like-lab").findings
    assert "times the lab figure" in default[1]
    assert "cost ratio of 1" in equal[0]
    assert default[1] != like_lab[1]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cost_ratio": 0.5}, "cost_ratio"),
        ({"cost_ratio": 101}, "cost_ratio"),
        ({"field_target_share": 0}, "field_target_share"),
        ({"lookalike_share": "some"}, "lookalike_share"),
        ({"n_field": 60000}, "n_field"),
        ({"n_lab": 700.5}, "n_lab"),
        ({"weapon": "drone"}, "weapon"),
    ],
)
def test_bad_parameters_are_rejected_by_name(params, field):
    with pytest.raises(ParamError) as excinfo:
        SIMULATION.run(params, seed=0)
    assert field in excinfo.value.errors
