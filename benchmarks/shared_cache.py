"""Which backend for the "shared" cache (throttle and log-in counts) without Redis: measured.

Usage::

    .venv/bin/python benchmarks/shared_cache.py [--checks 2000] [--processes 3]

For each candidate (Django's database cache on a fresh SQLite file, or on PostgreSQL when
DATABASE_URL names one; Django's file cache in a temporary directory; local memory for
reference), this times one throttle check as the site makes it (config.throttles: read the
client's history, append, write it back) on a table or directory already holding 5,000 other
clients, then lets ``--processes`` processes make ``--checks`` checks each on one client key
at once and counts how many were recorded (a lost update lets a request through unthrottled).
Prints a table; nothing is kept.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup(backend: dict, database: dict) -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DATABASES={"default": database},
            CACHES={"default": backend},
            INSTALLED_APPS=[],
            USE_TZ=True,
        )
        django.setup()


def _check(cache, key: str, keep: int = 100) -> None:
    history = cache.get(key, [])
    history.insert(0, time.time())
    cache.set(key, history[:keep], 60)


def _worker(backend, database, key, checks, queue) -> None:
    _setup(backend, database)
    from django.core.cache import cache

    for _ in range(checks):
        _check(cache, key, keep=10**6)
    queue.put(True)


def measure(name: str, backend: dict, database: dict, checks: int, processes: int) -> dict:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    # Fill and time in a child, so each candidate gets a fresh Django.
    proc = ctx.Process(target=_timing, args=(backend, database, checks, queue))
    proc.start()
    timing = queue.get()
    proc.join()
    workers = [
        ctx.Process(target=_worker, args=(backend, database, "race", checks // 4, queue))
        for _ in range(processes)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        queue.get()
        worker.join()
    elapsed = time.perf_counter() - started
    proc = ctx.Process(target=_count, args=(backend, database, queue))
    proc.start()
    recorded = queue.get()
    proc.join()
    return {
        "name": name,
        **timing,
        "race_sent": processes * (checks // 4),
        "race_recorded": recorded,
        "race_s": elapsed,
    }


def _timing(backend, database, checks, queue) -> None:
    _setup(backend, database)
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    cache.clear()
    for i in range(5000):
        cache.set(f"throttle_anon_runs_198.51.{i // 250}.{i % 250}", [time.time()], 600)
    times = []
    for i in range(checks):
        started = time.perf_counter()
        _check(cache, f"client-{i % 50}")
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    queue.put(
        {
            "median_ms": statistics.median(times),
            "p99_ms": times[int(len(times) * 0.99) - 1],
        }
    )


def _count(backend, database, queue) -> None:
    _setup(backend, database)
    from django.core.cache import cache

    queue.put(len(cache.get("race", [])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rc-shared-cache-"))
    sqlite = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp / "cache.sqlite3"),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
    table = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "rc_shared_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 3},
    }
    candidates = [
        ("database cache, SQLite", table, sqlite),
        (
            "file cache",
            {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp / "files"),
                "OPTIONS": {"MAX_ENTRIES": 50_000},
            },
            sqlite,
        ),
        (
            "local memory (per process)",
            {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            sqlite,
        ),
    ]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        import dj_database_url

        candidates.insert(
            1,
            (
                "database cache, PostgreSQL",
                table,
                dj_database_url.parse(os.environ["DATABASE_URL"]),
            ),
        )
    print(
        f"| backend | check median ms | check p99 ms | {args.processes} processes: "
        "checks sent | recorded | seconds |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, backend, database in candidates:
        row = measure(name, backend, database, args.checks, args.processes)
        print(
            f"| {row['name']} | {row['median_ms']:.2f} | {row['p99_ms']:.2f} | "
            f"{row['race_sent']} | {row['race_recorded']} | {row['race_s']:.1f} |"
        )


if __name__ == "__main__":
    main()
