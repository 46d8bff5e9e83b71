"""The data-cost simulation: a priced learning curve, crowd against expert labels, its checks,
its presets, and its parameter errors through the engine, the web form and the API."""

import functools
import json
import math

import numpy as np
import pytest
from django.core.cache import cache
from django.urls import reverse
from threadpoolctl import threadpool_limits

from simulations.engine import ParamError, get
from simulations.engine.data_cost import SIMULATION

SMALL = {"features": 10, "batch": 100, "max_labels": 1000, "repeats": 8, "test_size": 2000}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


def _dump(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


@functools.cache
def _default(seed=0):
    return SIMULATION.run(seed=seed)


def _rows(result, key):
    return next(t for t in result.tables if t.key == key).rows


def test_is_registered():
    assert get("data-cost") is SIMULATION
    assert "cost" in SIMULATION.themes


def test_defaults_run_and_serialise():
    result = _default()
    data = json.loads(_dump(result))
    assert set(data) == {"metrics", "tables", "charts", "findings", "checks"}
    assert len(result.findings) == 5
    curve = _rows(result, "curve")
    assert len(curve) == 2 * 20  # 20 label counts, two kinds of label
    for row in curve:
        assert 0.4 <= row["accuracy"] <= 1 and row["low"] <= row["accuracy"] <= row["high"]
        assert row["exact"] <= result.metric("best_possible").value + 1e-12
    assert result.metric("best_possible").value == pytest.approx(0.7734, abs=1e-4)


def test_same_seed_same_result_other_seed_other_samples():
    assert _dump(SIMULATION.run(SMALL, seed=7)) == _dump(SIMULATION.run(SMALL, seed=7))
    assert _dump(SIMULATION.run(SMALL, seed=7)) != _dump(SIMULATION.run(SMALL, seed=8))


def test_the_curve_rises_then_flattens_and_more_labels_cost_more():
    result = _default()
    experts = [r for r in _rows(result, "curve") if r["labels_from"] == "Expert labels"]
    acc = [r["accuracy"] for r in experts]
    assert acc[1] - acc[0] > 0.01  # the second batch buys more than a point
    assert acc[-1] - acc[-2] < 0.005  # the last a fraction of one
    spent = [r["spent"] for r in experts]
    assert spent == sorted(spent) and spent[0] == 250 * 1.0 + 20


def test_crowd_errors_cost_accuracy_at_equal_labels_and_win_per_euro():
    result = _default()
    assert result.metric("noise_cost_points").value > 0
    assert result.metric("crowd_minus_expert_per_euro").value > 0
    assert result.metric("budget").value == pytest.approx(5000 * 0.1)


def test_reference_checks_pass_over_many_seeds():
    for seed in range(20):
        for params in (SMALL, {**SMALL, "crowd_noise": 40.0, "separation": 2.5}):
            result = SIMULATION.run(params, seed=seed)
            keys = [c.key for c in result.checks]
            assert keys == ["test_vs_exact", "noisy_mean_gap", "crowd_error_rate"]
            assert all(c.passed for c in result.checks), (seed, [c.observed for c in result.checks])
            assert [c.kind for c in result.checks] == ["reference", "reference", "consistency"]


def test_exact_accuracy_check_can_fail(monkeypatch):
    from simulations.engine import data_cost

    monkeypatch.setattr(data_cost, "_exact", lambda model, separation: 0.5)
    checks = {c.key: c for c in SIMULATION.run(SMALL, seed=0).checks}
    assert not checks["test_vs_exact"].passed


def test_noisy_mean_gap_check_can_fail(monkeypatch):
    """Noise that is not symmetric (every wrong label says 1) moves the class means."""
    from simulations.engine import data_cost

    real_where = np.where

    def one_sided(condition, a, b):
        out = real_where(condition, a, b)
        if isinstance(a, np.ndarray) and condition.dtype == bool and condition.shape == a.shape:
            return real_where(condition, 1, b)
        return out

    monkeypatch.setattr(data_cost.np, "where", one_sided)
    checks = {c.key: c for c in SIMULATION.run({**SMALL, "crowd_noise": 30.0}, seed=0).checks}
    monkeypatch.undo()
    assert not checks["noisy_mean_gap"].passed


@pytest.mark.parametrize("preset", [p.slug for p in SIMULATION.presets])
def test_presets_run_and_pass_their_checks(preset):
    result = SIMULATION.run(seed=0, preset=preset)
    assert all(c.passed for c in result.checks), [c.observed for c in result.checks]


def test_presets_reproduce_their_numbers():
    ibc = SIMULATION.run(seed=0, preset="iborderctrl-32")
    curve = _rows(ibc, "curve")
    assert max(r["labels"] for r in curve) == 32  # the reported test size
    assert "32 people" in SIMULATION.preset("iborderctrl-32").source
    assert "assumptions" in SIMULATION.preset("iborderctrl-32").source
    free = SIMULATION.run(seed=0, preset="free-labels")
    assert free.metric("budget").value == 0
    assert free.metric("expert_batch_cost").value == 20  # one training run, labels free
    clean = SIMULATION.run(seed=0, preset="no-noise")
    assert clean.metric("noise_cost_points").value == 0
    noisy = SIMULATION.run(seed=0, preset="noisy-crowd")
    assert noisy.metric("crowd_minus_expert_per_euro").value < 0


def test_texts_cite_no_internal_documents():
    for preset in SIMULATION.presets:
        assert "actsheet" not in preset.source and "papers.md" not in preset.source
    for check in SIMULATION.run(SMALL, seed=0).checks:
        assert "actsheet" not in check.reference and "papers.md" not in check.reference


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"max_labels": 1050, "batch": 100}, "max_labels", "whole number of batches"),
        ({"max_labels": 5000, "batch": 100}, "max_labels", "from 2 to 20 batches"),
        ({"max_labels": 500, "batch": 500}, "max_labels", "from 2 to 20 batches"),
        ({"features": 50, "batch": 50, "max_labels": 500}, "batch", "at least 100 labels"),
        ({"crowd_noise": 50}, "crowd_noise", "between"),
        ({"repeats": 2}, "repeats", "between"),
        ({"features": 51}, "features", "between"),
        ({"expert_price": "cheap"}, "expert_price", "number"),
        ({"labels": 10}, "labels", "Unknown parameter"),
    ],
)
def test_bad_parameters_rejected_by_name(params, field, words):
    with pytest.raises(ParamError) as info:
        SIMULATION.run(params, seed=0)
    assert field in info.value.errors
    assert words in " ".join(info.value.errors[field])


