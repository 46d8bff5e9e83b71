"""The knowledge-base API: reads, filters, permissions, errors, caching, export."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.models import CaseStudy

pytestmark = pytest.mark.django_db

CASE_DETAIL_KEYS = {
    "slug",
    "title",
    "summary",
    "sector",
    "status",
    "status_as_of",
    "countries",
    "start_year",
    "end_year",
    "themes",
    "is_published",
    "created_at",
    "updated_at",
    "url",
    "html_url",
    "deployer",
    "developer",
    "body",
    "body_html",
    "discussion_questions",
    "discussion_html",
    "sources",
    "key_facts",
    "timeline",
    "related",
    "simulations",
    "quizzes",
}


def test_case_list_shows_published_cases_only(api_client, make_case):
    make_case("predpol")
    make_case("hidden-draft", published=False)
    response = api_client.get("/api/v1/cases/")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["results"]] == ["predpol"]
    assert response.json()["count"] == 1


def test_case_detail_has_its_ledger_and_iso_dates(api_client, make_case):
    make_case("predpol", n_sources=3)
    data = api_client.get("/api/v1/cases/predpol/").json()
    assert set(data) == CASE_DETAIL_KEYS
    assert len(data["sources"]) == 3 and len(data["key_facts"]) == 3 and len(data["timeline"]) == 3
    assert data["key_facts"][0]["source"]["id"] == data["sources"][0]["id"]
    assert data["key_facts"][0]["source"]["url"] == data["sources"][0]["url"]
    assert data["timeline"][0]["date_display"] == "2010"
    assert data["timeline"][0]["date"] == "2010-01-01"
    assert data["timeline"][0]["date_precision"] == "year"
    assert data["sources"][0]["date"] == "2019-03-01"
    assert data["sources"][0]["document_url"] == "https://news.test/predpol/0"
    assert data["updated_at"].endswith("Z") or "+00:00" in data["updated_at"]
    assert data["themes"][0]["slug"] == "feedback-loops"


def test_draft_is_404_for_the_public_and_visible_to_a_teacher(roles, make_case):
    make_case("draft-case", published=False)
    assert roles["anonymous"].get("/api/v1/cases/draft-case/").status_code == 404
    assert roles["student"].get("/api/v1/cases/draft-case/").status_code == 404
    assert roles["teacher"].get("/api/v1/cases/draft-case/").status_code == 200


@pytest.mark.parametrize(
    "query, expected",
    [
        ("theme=feedback-loops", {"a", "b"}),
        ("theme=nothing", set()),
        ("sector=employment", {"b"}),
        ("country=united-states", {"a", "b"}),
        ("status=abandoned", {"a"}),
        ("year_from=2016", {"b"}),
        ("year_to=2012", {"a"}),
        ("search=runaway", {"a"}),
    ],
)
def test_case_list_filters(api_client, make_case, query, expected):
    make_case("a", status="abandoned", start_year=2011, end_year=2015, body="runaway loops")
    make_case("b", sector="employment", start_year=2018)
    response = api_client.get(f"/api/v1/cases/?{query}")
    assert response.status_code == 200
    assert {c["slug"] for c in response.json()["results"]} == expected


def test_case_list_ordering(api_client, make_case):
    make_case("a", start_year=2011)
    make_case("b", start_year=2018)
    slugs = [
        c["slug"] for c in api_client.get("/api/v1/cases/?ordering=-start_year").json()["results"]
    ]
    assert slugs == ["b", "a"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("sector=spaceships", "sector"),
        ("year_from=abc", "year_from"),
        ("year_to=99999999999999999999", "year_to"),
        ("status=%00", "status"),
    ],
)
def test_bad_filters_are_400_with_the_field_named(api_client, make_case, query, field):
    make_case("a")
    response = api_client.get(f"/api/v1/cases/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and field in error["fields"]


def test_errors_share_one_json_shape(api_client):
    response = api_client.get("/api/v1/cases/missing/")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "code": "not_found", "message": "Not found.", "fields": {}}
    }
    assert api_client.delete("/api/v1/themes/anything/").status_code in (401, 403, 405)


def test_unsupported_media_type_is_415(roles, make_case):
    response = roles["teacher"].post("/api/v1/cases/", data="x=1", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["error"]["status"] == 415


def test_oversized_body_is_413(roles, settings):
    settings.API_MAX_BODY_BYTES = 100
    response = roles["teacher"].post("/api/v1/cases/", {"title": "x" * 500}, format="json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


PERMISSIONS = [
    # role, read, create
    ("anonymous", 200, 401),
    ("student", 200, 403),
    ("teacher", 200, 201),
    ("superuser", 200, 201),
]


@pytest.mark.parametrize("role, read_status, write_status", PERMISSIONS)
def test_case_permissions_matrix(roles, make_case, role, read_status, write_status):
    make_case("existing")
    client = roles[role]
    assert client.get("/api/v1/cases/existing/").status_code == read_status
    payload = {
        "slug": f"new-{role}",
        "title": "New",
        "summary": "S",
        "body": "B",
        "sector": "policing",
        "status": "pilot",
        "status_as_of": "2024-05-01",
        "themes": ["feedback-loops"],
    }
    response = client.post("/api/v1/cases/", payload, format="json")
    assert response.status_code == write_status
    patch = client.patch("/api/v1/cases/existing/", {"title": "Renamed"}, format="json")
    assert patch.status_code == (200 if write_status == 201 else write_status)
    # Cases are unpublished, never deleted, through the API.
    assert client.delete("/api/v1/cases/existing/").status_code in (401, 403, 405)
    assert CaseStudy.objects.filter(slug="existing").exists()


def test_teacher_cannot_publish_a_case_without_sources(roles):
    payload = {
        "slug": "bare",
        "title": "Bare",
        "summary": "S",
        "body": "B",
        "sector": "policing",
        "status": "pilot",
        "status_as_of": "2024-05-01",
        "is_published": True,
    }
    response = roles["teacher"].post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 400
    assert "is_published" in response.json()["error"]["fields"]


def test_case_write_validates_years(roles):
    payload = {
        "slug": "years",
        "title": "Y",
        "summary": "S",
        "body": "B",
        "sector": "policing",
        "status": "pilot",
        "status_as_of": "2024-05-01",
        "start_year": 2020,
        "end_year": 2010,
    }
    response = roles["teacher"].post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 400
    assert "end_year" in response.json()["error"]["fields"]


def test_key_fact_source_must_belong_to_the_same_case(roles, make_case):
    a = make_case("a")
    b = make_case("b")
    source_of_b = b.sources.first()
    response = roles["teacher"].post(
        "/api/v1/key-facts/",
        {"case": a.slug, "statement": "x", "source": source_of_b.pk, "status": "verified"},
        format="json",
    )
    assert response.status_code == 400
    assert "source" in response.json()["error"]["fields"]


def test_markdown_is_sanitised_in_the_api(roles, make_case):
    make_case(
        "xss",
        body="Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    html = roles["anonymous"].get("/api/v1/cases/xss/").json()["body_html"]
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_reads_revalidate_with_etag_and_send_cache_headers(api_client, make_case):
    make_case("predpol")
    first = api_client.get("/api/v1/cases/predpol/")
    assert first["Cache-Control"].startswith("public")
    assert "Last-Modified" in first and first.has_header("ETag")
    second = api_client.get("/api/v1/cases/predpol/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 304


def test_authenticated_reads_are_private(roles, make_case):
    make_case("predpol")
    assert roles["teacher"].get("/api/v1/cases/predpol/")["Cache-Control"] == "private, no-cache"


def test_export_json_and_csv_hold_every_published_case(api_client, make_case):
    make_case("a")
    make_case("b")
    make_case("c", published=False)
    data = api_client.get("/api/v1/export/cases.json").json()
    assert data["count"] == 2 and {c["slug"] for c in data["cases"]} == {"a", "b"}
    response = api_client.get("/api/v1/export/cases.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["slug"] for r in rows] == ["a", "b"]
    assert "https://news.test/a/0" in rows[0]["sources"]


@pytest.mark.parametrize("n", [3, 15])
def test_case_list_query_count_does_not_grow(api_client, make_case, n, django_assert_num_queries):
    for i in range(n):
        make_case(f"case-{i}")
    with django_assert_num_queries(4):  # count, page, themes, countries
        assert api_client.get("/api/v1/cases/").status_code == 200


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_case_detail_query_count_does_not_grow(api_client, make_case):
    counts = []
    for n in (2, 12):
        case = make_case(f"big-{n}", n_sources=n)
        for i in range(n):
            case.related.add(make_case(f"rel-{n}-{i}"))
        counts.append(_queries(api_client, f"/api/v1/cases/big-{n}/"))
    assert counts[0] == counts[1] <= MAX_QUERIES_DETAIL


def test_export_query_count_does_not_grow(api_client, make_case):
    counts = []
    for n in (2, 10):
        for i in range(n):
            make_case(f"case-{n}-{i}", n_sources=3)
        counts.append(_queries(api_client, "/api/v1/export/cases.json"))
    assert counts[0] == counts[1] <= MAX_QUERIES_DETAIL


# case, themes, countries, sources, key facts (+source), timeline, related (+their themes),
# quizzes (+their cases) when the quiz app provides them.
MAX_QUERIES_DETAIL = 10
