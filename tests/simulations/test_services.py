"""get_or_run: validates through the engine, stores once, never computes a stored key again."""

import pytest
from django.db.models import QuerySet

from simulations.engine import ParamError
from simulations.models import SimulationRun
from simulations.services import UnknownSimulation, get_or_run, parse_seed

from . import fakes
from .fakes import FAKE_SLUG, FakeCoin

fake_sim = fakes.fake_sim  # the fixture, shared with the other modules here

pytestmark = pytest.mark.django_db


@pytest.fixture
def count_runs(monkeypatch, settings):
    """Count calls to the engine's simulate() (computed in this process: TIME_LIMIT 0, as the
    count would otherwise happen in the runner's child process; tests/test_abuse.py tests it)."""
    settings.SIMULATIONS = {**settings.SIMULATIONS, "TIME_LIMIT": 0}
    calls = []
    original = FakeCoin.simulate

    def counting(self, p, rng):
        calls.append(p)
        return original(self, p, rng)

    monkeypatch.setattr(FakeCoin, "simulate", counting)
    return calls


def test_first_call_runs_and_stores(fake_sim, count_runs):
    run, created = get_or_run(slug=FAKE_SLUG, params={"n": 50}, seed=3)
    assert created is True
    assert len(count_runs) == 1
    assert run.params == {"n": 50, "p": 0.3, "side": "heads", "loud": False}
    assert run.seed == 3
    assert run.version == "7"
    assert run.result["findings"]
    assert run.duration_ms >= 0
    assert SimulationRun.objects.count() == 1


def test_same_inputs_are_never_computed_twice(fake_sim, count_runs):
    first, _ = get_or_run(slug=FAKE_SLUG, params={"n": 50}, seed=3)
    # Strings, defaults spelled out, another order: the same canonical params.
    again, created = get_or_run(
        slug=FAKE_SLUG, params={"loud": "false", "p": "0.3", "n": "50"}, seed="3"
    )
    assert created is False
    assert again.pk == first.pk
    assert len(count_runs) == 1


def test_another_seed_is_another_run(fake_sim, count_runs):
    first, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    second, created = get_or_run(slug=FAKE_SLUG, params={}, seed=2)
    assert created is True
    assert second.key != first.key
    assert len(count_runs) == 2


def test_preset_fills_params_and_is_recorded(fake_sim):
    run, _ = get_or_run(slug=FAKE_SLUG, params=None, seed=0, preset="fair-coin")
    assert run.params["p"] == 0.5
    assert run.preset == "fair-coin"


def test_race_on_the_unique_key_returns_the_stored_row(fake_sim, monkeypatch):
    stored, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=9)
    # Another request stored the row between our lookup and our insert.
    monkeypatch.setattr(QuerySet, "first", lambda self: None)
    run, created = get_or_run(slug=FAKE_SLUG, params={}, seed=9)
    assert created is False
    assert run.pk == stored.pk
    assert SimulationRun.objects.count() == 1


def test_unknown_slug_is_a_clear_error(fake_sim):
    with pytest.raises(
        UnknownSimulation, match="Unknown simulation 'nope'. Simulations: fake-coin"
    ):
        get_or_run(slug="nope", params={}, seed=0)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"n": 5}, "n"),
        ({"n": "ten"}, "n"),
        ({"p": "nan"}, "p"),
        ({"side": "edge"}, "side"),
        ({"loud": "maybe"}, "loud"),
        ({"bogus": 1}, "bogus"),
    ],
)
def test_bad_params_raise_param_error_naming_the_field(fake_sim, params, field):
    with pytest.raises(ParamError) as exc:
        get_or_run(slug=FAKE_SLUG, params=params, seed=0)
    assert field in exc.value.errors
    assert SimulationRun.objects.count() == 0


def test_unknown_preset_is_a_param_error(fake_sim):
    with pytest.raises(ParamError) as exc:
        get_or_run(slug=FAKE_SLUG, params={}, seed=0, preset="nope")
    assert "preset" in exc.value.errors


@pytest.mark.parametrize("seed", [-1, 2**32, "x", "1.5", "", True, None, 1.0, "٣", "9" * 30])
def test_bad_seeds_are_rejected(seed):
    with pytest.raises(ParamError) as exc:
        parse_seed(seed)
    assert "seed" in exc.value.errors


@pytest.mark.parametrize(("raw", "seed"), [(0, 0), ("42", 42), (" 7 ", 7), (2**32 - 1, 2**32 - 1)])
def test_good_seeds(raw, seed):
    assert parse_seed(raw) == seed
