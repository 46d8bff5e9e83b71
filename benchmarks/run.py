"""make bench: the site under gunicorn, driven by wrk, with a SMALL and a LARGE database.

Usage::

    .venv/bin/python benchmarks/run.py [--sizes small,large] [--duration 10] [--connections 8]
                                       [--workers 3] [--only NAME,...] [--rebuild] [--skip-sims]

For each database size:

1. Build the database once (benchmarks/generate.py) and keep it pristine; every run works on a
   fresh copy, so submissions from one run never pile up in the next. SQLite files live in
   benchmarks/out/ (never the developer's db.sqlite3). With DATABASE_URL set to PostgreSQL, the
   databases are ``<name>_bench_<size>`` (pristine) and ``<name>_bench_<size>_run`` (the copy,
   ``CREATE DATABASE … TEMPLATE``), next to — never in — the database DATABASE_URL names.
   A database is rebuilt when generate.py, the migrations or the fixtures change.
2. Count each page's SQL queries on a cold request, and time cold requests one at a time
   (benchmarks/queries.py): what a page costs when the page cache cannot serve it.
3. Start gunicorn with production settings (DEBUG off, a throwaway secret key, whitenoise
   serving collected static files) on 127.0.0.1, with ``benchmarks.settings``: the real
   settings plus one extra route, /__bench__/ok, the bare Django view every target is compared
   with, served by the same workers in the same run.
4. For each target: a 2 s warm-up, then ``wrk`` for --duration seconds at --connections
   connections. Attempt submissions use prepared students (see wrk/submit.lua).

Prints a table (requests/s, p50, p99, ratio to the bare view, queries, cold ms) and writes
benchmarks/out/bench.json. benchmarks/simulations.py, when present, adds the simulations'
timings (median of 5, peak memory) unless --skip-sims.

Targets (issue 7): every page and API read >= 0.5 x the bare view's requests/s, p99 < 200 ms,
queries constant between SMALL and LARGE.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
OUT = BENCH / "out"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

RATIO_TARGET = 0.5
P99_TARGET_MS = 200.0
_PAGE_TARGETS = [
    "home",
    "case list",
    "case list filtered",
    "case list search",
    "case detail",
    "theme detail",
    "quiz page",
    "simulation permalink",
]
# Every page in English, then in French: the French pages must meet the same ratio.
READ_TARGETS = [
    *_PAGE_TARGETS,
    *(f"{name} (fr)" for name in _PAGE_TARGETS),
    "api case list",
    "api case detail",
    "api case detail (fr)",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Databases -----------------------------------------------------------------------------


def fingerprint(kind: str, size: str = "small") -> str:
    """Changes with what a database holds: "content" (generate.py) or "schema" (migrations).

    SMALL (half a minute to build) follows every fixture edit; LARGE (minutes) follows only
    generate.py, so a colleague's fixture edit does not cost a rebuild (--rebuild picks it up).
    """
    digest = hashlib.sha256()
    if kind == "content":
        files = [BENCH / "generate.py"]
        if size == "small":
            files += sorted((ROOT / "fixtures").rglob("*.yaml"))
    else:
        files = sorted(ROOT.glob("*/migrations/0*.py"))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class SqliteDatabases:
    """Pristine benchmarks/out/bench-<size>.sqlite3, copied to bench-<size>-run.sqlite3."""

    def pristine(self, size: str) -> Path:
        return OUT / f"bench-{size}.sqlite3"

    def url(self, path: Path) -> str:
        return f"sqlite:///{path}"

    def exists(self, size: str) -> bool:
        return self.pristine(size).exists()

    def drop(self, size: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.pristine(size)}{suffix}").unlink(missing_ok=True)

    def build_url(self, size: str) -> str:
        return self.url(self.pristine(size))

    pristine_url = build_url

    def finish_build(self, size: str) -> None:
        with sqlite3.connect(self.pristine(size)) as db:  # fold the WAL into the file
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def fresh_copy(self, size: str) -> str:
        target = OUT / f"bench-{size}-run.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.pristine(size), target)
        return self.url(target)

    def describe(self) -> str:
        return f"SQLite {sqlite3.sqlite_version}"


class PostgresDatabases:
    """<name>_bench_<size> (pristine) and <name>_bench_<size>_run, beside DATABASE_URL's."""

    def __init__(self, url: str):
        self.parsed = urllib.parse.urlparse(url)
        self.base = self.parsed.path.lstrip("/") or "reality_check"

    def name(self, size: str, run: bool = False) -> str:
        return f"{self.base}_bench_{size}" + ("_run" if run else "")

    def url_for(self, name: str) -> str:
        return urllib.parse.urlunparse(self.parsed._replace(path=f"/{name}"))

    def _admin(self, sql: str, fetch: bool = False):
        import psycopg

        with psycopg.connect(self.url_for("postgres"), autocommit=True) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if fetch else None

    def exists(self, size: str) -> bool:
        rows = self._admin(
            f"SELECT 1 FROM pg_database WHERE datname = '{self.name(size)}'", fetch=True
        )
        return bool(rows)

    def drop(self, size: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name(size)}" WITH (FORCE)')

    def build_url(self, size: str) -> str:
        self._admin(f'CREATE DATABASE "{self.name(size)}"')
        return self.pristine_url(size)

    def pristine_url(self, size: str) -> str:
        return self.url_for(self.name(size))

    def finish_build(self, size: str) -> None:
        """Vacuum and analyse the pristine database: the copies inherit its statistics and
        visibility map, so autovacuum does not wake up on 800,000 new rows in the middle of a
        measurement (it did: one LARGE target's p99 went from 20 to 190 ms)."""
        import psycopg

        with psycopg.connect(self.pristine_url(size), autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")

    def fresh_copy(self, size: str) -> str:
        run = self.name(size, run=True)
        self._admin(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{run}" TEMPLATE "{self.name(size)}"')
        return self.url_for(run)

    def describe(self) -> str:
        version = self._admin("SHOW server_version", fetch=True)[0][0]
        return f"PostgreSQL {version}"


def prepare_database(dbs, size: str, env: dict, rebuild: bool) -> tuple[str, dict]:
    """A fresh copy of the pristine database for this size, building it first if needed.

    New migrations alone do not regenerate the data: they are applied to the pristine copy.
    """
    marker = OUT / f"bench-{size}.{type(dbs).__name__}.json"
    content, schema = fingerprint("content", size), fingerprint("schema")
    info = json.loads(marker.read_text()) if marker.exists() else {}
    if rebuild or info.get("content") != content or not dbs.exists(size):
        log(f"Building the {size.upper()} database…")
        dbs.drop(size)
        marker.unlink(missing_ok=True)
        started = time.perf_counter()
        cpu = os.times()
        subprocess.run(
            [PYTHON, str(BENCH / "generate.py"), "--size", size],
            env={**env, "DATABASE_URL": dbs.build_url(size)},
            cwd=ROOT,
            check=True,
        )
        after = os.times()
        dbs.finish_build(size)
        info = {
            "content": content,
            "schema": schema,
            "build_seconds": round(time.perf_counter() - started, 1),
            "build_cpu_seconds": round(
                after.children_user
                + after.children_system
                - cpu.children_user
                - cpu.children_system,
                1,
            ),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
        marker.write_text(json.dumps(info))
        log(f"  built in {info['build_seconds']} s ({info['build_cpu_seconds']} s of CPU)")
    elif info.get("schema") != schema:
        log(f"Applying new migrations to the {size.upper()} database…")
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"],
            env={**env, "DATABASE_URL": dbs.pristine_url(size)},
            cwd=ROOT,
            check=True,
        )
        dbs.finish_build(size)
        info["schema"] = schema
        marker.write_text(json.dumps(info))
    return dbs.fresh_copy(size), info


# --- Server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env() -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL")) or key == "DJANGO_PAGE_CACHE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="ERROR",
        BENCH_STATIC_ROOT=str(OUT / "static"),
        PYTHONPATH=str(ROOT),
        # Every request comes from 127.0.0.1: the per-client budget on submissions would answer
        # 429 after 30. This measures capacity; benchmarks/abuse.py measures the budgets.
        API_THROTTLE_ANON_SUBMISSIONS="1000000/minute",
    )
    return env


def collectstatic(env: dict) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )


