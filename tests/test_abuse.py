"""Abuse budgets (issue 12; review 2026-12-01-security H1, M1, M5, L6, L9).

Compute: runs through the page are throttled with the API's budget; a machine computes a bounded
number of runs at once (503 with Retry-After beyond); a run past its time limit is stopped (its
process killed); numerical libraries use one thread. Clients: X-Forwarded-For only from trusted
proxies; counts in a cache every worker shares. Log-ins: locked per (account, address) and per
account, never per address alone. Quiz submissions and sign-ups: budgeted on the pages too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from config.clients import client_ip
from config.settings import _check_trusted_proxies
from quiz.models import Attempt
from simulations import engine, runner
from simulations.models import SimulationRun
from tests.quiz.factories import QuizFactory, single
from tests.quiz.test_views import answers_for, form_state, take
from tests.simulations import fakes
from tests.simulations.fakes import FAKE_SLUG, FakeCoin

fake_sim = fakes.fake_sim

pytestmark = pytest.mark.django_db

RUN = reverse("simulations:simulation-run", kwargs={"slug": FAKE_SLUG})
API_RUN = f"/api/v1/simulations/{FAKE_SLUG}/runs/"
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def rates(monkeypatch):
    """rates(anon_runs="2/minute", ...): the budgets every throttle of the site reads."""

    def set_rates(**overrides):
        current = dict(SimpleRateThrottle.THROTTLE_RATES)
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**current, **overrides})

    return set_rates


@pytest.fixture
def lock_dir(settings, tmp_path):
    """Run slots in a directory of this test's own."""
    settings.SIMULATIONS = {**settings.SIMULATIONS, "LOCK_DIR": str(tmp_path / "slots")}
    return tmp_path / "slots"


def shared_cache_rows(pattern: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM rc_shared_cache WHERE cache_key LIKE %s", [pattern])
        return cursor.fetchone()[0]


# --- H1: the page's runs are throttled with the API's budget --------------------------------
def test_runs_through_the_page_spend_the_api_budget(client, fake_sim, rates, lock_dir):
    rates(anon_runs="2/minute")
    assert (
        client.post(RUN, {"n": "100", "p": "0.3", "side": "heads", "seed": "1"}).status_code == 302
    )
    assert client.post(API_RUN, {"seed": 2}, content_type="application/json").status_code == 201
    page = client.post(RUN, {"n": "100", "p": "0.3", "side": "heads", "seed": "3"})
    assert page.status_code == 429
    assert int(page["Retry-After"]) > 0
    assert "too many requests" in page.content.decode()
    api = client.post(API_RUN, {"seed": 4}, content_type="application/json")
    assert api.status_code == 429 and api.json()["error"]["status"] == 429
    assert SimulationRun.objects.count() == 2


def test_preset_buttons_are_throttled_too(client, fake_sim, rates, lock_dir):
    rates(anon_runs="1/minute")
    assert client.post(RUN, {"preset": "fair-coin", "seed": "1"}).status_code == 302
    assert client.post(RUN, {"preset": "fair-coin", "seed": "2"}).status_code == 429


# --- H1: a bounded number of runs at once --------------------------------------------------
def test_no_free_slot_is_a_503_with_retry_after_on_the_page_and_the_api(client, fake_sim, lock_dir):
    stored, _ = runner_free_run()
    with runner.slot():  # this test holds the machine's only slot
        page = client.post(RUN, {"n": "100", "p": "0.3", "side": "heads", "seed": "7"})
        assert page.status_code == 503
        assert page["Retry-After"] == str(settings.SIMULATIONS["RETRY_AFTER"])
        assert "as many simulations as it can at once" in page.content.decode()
        assert f'href="/en/simulations/{FAKE_SLUG}/"' in page.content.decode()  # the way back
        api = client.post(API_RUN, {"seed": 8}, content_type="application/json")
        assert api.status_code == 503
        assert api["Retry-After"] == str(settings.SIMULATIONS["RETRY_AFTER"])
        assert api.json()["error"]["code"] == "simulation_busy"
        # A stored run costs nothing: it is served while the slot is taken.
        again = client.post(API_RUN, {"seed": stored.seed}, content_type="application/json")
        assert again.status_code == 200
    assert SimulationRun.objects.count() == 1
    assert client.post(API_RUN, {"seed": 8}, content_type="application/json").status_code == 201


def runner_free_run():
    from simulations.services import get_or_run

    return get_or_run(slug=FAKE_SLUG, params={}, seed=11)


def test_slots_are_shared_between_processes_and_freed_when_one_dies(fake_sim, lock_dir):
    lock_dir.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(lock_dir / 'slot-0.lock')!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(runner.SimulationsBusy), runner.slot():
            pass
    finally:
        holder.kill()  # a worker killed mid-run
        holder.wait()
    with runner.slot():  # the kernel released its lock
        pass


def test_the_number_of_slots_is_a_setting(settings, lock_dir):
    settings.SIMULATIONS = {**settings.SIMULATIONS, "MAX_CONCURRENT": 2}
    with runner.slot(), runner.slot():
        with pytest.raises(runner.SimulationsBusy), runner.slot():
            pass


# --- H1: a run past its time limit is stopped ------------------------------------------------
@pytest.fixture
def slow_sim(fake_sim, monkeypatch, settings, tmp_path, lock_dir):
    """The fake simulation, made to sleep 60 s after writing its process id to a file."""
    pid_file = tmp_path / "child.pid"

    def slow(self, p, rng):
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)

    monkeypatch.setattr(FakeCoin, "simulate", slow)
    settings.SIMULATIONS = {**settings.SIMULATIONS, "TIME_LIMIT": 0.5}
    return pid_file


