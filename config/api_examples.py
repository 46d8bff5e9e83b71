"""Examples for the OpenAPI documentation, taken from the real content (issue 18).

``config/api_examples.json`` holds answers of the API on the site's own content (the PredPol
case, the base-rate simulation, …), shortened (long lists cut to two items, long texts cut), with
the host replaced by ``https://reality-check.example``. To capture them again after the content
or the shapes change (then regenerate the schema snapshot, see CHANGELOG.md):

    DJANGO_DEBUG=1 .venv/bin/python manage.py shell -c \\
        "from config.api_examples import capture; capture()"

on a database with the initial content (``manage.py load_initial_content``).
"""

import json
from functools import cache
from pathlib import Path

EXAMPLES_FILE = Path(__file__).with_name("api_examples.json")
HOST = "https://reality-check.example"
TEXT_LIMIT = 240
LIST_LIMIT = 2


@cache
def _load() -> dict:
    if not EXAMPLES_FILE.exists():
        return {}
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


def examples_for(method: str, path: str):
    """(request examples, response examples) of one operation, as OpenAPI Example Objects."""
    entry = _load().get(f"{method.upper()} {path}", {})

    def objects(items):
        if not items:
            return None
        return {
            name: {"summary": item["summary"], "value": item["value"]}
            for name, item in items.items()
        }

    return objects(entry.get("request")), objects(entry.get("response"))


def _shorten(value, depth=0):
    if isinstance(value, str):
        value = value.replace("http://testserver", HOST)
        return value if len(value) <= TEXT_LIMIT else value[: TEXT_LIMIT - 1] + "…"
    if isinstance(value, list):
        return [_shorten(v, depth + 1) for v in value[:LIST_LIMIT]]
    if isinstance(value, dict):
        return {
            k: (v if k == "params_schema" else _shorten(v, depth + 1)) for k, v in value.items()
        }
    return value