class Gunicorn:
    def __init__(self, env: dict, workers: int, size: str, extra_args: tuple[str, ...] = ()):
        self.port = free_port()
        self.log_path = OUT / f"gunicorn-{size}.log"
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--chdir",
                str(ROOT),
                *extra_args,
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/__bench__/ok")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not start: see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    # Generous: after a slow target, the workers may still be answering wrk's last requests.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=180)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


# --- Load ----------------------------------------------------------------------------------


def wrk(port: int, path: str, *, duration: float, connections: int, script: str, extra=()):
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "wrk" / script),
        f"http://127.0.0.1:{port}{path}",
    ]
    if extra:
        command += ["--", *extra]
    proc = subprocess.run(command, capture_output=True, text=True, env=WRK_ENV)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed on {path}: {proc.stderr or proc.stdout}")
    result = json.loads(lines[-1])
    result["ok"] = sum(n for code, n in result["statuses"].items() if code.startswith(("2", "3")))
    return result


WRK_ENV = dict(os.environ)


def prepare_students(port: int, path: str, count: int, pool_path: Path) -> int:
    """Open the quiz once per new visitor (a CSRF cookie each, no session) and write their POSTs
    to a file."""
    sys.path.insert(0, str(BENCH))
    from queries import submission_form

    def one(_):
        status, headers, body = get(port, path)
        if status != 200:
            return None
        cookies = []
        for header in headers.get_all("Set-Cookie") or []:
            cookies.append(header.split(";", 1)[0])
        form = submission_form(body.decode())
        return "\t".join([path, "; ".join(cookies), urllib.parse.urlencode(form, doseq=True)])

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        lines = [line for line in pool.map(one, range(count)) if line]
    pool_path.write_text("\n".join(lines) + "\n")
    return len(lines)


