"""The teachers' classes API: /api/v1/classes/, its assignments and results, for every role."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from classroom.forms import MAX_ASSIGNMENTS_PER_CLASS
from classroom.models import Assignment, Classroom
from tests.classroom.teach_helpers import add_member, right_answers, take

pytestmark = pytest.mark.django_db

LIST = reverse("api:class-list")


def assignments_url(code):
    return reverse("api:class-assignments", args=[code])


def results_url(code):
    return reverse("api:class-results", args=[code])


def client_for(user=None, *, token=False):
    client = APIClient()
    if user is not None:
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        else:
            client.force_authenticate(user)
    return client


def test_anonymous_callers_get_401_everywhere(classroom):
    client = client_for()
    for address in (LIST, assignments_url(classroom.code), results_url(classroom.code)):
        response = client.get(address)
        assert response.status_code == 401
        assert response.json()["error"]["status"] == 401
    assert client.post(LIST, {"title": "X"}, format="json").status_code == 401


def test_a_student_account_is_refused(student, classroom):
    client = client_for(student)
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"title": "X"}, format="json").status_code == 403
    assert client.get(results_url(classroom.code)).status_code == 403
    assert not Classroom.objects.exclude(pk=classroom.pk).exists()


def test_a_teacher_creates_a_class_with_a_token(teacher_a, teacher_b):
    client = client_for(teacher_a, token=True)
    response = client.post(LIST, {"title": "L2 — TD 3", "co_teachers": ["teacher_b"]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    classroom = Classroom.objects.get()
    assert body["code"] == classroom.code and len(body["code"]) == 6
    assert body["join_url"] == f"http://testserver/join/{classroom.code}/"
    assert body["owner"] == "teacher_a" and body["co_teachers"] == ["teacher_b"]

    listed = client.get(LIST)
    assert listed.status_code == 200
    assert "no-store" in listed["Cache-Control"]
    assert [c["code"] for c in listed.json()["results"]] == [classroom.code]
    # The co-teacher lists it too.
    assert client_for(teacher_b).get(LIST).json()["results"][0]["code"] == classroom.code


def test_bad_class_input_gets_the_error_shape(teacher_a):
    client = client_for(teacher_a)
    response = client.post(LIST, {"title": "", "co_teachers": ["ghost"]}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error["fields"]) == {"title", "co_teachers"}
    assert "ghost" in error["fields"]["co_teachers"][0]
    response = client.post(LIST, {"title": "x" * 500}, format="json")
    assert response.status_code == 400
    assert not Classroom.objects.exists()


def test_assignments_are_listed_and_created(teacher_a, classroom, class_quiz):
    client = client_for(teacher_a)
    assert client.get(assignments_url(classroom.code)).json() == []
    data = {
        "quiz": class_quiz.slug,
        "opens_at": "2026-12-01T08:00:00Z",
        "closes_at": "2026-12-08T18:00:00+01:00",
        "max_attempts": 2,
        "review_after_right_answers": False,
    }
    response = client.post(assignments_url(classroom.code.lower()), data, format="json")
    assert response.status_code == 201, response.json()
    assignment = Assignment.objects.get()
    assert assignment.classroom == classroom and assignment.max_attempts == 2
    assert assignment.closes_at.isoformat() == "2026-12-08T17:00:00+00:00"
    listed = client.get(assignments_url(classroom.code)).json()
    assert [a["quiz"]["slug"] for a in listed] == [class_quiz.slug]

    bad = dict(data, closes_at="2026-11-30T08:00:00Z", quiz="no-such-quiz")
    response = client.post(assignments_url(classroom.code), bad, format="json")
    assert response.status_code == 400
    assert "quiz" in response.json()["error"]["fields"]
    bad = dict(data, closes_at="2026-11-30T08:00:00Z")
    response = client.post(assignments_url(classroom.code), bad, format="json")
    assert response.status_code == 400
    assert "closes_at" in response.json()["error"]["fields"]
    assert Assignment.objects.count() == 1


def test_assignments_per_class_are_capped(teacher_a, classroom, class_quiz, monkeypatch):
    monkeypatch.setattr("classroom.api_teach.MAX_ASSIGNMENTS_PER_CLASS", 1)
    client = client_for(teacher_a)
    data = {
        "quiz": class_quiz.slug,
        "opens_at": "2026-12-01T08:00Z",
        "closes_at": "2026-12-02T08:00Z",
    }
    assert client.post(assignments_url(classroom.code), data, format="json").status_code == 201
    response = client.post(assignments_url(classroom.code), data, format="json")
    assert response.status_code == 403
    assert "already has 1 assignments" in response.json()["error"]["message"]
    assert MAX_ASSIGNMENTS_PER_CLASS == 100


def test_results_give_each_students_status(teacher_a, classroom, open_assignment):
    ada = add_member(classroom, "Ada")
    add_member(classroom, "Bob")
    take(open_assignment, ada, right_answers(open_assignment.quiz))
    response = client_for(teacher_a).get(results_url(classroom.code))
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == classroom.code
    assert [m["nickname"] for m in body["members"]] == ["Ada", "Bob"]
    [assignment] = body["assignments"]
    assert assignment["submitted"] == 1
    students = {s["nickname"]: s for s in assignment["students"]}
    assert students["Ada"]["status"] == "submitted"
    assert students["Ada"]["best_percent"] == pytest.approx(100.0)
    assert students["Bob"]["status"] == "not_started"


def test_another_teachers_class_is_a_404_and_a_superuser_sees_it(
    teacher_b, admin_user, classroom, class_quiz
):
    client = client_for(teacher_b)
    for address in (assignments_url(classroom.code), results_url(classroom.code)):
        response = client.get(address)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    data = {
        "quiz": class_quiz.slug,
        "opens_at": "2026-12-01T08:00Z",
        "closes_at": "2026-12-02T08:00Z",
    }
    assert client.post(assignments_url(classroom.code), data, format="json").status_code == 404
    assert client.get(results_url("ZZZZZZ")).status_code == 404
    assert not Assignment.objects.exists()
    assert client_for(admin_user).get(results_url(classroom.code)).status_code == 200


def test_the_schema_documents_the_classes_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/v1/classes/",
        "/api/v1/classes/{code}/assignments/",
        "/api/v1/classes/{code}/results/",
    ):
        for operation in schema["paths"][path].values():
            assert operation["tags"] == ["Classes"]
    assert "join_url" in schema["components"]["schemas"]["Classroom"]["properties"]
