"""Issue 18: one shape for one thing. Walks every GET operation of the OpenAPI schema (lists and
details, path parameters filled from real objects) and checks the shared field rules:

- a relation (case, cases, theme, themes, countries, related, quiz, quizzes, simulation,
  simulations, source) is the small object {slug, title, url, html_url} ({id, …} for a source);
- ``title``, never ``name``; ``html_url``, never ``page_url``; ``date_precision``, never
  ``precision``;
- scores, points and percentages are JSON numbers, percentages rounded to one decimal;
- a date comes with ``date_precision`` and ``date_display``;
- every link (``url``, ``*_url``) is absolute;
- an object with an API ``url`` also has its page, ``html_url``.
"""

import re

import pytest
from rest_framework.test import APIClient

from kb.models import CaseStudy, KeyFact, Source
from tests.quiz.factories import QuizFactory, numeric, single

pytestmark = pytest.mark.django_db

RELATION_KEYS = {
    "case",
    "cases",
    "theme",
    "themes",
    "countries",
    "related",
    "quiz",
    "quizzes",
    "simulation",
    "simulations",
    "source",
}
RELATION_FIELDS = {"slug", "title", "url", "html_url"}
SOURCE_RELATION_FIELDS = {"id", "title", "url", "html_url"}
# A case's simulations add what a reader needs to pick one (still a relation underneath).
RELATION_EXTRAS = {"simulations": {"question", "presets"}}
NUMBER_KEYS = {"score", "max_score", "percent", "points", "max_points", "pass_mark"}
FORBIDDEN_KEYS = {"name", "page_url", "precision", "simulation_url", "date_iso"}
# Free-form content: a run's numbers, the parameters' JSON Schema, a preset's parameters.
OPAQUE_KEYS = {"result", "params", "params_schema", "presets_params"}
# The roots: URL templates ({key}) on purpose, and resource name → list URL.
TEMPLATE_KEYS = {"templates"}
LINK_MAPS = {"resources", "versions"}


def check_relation(value, key, where, problems):
    items = value if isinstance(value, list) else [value]
    if key in {"cases", "themes", "countries", "related", "quizzes", "simulations"}:
        if not isinstance(value, list):
            problems.append(f"{where}: {key} should be a list of relations")
            return
    for item in items:
        if item is None and key in {"case", "simulation", "quiz"}:
            continue
        if not isinstance(item, dict):
            problems.append(f"{where}: {key} holds {item!r}, not a relation object")
            continue
        expected = SOURCE_RELATION_FIELDS if key == "source" else RELATION_FIELDS
        extras = RELATION_EXTRAS.get(key, set())
        if not expected <= set(item) or set(item) - expected - extras:
            problems.append(f"{where}: {key} has keys {sorted(item)}, expected {sorted(expected)}")


def walk(value, where, problems, *, top=False):
    if isinstance(value, list):
        for index, item in enumerate(value):
            walk(item, f"{where}[{index}]", problems, top=top)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        here = f"{where}.{key}"
        if key in FORBIDDEN_KEYS:
            problems.append(f"{here}: use the agreed name (title, html_url, date_precision)")
        if key in OPAQUE_KEYS or key in TEMPLATE_KEYS:
            continue
        if key in LINK_MAPS:
            problems.extend(
                f"{here}.{name}: {link!r} is not an absolute link"
                for name, link in item.items()
                if not re.match(r"^https?://", link)
            )
            continue
        if key in NUMBER_KEYS and item is not None:
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                problems.append(f"{here}: {item!r} should be a number")
            elif key == "percent" and round(item, 1) != item:
                problems.append(f"{here}: {item!r} should be rounded to one decimal")
        if (key == "url" or key.endswith("_url")) and item not in (None, ""):
            if not isinstance(item, str) or not re.match(r"^https?://", item):
                problems.append(f"{here}: {item!r} is not an absolute link")
        if key == "date" and isinstance(value.get("date"), (str, type(None))):
            if "date_precision" not in value or "date_display" not in value:
                problems.append(f"{where}: a date needs date_precision and date_display")
        if key in RELATION_KEYS and not (key == "cases" and "exported_at" in value):
            # (the export's "cases" are the full case documents, walked below)
            check_relation(item, key, here, problems)
            continue
        walk(item, here, problems)
    url = value.get("url")
    if isinstance(url, str) and "/api/v1/" in url and "html_url" not in value:
        # Every API resource has a page, except the roots and the stored-run's presets.
        if not url.rstrip("/").endswith("/api/v1"):
            problems.append(f"{where}: has an API url but no html_url")


