"""The fairness-impossibility simulation: a calibrated score, unequal error rates, and what
equalising them does; ProPublica's published rates as a reference; the form and the API."""

import functools
import json

import pytest

from simulations.engine import ParamError, get

SIM = get("fairness-impossibility")
SEEDS = range(20)


@functools.cache
def _preset_runs(preset):
    return [SIM.run(seed=s, preset=preset) for s in SEEDS]


def _dump(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_is_registered_with_its_case():
    assert SIM.cases == ("compas",)
    assert {p.slug for p in SIM.presets} == {
        "propublica-broward",
        "equal-base-rates",
        "equalise-fpr",
    }


def test_defaults_run_and_serialise():
    result = SIM.run(seed=1)
    data = json.loads(_dump(result))
    assert {"metrics", "tables", "charts", "findings", "checks"} <= set(data)
    assert 2 <= len(result.findings) <= 5
    groups = next(t for t in result.tables if t.key == "groups").rows
    assert len(groups) == 2
    for row in groups:
        for key in ("fpr", "fnr", "ppv", "base_rate"):
            assert 0 <= row[key] <= 1


def test_same_seed_same_result_other_seed_other_samples():
    assert _dump(SIM.run(seed=7)) == _dump(SIM.run(seed=7))
    assert _dump(SIM.run(seed=7)) != _dump(SIM.run(seed=8))


def test_identity_holds_exactly_on_every_run():
    for preset in (None, "propublica-broward", "equalise-fpr", "equal-base-rates"):
        result = SIM.run(seed=2, preset=preset)
        for g in "ab":
            p = result.metric(f"base_rate_{g}").value
            ppv = result.metric(f"ppv_{g}").value
            fnr = result.metric(f"fnr_{g}").value
            fpr = result.metric(f"fpr_{g}").value
            assert fpr == pytest.approx(p / (1 - p) * (1 - ppv) / ppv * (1 - fnr), abs=1e-12)
        identity = [c for c in result.checks if c.key.startswith("identity_")]
        assert len(identity) == 2 and all(c.kind == "consistency" and c.passed for c in identity)


def test_propublica_preset_reproduces_the_published_rates_over_many_seeds():
    for result in _preset_runs("propublica-broward"):
        keys = [c.key for c in result.checks]
        assert "propublica_a" in keys and "propublica_b" in keys
        assert all(c.passed for c in result.checks), [
            (c.key, c.observed) for c in result.checks if not c.passed
        ]
    runs = _preset_runs("propublica-broward")
    mean = lambda key: sum(r.metric(key).value for r in runs) / len(runs)  # noqa: E731
    assert mean("fpr_a") == pytest.approx(0.4485, abs=0.02)
    assert mean("fpr_b") == pytest.approx(0.2345, abs=0.02)
    assert mean("fnr_a") == pytest.approx(0.2799, abs=0.02)
    assert mean("fnr_b") == pytest.approx(0.4772, abs=0.03)  # model misfit ~2 points
    assert mean("ppv_a") == pytest.approx(0.63, abs=0.02)
    assert mean("ppv_b") == pytest.approx(0.59, abs=0.02)


def test_propublica_check_only_for_the_preset_settings():
    keys = [c.key for c in SIM.run(seed=0).checks]
    assert not any(k.startswith("propublica") for k in keys)
    keys = [c.key for c in SIM.run({"people": 6000}, seed=0, preset="propublica-broward").checks]
    assert not any(k.startswith("propublica") for k in keys)


def test_propublica_check_can_fail():
    """Another score (a wider spread in group B) must not pass as ProPublica's."""
    result = SIM.run({"spread_b": 25.0}, seed=0, preset="propublica-broward")
    assert "propublica_a" not in [c.key for c in result.checks]
    from simulations.engine import fairness_impossibility as mod

    stats = {"fpr": 0.30, "fnr": 0.28, "ppv": 0.63, "base": 0.51}
    assert not mod.FairnessImpossibilitySimulation._propublica_check("a", "A", stats).passed
    stats = {"fpr": 0.4485, "fnr": 0.2799, "ppv": 0.63, "base": 0.51}
    assert mod.FairnessImpossibilitySimulation._propublica_check("a", "A", stats).passed


def test_closed_form_checks_pass_over_many_seeds_and_can_fail(monkeypatch):
    for preset in ("equal-base-rates", "equalise-fpr"):
        for result in _preset_runs(preset):
            assert all(c.passed for c in result.checks), [
                (c.key, c.expected, c.observed) for c in result.checks if not c.passed
            ]
    from simulations.engine import fairness_impossibility as mod

    monkeypatch.setattr(mod, "_closed_form", lambda p, sd, t: (0.9, 0.9))
    checks = {c.key: c for c in SIM.run(seed=0).checks}
    assert not checks["closed_form_a"].passed and not checks["closed_form_b"].passed


def test_same_threshold_gives_unequal_fpr_equalised_fpr_gives_unequal_ppv():
    for result in _preset_runs("propublica-broward"):
        assert result.metric("fpr_a").value > result.metric("fpr_b").value + 0.1
        assert result.metric("fnr_a").value < result.metric("fnr_b").value - 0.1
    for result in _preset_runs("equalise-fpr"):
        assert abs(result.metric("fpr_a").value - result.metric("fpr_b").value) < 0.01
        assert result.metric("ppv_a").value > result.metric("ppv_b").value + 0.03
        assert result.metric("threshold_a").value > result.metric("threshold_b").value


def test_equal_base_rates_give_equal_error_rates():
    runs = _preset_runs("equal-base-rates")
    gaps = [r.metric("fpr_a").value - r.metric("fpr_b").value for r in runs]
    assert abs(sum(gaps) / len(gaps)) < 0.02


@pytest.mark.parametrize(
    "params, field",
    [
        ({"people": 999}, "people"),
        ({"people": 200_001}, "people"),
        ({"share_a": 95}, "share_a"),
        ({"base_rate_a": 0}, "base_rate_a"),
        ({"spread_a": "wide"}, "spread_a"),
        ({"policy": "lottery"}, "policy"),
        ({"fairness": 1}, "fairness"),
        ({"base_rate_b": 5.0, "spread_b": 30.0}, "spread_b"),
        ({"people": 1000, "share_a": 10.0, "base_rate_a": 10.0}, "people"),
    ],
)
def test_bad_parameters_rejected_by_name(params, field):
    with pytest.raises(ParamError) as info:
        SIM.run(params, seed=0)
    assert field in info.value.errors


def test_impossible_spread_message_says_the_largest():
    with pytest.raises(ParamError) as info:
        SIM.run({"base_rate_b": 5.0, "spread_b": 30.0}, seed=0)
    message = info.value.errors["spread_b"][0]
    assert "Risks that average 5.0% cannot spread that widely" in message
    assert "at most 19.6 points" in message
    SIM.run({"base_rate_b": 5.0, "spread_b": 19.6}, seed=0)  # the bound itself runs


def test_smallest_legal_groups_always_run():
    params = {"people": 1000, "share_a": 10.0, "base_rate_a": 20.0, "spread_a": 2.0}
    for seed in range(10):
        result = SIM.run(params, seed=seed)
        assert 2 <= len(result.findings) <= 5


@pytest.mark.django_db
def test_bad_spread_is_shown_next_to_the_field(client):
    from django.urls import reverse

    values = {**SIM.defaults(), "base_rate_b": 5.0, "spread_b": 30.0}
    response = client.post(
        reverse("simulations:simulation-run", kwargs={"slug": SIM.slug}),
        {**{k: str(v) for k, v in values.items()}, "seed": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_spread_b_error"' in html and "cannot spread that widely" in html


@pytest.mark.django_db
def test_preset_runs_from_the_form_and_the_page_shows_it(client):
    from django.urls import reverse

    response = client.post(
        reverse("simulations:simulation-run", kwargs={"slug": SIM.slug}),
        {"preset": "propublica-broward"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "ProPublica" in html and "False-positive rate" in html


@pytest.mark.django_db
def test_api_runs_a_preset_and_rejects_a_bad_spread():
    from django.core.cache import cache
    from rest_framework.test import APIClient

    cache.clear()
    api = APIClient()
    url = f"/api/v1/simulations/{SIM.slug}/runs/"
    response = api.post(url, {"preset": "equalise-fpr", "seed": 3}, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["params"]["policy"] == "equal-fpr"
    assert 2 <= len(data["result"]["findings"]) <= 5
    bad = api.post(url, {"params": {"base_rate_b": 5.0, "spread_b": 30.0}}, format="json")
    assert bad.status_code == 400
    assert "params.spread_b" in bad.json()["error"]["fields"]
    cache.clear()
