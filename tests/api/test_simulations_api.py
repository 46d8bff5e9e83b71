"""The simulations API: catalogue, runs (get-or-run), stored runs, validation, throttling."""

import pytest
from django.core.cache import cache

from simulations import engine
from simulations.api.views import AnonRunThrottle
from simulations.models import SimulationRun

pytestmark = pytest.mark.django_db

SLUG = "feedback-loop"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_catalogue_lists_every_simulation_with_a_json_schema(api_client):
    data = api_client.get("/api/v1/simulations/").json()
    assert {s["slug"] for s in data} == set(engine.REGISTRY)
    feedback = next(s for s in data if s["slug"] == SLUG)
    simulation = engine.get(SLUG)
    schema = feedback["params_schema"]
    assert schema["type"] == "object" and not schema["additionalProperties"]
    assert set(schema["properties"]) == {p.name for p in simulation.params}
    first = simulation.params[0]
    assert schema["properties"][first.name]["default"] == first.default
    assert [p["slug"] for p in feedback["presets"]] == [p.slug for p in simulation.presets]


def test_unknown_simulation_is_404(api_client):
    assert api_client.get("/api/v1/simulations/nope/").status_code == 404
    response = api_client.post("/api/v1/simulations/nope/runs/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_run_with_partial_params_then_the_same_inputs_return_the_stored_run(api_client):
    simulation = engine.get(SLUG)
    int_param = next(p for p in simulation.params if p.type == "int")
    value = int(int_param.min)
    body = {"params": {int_param.name: value}, "seed": 7}
    first = api_client.post(f"/api/v1/simulations/{SLUG}/runs/", body, format="json")
    assert first.status_code == 201
    run = first.json()
    assert set(run) == {
        "key",
        "simulation",
        "version",
        "params",
        "seed",
        "preset",
        "result",
        "duration_ms",
        "created_at",
        "url",
        "html_url",
    }
    assert "charts" not in run["result"]  # a light run unless ?include=charts
    assert run["params"][int_param.name] == value
    assert set(run["params"]) == {p.name for p in simulation.params}  # the rest defaulted
    assert run["seed"] == 7
    assert 2 <= len(run["result"]["findings"]) <= 5
    second = api_client.post(f"/api/v1/simulations/{SLUG}/runs/", body, format="json")
    assert second.status_code == 200
    assert second.json()["key"] == run["key"]
    assert SimulationRun.objects.count() == 1
    fetched = api_client.get(f"/api/v1/runs/{run['key']}/")
    assert fetched.status_code == 200 and fetched.json()["result"] == run["result"]


def test_run_with_a_preset(api_client):
    preset = engine.get(SLUG).presets[0]
    response = api_client.post(
        f"/api/v1/simulations/{SLUG}/runs/", {"preset": preset.slug}, format="json"
    )
    assert response.status_code == 201
    data = response.json()
    assert data["preset"] == preset.slug
    for name, value in preset.params.items():
        assert data["params"][name] == value


@pytest.mark.parametrize(
    "body, field",
    [
        ({"params": {"no_such_param": 1}}, "params.no_such_param"),
        ({"preset": "no-such-preset"}, "preset"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**40}, "seed"),
        ({"seed": "abc"}, "seed"),
        ({"params": "not an object"}, "params"),
    ],
)
def test_bad_run_input_is_400_naming_the_field(api_client, body, field):
    response = api_client.post(f"/api/v1/simulations/{SLUG}/runs/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_out_of_bounds_parameter_is_400(api_client):
    param = next(p for p in engine.get(SLUG).params if p.type in ("int", "float"))
    body = {"params": {param.name: param.max * 10 + 1}}
    response = api_client.post(f"/api/v1/simulations/{SLUG}/runs/", body, format="json")
    assert response.status_code == 400
    assert f"params.{param.name}" in response.json()["error"]["fields"]


def test_malformed_json_is_400(api_client):
    response = api_client.post(
        f"/api/v1/simulations/{SLUG}/runs/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


def test_unknown_run_key_is_404(api_client):
    assert api_client.get("/api/v1/runs/" + "0" * 64 + "/").status_code == 404


def test_anonymous_runs_are_throttled_with_retry_after(api_client, monkeypatch):
    monkeypatch.setattr(AnonRunThrottle, "THROTTLE_RATES", {"anon_runs": "2/minute"})
    url = f"/api/v1/simulations/{SLUG}/runs/"
    for seed in (1, 2):
        assert api_client.post(url, {"seed": seed}, format="json").status_code == 201
    response = api_client.post(url, {"seed": 3}, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["status"] == 429


def test_a_student_has_a_budget_of_their_own_and_teachers_none(roles, monkeypatch):
    """Logged-in students are counted per account (not with their address); staff are not."""
    monkeypatch.setattr(AnonRunThrottle, "THROTTLE_RATES", {"anon_runs": "1/minute"})
    url = f"/api/v1/simulations/{SLUG}/runs/"
    assert roles["anonymous"].post(url, {"seed": 1}, format="json").status_code == 201
    assert roles["anonymous"].post(url, {"seed": 2}, format="json").status_code == 429
    assert roles["student"].post(url, {"seed": 3}, format="json").status_code == 201
    assert roles["student"].post(url, {"seed": 4}, format="json").status_code == 429
    for seed in (5, 6, 7):
        assert roles["teacher"].post(url, {"seed": seed}, format="json").status_code == 201
