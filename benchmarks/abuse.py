"""Compute abuse (review 2026-12-01, H1): a reader's latency while three clients hammer the
largest simulation run through the HTML form.

Usage::

    .venv/bin/python benchmarks/abuse.py [--seconds 20] [--workers 3] [--skip-overhead]

Builds (or reuses) the SMALL benchmark database of ``make bench`` (a fresh copy, SQLite), collects
static files, and starts gunicorn with production settings and ``--workers`` sync workers, as in
the README's deployment. One reader thread then GETs four public pages in turn (home, case list,
a case, the simulation catalogue), one request at a time on a new connection, for ``--seconds``:

1. baseline: the reader alone;
2. attack, one address: three attacker threads, each its own session, POST the largest
   ``vanishing-gradient`` run (depth 30, width 64, 200 steps, a fresh random seed each time)
   through the page's form as fast as they are answered, from 127.0.0.1 like the reader: the
   site's own budgets apply (API_THROTTLE_ANON_RUNS, shared with the API);
3. attack, many addresses: the same, with the run budget lifted (as if every request came from a
   new address): only the run slots and the time limit protect the reader.

Each phase prints the reader's p50/p99/max and the attackers' answers (302 = a run computed and
stored, 429 = over budget, 503 = no free run slot / time limit). The bar (issue 12): the reader's
p99 under 200 ms in every phase. Without ``--skip-overhead`` it first measures what computing a
run in a child process costs: every simulation's default run, inline and through
simulations.runner.compute (median of 5, seed 0, in this process), and that both give the same
bytes. Results also go to benchmarks/out/abuse.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run import (  # noqa: E402
    OUT,
    Gunicorn,
    SqliteDatabases,
    base_env,
    collectstatic,
    log,
    machine,
    prepare_database,
)

P99_BAR_MS = 200.0
READER_PAGES = ["/en/", "/en/cases/", "/fr/simulations/"]
ATTACK_SLUG = "vanishing-gradient"
LARGEST = {
    "activation": "sigmoid",
    "init": "xavier",
    "depth": "30",
    "width": "64",
    "steps": "200",
    "learning_rate": "0.1",
    "random_seed": "on",
}


def request(port, method, path, *, body=None, headers=None, timeout=120):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def reader(port: int, stop: threading.Event, times: list[float], errors: list[int]) -> None:
    pages = list(READER_PAGES)
    n = 0
    while not stop.is_set():
        path = pages[n % len(pages)]
        n += 1
        started = time.perf_counter()
        try:
            status, _, _ = request(port, "GET", path, timeout=60)
        except OSError:
            status = 0
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            errors.append(status)


def attacker(port: int, stop: threading.Event, statuses: list[int], durations: list[float]):
    page = f"/en/simulations/{ATTACK_SLUG}/"
    status, headers, body = request(port, "GET", page)
    cookie = headers.get("Set-Cookie", "")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **LARGEST})
    while not stop.is_set():
        started = time.perf_counter()
        try:
            status, _, answer = request(
                port,
                "POST",
                f"/en/simulations/{ATTACK_SLUG}/run/",
                body=data,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={csrf_cookie}",
                },
            )
        except OSError:
            status, answer = 0, b""
        if status == 503:
            status = "503 timeout" if b"was stopped" in answer else "503 busy"
        statuses.append(str(status))
        durations.append((time.perf_counter() - started) * 1000)


def phase(port: int, seconds: float, attackers: int) -> dict:
    stop = threading.Event()
    times, errors, statuses, durations = [], [], [], []
    threads = [threading.Thread(target=reader, args=(port, stop, times, errors))]
    threads += [
        threading.Thread(target=attacker, args=(port, stop, statuses, durations))
        for _ in range(attackers)
    ]
    load_before = os.getloadavg()[0]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    counts = {str(code): statuses.count(code) for code in sorted(set(statuses))}
    return {
        "reader_requests": len(times),
        "reader_errors": len(errors),
        "reader_p50_ms": round(statistics.median(times), 1),
        "reader_p99_ms": round(percentile(times, 0.99), 1),
        "reader_max_ms": round(max(times), 1),
        "attacker_answers": counts,
        "attacker_p50_ms": round(statistics.median(durations), 1) if durations else None,
        "load_average_before": round(load_before, 2),
        "meets_bar": percentile(times, 0.99) < P99_BAR_MS and not errors,
    }


def overhead() -> list[dict]:
    """Default runs inline and in a child process: median ms of 5 and whether bytes match."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 40)
    import django

    django.setup()
    from simulations import engine, runner

    rows = []
    for simulation in engine.all_simulations():
        values = simulation.validate({})
        inline, isolated = [], []
        for _ in range(5):
            started = time.perf_counter()
            a = simulation.run(values, seed=0).to_dict()
            inline.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            b = runner.compute(simulation, values, 0)
            isolated.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "simulation": simulation.slug,
                "inline_ms": round(statistics.median(inline), 1),
                "child_ms": round(statistics.median(isolated), 1),
                "identical": json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--skip-overhead", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    report: dict = {"machine": machine(), "workers": args.workers}
    if not args.skip_overhead:
        log("Default runs inline and in a child process…")
        report["overhead"] = overhead()
        print("| simulation | default run inline ms | in a child process ms | same bytes |")
        print("| --- | ---: | ---: | --- |")
        for row in report["overhead"]:
            print(
                f"| {row['simulation']} | {row['inline_ms']} | {row['child_ms']} | "
                f"{'yes' if row['identical'] else 'NO'} |"
            )
    env = base_env()
    dbs = SqliteDatabases()
    url, _ = prepare_database(dbs, "small", env, rebuild=False)
    env["DATABASE_URL"] = url
    env["SIMULATION_LOCK_DIR"] = str(OUT / "abuse-slots")
    collectstatic(env)
    phases = [
        ("baseline: reader alone", 0, {}),
        ("attack: 3 clients, one address (budgets on)", 3, {}),
        (
            "attack: 3 clients, many addresses (no run budget)",
            3,
            {"API_THROTTLE_ANON_RUNS": "1000000/minute"},
        ),
    ]
    report["phases"] = []
    for name, attackers, extra in phases:
        log(f"{name}…")
        server = Gunicorn({**env, **extra}, args.workers, "abuse")
        try:
            for path in READER_PAGES:  # warm the page cache, as in production
                request(server.port, "GET", path)
            result = phase(server.port, args.seconds, attackers)
        finally:
            server.stop()
        report["phases"].append({"phase": name, **result})
    print(
        f"\ngunicorn {args.workers} sync workers, {args.seconds:g} s per phase, reader p99 bar "
        f"{P99_BAR_MS:g} ms; SIMULATION_MAX_CONCURRENT and SIMULATION_TIME_LIMIT at their defaults"
    )
    print(
        "| phase | reader requests | p50 ms | p99 ms | max ms | reader errors | "
        "attacker answers | attacker p50 ms | load before | meets bar |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |")
    for row in report["phases"]:
        answers = ", ".join(f"{n} x {code}" for code, n in row["attacker_answers"].items()) or "-"
        print(
            f"| {row['phase']} | {row['reader_requests']} | {row['reader_p50_ms']} | "
            f"{row['reader_p99_ms']} | {row['reader_max_ms']} | {row['reader_errors']} | "
            f"{answers} | {row['attacker_p50_ms'] or '-'} | {row['load_average_before']} | "
            f"{'yes' if row['meets_bar'] else 'no'} |"
        )
    OUT.mkdir(exist_ok=True)
    (OUT / "abuse.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