def capture(path: Path = EXAMPLES_FILE) -> None:  # pragma: no cover - a maintainer's tool
    from django.test import Client

    from kb.models import KeyFact, Source
    from quiz.models import Quiz

    client = Client()
    examples: dict[str, dict] = {}

    def get(url):
        response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
        assert response.status_code == 200, (url, response.status_code)
        return response.json()

    def add(op, kind, name, summary, value):
        examples.setdefault(op, {}).setdefault(kind, {})[name] = {
            "summary": summary,
            "value": _shorten(value),
        }

    source = Source.objects.filter(case__slug="predpol").order_by("order", "id").first()
    fact = KeyFact.objects.filter(case__slug="predpol").order_by("order", "id").first()
    quiz = Quiz.objects.published().filter(cases__slug="predpol").first() or (
        Quiz.objects.published().first()
    )
    reads = {
        "/api/": get("/api/"),
        "/api/v1/": get("/api/v1/"),
        "/api/v1/cases/": get("/api/v1/cases/?search=predpol"),
        "/api/v1/cases/{slug}/": get("/api/v1/cases/predpol/"),
        "/api/v1/themes/": get("/api/v1/themes/"),
        "/api/v1/themes/{slug}/": get("/api/v1/themes/feedback-loops/"),
        "/api/v1/sources/": get("/api/v1/sources/?case__slug=predpol"),
        "/api/v1/sources/{id}/": get(f"/api/v1/sources/{source.pk}/"),
        "/api/v1/key-facts/": get("/api/v1/key-facts/?case__slug=predpol"),
        "/api/v1/key-facts/{id}/": get(f"/api/v1/key-facts/{fact.pk}/"),
        "/api/v1/simulations/": [
            s for s in get("/api/v1/simulations/") if s["slug"] == "base-rate"
        ],
        "/api/v1/simulations/{slug}/": get("/api/v1/simulations/base-rate/"),
        "/api/v1/quizzes/": get("/api/v1/quizzes/"),
        "/api/v1/quizzes/{slug}/": get(f"/api/v1/quizzes/{quiz.slug}/"),
        "/api/v1/export/cases.json": get("/api/v1/export/cases.json"),
    }
    for url, value in reads.items():
        add(f"GET {url}", "response", "real", "From the site's content", value)

    run_body = {"params": {"travellers": 100000, "base_rate": 1.0}, "seed": 7}
    preset_body = {"preset": "iborderctrl-border-1pct"}
    run = client.post(
        "/api/v1/simulations/base-rate/runs/?lang=en", run_body, content_type="application/json"
    ).json()
    op = "POST /api/v1/simulations/{slug}/runs/"
    add(op, "request", "partial_params", "Some parameters (see params_schema), a seed", run_body)
    add(op, "request", "preset", "A preset of the simulation", preset_body)
    add(op, "response", "run", "The base-rate run (without its charts)", run)
    add("GET /api/v1/runs/{key}/", "response", "run", "The base-rate run (without charts)", run)

    questions = get(f"/api/v1/quizzes/{quiz.slug}/")["questions"]
    answers = {}
    for question in questions[:2]:
        if question["choices"]:
            answers[str(question["id"])] = [question["choices"][0]["id"]]
        else:
            answers[str(question["id"])] = 42
    attempt = client.post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/?lang=en",
        {"answers": answers},
        content_type="application/json",
    ).json()
    op = "POST /api/v1/quizzes/{slug}/attempts/"
    add(
        op,
        "request",
        "answers",
        "Choice ids per question id; a number for numeric",
        {"answers": answers},
    )
    add(op, "response", "graded", "The graded attempt", attempt)
    add("GET /api/v1/attempts/{public_id}/", "response", "graded", "A graded attempt", attempt)
    summary = {k: v for k, v in attempt.items() if k != "answers"}
    add(
        "GET /api/v1/attempts/",
        "response",
        "mine",
        "My attempts",
        {"count": 1, "next": None, "previous": None, "results": [summary]},
    )

    case = reads["/api/v1/cases/{slug}/"]
    theme = reads["/api/v1/themes/{slug}/"]
    writes = {
        "cases": (
            {
                "slug": "predpol",
                "title": case["title"],
                "summary": case["summary"],
                "body": case["body"][:200],
                "sector": case["sector"],
                "status": case["status"],
                "status_as_of": case["status_as_of"],
                "countries": [c["slug"] for c in case["countries"]],
                "themes": [t["slug"] for t in case["themes"]],
                "start_year": case["start_year"],
            },
            {"summary": case["summary"]},
            case,
            "{slug}",
        ),
        "themes": (
            {k: theme[k] for k in ("slug", "title", "definition", "explanation", "order")},
            {"definition": theme["definition"]},
            theme,
            "{slug}",
        ),
        "sources": (
            {
                "case": "predpol",
                "title": reads["/api/v1/sources/{id}/"]["title"],
                "publisher": reads["/api/v1/sources/{id}/"]["publisher"],
                "date": reads["/api/v1/sources/{id}/"]["date"],
                "date_precision": reads["/api/v1/sources/{id}/"]["date_precision"],
                "document_url": reads["/api/v1/sources/{id}/"]["document_url"],
                "kind": reads["/api/v1/sources/{id}/"]["kind"],
                "origin": reads["/api/v1/sources/{id}/"]["origin"],
            },
            {"supports": reads["/api/v1/sources/{id}/"]["supports"] or "Key fact 1."},
            reads["/api/v1/sources/{id}/"],
            "{id}",
        ),
        "key-facts": (
            {
                "case": "predpol",
                "statement": reads["/api/v1/key-facts/{id}/"]["statement"],
                "source": reads["/api/v1/key-facts/{id}/"]["source"]["id"],
                "location": reads["/api/v1/key-facts/{id}/"]["location"],
                "status": reads["/api/v1/key-facts/{id}/"]["status"],
            },
            {"status": reads["/api/v1/key-facts/{id}/"]["status"]},
            reads["/api/v1/key-facts/{id}/"],
            "{id}",
        ),
        "quizzes": (
            {
                "slug": quiz.slug,
                "title": reads["/api/v1/quizzes/{slug}/"]["title"],
                "description": reads["/api/v1/quizzes/{slug}/"]["description"],
                "cases": ["predpol"],
                "pass_mark": 60,
            },
            {"pass_mark": 60},
            reads["/api/v1/quizzes/{slug}/"],
            "{slug}",
        ),
    }
    for resource, (full, partial, answer, key) in writes.items():
        collection, item = f"/api/v1/{resource}/", f"/api/v1/{resource}/{key}/"
        add(f"POST {collection}", "request", "create", "Slugs name the relations", full)
        add(f"POST {collection}", "response", "created", "Relations come back as objects", answer)
        add(f"PUT {item}", "request", "replace", "Every field", full)
        add(f"PUT {item}", "response", "replaced", "The resource", answer)
        add(f"PATCH {item}", "request", "update", "Only the fields to change", partial)
        add(f"PATCH {item}", "response", "updated", "The resource", answer)

    _capture_classes(add, quiz)
    path.write_text(
        json.dumps(examples, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )


def _capture_classes(add, quiz) -> None:  # pragma: no cover - part of capture()
    """Classes: a teacher's class made, a quiz assigned, a student joining, the results."""
    from django.contrib.auth.models import Group, User
    from rest_framework.test import APIClient

    from kb.teachers import TEACHERS_GROUP

    teacher, _ = User.objects.get_or_create(username="example-teacher", defaults={"is_staff": True})
    teacher.groups.add(Group.objects.get(name=TEACHERS_GROUP))
    client = APIClient()
    client.force_authenticate(teacher)
    body = {"title": "L3 MIASHS — group 1", "co_teachers": [], "show_leaderboard": False}
    made = client.post("/api/v1/classes/?lang=en", body, format="json")
    assert made.status_code == 201, made.content
    made = made.json()
    add("POST /api/v1/classes/", "request", "create", "A class's title (and co-teachers)", body)
    add("POST /api/v1/classes/", "response", "created", "Its join code and join link", made)
    listed = client.get("/api/v1/classes/?lang=en").json()
    add("GET /api/v1/classes/", "response", "mine", "The teacher's classes", listed)
    code = made["code"]
    assignment = {
        "quiz": quiz.slug,
        "opens_at": "2026-09-07T08:00:00Z",
        "closes_at": "2026-09-14T20:00:00Z",
        "max_attempts": 1,
        "review_after_score": True,
        "review_closed_right_answers": True,
    }
    made_assignment = client.post(
        f"/api/v1/classes/{code}/assignments/?lang=en", assignment, format="json"
    )
    assert made_assignment.status_code == 201, made_assignment.content
    op = "/api/v1/classes/{code}/assignments/"
    add(f"POST {op}", "request", "assign", "A quiz by its slug, its dates", assignment)
    add(f"POST {op}", "response", "assigned", "The assignment", made_assignment.json())
    add(
        f"GET {op}",
        "response",
        "assignments",
        "The class's assignments",
        client.get(f"/api/v1/classes/{code}/assignments/?lang=en").json(),
    )
    joined = APIClient().post(
        f"/api/v1/classes/{code}/join/?lang=en", {"nickname": "Ada"}, format="json"
    )
    assert joined.status_code == 201, joined.content
    op = "/api/v1/classes/{code}/join/"
    add(f"POST {op}", "request", "join", "A nickname only", {"nickname": "Ada"})
    add(f"POST {op}", "response", "joined", "The member and what is due", joined.json())
    results = client.get(f"/api/v1/classes/{code}/results/?lang=en").json()
    add(
        "GET /api/v1/classes/{code}/results/",
        "response",
        "results",
        "Each student's status and best score per assignment",
        results,
    )
