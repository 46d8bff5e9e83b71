"""Browser benchmark of the explorable simulations: input → redrawn chart, per simulation.

For each simulation at its defaults, opens /en/simulations/<slug>/ in Chromium (Playwright, Debian's
/usr/bin/chromium), waits for the first drawing, then moves the first slider N times (one arrow
key each, waiting for the redraw each time: every position is new, so each one is computed) and
prints p50/p95 of:

- input → chart: from the key's input event (its timeStamp) to the end of the redraw, as
  static/simulations/explore.js reports it in its "sim:rendered" event (a key press made when
  nothing is pending is sent at once; only moves that follow while an answer is awaited wait
  for the 250 ms pause);
- and the medians of its parts: wait (input → request sent), fetch (request → answer parsed),
  of which compute (the engine, in the server's forked child), and draw (vega-embed);
- the 1-minute load average when the simulation's moves ended (2 cores, shared).

``--baseline DIR`` also starts a server from another checkout of the project (e.g. ``git
archive`` of an older commit unpacked in DIR, run with this venv) and measures each simulation
there and here back to back, so that a before/after comparison shares the machine's load; it
prints the ratio of the p95s.

``--lookahead-baseline`` does the same with this checkout and look-ahead turned off
(SIMULATION_LOCK_DIR's look-ahead pool emptied: SIMULATION_LOOKAHEAD_SLOTS=0), so the figures
with and without the page asking ahead share the machine's load (use one of the two options).
``--pause S`` waits S seconds after each redraw before the next key press, as a student who
looks at the chart does; 0 (the default) presses the next key as soon as the chart is drawn.
Each row says how many redraws came from an answer asked ahead, and how many from a state the
page had shown before (a slider that reaches its end comes back over its steps).

Without --url it starts its own server (runserver, DEBUG, a scratch SQLite database, the preview
throttle lifted) on a free port and stops it at the end.

    .venv/bin/python benchmarks/browser.py [--moves 5] [--only base-rate,leakage] [--url URL]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
RECORDER = """
window.__renders = [];
document.addEventListener("sim:rendered", (e) => { window.__renders.push(e.detail); });
window.__instants = [];
document.addEventListener("sim:instant", (e) => { window.__instants.push(e.detail); });
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(root: Path = ROOT, **extra: str) -> tuple[subprocess.Popen, str, str]:
    workdir = tempfile.mkdtemp(prefix="rc-bench-browser-")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        "THROTTLE_PREVIEWS": "100000/minute",
        "THROTTLE_PREVIEW_LOOKAHEADS": "100000/minute",
        "SIMULATION_LOCK_DIR": f"{workdir}/slots",
        **extra,
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    return server, url, workdir


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def bench(sites: list[tuple[str, str]], slugs: list[str], moves: int, pause: float) -> list[dict]:
    """Each simulation on each (label, url) site in turn, so that they share the machine's load."""
    from playwright.sync_api import expect, sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(RECORDER)
        for slug, (label, site) in ((slug, site) for slug in slugs for site in sites):
            page = context.new_page()
            page.goto(f"{site}/en/simulations/{slug}/")
            panel = page.locator("[data-explore-panel]")
            expect(panel).to_have_attribute("data-rendered", "1", timeout=120_000)
            slider = page.locator("input.sim-range").first
            if slider.count() == 0:
                print(f"{slug}: no slider", flush=True)
                page.close()
                continue
            slider.focus()
            for n in range(moves):
                if pause:
                    page.wait_for_timeout(pause * 1000)  # the student looks at the chart
                key = (
                    "ArrowRight"
                    if page.evaluate(
                        "(e) => Number(e.value) < Number(e.max)", slider.element_handle()
                    )
                    else "ArrowLeft"
                )
                page.keyboard.press(key)
                expect(panel).to_have_attribute("data-rendered", str(n + 2), timeout=120_000)
            renders = page.evaluate("() => window.__renders")[1:]  # leave out the arrival
            total = [r["ms"] for r in renders]

            def median(key: str, renders=renders) -> float:
                values = [r[key] for r in renders if key in r]
                return statistics.median(values) if values else float("nan")

            row = {
                "slug": slug,
                "site": label,
                "n": len(total),
                "p50": percentile(total, 0.5),
                "p95": percentile(total, 0.95),
                "wait_p50": median("waitMs"),
                "fetch_p50": median("fetchMs"),
                "compute_p50": median("computeMs"),
                "draw_p50": median("drawMs"),
                "ahead": sum(1 for r in renders if r.get("ahead")),
                "memory": sum(1 for r in renders if r.get("memory")),
                "load": os.getloadavg()[0],
            }
            # A chart drawn in the browser from a closed form (base-rate's dots): its own time.
            instants = [r["ms"] for r in page.evaluate("() => window.__instants")[1:]]
            if instants:
                row["instant_p50"] = percentile(instants, 0.5)
                row["instant_p95"] = percentile(instants, 0.95)
            rows.append(row)
            print(
                f"{(label + ' ' + slug).strip():31} n={row['n']:2}  input→chart p50 {row['p50']:6.0f} ms  "
                f"p95 {row['p95']:6.0f} ms   (p50s: wait {row['wait_p50']:4.0f}, "
                f"fetch {row['fetch_p50']:5.0f} of which compute {row['compute_p50']:5.0f}, "
                f"draw {row['draw_p50']:4.0f} ms; asked ahead {row['ahead']}/{row['n']}, "
                f"shown before {row['memory']})   "
                f"load {row['load']:.2f}",
                flush=True,
            )
            if instants:
                print(
                    f"{'':31}       browser-drawn chart (closed form) p50 "
                    f"{row['instant_p50']:6.0f} ms  p95 {row['instant_p95']:6.0f} ms",
                    flush=True,
                )
            page.close()
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=5, help="slider moves per simulation")
    parser.add_argument("--only", default="", help="comma-separated simulation slugs")
    parser.add_argument("--url", default="", help="a running site (else one is started)")
    parser.add_argument(
        "--baseline", default="", help="another checkout to measure beside this one (a dir)"
    )
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds between a redraw and the next key press (a student reading the chart)",
    )
    parser.add_argument(
        "--lookahead-baseline",
        action="store_true",
        help="also measure this checkout with look-ahead off (SIMULATION_LOOKAHEAD_SLOTS=0)",
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from simulations import engine

    slugs = [s.slug for s in engine.all_simulations()]
    if args.only:
        wanted = [s.strip() for s in args.only.split(",") if s.strip()]
        slugs = [s for s in slugs if s in wanted]
    print(
        f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
        f"{os.getloadavg()[2]:.2f} on {os.cpu_count()} cores",
        flush=True,
    )
    print(f"pause between a redraw and the next move: {args.pause:g} s", flush=True)
    servers = []
    url = args.url.rstrip("/")
    sites = []
    try:
        if args.baseline:
            server, baseline, _ = start_server(Path(args.baseline).resolve())
            servers.append(server)
            sites.append(("before", baseline))
        if args.lookahead_baseline:
            server, off, _ = start_server(SIMULATION_LOOKAHEAD_SLOTS="0")
            servers.append(server)
            sites.append(("before", off))
        if not url:
            server, url, _ = start_server()
            servers.append(server)
        sites.append(("", url))
        rows = bench(sites, slugs, args.moves, args.pause)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    baseline = len(sites) > 1
    for label in ("before", "") if baseline else ("",):
        totals = [r["p95"] for r in rows if r["site"] == label]
        if totals:
            print(
                f"{label or 'this checkout'}: median of p95 {statistics.median(totals):.0f} ms; "
                f"under 300 ms at p95: {sum(1 for t in totals if t < 300)} of {len(totals)}"
            )
    if baseline:
        after = {r["slug"]: r["p95"] for r in rows if r["site"] == ""}
        ratios = [after[r["slug"]] / r["p95"] for r in rows if r["site"] == "before" and r["p95"]]
        if ratios:
            print(f"p95 after ÷ before: median {statistics.median(ratios):.2f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