@pytest.fixture
def content(make_case, roles):
    make_case("predpol", n_sources=2)
    make_case("geolitica", n_sources=1).related.add(CaseStudy.objects.get(slug="predpol"))
    quiz = QuizFactory(slug="predpol-quiz")
    quiz.cases.add(*CaseStudy.objects.all())
    first = single(quiz, simulation="base-rate", case=CaseStudy.objects.get(slug="predpol"))
    numeric(quiz)
    student = roles["student"]
    attempt = student.post(
        "/api/v1/quizzes/predpol-quiz/attempts/",
        {"answers": {str(first.pk): [first.choices.first().pk]}},
        format="json",
    )
    assert attempt.status_code == 201, attempt.content
    run = APIClient().post("/api/v1/simulations/base-rate/runs/", {"seed": 3}, format="json")
    assert run.status_code == 201, run.content
    teacher = roles["teacher"]
    made = teacher.post("/api/v1/classes/", {"title": "L3 groupe 1"}, format="json")
    assert made.status_code == 201, made.content
    code = made.json()["code"]
    assignment = teacher.post(
        f"/api/v1/classes/{code}/assignments/",
        {
            "quiz": "predpol-quiz",
            "opens_at": "2026-01-05T08:00:00Z",
            "closes_at": "2026-01-12T18:00:00Z",
        },
        format="json",
    )
    assert assignment.status_code == 201, assignment.content
    return {
        "attempt": attempt.json(),
        "run": run.json(),
        "student": student,
        "teacher": teacher,
        "code": code,
    }


def schema_get_paths(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    return sorted(path for path, ops in schema["paths"].items() if "get" in ops)


def fill(path, content):
    values = {
        "{slug}": {
            "/api/v1/cases/": "predpol",
            "/api/v1/themes/": "feedback-loops",
            "/api/v1/quizzes/": "predpol-quiz",
            "/api/v1/simulations/": "base-rate",
        },
        "{id}": {
            "/api/v1/sources/": str(Source.objects.order_by("pk").first().pk),
            "/api/v1/key-facts/": str(KeyFact.objects.order_by("pk").first().pk),
        },
        "{key}": {"/api/v1/runs/": content["run"]["key"]},
        "{public_id}": {"/api/v1/attempts/": content["attempt"]["id"]},
        "{code}": {"/api/v1/classes/": content["code"]},
    }
    for placeholder, by_prefix in values.items():
        if placeholder in path:
            prefix = path[: path.index(placeholder)]
            path = path.replace(placeholder, by_prefix[prefix])
    return path


def test_every_get_endpoint_follows_the_shared_field_rules(content):
    student = content["student"]
    paths = schema_get_paths(student)
    assert "/api/v1/runs/{key}/" in paths and "/api/v1/simulations/" in paths
    checked, problems = [], []
    for template in paths:
        if template.endswith(".csv") or template == "/api/schema/":
            continue
        url = fill(template, content)
        # Classes are for teachers: their endpoints are walked as the class's teacher.
        client = content["teacher"] if template.startswith("/api/v1/classes/") else student
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, (url, response.content[:300])
        walk(response.json(), template, problems)
        checked.append(template)
    # Both kinds of answer were walked: lists and details of every resource.
    assert len(checked) >= 16, checked
    assert not problems, "\n".join(problems)


def test_the_walk_catches_a_broken_rule():
    """The checker itself: each rule, broken once, is reported."""
    problems = []
    walk(
        {
            "name": "x",
            "page_url": "/cases/x/",
            "score": "1.00",
            "percent": 8.333333333333334,
            "themes": ["feedback-loops"],
            "source": 12,
            "date": "2019-03-01",
            "url": "http://testserver/api/v1/cases/x/",
        },
        "$",
        problems,
    )
    text = "\n".join(problems)
    for needle in (
        "$.name",
        "$.page_url",
        "$.score",
        "$.percent",
        "$.themes",
        "$.source",
        "a date needs",
        "no html_url",
        "not an absolute link",
    ):
        assert needle in text, (needle, text)


def test_a_bad_seed_and_bad_params_are_reported_together(api_client):
    response = api_client.post(
        "/api/v1/simulations/base-rate/runs/",
        {"seed": -1, "params": {"no_such_param": 1}},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"seed", "params.no_such_param"}, fields
