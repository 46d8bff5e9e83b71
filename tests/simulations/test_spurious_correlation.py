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


# --- Two hospitals: Zech et al.'s "sort by hospital" (preset zech-hospital-shortcut) -----------

ZECH = "zech-hospital-shortcut"


@functools.cache
def _zech_runs():
    return [SIM.run(seed=s, preset=ZECH) for s in range(5)]


def test_zech_inputs_give_a_closed_form_inside_the_published_interval():
    from simulations.engine.spurious_correlation import hospital_rates, sort_by_source_auc

    prevalence, q1, q0 = hospital_rates(42_396 / 154_516, 0.342, 0.012)
    assert prevalence == pytest.approx(0.1025, abs=0.0001)
    assert (q1, q0) == (pytest.approx(0.915, abs=0.001), pytest.approx(0.201, abs=0.001))
    assert 0.855 <= sort_by_source_auc(q1, q0) <= 0.866  # Zech et al.'s 95% CI for 0.861
    assert round(42_396 / 154_516 * 100, 1) == 27.4  # the preset's share of Mount Sinai images


def test_zech_preset_reproduces_the_published_sort_by_hospital_auc():
    for result in _zech_runs():
        by_hospital = result.metric("auc_by_hospital").value
        assert by_hospital == pytest.approx(0.861, abs=0.02)
        checks = {c.key: c for c in result.checks}
        assert {"sort_by_hospital_closed_form", "zech_sort_by_hospital"} <= set(checks)
        assert all(c.passed for c in result.checks), [(c.key, c.observed) for c in result.checks]
        # Internal against external, as in Zech et al. (0.931 against 0.815).
        assert result.metric("auc_sample").value > result.metric("auc_population").value + 0.05
    internal = np.mean([r.metric("auc_sample").value for r in _zech_runs()])
    external = np.mean([r.metric("auc_population").value for r in _zech_runs()])
    assert internal == pytest.approx(0.931, abs=0.02)
    assert external == pytest.approx(0.815, abs=0.04)


def test_zech_check_fails_when_the_published_number_is_off(monkeypatch):
    from simulations.engine import spurious_correlation

    for wrong in (0.80, 0.92):
        monkeypatch.setattr(spurious_correlation, "ZECH_SORT_AUC", wrong)
        checks = {c.key: c for c in SIM.run(seed=0, preset=ZECH).checks}
        assert not checks["zech_sort_by_hospital"].passed
        assert checks["sort_by_hospital_closed_form"].passed


def test_zech_check_fails_when_the_simulated_sorting_is_off(monkeypatch):
    from simulations.engine import spurious_correlation

    real = spurious_correlation.roc_auc_score

    def binary_score_wrong(y, score):
        if set(np.unique(score)) <= {0.0, 1.0}:  # the sort-by-hospital score only
            return 0.80
        return real(y, score)

    monkeypatch.setattr(spurious_correlation, "roc_auc_score", binary_score_wrong)
    checks = {c.key: c for c in SIM.run(seed=0, preset=ZECH).checks}
    assert not checks["zech_sort_by_hospital"].passed
    assert not checks["sort_by_hospital_closed_form"].passed


def test_zech_check_only_for_zech_hospitals():
    other = {
        "sample_from": "two-sources",
        "source_a_prevalence": 20.0,
        **SMALL,
    }
    keys = [c.key for c in SIM.run(other, seed=0).checks]
    assert "sort_by_hospital_closed_form" in keys and "zech_sort_by_hospital" not in keys
    assert "auc_by_hospital" not in [m.key for m in SIM.run(SMALL, seed=0).metrics]


@pytest.mark.parametrize(
    "hospitals",
    [
        {"source_a_share": 50.0, "source_a_prevalence": 20.0, "source_b_prevalence": 5.0},
        {"source_a_share": 10.0, "source_a_prevalence": 3.0, "source_b_prevalence": 40.0},
        {"source_a_share": 60.0, "source_a_prevalence": 15.0, "source_b_prevalence": 15.0},
    ],
)
def test_sort_by_hospital_matches_its_closed_form_over_seeds(hospitals):
    for seed in range(10):
        params = {"sample_from": "two-sources", **hospitals, **SMALL}
        result = SIM.run(params, seed=seed)
        assert all(c.passed for c in result.checks), (seed, result.checks)


def test_too_few_positives_with_two_hospitals_is_rejected_by_name():
    params = {
        "sample_from": "two-sources",
        "n_train": 1000,
        "source_a_share": 5.0,
        "source_a_prevalence": 1.0,
        "source_b_prevalence": 0.5,
    }
    with pytest.raises(ParamError) as info:
        SIM.run(params, seed=0)
    assert "source_a_prevalence" in info.value.errors
