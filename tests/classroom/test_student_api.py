"""The student's side of a class through the API: joining, and an attempt that counts for a class."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from classroom.models import Assignment, AssignmentAttempt, Member
from quiz.models import Attempt

pytestmark = pytest.mark.django_db


def join(client, code, nickname="Ada"):
    return client.post(f"/api/v1/classes/{code}/join/", {"nickname": nickname}, format="json")


def answers(quiz, right=True):
    data = {}
    for question in quiz.questions.all():
        if question.type == "numeric":
            data[str(question.pk)] = 42 if right else 7
        else:
            data[str(question.pk)] = [question.choices.filter(is_correct=right).first().pk]
    return data


def submit(client, assignment, right=True, **extra):
    body = {"answers": answers(assignment.quiz, right), "assignment": assignment.pk, **extra}
    return client.post(f"/api/v1/quizzes/{assignment.quiz.slug}/attempts/", body, format="json")


def test_join_returns_the_member_the_class_and_what_is_due(classroom, open_assignment):
    client = APIClient()
    later = Assignment.objects.create(
        classroom=classroom,
        quiz=open_assignment.quiz,
        opens_at=timezone.now() + timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=2),
    )
    response = join(client, classroom.code.lower())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["member"]["nickname"] == "Ada"
    assert body["class_title"] == classroom.name and body["code"] == classroom.code
    assert [a["id"] for a in body["due"]] == [open_assignment.pk]  # not `later`
    assert later.pk not in [a["id"] for a in body["due"]]
    assert body["due"][0]["attempts_left"] == 1
    # The session remembers: a second join is the same member.
    again = join(client, classroom.code, "Someone else")
    assert again.status_code == 200 and again.json()["member"]["id"] == body["member"]["id"]


def test_join_errors_have_the_api_shape(classroom):
    assert join(APIClient(), classroom.code, "Ada").status_code == 201
    taken = join(APIClient(), classroom.code, "ada")
    assert taken.status_code == 400
    assert "already taken" in taken.json()["error"]["fields"]["nickname"][0]
    empty = join(APIClient(), classroom.code, " ")
    assert empty.status_code == 400 and empty.json()["error"]["fields"]["nickname"]
    unknown = join(APIClient(), "ZZZZZZ")
    assert unknown.status_code == 404 and unknown.json()["error"]["status"] == 404
    assert Member.objects.count() == 1


def test_join_is_throttled_with_the_page(client, classroom, settings):
    settings.THROTTLE_CLASS_JOINS = "1/minute"
    assert client.post(f"/en/join/{classroom.code}/", {"nickname": "Ada"}).status_code == 302
    response = join(APIClient(), classroom.code, "Bob")
    assert response.status_code == 429 and "Retry-After" in response
    assert response.json()["error"]["status"] == 429


def test_an_attempt_through_the_assignment_counts_for_the_class(open_assignment):
    client = APIClient()
    join(client, open_assignment.classroom.code)
    response = submit(client, open_assignment)
    assert response.status_code == 201, response.json()
    attempt = Attempt.objects.get(public_id=response.json()["id"])
    link = AssignmentAttempt.objects.get(attempt=attempt)
    assert link.assignment == open_assignment and link.member.nickname == "Ada"
    # The assignment allows one attempt.
    again = submit(client, open_assignment)
    assert again.status_code == 400
    assert "all 1 attempts" in again.json()["error"]["fields"]["assignment"][0]


def test_the_result_shows_only_what_the_review_options_allow(open_assignment):
    open_assignment.review_after_score = False
    open_assignment.save()
    client = APIClient()
    join(client, open_assignment.classroom.code)
    body = submit(client, open_assignment, right=False).json()
    assert body["score"] is None and body["percent"] is None
    assert all(a["right_answer_text"] == "" and a["is_correct"] is None for a in body["answers"])
    assert all(a["general_feedback_html"] == "" for a in body["answers"])
    # After the close, the attempt's API page shows everything "after the close" allows.
    open_assignment.opens_at = timezone.now() - timedelta(days=2)
    open_assignment.closes_at = timezone.now() - timedelta(days=1)
    open_assignment.save()
    later = client.get(f"/api/v1/attempts/{body['id']}/").json()
    assert later["score"] is not None
    assert all(a["right_answer_text"] for a in later["answers"])


def test_a_non_member_or_a_closed_assignment_is_refused(open_assignment):
    stranger = APIClient()
    response = submit(stranger, open_assignment)
    assert response.status_code == 404
    member = APIClient()
    join(member, open_assignment.classroom.code)
    open_assignment.opens_at = timezone.now() - timedelta(days=2)
    open_assignment.closes_at = timezone.now() - timedelta(minutes=1)
    open_assignment.save()
    response = submit(member, open_assignment)
    assert response.status_code == 400
    assert "closed" in response.json()["error"]["fields"]["assignment"][0]
    assert not Attempt.objects.exists()


def test_an_assignment_of_another_quiz_is_not_found(open_assignment, class_quiz):
    other = class_quiz.__class__.objects.create(title="Other", slug="other", is_published=True)
    client = APIClient()
    join(client, open_assignment.classroom.code)
    body = {"answers": {}, "assignment": open_assignment.pk}
    response = client.post(f"/api/v1/quizzes/{other.slug}/attempts/", body, format="json")
    assert response.status_code == 404
