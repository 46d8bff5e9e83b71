"""Issue 18: documentation that stands alone, lighter runs, and the change policy (schema
snapshot, deprecation headers)."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from rest_framework.test import APIClient

from config import api_deprecation
from config.api_docs import API_TAGS

SNAPSHOT = Path(settings.BASE_DIR) / "docs" / "openapi-v1.yaml"
REGENERATE = "make api-schema"
WRITES = {"post", "put", "patch", "delete"}


def generate_schema_yaml() -> str:
    """The schema exactly as `make api-schema` writes it (English, sorted, no timestamps)."""
    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return OpenApiYamlRenderer().render(schema, renderer_context={}).decode()


@pytest.fixture(scope="module")
def schema():
    with translation.override("en"):
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, operation


# Integer bounds Django takes from the database: SQLite's 64-bit range for every integer field,
# PostgreSQL's per column type. The snapshot is written on SQLite (the default); on PostgreSQL
# those bounds (and the int64 format they imply) are the only lines that may differ.
DB_BOUNDS = re.compile(
    r"^ *(maximum: (9223372036854775807|2147483647|32767)|minimum: -(9223372036854775808|"
    r"2147483648|32768)|format: int64)\n",
    re.M,
)


def without_db_bounds(text: str) -> str:
    return DB_BOUNDS.sub("", text) if connection.vendor != "sqlite" else text


def test_the_schema_matches_its_committed_copy():
    assert SNAPSHOT.exists(), f"No {SNAPSHOT.name}: run `{REGENERATE}`."
    current = without_db_bounds(generate_schema_yaml())
    assert current == without_db_bounds(SNAPSHOT.read_text(encoding="utf-8")), (
        f"The API contract changed. If that is deliberate, run `{REGENERATE}` (or "
        "`DJANGO_DEBUG=1 .venv/bin/python manage.py spectacular --lang en --file "
        "docs/openapi-v1.yaml`), record every changed field in CHANGELOG.md, and commit both."
    )


def test_the_schema_is_deterministic():
    assert generate_schema_yaml() == generate_schema_yaml()


def test_every_operation_has_a_tag_a_summary_and_examples(schema):
    tags = {name for name, _ in API_TAGS}
    assert [t["name"] for t in schema["tags"]] == [name for name, _ in API_TAGS]
    missing = []
    for method, path, operation in operations(schema):
        assert operation["tags"] and set(operation["tags"]) <= tags, (method, path)
        assert operation.get("summary"), (method, path)
        if method in {"post", "put", "patch"}:
            for media, content in operation["requestBody"]["content"].items():
                if media == "application/json" and not content.get("examples"):
                    missing.append(f"{method} {path} request")
        if method == "delete" or path.endswith(".csv"):
            continue
        ok = [
            r
            for code, r in operation["responses"].items()
            if str(code).startswith("2")
            and r.get("content", {}).get("application/json", {}).get("examples")
        ]
        if not ok:
            missing.append(f"{method} {path} response")
    assert not missing, missing


def example_values(schema, media):
    """The values of a media type's examples, $refs to components/examples resolved."""
    values = []
    for example in media["examples"].values():
        if "$ref" in example:
            example = schema["components"]["examples"][example["$ref"].rsplit("/", 1)[1]]
        values.append(example["value"])
    return values


def test_examples_are_real_content(schema):
    case = schema["paths"]["/api/v1/cases/{slug}/"]["get"]["responses"]["200"]["content"]
    value = example_values(schema, case["application/json"])[0]
    assert value["slug"] == "predpol" and value["key_facts"]
    run = schema["paths"]["/api/v1/simulations/{slug}/runs/"]["post"]
    bodies = example_values(schema, run["requestBody"]["content"]["application/json"])
    sim = schema["paths"]["/api/v1/simulations/{slug}/"]["get"]["responses"]["200"]["content"]
    params_schema = example_values(schema, sim["application/json"])[0]["params_schema"]
    # The run example sets parameters that the simulation's params_schema declares.
    assert any(b.get("params") for b in bodies)
    for body in bodies:
        assert set(body.get("params", {})) <= set(params_schema["properties"])
    text = generate_schema_yaml()
    assert "additionalProp1" not in text and "api.example.org" not in text


