"""Find the benchmark's URLs in a database and count the SQL queries each one runs.

run.py calls this in a subprocess with the benchmark's environment (DATABASE_URL pointing at
the SMALL or LARGE copy). It prints one JSON object: {"targets": {name: path},
"queries": {name: count}}. Counts are of a cold request (cache cleared first), through the full
middleware stack, as an anonymous visitor; comparing SMALL with LARGE shows whether a page's
queries grow with the data.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HIDDEN_RE = re.compile(r'<input[^>]*type="hidden"[^>]*>')
INPUT_RE = re.compile(r"<input[^>]*>")
ATTR_RE = re.compile(r'(\w[\w-]*)="([^"]*)"')


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
    return {
        "bare view": "/__bench__/ok",
        "home": "/",
        "case list": "/cases/",
        "case list filtered": f"/cases/?theme={theme.slug}&sector={case.sector}",
        "case list search": "/cases/?q=surveillance",
        "case detail": f"/cases/{case.slug}/",
        "theme detail": f"/themes/{theme.slug}/",
        "quiz page": f"/quizzes/{quiz.slug}/",
        "simulation permalink": f"/simulations/runs/{run.key}/",
        "api case list": "/api/v1/cases/",
        "api case detail": f"/api/v1/cases/{case.slug}/",
    }


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


def count_queries(paths: dict[str, str]) -> dict[str, int]:
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, path in paths.items():
        for cache in caches.all():
            cache.clear()
        client = Client()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name}: GET {path} returned {response.status_code}")
        counts[name] = len(ctx.captured_queries)
        if name == "quiz page":
            form = submission_form(response.content.decode())
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(path, form)
            if response.status_code != 302:
                raise SystemExit(f"attempt submission: POST {path} returned {response.status_code}")
            counts["attempt submission"] = len(ctx.captured_queries)
    return counts


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    paths = targets()
    print(json.dumps({"targets": paths, "queries": count_queries(paths)}))


if __name__ == "__main__":
    main()
