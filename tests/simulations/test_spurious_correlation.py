"""The spurious-correlation simulation: high AUC on the sample, chance on the population."""

import functools
import json

import numpy as np
import pytest

from simulations.engine import ParamError, get
from simulations.engine.spurious_correlation import binormal_ppv

SIM = get("spurious-correlation")
SMALL = {"n_train": 3000, "n_population": 8000}
SEEDS = range(20)


@functools.cache
def _runs(**params):
    """One run per seed for these parameters, shared by the tests below."""
    return [SIM.run({**SMALL, **params}, seed=s) for s in SEEDS]


def _dump(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_defaults_run_and_serialise():
    result = SIM.run(seed=1)
    data = json.loads(_dump(result))
    assert {"metrics", "tables", "charts", "findings", "checks"} <= set(data)
    assert 2 <= len(result.findings) <= 5


def test_same_seed_same_result_other_seed_other_samples():
    assert _dump(SIM.run(SMALL, seed=7)) == _dump(SIM.run(SMALL, seed=7))
    assert _dump(SIM.run(SMALL, seed=7)) != _dump(SIM.run(SMALL, seed=8))


def test_auc_collapses_off_the_sample_over_many_seeds():
    runs = _runs()
    sample = [r.metric("auc_sample").value for r in runs]
    population = [r.metric("auc_population").value for r in runs]
    assert min(sample) > 0.75
    assert np.mean(population) == pytest.approx(0.5, abs=0.02)
    artefact = np.mean([r.metric("mean_artefact_weight").value for r in runs])
    face = np.mean([r.metric("face_weight").value for r in runs])
    assert artefact > 5 * face


def test_without_artefact_sample_and_population_agree():
    runs = _runs(artefact_strength=0.0, face_signal=0.6)
    gaps = [r.metric("auc_sample").value - r.metric("auc_population").value for r in runs]
    assert abs(np.mean(gaps)) < 0.02


def test_ppv_at_realistic_prevalence_is_low():
    ppvs = [r.metric("ppv_population").value for r in _runs()]
    assert np.mean(ppvs) == pytest.approx(0.07, abs=0.01)  # no better than the prevalence


def test_binormal_ppv_reproduces_worked_values():
    assert round(binormal_ppv(0.81, 0.07), 2) == 0.19
    assert round(binormal_ppv(0.91, 0.07), 2) == 0.41
    assert round(binormal_ppv(0.71, 0.07), 2) == 0.12
    assert round(binormal_ppv(0.81, 0.03), 2) == 0.09
    assert round(binormal_ppv(0.91, 0.03), 2) == 0.22


def test_reference_checks_pass_over_many_seeds():
    for result in _runs():
        assert [c.key for c in result.checks] == [
            "population_auc_ceiling",
            "sample_auc_closed_form",
        ]
        assert all(c.passed for c in result.checks), [c.observed for c in result.checks]
    for result in _runs(artefact_strength=0.0, face_signal=0.6):
        assert [c.key for c in result.checks] == ["population_auc_ceiling"]
        assert all(c.passed for c in result.checks), [c.observed for c in result.checks]


def test_presets_run_and_pass_checks():
    for preset in SIM.presets:
        assert all(c.passed for c in SIM.run(seed=0, preset=preset.slug).checks)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"n_train": 999}, "n_train"),
        ({"n_population": 200_001}, "n_population"),
        ({"artefact_strength": 1.5}, "artefact_strength"),
        ({"face_signal": "none"}, "face_signal"),
        ({"population_prevalence": 0}, "population_prevalence"),
        ({"sample_prevalence": 99}, "sample_prevalence"),
        ({"orientation": 1}, "orientation"),
    ],
)
def test_bad_parameters_rejected_by_name(params, field):
    with pytest.raises(ParamError) as info:
        SIM.run(params, seed=0)
    assert field in info.value.errors


def test_findings_follow_the_numbers():
    spurious = SIM.run(SMALL, seed=2).findings
    genuine = SIM.run({**SMALL, "artefact_strength": 0.0, "face_signal": 1.0}, seed=2).findings
    assert "on a population where the way photos were taken" in spurious[0]
    assert "about the same" in genuine[0]
    assert "leaned on how the photos were taken" in spurious[-1]
    assert "leaned on the facial feature" in genuine[-1]
    rare = SIM.run({**SMALL, "population_prevalence": 3.0}, seed=2).findings
    assert "3.0% positives" in rare[1] and "7.0% positives" in spurious[1]
