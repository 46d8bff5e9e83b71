"""The API's permissions matrix: (anonymous, student, teacher, superuser) × (read, run, submit,
write). Reads, runs and submissions are open to everyone; content writes need a teacher."""

import pytest
from django.core.cache import cache

from tests.quiz.factories import QuizFactory, single

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "student", "teacher", "superuser"]
WRITE = {"anonymous": 401, "student": 403, "teacher": 200, "superuser": 200}


@pytest.fixture
def content(make_case):
    cache.clear()
    case = make_case("predpol")
    quiz = QuizFactory(slug="predpol-quiz")
    single(quiz)
    return case, quiz


@pytest.mark.parametrize("role", ROLES)
def test_read(roles, content, role):
    client = roles[role]
    for url in (
        "/api/v1/cases/",
        "/api/v1/cases/predpol/",
        "/api/v1/themes/",
        "/api/v1/quizzes/predpol-quiz/",
        "/api/v1/simulations/",
        "/api/v1/export/cases.json",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_run(roles, content, role):
    response = roles[role].post("/api/v1/simulations/base-rate/runs/", {"seed": 1}, format="json")
    assert response.status_code in (200, 201)


@pytest.mark.parametrize("role", ROLES)
def test_submit(roles, content, role):
    response = roles[role].post(
        "/api/v1/quizzes/predpol-quiz/attempts/", {"answers": {}}, format="json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize("role", ROLES)
def test_write(roles, content, role):
    client = roles[role]
    expected = WRITE[role]
    assert (
        client.patch(
            "/api/v1/cases/predpol/", {"summary": "New summary."}, format="json"
        ).status_code
        == expected
    )
    assert (
        client.patch(
            "/api/v1/quizzes/predpol-quiz/", {"title": "Renamed"}, format="json"
        ).status_code
        == expected
    )
    source = {
        "case": "predpol",
        "title": "T",
        "publisher": "P",
        "document_url": "https://news.test/x",
        "kind": "news",
    }
    created = client.post("/api/v1/sources/", source, format="json").status_code
    assert created == (201 if expected == 200 else expected)
