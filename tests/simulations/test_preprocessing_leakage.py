"""The preprocessing-leakage simulation: selection fitted before cross-validation makes pure
noise look predictable; inside a pipeline it does not. Results, checks, errors, form and API."""

import json

import pytest
from threadpoolctl import threadpool_limits

from simulations.engine import ParamError, get

SIM = get("preprocessing-leakage")
SMALL = {"samples": 40, "features": 500, "selected": 20, "repeats": 4}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


def _dump(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_is_registered_with_its_case():
    assert SIM.cases == ("covid-chest-imaging",)
    assert "information-leakage" in SIM.themes
    assert "/en/simulations/leakage/" in SIM.explanation


def test_defaults_run_and_serialise():
    result = SIM.run(SMALL, seed=1)
    data = json.loads(_dump(result))
    assert {"metrics", "tables", "charts", "findings", "checks"} <= set(data)
    assert 2 <= len(result.findings) <= 5
    rows = next(t for t in result.tables if t.key == "procedures").rows
    assert [r["predictions"] for r in rows] == [160, 160]


def test_same_seed_same_result_other_seed_other_samples():
    assert _dump(SIM.run(SMALL, seed=7)) == _dump(SIM.run(SMALL, seed=7))
    assert _dump(SIM.run(SMALL, seed=7)) != _dump(SIM.run(SMALL, seed=8))


def test_wrong_way_far_above_chance_right_way_at_chance():
    for seed in range(5):
        result = SIM.run(SMALL, seed=seed)
        assert result.metric("accuracy_leaky").value > result.metric("chance_high").value
        assert all(c.passed for c in result.checks)
        assert result.metric("corr_leaky").value > 0.2
        assert abs(result.metric("corr_honest").value) < 0.1


def test_selection_matches_f_classif_ranking():
    """The fast score ranks features as scikit-learn's ANOVA F-test does."""
    import numpy as np
    from sklearn.feature_selection import f_classif

    from simulations.engine.preprocessing_leakage import _abs_correlation

    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((30, 300)), np.repeat([0, 1], 15)
    assert list(np.argsort(-_abs_correlation(x, y))[:20]) == list(
        np.argsort(-f_classif(x, y)[0])[:20]
    )


def test_esl_preset_reproduces_the_book_setting():
    preset = SIM.preset("esl-wrong-and-right-way")
    assert preset.params == {
        "samples": 50,
        "features": 5000,
        "selected": 100,
        "folds": 5,
        "repeats": 25,
        "preprocessing": "select",
    }
    result = SIM.run({"repeats": 5}, seed=0, preset="esl-wrong-and-right-way")
    assert result.metric("accuracy_leaky").value > 0.9
    assert all(c.passed for c in result.checks)


def test_honest_check_can_fail(monkeypatch):
    from simulations.engine import preprocessing_leakage as mod

    monkeypatch.setattr(mod, "binomial_acceptance", lambda n, p, alpha: (n, n))
    assert not SIM.run(SMALL, seed=0).checks[0].passed


def test_presets_run():
    for preset in ("small-imaging-study", "scaling-only"):
        result = SIM.run({"repeats": 2}, seed=0, preset=preset)
        assert 2 <= len(result.findings) <= 5 and all(c.passed for c in result.checks)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"samples": 19}, "samples"),
        ({"features": 10_001}, "features"),
        ({"selected": 0}, "selected"),
        ({"features": 100, "selected": 101}, "selected"),
        ({"samples": 20, "folds": 11}, "folds"),
        ({"repeats": 50, "samples": 200, "features": 10_000}, "repeats"),
        ({"preprocessing": "pca"}, "preprocessing"),
        ({"leak": 1}, "leak"),
    ],
)
def test_bad_parameters_rejected_by_name(params, field):
    with pytest.raises(ParamError) as info:
        SIM.run(params, seed=0)
    assert field in info.value.errors


def test_error_messages_say_what_to_do():
    with pytest.raises(ParamError) as info:
        SIM.run({"features": 100, "selected": 101}, seed=0)
    assert info.value.errors["selected"][0] == (
        "Cannot keep 101 features out of 100: keep at most 100."
    )
    with pytest.raises(ParamError) as info:
        SIM.run({"repeats": 50, "samples": 200, "features": 10_000}, seed=0)
    assert "Too much work for one run" in info.value.errors["repeats"][0]


@pytest.mark.django_db
def test_bad_selection_is_shown_next_to_the_field(client):
    from django.urls import reverse

    values = {**SIM.defaults(), "features": 100, "selected": 101}
    response = client.post(
        reverse("simulations:simulation-run", kwargs={"slug": SIM.slug}),
        {**{k: str(v) for k, v in values.items()}, "seed": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_selected_error"' in html and "Cannot keep 101 features" in html


@pytest.mark.django_db
def test_api_runs_and_rejects_a_bad_selection():
    from django.core.cache import cache
    from rest_framework.test import APIClient

    cache.clear()
    api = APIClient()
    url = f"/api/v1/simulations/{SIM.slug}/runs/"
    response = api.post(url, {"params": SMALL, "seed": 3}, format="json")
    assert response.status_code == 201
    assert 2 <= len(response.json()["result"]["findings"]) <= 5
    bad = api.post(url, {"params": {"features": 100, "selected": 101}}, format="json")
    assert bad.status_code == 400
    assert "params.selected" in bad.json()["error"]["fields"]
    cache.clear()


def test_nearest_neighbour_predicts_as_scikit_learn():
    import numpy as np
    from sklearn.neighbors import KNeighborsClassifier

    from simulations.engine.preprocessing_leakage import NearestNeighbour

    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((60, 40)), rng.integers(0, 2, 60)
    ours = NearestNeighbour().fit(x[:45], y[:45]).predict(x[45:])
    theirs = KNeighborsClassifier(n_neighbors=1).fit(x[:45], y[:45]).predict(x[45:])
    assert list(ours) == list(theirs)