def assert_stopped(pid_file: Path) -> None:
    pid = int(pid_file.read_text())
    assert pid != os.getpid()
    with pytest.raises(ProcessLookupError):  # killed and reaped: no process left behind
        os.kill(pid, 0)


def test_a_run_past_the_time_limit_is_stopped_page(client, slow_sim):
    started = time.monotonic()
    page = client.post(RUN, {"n": "100", "p": "0.3", "side": "heads", "seed": "1"})
    assert time.monotonic() - started < 10
    assert page.status_code == 503
    assert "took longer than the 0.5 seconds a run may take and was stopped" in (
        page.content.decode()
    )
    assert_stopped(slow_sim)
    assert SimulationRun.objects.count() == 0
    with runner.slot():  # the slot was given back
        pass


def test_a_run_past_the_time_limit_is_stopped_api(client, slow_sim):
    api = client.post(API_RUN, {"seed": 1}, content_type="application/json")
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "simulation_timeout"
    assert "was stopped" in api.json()["error"]["message"]
    assert_stopped(slow_sim)


def test_a_run_past_the_time_limit_is_stopped_cli(slow_sim):
    with pytest.raises(CommandError, match="was stopped") as raised:
        call_command("simulate", FAKE_SLUG, "--no-store")
    assert raised.value.returncode == 3
    assert_stopped(slow_sim)


def test_an_engine_error_in_the_child_is_reported_not_swallowed(fake_sim, monkeypatch):
    def broken(self, p, rng):
        raise ZeroDivisionError("engine bug")

    monkeypatch.setattr(FakeCoin, "simulate", broken)
    with pytest.raises(runner.SimulationCrashed, match="ZeroDivisionError: engine bug"):
        runner.compute(fake_sim, fake_sim.validate({}), 0)


@pytest.mark.parametrize("slug", sorted(engine.REGISTRY))
def test_runs_in_the_child_process_are_byte_identical(slug):
    simulation = engine.get(slug)
    values = simulation.validate({})
    inline = json.dumps(simulation.run(values, seed=0).to_dict(), sort_keys=True)
    isolated = json.dumps(runner.compute(simulation, values, 0), sort_keys=True)
    assert isolated == inline


# --- H1: one BLAS/OpenMP thread per process --------------------------------------------------
THREADS = (
    "import simulations.engine, sklearn.linear_model\n"
    "from threadpoolctl import threadpool_info\n"
    "print(max(i['num_threads'] for i in threadpool_info()))\n"
)


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    return env


def test_web_workers_use_one_blas_thread():
    code = "import config.wsgi\n" + THREADS
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_clean_env(), cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"


def test_the_command_line_uses_one_blas_thread():
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", THREADS],
        capture_output=True,
        text=True,
        env=_clean_env(),
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "1"