def run_size(size: str, dbs, args, env: dict) -> dict:
    url, build = prepare_database(dbs, size, env, args.rebuild)
    env = {**env, "DATABASE_URL": url}
    log(f"Counting queries ({size})…")
    counted = subprocess.run(
        [PYTHON, str(BENCH / "queries.py")],
        # The generation read on every request (no reuse within a second), or a page's count
        # would depend on how long the previous request took.
        env={
            **env,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_PAGE_CACHE_GENERATION_MAX_AGE": "0",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if counted.returncode != 0:
        raise SystemExit(f"queries.py failed:\n{counted.stderr}{counted.stdout}")
    found = json.loads(counted.stdout.strip().splitlines()[-1])
    paths, queries, cold = found["targets"], found["queries"], found["cold_ms"]
    names = ["bare view", *READ_TARGETS, "attempt submission"]
    if args.only:
        wanted = {n.strip() for n in args.only.split(",")}
        names = [n for n in names if n == "bare view" or n in wanted]
    server = Gunicorn(env, args.workers, size)
    results = {}
    try:
        for name in names:
            if name == "attempt submission":
                quiz_path = paths["quiz page"]
                pool_path = OUT / f"students-{size}.tsv"
                # Enough students for the whole run at the quiz page's own rate (a submission
                # costs about as much as opening the quiz), with a margin; at most --students.
                quiz_rps = results.get("quiz page", {}).get("rps", 50)
                wanted = min(args.students, int(quiz_rps * args.duration * 2) + 100)
                log(f"  preparing {wanted} students for submissions…")
                prepared = prepare_students(server.port, quiz_path, wanted, pool_path)
                WRK_ENV["BENCH_POOL"] = str(pool_path)
                result = wrk(
                    server.port,
                    quiz_path,
                    duration=args.duration,
                    connections=args.connections,
                    script="submit.lua",
                    extra=[str(min(2, args.connections))],
                )
                result["prepared"] = prepared
                result["path"] = f"POST {quiz_path}"
            else:
                path = paths[name]
                status = get(server.port, path)[0]
                if status != 200:
                    raise SystemExit(f"{name}: GET {path} returned {status}")
                wrk(
                    server.port, path, duration=2, connections=args.connections, script="report.lua"
                )
                result = wrk(
                    server.port,
                    path,
                    duration=args.duration,
                    connections=args.connections,
                    script="report.lua",
                )
                result["path"] = path
            result["queries"] = queries.get(name)
            result["cold_ms"] = cold.get(name)
            results[name] = result
            log(
                f"  {size:5} {name:22} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms"
                f"  p99 {result['p99_ms']:7.1f} ms  ({result['ok']} ok of {result['requests']})"
            )
        # The bare view once more at the end: the machine is shared, and a ratio is only fair
        # if the reference was measured under the same conditions as the pages.
        again = wrk(
            server.port,
            paths["bare view"],
            duration=args.duration,
            connections=args.connections,
            script="report.lua",
        )
        results["bare view"]["rps_end"] = again["rps"]
    finally:
        server.stop()
    bare = results["bare view"]
    reference = (bare["rps"] + bare["rps_end"]) / 2
    bare["reference_rps"] = round(reference, 1)
    for result in results.values():
        result["ratio"] = round(result["rps"] / reference, 3)
    return {"database": build, "results": results}


# --- Report --------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem_kb = int(line.split()[1])
    load = os.getloadavg()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average_at_end": [round(x, 2) for x in load],
    }


def passes(name: str, small: dict | None, large: dict | None) -> str:
    rows = [r for r in (small, large) if r]
    if name == "bare view" or not rows:
        return ""
    problems = []
    if name in READ_TARGETS and any(r["ratio"] < RATIO_TARGET for r in rows):
        problems.append("ratio")
    if any(r["p99_ms"] >= P99_TARGET_MS or not r["requests"] for r in rows):
        problems.append("p99")
    if small and large and small.get("queries") != large.get("queries"):
        problems.append("queries")
    if any(r["ok"] < r["requests"] for r in rows):
        problems.append("errors")
    return "yes" if not problems else "NO: " + ", ".join(problems)


def table(report: dict) -> str:
    sizes = report["sizes"]
    small = sizes.get("small", {}).get("results", {})
    large = sizes.get("large", {}).get("results", {})
    names = list(dict.fromkeys([*small, *large]))
    header = (
        "| target | small req/s | p50 ms | p99 ms | × bare | large req/s | p50 ms | p99 ms "
        "| × bare | queries (small/large) | cold ms (small/large) | meets targets |"
    )
    lines = [
        header,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]

    def cells(r):
        if not r:
            return ["–"] * 4
        if not r["requests"]:  # nothing answered within wrk's 10 s timeout
            return ["0", "> 10 s", "> 10 s", "0.00"]
        return [f"{r['rps']:,.0f}", f"{r['p50_ms']:.1f}", f"{r['p99_ms']:.1f}", f"{r['ratio']:.2f}"]

    for name in names:
        s, g = small.get(name), large.get(name)
        q = "/".join(str(r.get("queries", "–")) for r in (s, g) if r)
        c = "/".join("–" if r.get("cold_ms") is None else f"{r['cold_ms']:g}" for r in (s, g) if r)
        lines.append(
            f"| {name} | "
            + " | ".join(cells(s) + cells(g))
            + f" | {q} | {c} | {passes(name, s, g)} |"
        )
    return "\n".join(lines)


def simulations_report(skip: bool) -> dict | None:
    script = BENCH / "simulations.py"
    if skip or not script.exists():
        return None
    log("Timing the simulations (benchmarks/simulations.py)…")
    proc = subprocess.run([PYTHON, str(script)], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-2000:]}
    path = OUT / "simulations.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data["table"] = proc.stdout.split("\n\n")[-2] if "\n\n" in proc.stdout else proc.stdout
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn sync workers (README's deployment: 3)"
    )
    parser.add_argument("--students", type=int, default=3000, help="prepared submissions")
    parser.add_argument("--only", default="", help="comma-separated target names")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the databases")
    parser.add_argument("--skip-sims", action="store_true", help="leave out simulations.py")
    parser.add_argument("--output", default=str(OUT / "bench.json"))
    args = parser.parse_args()
    # SIGTERM (make interrupted, kill) unwinds like Ctrl-C, so gunicorn is always stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: sudo apt-get install wrk (Debian's package)")
    OUT.mkdir(parents=True, exist_ok=True)
    env = base_env()
    database_url = os.environ.get("DATABASE_URL", "").strip()
    if database_url and not database_url.startswith("sqlite"):
        dbs = PostgresDatabases(database_url)
    else:
        dbs = SqliteDatabases()
    collectstatic(env)
    started = datetime.now(UTC)
    report = {
        "started_at": started.isoformat(timespec="seconds"),
        "database": dbs.describe(),
        "settings": {
            "duration_s": args.duration,
            "connections": args.connections,
            "gunicorn_workers": args.workers,
            "worker_class": "sync",
        },
        "sizes": {},
    }
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        report["sizes"][size] = run_size(size, dbs, args, env)
        Path(args.output).write_text(json.dumps(report, indent=2))  # kept if a later step fails
    report["simulations"] = simulations_report(args.skip_sims)
    report["machine"] = machine()
    report["table"] = table(report)
    Path(args.output).write_text(json.dumps(report, indent=2))
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (OUT / f"bench-{stamp}.json").write_text(json.dumps(report, indent=2))
    m = report["machine"]
    print(
        f"\n{report['database']}, gunicorn {args.workers} sync workers, wrk {args.connections} "
        f"connections, {args.duration:g} s per target; {m['nproc']} × {m['cpu']}, "
        f"{m['memory_gb']} GB; load average {m['load_average_at_end']}\n"
    )
    print(report["table"])
    if report["simulations"] and "table" in report["simulations"]:
        print("\nSimulations (median of 5 runs, peak memory):\n")
        print(report["simulations"]["table"])
    print(f"\nWrote {args.output}")


if __name__ == "__main__":
    main()
