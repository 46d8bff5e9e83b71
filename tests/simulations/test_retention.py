"""Review M2: stored runs are deduplicated and pruned by the documented retention, and
`manage.py housekeeping` does every periodic clean-up."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from simulations.models import SimulationRun, run_key
from simulations.retention import prune_runs, site_run_keys
from simulations.services import DEFAULT_SEED, get_or_run

from . import fakes
from .fakes import FAKE_SLUG, FakeCoin

fake_sim = fakes.fake_sim

pytestmark = pytest.mark.django_db


def make_run(*, seed, days_unused=0, kept=False, made_hours_ago=None, params=None, now=None):
    now = now or timezone.now()
    values = params or FakeCoin().validate({"n": 10 + seed % 4000})
    run = SimulationRun.objects.create(
        key=run_key(slug=FAKE_SLUG, version=FakeCoin.version, params=values, seed=seed),
        slug=FAKE_SLUG,
        version=FakeCoin.version,
        params=values,
        seed=seed,
        result={"metrics": []},
        duration_ms=1,
    )
    made = now - timedelta(hours=made_hours_ago if made_hours_ago is not None else days_unused * 24)
    SimulationRun.objects.filter(pk=run.pk).update(
        created_at=made,
        last_used_at=now - timedelta(days=days_unused),
        kept_at=made if kept else None,
    )
    run.refresh_from_db()
    return run


def keys():
    return set(SimulationRun.objects.values_list("seed", flat=True))


def test_the_same_inputs_are_stored_once(fake_sim):
    first, created = get_or_run(slug=FAKE_SLUG, params={"n": 20}, seed=5)
    again, created_again = get_or_run(slug=FAKE_SLUG, params={"n": "20"}, seed="5")
    assert created and not created_again and first.pk == again.pk
    assert SimulationRun.objects.count() == 1


def test_unkept_runs_unused_for_too_long_are_pruned(fake_sim, settings):
    settings.SIMULATION_RUN_RETENTION = {"UNKEPT_DAYS": 7, "UNKEPT_MAX": 100, "KEPT_DAYS": 730}
    make_run(seed=1, days_unused=8)
    make_run(seed=2, days_unused=6)
    make_run(seed=3, days_unused=30, kept=True)
    make_run(seed=4, days_unused=800, kept=True)
    report = prune_runs()
    assert keys() == {2, 3}
    assert (report.expired_unkept, report.over_cap, report.expired_kept) == (1, 0, 1)


def test_beyond_the_cap_the_least_recently_used_unkept_runs_go_first(fake_sim, settings):
    settings.SIMULATION_RUN_RETENTION = {"UNKEPT_DAYS": 7, "UNKEPT_MAX": 3, "KEPT_DAYS": 730}
    for seed, days in [(1, 5), (2, 1), (3, 4), (4, 2), (5, 3)]:
        make_run(seed=seed, days_unused=days)
    make_run(seed=6, days_unused=6, kept=True)  # kept runs do not count against the cap
    report = prune_runs()
    assert keys() == {2, 4, 5, 6}
    assert report.over_cap == 2


def test_runs_the_site_links_to_and_runs_cited_in_content_stay(fake_sim, settings):
    from tests.kb.factories import CaseStudyFactory
    from tests.quiz.factories import QuizFactory

    settings.SIMULATION_RUN_RETENTION = {"UNKEPT_DAYS": 1, "UNKEPT_MAX": 0, "KEPT_DAYS": 1}
    sim = FakeCoin()
    default = make_run(seed=DEFAULT_SEED, days_unused=900, params=sim.validate(None))
    preset = make_run(
        seed=DEFAULT_SEED, days_unused=900, params=sim.validate(None, preset="big-run")
    )
    preset_other_seed = make_run(
        seed=9, days_unused=900, params=sim.validate(None, preset="big-run")
    )
    cited = make_run(seed=11, days_unused=900)
    cited_in_quiz = make_run(seed=12, days_unused=900, kept=True)
    CaseStudyFactory(body=f"See [this run](/simulations/runs/{cited.key}/).")
    QuizFactory(description=f"Try /simulations/{FAKE_SLUG}/?run={cited_in_quiz.key} first.")
    assert {default.key, preset.key} <= site_run_keys()
    report = prune_runs()
    assert keys() == {DEFAULT_SEED, 11, 12}
    assert SimulationRun.objects.filter(pk=preset.pk).exists()
    assert not SimulationRun.objects.filter(pk=preset_other_seed.pk).exists()
    assert report.pinned == 4


def test_dry_run_deletes_nothing(fake_sim, settings):
    settings.SIMULATION_RUN_RETENTION = {"UNKEPT_DAYS": 7, "UNKEPT_MAX": 1, "KEPT_DAYS": 730}
    for seed in (1, 2, 3):
        make_run(seed=seed, days_unused=seed * 4)
    report = prune_runs(dry_run=True)
    assert (report.expired_unkept, report.over_cap) == (2, 0)
    assert keys() == {1, 2, 3}
    settings.SIMULATION_RUN_RETENTION["UNKEPT_DAYS"] = 100
    assert prune_runs(dry_run=True).over_cap == 2 and keys() == {1, 2, 3}


def test_opening_a_permalink_later_keeps_the_run(fake_sim, client):
    fresh = make_run(seed=1, made_hours_ago=0)
    client.get(fresh.get_absolute_url())
    fresh.refresh_from_db()
    assert fresh.kept_at is None  # the redirect after running is not coming back to it
    old = make_run(seed=2, days_unused=3)
    assert client.get(old.get_absolute_url()).status_code == 200
    old.refresh_from_db()
    assert old.kept_at is not None
    assert timezone.now() - old.last_used_at < timedelta(minutes=1)
    via_api = make_run(seed=3, days_unused=2)
    assert APIClient().get(f"/api/v1/runs/{via_api.key}/").status_code == 200
    via_api.refresh_from_db()
    assert via_api.kept_at is not None


def test_asking_for_the_same_inputs_again_counts_as_use(fake_sim):
    run = make_run(seed=7, days_unused=5)
    again, created = get_or_run(slug=FAKE_SLUG, params=run.params, seed=7)
    assert not created and again.pk == run.pk
    run.refresh_from_db()
    assert timezone.now() - run.last_used_at < timedelta(minutes=1)
    assert run.kept_at is None


def test_reading_a_run_writes_at_most_once_a_day(fake_sim, client):
    run = make_run(seed=1, days_unused=3)
    with CaptureQueriesContext(connection) as context:
        client.get(run.get_absolute_url())  # touches it
    assert [q for q in context.captured_queries if q["sql"].startswith("UPDATE")]
    with CaptureQueriesContext(connection) as context:
        client.get(run.get_absolute_url())
    assert not [q for q in context.captured_queries if q["sql"].startswith("UPDATE")]


def test_housekeeping_prunes_runs_and_clears_sessions_and_expired_cache_rows(fake_sim, settings):
    settings.SIMULATION_RUN_RETENTION = {"UNKEPT_DAYS": 7, "UNKEPT_MAX": 100, "KEPT_DAYS": 730}
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rc_housekeeping_test_cache",
        },
    }
    call_command("createcachetable", "rc_housekeeping_test_cache", verbosity=0)
    make_run(seed=1, days_unused=30)
    make_run(seed=2, days_unused=1)
    expired = SessionStore()
    expired["x"] = 1
    expired.set_expiry(-10)
    expired.save()
    live = SessionStore()
    live["x"] = 1
    live.save()
    cache = caches["shared"]
    cache.set("throttle-old", 1, timeout=-1)
    cache.set("throttle-live", 1, timeout=600)
    out = StringIO()
    call_command("housekeeping", "--dry-run", stdout=out)
    assert "would delete 1 (1 unused for too long" in out.getvalue()
    assert SimulationRun.objects.count() == 2 and Session.objects.count() == 2
    out = StringIO()
    call_command("housekeeping", stdout=out)
    text = out.getvalue()
    assert "Simulation runs: deleted 1" in text
    assert "Sessions: deleted 1 expired." in text
    assert "Cache “shared”: deleted 1 expired rows." in text
    assert keys() == {2}
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert cache.get("throttle-live") == 1
