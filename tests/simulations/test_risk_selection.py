"""The risk-selection simulation: results, determinism, presets, checks, parameter errors
through the engine, the web form and the API."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from simulations.engine import ParamError, get
from simulations.engine.risk_selection import SIMULATION as SIM
from simulations.models import SimulationRun

SMALL = {"n_applicants": 10000}


def _json(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_is_registered_with_its_cases_and_illustrative_presets():
    assert get("risk-selection") is SIM
    assert set(SIM.cases) == {"toeslagenaffaire", "cnaf-risk-score"}
    presets = {p.slug: p for p in SIM.presets}
    assert {
        "toeslagenaffaire-mechanism",
        "no-nationality-weight",
        "proportional-recovery",
    } <= set(presets)
    mechanism = presets["toeslagenaffaire-mechanism"]
    assert mechanism.case == "toeslagenaffaire"
    assert "illustrative, not estimates" in mechanism.description
    assert "Kamerstuk 31 066, nr. 1008" in mechanism.source
    assert "21 April 2022" in mechanism.source
    assert "Autoriteit Persoonsgegevens, 17 July 2020" in mechanism.source
    assert all("llustrative" in p.source for p in SIM.presets)
    # The explanation says plainly that this is a mechanism, not a reconstruction.
    assert "a mechanism, not a reconstruction" in SIM.explanation


def test_default_run_shape_and_values():
    result = SIM.run(seed=1)
    data = json.loads(_json(result))
    assert {t["key"] for t in data["tables"]} == {"groups", "rules", "shares"}
    assert {c["table"] for c in data["charts"]} <= {"groups", "rules", "shares"}
    assert len(result.findings) == 5
    assert all(check.passed for check in result.checks)
    assert {c.key: c.kind for c in result.checks} == {
        "selection-closed-form": "reference",
        "demand-closed-form": "reference",
        "irregularity-rates": "consistency",
    }
    sel_a = result.metric("selected_share_dutch").value
    sel_b = result.metric("selected_share_non_dutch").value
    assert sel_b > 1.8 * sel_a
    assert result.metric("money_ratio").value > 1.5
    rows = {(r["rule"], r["group"]): r["mean_demanded"] for r in result.tables[1].rows}
    gap_aon = (
        rows[("all-or-nothing", "Other nationality")]
        - rows[("all-or-nothing", "Dutch nationality")]
    )
    gap_prop = (
        rows[("proportional", "Other nationality")] - rows[("proportional", "Dutch nationality")]
    )
    assert gap_aon > 5 * gap_prop > 0


def test_all_or_nothing_demands_whole_benefits():
    result = SIM.run({**SMALL, "benefit": 5000.0}, seed=2)
    total = result.metric("total_demanded").value
    assert total % 5000 == 0 and total > 0


def test_same_seed_same_result_other_seed_differs():
    assert _json(SIM.run(SMALL, seed=5)) == _json(SIM.run(SMALL, seed=5))
    assert _json(SIM.run(SMALL, seed=5)) != _json(SIM.run(SMALL, seed=6))


@pytest.mark.parametrize("preset", [p.slug for p in SIM.presets])
def test_presets_run_and_their_checks_pass_over_seeds(preset):
    for seed in range(8):
        result = SIM.run(seed=seed, preset=preset)
        failed = [c.key for c in result.checks if not c.passed]
        assert not failed, (seed, failed)
    assert _json(SIM.run(seed=3, preset=preset)) == _json(SIM.run(seed=3, preset=preset))


def test_proportional_preset_uses_the_proportional_rule():
    aon = SIM.run(seed=4, preset="toeslagenaffaire-mechanism")
    prop = SIM.run(seed=4, preset="proportional-recovery")
    assert prop.metric("total_demanded").value < aon.metric("total_demanded").value / 4
    assert "Under the proportional rule" in prop.findings[1]


def test_the_demand_check_can_fail():
    """A broken recovery (the whole benefit demanded of every checked file) lies outside the
    closed form's tolerance: the check is not true by construction."""
    import simulations.engine.risk_selection as module

    original = module.np.where

    def broken_where(cond, x, y):
        out = original(cond, x, y)
        return original(out == 0, x if not hasattr(x, "__len__") else out, out)

    module.np.where = broken_where
    try:
        result = SIM.run(SMALL, seed=0)
    finally:
        module.np.where = original
    check = next(c for c in result.checks if c.key == "demand-closed-form")
    assert not check.passed


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"n_applicants": 1000}, "n_applicants", "between"),
        ({"share_non_dutch": 0.9}, "share_non_dutch", "between"),
        ({"n_applicants": 2000, "share_non_dutch": 0.02}, "share_non_dutch", "too few"),
        ({"slip_part": 0.5, "irregular_part": 0.25}, "slip_part", "paperwork slip"),
        ({"rule": "half"}, "rule", "Choose one of"),
        ({"benefit": "a lot"}, "benefit", "Enter a number"),
        ({"nationality": 1}, "nationality", "Unknown parameter"),
    ],
)
def test_bad_parameters_are_rejected_by_name(params, field, words):
    with pytest.raises(ParamError) as excinfo:
        SIM.run(params, seed=0)
    assert field in excinfo.value.errors
    assert words in " ".join(excinfo.value.errors[field])


@pytest.mark.django_db
def test_form_runs_and_shows_the_cross_parameter_error(client):
    url = reverse("simulations:simulation-run", kwargs={"slug": SIM.slug})
    values = {k: str(v) for k, v in {**SIM.defaults(), **SMALL}.items()}
    response = client.post(url, {**values, "seed": "2"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Mean amount demanded per applicant" in page.content.decode()
    bad = client.post(url, {**values, "slip_part": "0.5", "irregular_part": "0.2", "seed": "1"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert 'id="id_slip_part_error"' in html and "paperwork slip" in html
    preset = client.post(url, {"preset": "no-nationality-weight"})
    assert preset.status_code == 302
    assert SimulationRun.objects.filter(slug=SIM.slug, preset="no-nationality-weight").exists()


@pytest.mark.django_db
def test_api_runs_and_returns_400_for_impossible_combinations():
    cache.clear()
    api = APIClient()
    url = f"/api/v1/simulations/{SIM.slug}/runs/"
    ok = api.post(url, {"params": SMALL, "seed": 3}, format="json")
    assert ok.status_code == 201, ok.content
    assert len(ok.json()["result"]["findings"]) == 5
    bad = api.post(url, {"params": {"n_applicants": 2000, "share_non_dutch": 0.02}}, format="json")
    assert bad.status_code == 400
    assert "params.share_non_dutch" in bad.json()["error"]["fields"]
    french = api.get(f"/api/v1/simulations/{SIM.slug}/?lang=fr")
    assert french.status_code == 200
    cache.clear()
