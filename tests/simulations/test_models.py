"""SimulationRun keys: stable, canonical, and different whenever an input differs."""

import pytest

from simulations.models import SimulationRun, canonical_json, run_key

BASE = {"slug": "fake-coin", "version": "7", "params": {"n": 100, "p": 0.3}, "seed": 0}


def test_key_is_stable_across_releases():
    # Pinned: a change here breaks every stored permalink.
    assert run_key(**BASE) == "790696903fde0d9936c518f017086a839dd1c8c20c673ab5b66233656ff4e525"


def test_key_ignores_param_order():
    reordered = {**BASE, "params": {"p": 0.3, "n": 100}}
    assert run_key(**reordered) == run_key(**BASE)


@pytest.mark.parametrize(
    "change",
    [
        {"slug": "other"},
        {"version": "8"},
        {"params": {"n": 101, "p": 0.3}},
        {"params": {"n": 100, "p": 0.31}},
        {"seed": 1},
    ],
)
def test_key_changes_with_every_input(change):
    assert run_key(**{**BASE, **change}) != run_key(**BASE)


def test_key_is_hex_sha256():
    key = run_key(**BASE)
    assert len(key) == 64
    assert int(key, 16) >= 0


def test_canonical_json_sorts_keys_without_spaces():
    assert canonical_json({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'


@pytest.mark.django_db
def test_run_str_and_permalink():
    run = SimulationRun.objects.create(
        key=run_key(**BASE),
        slug="fake-coin",
        version="7",
        params=BASE["params"],
        seed=0,
        result={},
        duration_ms=3,
    )
    assert str(run) == "fake-coin (seed 0)"
    assert run.get_absolute_url() == f"/en/simulations/runs/{run.key}/"


@pytest.mark.django_db
def test_key_is_unique():
    from django.db import IntegrityError

    fields = {
        "slug": "fake-coin",
        "version": "7",
        "params": {},
        "seed": 0,
        "result": {},
        "duration_ms": 1,
    }
    SimulationRun.objects.create(key="a" * 64, **fields)
    with pytest.raises(IntegrityError):
        SimulationRun.objects.create(key="a" * 64, **fields)