# --- M1: clients identified honestly, counts shared ------------------------------------------
def test_x_forwarded_for_is_ignored_by_default(client, fake_sim, rates, lock_dir):
    rates(anon_runs="1/minute")
    first = client.post(
        API_RUN, {"seed": 1}, content_type="application/json", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert first.status_code == 201
    forged = client.post(
        API_RUN, {"seed": 2}, content_type="application/json", HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    assert forged.status_code == 429


def test_x_forwarded_for_is_read_from_a_trusted_proxy(client, fake_sim, rates, settings, lock_dir):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]  # the test client connects from 127.0.0.1
    rates(anon_runs="1/minute")

    def post(seed, forwarded):
        return client.post(
            API_RUN, {"seed": seed}, content_type="application/json", HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    assert post(1, "198.51.100.1") == 201
    assert post(2, "198.51.100.2") == 201  # another client behind the proxy
    assert post(3, "198.51.100.1") == 429
    # What the client wrote on the left is not believed: the proxy appended the real address.
    assert post(4, "203.0.113.77, 198.51.100.1") == 429


@pytest.mark.parametrize(
    "remote, forwarded, trusted, expected",
    [
        ("192.0.2.10", "198.51.100.1", [], "192.0.2.10"),
        ("192.0.2.10", "198.51.100.1", ["10.0.0.0/8"], "192.0.2.10"),
        ("10.0.0.5", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.5", "1.2.3.4, 198.51.100.1, 10.0.0.9", ["10.0.0.0/8"], "198.51.100.1"),
        ("10.0.0.5", "", ["10.0.0.0/8"], "10.0.0.5"),
        ("10.0.0.5", "not-an-address", ["10.0.0.0/8"], "10.0.0.5"),
        ("::1", "2001:db8::7", ["::1"], "2001:db8::7"),
        ("10.0.0.5", "198.51.100.1:5123", ["10.0.0.5"], "198.51.100.1"),
        ("", "", [], "unknown"),
    ],
)
def test_client_ip(settings, remote, forwarded, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_bad_trusted_proxy_entry_is_a_configuration_error():
    _check_trusted_proxies(["127.0.0.1", "10.0.0.0/8", "::1"])
    with pytest.raises(ImproperlyConfigured, match="DJANGO_TRUSTED_PROXIES"):
        _check_trusted_proxies(["10.0.0.0/33"])


def test_throttle_counts_live_in_the_shared_database_cache(client, fake_sim, lock_dir):
    """Every worker of a machine reads the same table (Redis across machines), so three workers
    allow what one would; a per-process cache let 3 x 30 runs through (review M1)."""
    if settings.CACHES["shared"]["BACKEND"].endswith("RedisCache"):
        pytest.skip("REDIS_URL is set: the counts are in Redis")
    assert client.post(API_RUN, {"seed": 1}, content_type="application/json").status_code == 201
    assert shared_cache_rows("%throttle_anon_runs_127.0.0.1%") == 1


# --- M5, L6: log-in lock-out per (account, address) and per account ---------------------------
ADMIN_LOGIN = f"/{settings.ADMIN_URL}login/"


def _login(client, username, password, address="192.0.2.1"):
    return client.post(
        ADMIN_LOGIN, {"username": username, "password": password, "next": "/"}, REMOTE_ADDR=address
    )


def test_failures_on_many_accounts_never_lock_out_an_address(client, teacher):
    """A classroom behind one address: one person's 40 failures lock nobody else out."""
    for i in range(40):
        _login(client, f"nobody{i}", "wrong")
    response = _login(client, "teacher", "teacher-pass-123")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(teacher.pk)


def test_an_account_is_locked_from_every_address_after_failures_spread_over_many(client, teacher):
    per_user = settings.LOGIN_RATE_LIMIT["PER_USER"]
    per_account = settings.LOGIN_RATE_LIMIT["PER_ACCOUNT"]
    addresses = [f"198.51.100.{n}" for n in range(per_account)]
    for n in range(per_account):  # below the per-address limit at each address
        _login(client, "teacher", "wrong", address=addresses[n % (per_account // (per_user - 1))])
    response = _login(client, "teacher", "teacher-pass-123", address="203.0.113.5")
    assert "Too many failed log-in attempts for this account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_account_and_address_pair_is_locked_first(client, teacher):
    for _ in range(settings.LOGIN_RATE_LIMIT["PER_USER"]):
        _login(client, "teacher", "wrong", address="192.0.2.1")
    locked = _login(client, "teacher", "teacher-pass-123", address="192.0.2.1")
    assert "Too many failed log-in attempts for this account" in locked.content.decode()
    assert _login(client, "teacher", "teacher-pass-123", address="192.0.2.2").status_code == 302


def test_the_student_log_in_says_the_account_is_locked(client, student):
    for _ in range(settings.LOGIN_RATE_LIMIT["PER_USER"]):
        client.post(reverse("login"), {"username": "student", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "student", "password": "student-pass-123"}
    )
    html = response.content.decode()
    assert "Too many failed log-in attempts for this account. Wait 15 minutes" in html
    assert "_auth_user_id" not in client.session


def test_login_failures_are_counted_in_the_shared_cache(client, teacher):
    if settings.CACHES["shared"]["BACKEND"].endswith("RedisCache"):
        pytest.skip("REDIS_URL is set: the counts are in Redis")
    _login(client, "teacher", "wrong")
    assert shared_cache_rows("%login-fail:account:%") == 1
    assert shared_cache_rows("%login-fail:user:192.0.2.1:%") == 1


# --- L9: quiz submissions and sign-ups through the pages ------------------------------------
def test_quiz_submissions_through_the_page_are_throttled_with_the_api(rates):
    rates(anon_submissions="2/minute")
    quiz = QuizFactory()
    single(quiz)
    assert take(Client(), quiz).status_code == 302
    api = Client().post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/", {"answers": {}}, content_type="application/json"
    )
    assert api.status_code == 201
    client = Client()
    page = client.get(quiz.get_absolute_url())
    data = {**form_state(page), **answers_for(quiz)}
    refused = client.post(quiz.get_absolute_url(), data)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert "too many requests" in html
    assert " checked" in html  # the student's answers are still in the form
    assert Attempt.objects.filter(submitted_at__isnull=False).count() == 2


def test_signups_are_throttled_per_address(rates, django_user_model):
    rates(signups="1/minute")
    data = {"password1": "a-long-pass-2024", "password2": "a-long-pass-2024"}
    assert Client().post(reverse("signup"), {**data, "username": "one"}).status_code == 302
    refused = Client().post(reverse("signup"), {**data, "username": "two"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "too many requests" in refused.content.decode()
    assert not django_user_model.objects.filter(username="two").exists()