def test_padlock_only_where_credentials_matter(schema):
    for method, path, operation in operations(schema):
        security = operation.get("security", [])
        public = (method == "get" and not path.startswith("/api/v1/attempts/")) or (
            method == "post" and path == "/api/v1/simulations/{slug}/runs/"
        )
        if public:
            assert security == [], (method, path, security)
        elif method in WRITES and path not in {
            "/api/v1/quizzes/{slug}/attempts/",  # anyone; an account's attempt is kept as theirs
            "/api/v1/classes/{code}/join/",  # anyone; a logged-in student joins with their account
        }:
            assert security and {} not in security, (method, path, security)


def test_the_introduction_covers_what_a_newcomer_needs(schema):
    text = schema["info"]["description"]
    for needle in (
        "Authorization: Token",
        "Retry-After",
        '{"error":',
        "If-None-Match",
        '"next"',
        "Accept-Language",
        "/api/v1/",
        "Deprecation",
        "Sunset",
        "html_url",
        "date_precision",
        "include=charts",
    ):
        assert needle in text, needle


@pytest.mark.django_db
def test_the_roots_list_every_resource_simulations_and_runs_included():
    client = APIClient()
    root = client.get("/api/")
    assert root.status_code == 200 and root.json()["versions"]["v1"].endswith("/api/v1/")
    v1 = client.get("/api/v1/").json()
    assert {"cases", "themes", "sources", "key-facts", "simulations", "quizzes", "attempts"} <= set(
        v1["resources"]
    )
    assert v1["templates"]["runs"].endswith("/api/v1/runs/{key}/")
    assert "classes" in v1["resources"] and "class-join" in v1["templates"]
    for url in v1["resources"].values():
        if url.endswith(("/attempts/", "/classes/")):  # a student's own, a teacher's own
            assert client.get(url).status_code == 401, url
        else:
            assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_a_run_is_light_unless_its_tables_and_charts_are_asked_for():
    client = APIClient()
    url = "/api/v1/simulations/base-rate/runs/"
    light = client.post(url, {"seed": 5}, format="json")
    assert light.status_code == 201
    assert set(light.json()["result"]) == {"metrics", "findings", "checks"}
    key = light.json()["key"]
    full = client.get(f"/api/v1/runs/{key}/?include=tables,charts")
    assert {"tables", "charts"} <= set(full.json()["result"])
    only_charts = client.get(f"/api/v1/runs/{key}/?include=charts").json()["result"]
    assert "charts" in only_charts and "tables" not in only_charts
    assert len(light.content) * 2 < len(full.content)


@pytest.mark.django_db
def test_a_deprecated_operation_says_so_and_when_it_goes(monkeypatch):
    since, sunset = datetime.date(2026, 12, 2), datetime.date(2027, 6, 30)
    monkeypatch.setitem(
        api_deprecation.DEPRECATIONS,
        ("get", "/api/v1/themes/{slug}/"),
        api_deprecation.Deprecation(since=since, sunset=sunset),
    )
    client = APIClient()
    response = client.get("/api/v1/themes/no-such-theme/")
    assert response["Deprecation"] == "@1796169600"  # 2 Dec 2026 00:00 UTC
    assert response["Sunset"] == "Wed, 30 Jun 2027 00:00:00 GMT"
    assert 'rel="deprecation"' in response["Link"]
    assert "Deprecation" not in client.get("/api/v1/themes/")
    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["paths"]["/api/v1/themes/{slug}/"]["get"]["deprecated"] is True
    assert "deprecated" not in schema["paths"]["/api/v1/themes/"]["get"]


def test_a_sunset_needs_six_months_notice():
    with pytest.raises(ValueError):
        api_deprecation.Deprecation(
            since=datetime.date(2026, 12, 2), sunset=datetime.date(2027, 1, 2)
        )


@pytest.mark.django_db
def test_a_method_a_resource_lacks_is_405_even_without_credentials(make_case):
    make_case("predpol")
    client = APIClient()
    assert client.put("/api/v1/cases/", {}, format="json").status_code == 405
    assert client.delete("/api/v1/cases/predpol/").status_code == 405
    # A method the resource has still asks for credentials first.
    assert client.patch("/api/v1/cases/predpol/", {}, format="json").status_code == 401