def test_every_legal_extreme_runs():
    for params in (
        {"features": 1, "batch": 4, "max_labels": 8, "repeats": 3, "test_size": 500},
        {"features": 2, "batch": 4, "max_labels": 80, "repeats": 3, "separation": 0.0},
        {**SMALL, "crowd_noise": 45.0, "expert_price": 0.0, "crowd_price": 1000.0},
        {**SMALL, "run_cost": 0.0, "expert_price": 0.0, "crowd_price": 0.0},
        {**SMALL, "value_per_point": 0.0},
    ):
        for seed in range(3):
            result = SIMULATION.run(params, seed=seed)
            json.loads(_dump(result))
            assert 2 <= len(result.findings) <= 5


@pytest.mark.django_db
def test_impossible_combination_is_shown_next_to_the_field(client):
    values = {**SIMULATION.defaults(), "max_labels": 1050, "batch": 100}
    response = client.post(
        reverse("simulations:simulation-run", kwargs={"slug": SIMULATION.slug}),
        {**{k: str(v) for k, v in values.items()}, "seed": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_max_labels_error"' in html and "whole number of batches" in html


@pytest.mark.django_db
def test_form_runs_a_preset_and_the_run_page_shows_it(client):
    response = client.post(
        reverse("simulations:simulation-run", kwargs={"slug": SIMULATION.slug}),
        {"preset": "iborderctrl-32", "seed": "0"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Learning curves: accuracy by number of labels" in html
    assert "With expert labels, accuracy went from" in html


@pytest.mark.django_db
def test_api_runs_and_rejects_by_field():
    from rest_framework.test import APIClient

    cache.clear()
    api = APIClient()
    url = f"/api/v1/simulations/{SIMULATION.slug}/runs/"
    ok = api.post(url, {"preset": "iborderctrl-32", "seed": 3}, format="json")
    assert ok.status_code == 201
    body = ok.json()
    assert body["params"]["max_labels"] == 32 and 2 <= len(body["result"]["findings"]) <= 5
    bad = api.post(url, {"params": {"batch": 100, "max_labels": 1050}}, format="json")
    assert bad.status_code == 400
    assert "params.max_labels" in bad.json()["error"]["fields"]
    schema = next(s for s in api.get("/api/v1/simulations/").json() if s["slug"] == "data-cost")
    assert schema["params_schema"]["properties"]["crowd_noise"]["maximum"] == 45.0
    cache.clear()


def test_budget_arithmetic_when_experts_are_cheaper():
    result = SIMULATION.run({**SMALL, "expert_price": 0.1, "crowd_price": 1.0}, seed=0)
    assert result.metric("budget").value == pytest.approx(1000 * 0.1)
    value = result.metric("crowd_minus_expert_per_euro").value
    assert value is None or math.isfinite(value)
