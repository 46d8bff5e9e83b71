"""The interpretability simulation: a glass box beside a black box, explained with permutation
importance and partial dependence, on data where a proxy of a group carries signal."""

import functools
import json

import numpy as np
import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient
from threadpoolctl import threadpool_limits

from simulations.engine import ParamError, get
from simulations.engine import interpretability as module
from simulations.models import SimulationRun

SIM = get("interpretability")
SMALL = {"train_size": 2000, "population": 5000, "refits": 2}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


@functools.cache
def _run(seed=0, preset=None, **params):
    with threadpool_limits(limits=1):
        return SIM.run({**SMALL, **params} if not preset else params, seed=seed, preset=preset)


def _dump(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def _table(result, key):
    return next(t for t in result.tables if t.key == key)


def test_defaults_run_and_serialise():
    result = SIM.run(seed=1)
    data = json.loads(_dump(result))
    assert {"metrics", "tables", "charts", "findings", "checks"} <= set(data)
    assert len(result.findings) == 5
    assert {t.key for t in result.tables} >= {
        "coefficients",
        "rules",
        "importance",
        "partial-dependence",
        "stability",
        "performance",
        "selection",
    }
    for row in _table(result, "performance").rows:
        assert 0.5 < row["auc"] <= 1 and 0 <= row["accuracy"] <= 1


def test_same_seed_same_result_other_seed_other_result():
    assert _dump(SIM.run(SMALL, seed=7)) == _dump(SIM.run(SMALL, seed=7))
    assert _dump(SIM.run(SMALL, seed=7)) != _dump(SIM.run(SMALL, seed=8))


def test_delong_matches_the_auc_and_a_bootstrap():
    rng = np.random.default_rng(0)
    y = (rng.random(3000) < 0.3).astype(int)
    s1 = y + rng.standard_normal(3000)
    s2 = 0.5 * y + rng.standard_normal(3000)
    from sklearn.metrics import roc_auc_score

    auc1, auc2, se = module.delong(y, s1, s2)
    assert auc1 == pytest.approx(roc_auc_score(y, s1))
    assert auc2 == pytest.approx(roc_auc_score(y, s2))
    diffs = []
    for _ in range(300):
        i = rng.integers(0, 3000, 3000)
        diffs.append(roc_auc_score(y[i], s1[i]) - roc_auc_score(y[i], s2[i]))
    assert se == pytest.approx(np.std(diffs), rel=0.2)
    assert module.fast_auc(y, np.round(s1)) == pytest.approx(roc_auc_score(y, np.round(s1)))


def test_tree_rules_cover_the_training_set():
    result = _run(tree_depth=2)
    rows = _table(result, "rules").rows
    assert 1 <= len(rows) <= 4
    assert sum(r["people"] for r in rows) == SMALL["train_size"]
    assert all(0 <= r["risk"] <= 1 for r in rows)


def test_factor_c_is_seen_by_boosting_not_by_the_coefficient():
    result = _run()
    imp = {(r["model"], r["feature"]): r["importance"] for r in _table(result, "importance").rows}
    assert imp[("Gradient boosting", "factor C")] > 0.05
    assert abs(imp[("Logistic regression", "factor C")]) < 0.02
    curve = [
        r["risk"]
        for r in _table(result, "partial-dependence").rows
        if r["model"] == "Gradient boosting"
    ]
    assert curve[0] > curve[5] < curve[-1]  # the V


def test_the_proxy_carries_the_group_into_the_selection():
    result = _run()
    assert (
        result.metric("group_share_selected").value
        > result.metric("group_share_population").value + 0.1
    )
    off = _run(group_effect=0.0)
    assert (
        abs(off.metric("group_share_selected").value - off.metric("group_share_population").value)
        < 0.1
    )


def test_well_specified_check_runs_and_passes_over_seeds():
    for seed in range(5):
        result = SIM.run({**SMALL, "nonlinearity": 0.0, "proxy_link": 100.0}, seed=seed)
        check = next(c for c in result.checks if c.key == "coefficients_recover_truth")
        assert check.passed, (seed, check.observed)
    assert "coefficients_recover_truth" not in [c.key for c in _run().checks]


def test_well_specified_check_can_fail(monkeypatch):
    monkeypatch.setattr(module, "_wald_se", lambda model, x: np.full(5, 1e-6))
    result = SIM.run({**SMALL, "nonlinearity": 0.0, "proxy_link": 100.0}, seed=0)
    assert not next(c for c in result.checks if c.key == "coefficients_recover_truth").passed


def test_cnaf_preset_reproduces_36_percent():
    for seed in range(3):
        result = SIM.run(seed=seed, preset="cnaf-single-parents")
        check = next(c for c in result.checks if c.key == "cnaf_controlled_share")
        assert check.passed and check.kind == "reference", (seed, check.observed)
        share = result.metric("group_share_selected").value
        assert 0.2 < share < 0.55
        assert abs(result.metric("group_share_population").value - 0.16) < 0.01
        assert "Le Monde" in check.reference and "chosen" in check.reference


def test_cnaf_check_fails_without_the_single_parent_effect():
    result = SIM.run({"group_effect": 0.0}, seed=0, preset="cnaf-single-parents")
    check = next(c for c in result.checks if c.key == "cnaf_controlled_share")
    assert not check.passed, check.observed


def test_cnaf_check_only_at_the_published_setting():
    assert "cnaf_controlled_share" not in [c.key for c in _run().checks]


def test_every_preset_runs_and_passes_its_checks():
    for preset in SIM.presets:
        result = SIM.run(seed=0, preset=preset.slug)
        assert all(c.passed for c in result.checks), (preset.slug, result.checks)
    hiring = SIM.run(seed=0, preset="hiring-womens-proxy")
    assert (
        hiring.metric("group_share_selected").value < hiring.metric("group_share_population").value
    )


@pytest.mark.parametrize(
    "params, field, words",
    [
        ({"population": 2000, "top_share": 1.0}, "top_share", "too few to compare groups"),
        ({"train_size": 1000, "base_rate": 2.0}, "base_rate", "too few to fit a model"),
        ({"train_size": 1000, "group_share": 2.0}, "group_share", "are in the group: too few"),
        ({"tree_depth": 5}, "tree_depth", "between"),
        ({"refits": 1}, "refits", "between"),
        ({"proxy_link": "strong"}, "proxy_link", "number"),
        ({"proxy": 1}, "proxy", "Unknown parameter"),
    ],
)
def test_bad_parameters_rejected_by_name(params, field, words):
    with pytest.raises(ParamError) as info:
        SIM.run(params, seed=0)
    assert words in " ".join(info.value.errors[field])


def test_texts_cite_no_internal_documents():
    for preset in SIM.presets:
        assert "actsheet" not in preset.source and "papers.md" not in preset.source
    for check in SIM.run(seed=0, preset="cnaf-single-parents").checks:
        assert "actsheet" not in check.reference and "papers.md" not in check.reference


@pytest.mark.django_db
def test_form_runs_and_shows_the_cross_parameter_error(client):
    url = reverse("simulations:simulation-run", kwargs={"slug": SIM.slug})
    values = {k: str(v) for k, v in {**SIM.defaults(), **SMALL}.items()}
    response = client.post(url, {**values, "seed": "2"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Permutation importance" in page.content.decode()
    bad = client.post(url, {**values, "population": "2000", "top_share": "1", "seed": "1"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert 'id="id_top_share_error"' in html and "too few to compare groups" in html
    preset = client.post(url, {"preset": "no-proxy-signal"})
    assert preset.status_code == 302
    assert SimulationRun.objects.filter(slug=SIM.slug, preset="no-proxy-signal").exists()


@pytest.mark.django_db
def test_api_runs_and_returns_400_for_impossible_combinations():
    cache.clear()
    api = APIClient()
    url = f"/api/v1/simulations/{SIM.slug}/runs/"
    ok = api.post(url, {"params": SMALL, "seed": 3}, format="json")
    assert ok.status_code == 201, ok.content
    assert len(ok.json()["result"]["findings"]) == 5
    bad = api.post(url, {"params": {"population": 2000, "top_share": 1.0}}, format="json")
    assert bad.status_code == 400
    assert "params.top_share" in bad.json()["error"]["fields"]
    french = api.get(f"/api/v1/simulations/{SIM.slug}/?lang=fr")
    assert french.status_code == 200
    cache.clear()
