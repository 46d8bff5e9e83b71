"""make bench-multihost (and the last step of make bench): one instance against two behind nginx.

Starts the two-host setup of tests/multihost (PostgreSQL database of its own, Redis, nginx, two
gunicorn instances with production settings and the page cache on) and drives, with wrk, each
target three ways in the same run:

- ``one instance``: straight to host 1's gunicorn (the single-host deployment without a proxy);
- ``nginx → one``: through nginx with only host 1 in its upstream;
- ``nginx → two``: through nginx balancing over both hosts.

It prints requests/s and latency percentiles, and the ratio of each to the single instance. On
this 2-core machine both "hosts" share the same two cores, so two instances cannot double the
throughput here: the figures show what the proxy and the shared Redis/PostgreSQL cost, and that
nothing breaks; on two machines the CPU doubles. Needs DATABASE_URL=postgres://…, Debian's wrk,
redis-server and nginx.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.multihost.harness import Cluster, missing_requirements, render_nginx_conf  # noqa: E402

BENCH = ROOT / "benchmarks"
TARGETS = [
    ("case page (cached)", "/fr/cases/predpol/"),
    ("case list (cached)", "/en/cases/"),
    ("API case list", "/api/v1/cases/"),
    ("API case detail", "/api/v1/cases/predpol/"),
]


def wrk(url: str, *, seconds: int, connections: int) -> dict:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "wrk" / "report.lua"),
        url,
    ]
    proc = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed on {url}: {proc.stderr or proc.stdout}")
    return json.loads(lines[-1])


def start_single_nginx(cluster: Cluster) -> tuple[subprocess.Popen, int]:
    from tests.multihost.harness import NGINX, free_port, wait_for_port

    port = free_port()
    prefix = cluster.tmp / "single"
    prefix.mkdir(exist_ok=True)
    conf = render_nginx_conf(
        listen=f"127.0.0.1:{port}",
        upstreams=[f"127.0.0.1:{cluster.instances[0].port}"],
        static_root=str(ROOT / "staticfiles"),
        prefix=str(prefix),
    )
    (prefix / "nginx.conf").write_text(conf)
    proc = subprocess.Popen(
        [
            NGINX,
            "-p",
            str(prefix),
            "-c",
            str(prefix / "nginx.conf"),
            "-e",
            str(prefix / "e.log"),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, 20, proc)
    return proc, port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per measure")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per instance")
    args = parser.parse_args()
    why = missing_requirements() or (None if shutil.which("wrk") else "needs Debian's wrk")
    if why:
        print(f"Two-instance benchmark skipped: {why}.")
        return 0
    with Cluster(instances_count=2, workers=args.workers) as cluster:
        single_proxy, single_port = start_single_nginx(cluster)
        try:
            print(
                f"\nTwo instances ({args.workers} gunicorn workers each) behind nginx, PostgreSQL "
                f"and Redis; wrk {args.connections} connections, {args.seconds} s per measure.\n"
            )
            header = f"{'target':<22} {'setup':<14} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8}"
            print(header)
            print("-" * len(header))
            for name, path in TARGETS:
                runs = [
                    ("one instance", cluster.host(0) + path),
                    ("nginx → one", f"http://127.0.0.1:{single_port}{path}"),
                    ("nginx → two", cluster.front + path),
                ]
                base = None
                for setup, url in runs:
                    wrk(url, seconds=1, connections=args.connections)  # warm the caches
                    r = wrk(url, seconds=args.seconds, connections=args.connections)
                    if not r["rps"]:
                        raise SystemExit(f"no request answered at {url}: {r}")
                    base = base or r["rps"]
                    bad = sum(n for code, n in r["statuses"].items() if not code.startswith("2"))
                    note = f"  ({bad} non-2xx)" if bad else ""
                    print(
                        f"{name:<22} {setup:<14} {r['rps']:>8.0f} {r['rps'] / base:>6.2f} "
                        f"{r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f}{note}"
                    )
        finally:
            single_proxy.terminate()
            single_proxy.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
