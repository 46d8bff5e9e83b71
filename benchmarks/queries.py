"""Find the benchmark's URLs in a database and count the SQL queries each one runs.

run.py calls this in a subprocess with the benchmark's environment (DATABASE_URL pointing at
the SMALL or LARGE copy). It prints one JSON object: {"targets": {name: path},
"queries": {name: count}, "cold_ms": {name: milliseconds}}. Counts are of a cold request (cache
cleared first), through the full middleware stack, as an anonymous visitor; comparing SMALL with
LARGE shows whether a page's queries grow with the data. cold_ms is the median time of
COLD_REPEAT such cold requests in this one process (no concurrency): what a page costs when the
page cache cannot serve it (the first visitor after an edit, a search nobody made before), and
how that cost grows from SMALL to LARGE. For the attempt submission it is the POST alone, each
time a new visitor's first.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HIDDEN_RE = re.compile(r'<input[^>]*type="hidden"[^>]*>')
INPUT_RE = re.compile(r"<input[^>]*>")
ATTR_RE = re.compile(r'(\w[\w-]*)="([^"]*)"')
COLD_REPEAT = 5


def targets() -> dict[str, str]:
    """GET paths of every target, from rows that exist in both SMALL and LARGE."""
    from kb.models import CaseStudy
    from quiz.models import Quiz
    from simulations.models import SimulationRun

    case = CaseStudy.objects.published().filter(slug="predpol").first()
    if case is None:
        case = CaseStudy.objects.published().order_by("pk").first()
    theme = case.themes.order_by("order", "pk").first()
    quiz = Quiz.objects.published().filter(slug="predpol").first()
    if quiz is None:
        quiz = Quiz.objects.published().order_by("pk").first()
    run = SimulationRun.objects.order_by("pk").first()
    pages = {
        "home": "/",
        "case list": "/cases/",
        "case list filtered": f"/cases/?theme={theme.slug}&sector={case.sector}",
        "case list search": "/cases/?q=surveillance",
        "case detail": f"/cases/{case.slug}/",
        "theme detail": f"/themes/{theme.slug}/",
        "quiz page": f"/quizzes/{quiz.slug}/",
        "simulation permalink": f"/simulations/runs/{run.key}/",
    }
    found = {"bare view": "/__bench__/ok"}
    # Every page in both languages: the French pages must keep the same ratio to the bare view.
    for lang in ("en", "fr"):
        for name, path in pages.items():
            found[name if lang == "en" else f"{name} (fr)"] = f"/{lang}{path}"
    found["api case list"] = "/api/v1/cases/"
    found["api case detail"] = f"/api/v1/cases/{case.slug}/"
    found["api case detail (fr)"] = f"/api/v1/cases/{case.slug}/?lang=fr"
    return found


def submission_form(html: str) -> dict[str, list[str]]:
    """The fields a student sends back: hidden inputs, then a first answer for each question."""
    form: dict[str, list[str]] = {}
    for tag in INPUT_RE.findall(html):
        attrs = dict(ATTR_RE.findall(tag))
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if not name or "disabled" in tag:
            continue
        if kind == "hidden":
            form.setdefault(name, []).append(attrs.get("value", ""))
        elif kind in ("radio", "checkbox") and name not in form:
            form[name] = [attrs.get("value", "")]
        elif kind in ("text", "number") and re.fullmatch(r"q\d+", name):
            form[name] = ["42"]
    form.pop("check", None)
    return form


def _clear_caches() -> None:
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


def count_queries(paths: dict[str, str]) -> tuple[dict[str, int], dict[str, float]]:
    """Queries of one cold request per target, and the median time of COLD_REPEAT more."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts: dict[str, int] = {}
    cold: dict[str, float] = {}
    # One client for the timings: each Client builds its own middleware chain (whitenoise scans
    # the static files, about 20 ms), which a server does once. Clearing its cookies makes each
    # request a new visitor's.
    visitor = Client()
    for name, path in paths.items():
        _clear_caches()
        client = Client()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name}: GET {path} returned {response.status_code}")
        counts[name] = len(ctx.captured_queries)
        times = []
        for _ in range(COLD_REPEAT):
            _clear_caches()
            visitor.cookies.clear()
            started = time.perf_counter()
            visitor.get(path)
            times.append((time.perf_counter() - started) * 1000)
        cold[name] = round(statistics.median(times), 1)
        if name == "quiz page":
            form = submission_form(response.content.decode())
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(path, form)
            if response.status_code != 302:
                raise SystemExit(f"attempt submission: POST {path} returned {response.status_code}")
            counts["attempt submission"] = len(ctx.captured_queries)
            times = []
            for _ in range(COLD_REPEAT):
                visitor.cookies.clear()
                form = submission_form(visitor.get(path).content.decode())
                started = time.perf_counter()
                response = visitor.post(path, form)
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 302:
                    raise SystemExit(
                        f"attempt submission: POST {path} returned {response.status_code}"
                    )
            cold["attempt submission"] = round(statistics.median(times), 1)
    return counts, cold


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    paths = targets()
    counts, cold = count_queries(paths)
    print(json.dumps({"targets": paths, "queries": counts, "cold_ms": cold}))


if __name__ == "__main__":
    main()
