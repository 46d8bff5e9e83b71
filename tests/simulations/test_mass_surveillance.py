"""The mass-surveillance simulation: Gender Shades' subgroup errors at city scale."""

import functools
import json

import numpy as np
import pytest

from simulations.engine import ParamError, get
from simulations.engine.mass_surveillance import ERROR_TABLE, SUBGROUPS

SIM = get("mass-surveillance")
SMALL = {"training_faces": 800}
SEEDS = range(12)


@functools.cache
def _runs(classifier):
    """One run per seed for this classifier, shared by the tests below."""
    return [SIM.run({**SMALL, "classifier": classifier}, seed=s) for s in SEEDS]


def _dump(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_defaults_run_and_serialise():
    result = SIM.run(seed=1)
    data = json.loads(_dump(result))
    assert {"metrics", "tables", "charts", "findings", "checks"} <= set(data)
    assert 2 <= len(result.findings) <= 5


def test_faces_and_errors_add_up():
    result = SIM.run({**SMALL, "faces_per_day": 50_000}, seed=2)
    rows = next(t for t in result.tables if t.key == "audit").rows
    assert sum(r["faces_per_day"] for r in rows) == 50_000
    assert sum(r["errors_per_day"] for r in rows) == result.metric("errors_per_day").value
    assert all(r["errors_per_day"] <= r["faces_per_day"] for r in rows)


def test_same_seed_same_result_other_seed_other_samples():
    assert _dump(SIM.run(SMALL, seed=7)) == _dump(SIM.run(SMALL, seed=7))
    assert _dump(SIM.run(SMALL, seed=7)) != _dump(SIM.run(SMALL, seed=8))


@pytest.mark.parametrize("classifier", ["microsoft", "facepp", "ibm"])
def test_gender_shades_checks_pass_over_many_seeds(classifier):
    runs = _runs(classifier)
    for result in runs:
        assert len(result.checks) == 5
        assert all(c.passed for c in result.checks), [c.observed for c in result.checks]
    for group in SUBGROUPS:
        key = f"error_{group.replace(' ', '_')}"
        mean = np.mean([r.metric(key).value for r in runs])
        rate = ERROR_TABLE[classifier][group] / 100
        faces = len(runs) * SIM.param("audit_per_subgroup").default
        assert mean == pytest.approx(rate, abs=4 * np.sqrt(rate * (1 - rate) / faces) + 1e-3)


def test_darker_women_bear_a_disproportionate_share_of_errors():
    for result in _runs("ibm"):
        rows = {r["subgroup"]: r for r in next(t for t in result.tables if t.key == "audit").rows}
        errors = sum(r["errors_per_day"] for r in rows.values())
        faces = sum(r["faces_per_day"] for r in rows.values())
        share_of_errors = rows["darker female"]["errors_per_day"] / errors
        share_of_faces = rows["darker female"]["faces_per_day"] / faces
        assert share_of_errors > 3 * share_of_faces


def test_minority_error_falls_as_its_training_share_grows():
    for result in _runs("ibm"):
        sweep = next(t for t in result.tables if t.key == "representation_sweep").rows
        minority = [r["error"] for r in sweep if r["group"] == "Minority group"]
        assert minority[0] > minority[-1] + 0.05


def test_presets_run_and_pass_checks():
    for preset in SIM.presets:
        assert all(c.passed for c in SIM.run(SMALL, seed=0, preset=preset.slug).checks)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"classifier": "acme"}, "classifier"),
        ({"audit_per_subgroup": 10}, "audit_per_subgroup"),
        ({"faces_per_day": 10_000_001}, "faces_per_day"),
        ({"darker_share": -1}, "darker_share"),
        ({"training_share": 60}, "training_share"),
        ({"training_faces": "lots"}, "training_faces"),
        ({"watchlist": 5}, "watchlist"),
    ],
)
def test_bad_parameters_rejected_by_name(params, field):
    with pytest.raises(ParamError) as info:
        SIM.run(params, seed=0)
    assert field in info.value.errors


def test_findings_follow_the_numbers():
    ibm = SIM.run(SMALL, seed=3).findings
    microsoft = SIM.run({**SMALL, "classifier": "microsoft"}, seed=3).findings
    assert "IBM's classifier" in ibm[0] and "Microsoft's classifier" in microsoft[0]
    big = SIM.run({**SMALL, "faces_per_day": 1_000_000}, seed=3)
    assert f"{big.metric('errors_per_day').value:,} errors a day" in big.findings[1]
    assert ibm[1] != big.findings[1]
    no_dark = SIM.run({**SMALL, "darker_share": 0}, seed=3).findings
    assert "none of them from darker-skinned women" in no_dark[1]
