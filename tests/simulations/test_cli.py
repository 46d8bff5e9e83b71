"""`manage.py simulate`: list, text, JSON, and exit code 2 with a message on bad input."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from simulations.models import SimulationRun

from . import fakes
from .fakes import FAKE_SLUG

fake_sim = fakes.fake_sim  # the fixture

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def simulate(*args):
    out = StringIO()
    call_command("simulate", *args, stdout=out)
    return out.getvalue()


def test_list(fake_sim):
    out = simulate("--list")
    assert FAKE_SLUG in out and fake_sim.question in out and "fair-coin, big-run" in out


def test_text_output_has_findings_metrics_checks_and_permalink(fake_sim):
    out = simulate(FAKE_SLUG, "--param", "n=200", "--seed", "4")
    run = SimulationRun.objects.get()
    assert run.result["findings"][0] in out
    assert "Flips counted" in out and "Share counted" in out
    assert "Reference checks: 1 of 1 passed" in out and "[PASS] Share near the chance" in out
    assert "Seed 4." in out and "n = 200" in out
    assert f"Permalink (stored): /en/simulations/runs/{run.key}/" in out


def test_json_is_one_object_with_the_documented_keys(fake_sim):
    data = json.loads(
        simulate(FAKE_SLUG, "--preset", "fair-coin", "--param", "side=tails", "--json")
    )
    assert {"simulation", "params", "seed", "result", "duration_ms"} <= set(data)
    assert data["simulation"] == FAKE_SLUG
    assert data["params"] == {"n": 100, "p": 0.5, "side": "tails", "loud": False}
    assert data["seed"] == 0  # the documented default
    assert set(data["result"]) == {"metrics", "tables", "charts", "findings", "checks"}
    assert isinstance(data["duration_ms"], int)
    assert data["permalink"] == SimulationRun.objects.get().get_absolute_url()


def test_same_command_twice_reuses_the_stored_run(fake_sim):
    first = json.loads(simulate(FAKE_SLUG, "--json"))
    second = json.loads(simulate(FAKE_SLUG, "--json"))
    assert first["stored"] == "new" and second["stored"] == "existing"
    assert first["result"] == second["result"]
    assert SimulationRun.objects.count() == 1


def test_no_store_computes_without_saving(fake_sim):
    data = json.loads(simulate(FAKE_SLUG, "--no-store", "--json", "--seed", "3"))
    assert data["seed"] == 3 and data["result"]["findings"]
    assert SimulationRun.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "Unknown simulation 'nope'. Simulations: fake-coin"),
        ([], "Name a simulation to run"),
        ([FAKE_SLUG, "--preset", "nope"], "Unknown preset 'nope'"),
        ([FAKE_SLUG, "--param", "bogus=1"], "bogus: Unknown parameter"),
        ([FAKE_SLUG, "--param", "n=5"], "n: Must be between 10 and 5,000 flips; got 5."),
        ([FAKE_SLUG, "--param", "n=ten"], "n: Enter a whole number."),
        ([FAKE_SLUG, "--param", "side=edge"], "side: Choose one of: heads, tails."),
        ([FAKE_SLUG, "--param", "nothing"], "--param expects NAME=VALUE"),
        ([FAKE_SLUG, "--seed", "-1"], "seed: The seed must be a whole number"),
        ([FAKE_SLUG, "--seed", "x", "--no-store"], "seed: The seed must be a whole number"),
    ],
)
def test_bad_input_is_a_command_error_with_exit_code_2(fake_sim, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")) as exc:
        simulate(*args)
    assert exc.value.returncode == 2
    assert SimulationRun.objects.count() == 0


def _subprocess(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    return subprocess.run(
        [sys.executable, "manage.py", "simulate", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_exit_code_2_and_message_without_traceback():
    # One real process (they take seconds to import the engine): the exit code the shell sees.
    # Without --lang it speaks the site's default language, French.
    proc = _subprocess("no-such-simulation")
    assert proc.returncode == 2
    assert "Simulation inconnue\u00a0: 'no-such-simulation'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
