"""The quiz API: no answer leaks before submission, graded attempts, ownership, throttling."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quiz.api.views import AnonSubmissionThrottle
from quiz.models import Attempt
from tests.quiz.factories import QuizFactory, multiple, numeric, single, truefalse

pytestmark = pytest.mark.django_db

# Factory markers in feedback and misconception text, and the keys that would carry answers.
LEAK_TEXT = ("GENERAL-FEEDBACK", "CHOICE-FEEDBACK", "MISCONCEPTION-")
LEAK_KEYS = {
    "is_correct",
    "feedback",
    "feedback_html",
    "general_feedback",
    "general_feedback_html",
    "misconception",
    "right_answer_text",
    "numeric_value",
    "numeric_tolerance",
}


def _keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def quiz():
    quiz = QuizFactory(slug="predpol-quiz", title="PredPol quiz")
    quiz.q_single = single(quiz, right="Recorded crime", wrong=("Crime", "Arrests"))
    quiz.q_multi = multiple(quiz, right=("R1", "R2"), wrong=("W1", "W2"), points=2)
    quiz.q_tf = truefalse(quiz, answer=False)
    quiz.q_num = numeric(quiz, value=237600, tolerance=100)
    return quiz


def _choice(question, text):
    return question.choices.get(text=text).pk


def test_quiz_detail_has_questions_and_choices_without_any_answer(api_client, quiz):
    response = api_client.get(f"/api/v1/quizzes/{quiz.slug}/")
    assert response.status_code == 200
    data = response.json()
    assert [q["id"] for q in data["questions"]] == [
        quiz.q_single.pk,
        quiz.q_multi.pk,
        quiz.q_tf.pk,
        quiz.q_num.pk,
    ]
    assert set(data["questions"][0]["choices"][0]) == {"id", "text"}
    assert not LEAK_KEYS & set(_keys(data))
    body = response.content.decode()
    for leak in LEAK_TEXT:
        assert leak not in body


def test_quiz_list_and_filters(api_client, quiz):
    QuizFactory(slug="draft", is_published=False)
    data = api_client.get("/api/v1/quizzes/").json()
    assert [q["slug"] for q in data["results"]] == [quiz.slug]
    assert data["results"][0]["question_count"] == 4
    assert api_client.get("/api/v1/quizzes/draft/").status_code == 404


def test_submitting_returns_the_graded_attempt_with_feedback(api_client, quiz):
    answers = {
        str(quiz.q_single.pk): [_choice(quiz.q_single, "Crime")],
        str(quiz.q_multi.pk): [_choice(quiz.q_multi, "R1"), _choice(quiz.q_multi, "W1")],
        str(quiz.q_tf.pk): [_choice(quiz.q_tf, "False")],
        str(quiz.q_num.pk): 237650,
    }
    response = api_client.post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/", {"answers": answers}, format="json"
    )
    assert response.status_code == 201
    data = response.json()
    # single wrong 0; multiple: +1/2 −1/2 = 0 of 2; true/false 1; numeric within 100: 1.
    assert data["score"] == 2 and data["max_score"] == 5  # numbers, not strings
    assert data["percent"] == 40.0
    by_question = {a["question"]: a for a in data["answers"]}
    wrong = by_question[quiz.q_single.pk]
    assert wrong["is_correct"] is False and wrong["right_answer_text"] == "Recorded crime"
    assert wrong["chosen"][0]["misconception"].startswith("MISCONCEPTION-")
    assert "CHOICE-FEEDBACK" in wrong["chosen"][0]["feedback_html"]
    assert "GENERAL-FEEDBACK" in wrong["general_feedback_html"]
    assert by_question[quiz.q_num.pk]["is_correct"] is True
    assert Attempt.objects.get(public_id=data["id"]).submitted_at is not None


def test_partial_credit_on_multiple_choice(api_client, quiz):
    answers = {str(quiz.q_multi.pk): [_choice(quiz.q_multi, "R1")]}
    data = api_client.post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/", {"answers": answers}, format="json"
    ).json()
    assert (
        float(next(a for a in data["answers"] if a["question"] == quiz.q_multi.pk)["points"]) == 1
    )


@pytest.mark.parametrize(
    "answers",
    [
        {"999999": [1]},  # a question of no quiz
        "not-a-map",
        {"QUESTION": [1]},
    ],
)
def test_unknown_ids_are_400_and_store_nothing(api_client, quiz, answers):
    response = api_client.post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/", {"answers": answers}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400
    assert not Attempt.objects.filter(submitted_at__isnull=False).exists()


def test_a_choice_of_another_question_is_400(api_client, quiz):
    answers = {str(quiz.q_single.pk): [_choice(quiz.q_multi, "R1")]}
    response = api_client.post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/", {"answers": answers}, format="json"
    )
    assert response.status_code == 400


def test_attempt_is_visible_to_its_owner_and_teachers_only(roles, quiz, api_client):
    response = roles["student"].post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/", {"answers": {}}, format="json"
    )
    url = f"/api/v1/attempts/{response.json()['id']}/"
    assert roles["student"].get(url).status_code == 200
    assert roles["teacher"].get(url).status_code == 200
    assert api_client.get(url).status_code == 404
    assert roles["superuser"].get(url).status_code == 200


def test_anonymous_attempt_is_readable_again_in_the_same_session(api_client, quiz):
    response = api_client.post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/", {"answers": {}}, format="json"
    )
    url = f"/api/v1/attempts/{response.json()['id']}/"
    assert api_client.get(url).status_code == 200  # APIClient keeps the session cookie


def test_my_attempts_lists_only_mine(roles, quiz):
    for role in ("student", "teacher"):
        roles[role].post(f"/api/v1/quizzes/{quiz.slug}/attempts/", {"answers": {}}, format="json")
    mine = roles["student"].get("/api/v1/attempts/").json()
    assert mine["count"] == 1
    assert roles["anonymous"].get("/api/v1/attempts/").status_code == 401


def test_submissions_are_throttled_for_anonymous_callers(api_client, quiz, monkeypatch):
    monkeypatch.setattr(AnonSubmissionThrottle, "THROTTLE_RATES", {"anon_submissions": "1/minute"})
    url = f"/api/v1/quizzes/{quiz.slug}/attempts/"
    assert api_client.post(url, {"answers": {}}, format="json").status_code == 201
    response = api_client.post(url, {"answers": {}}, format="json")
    assert response.status_code == 429 and "Retry-After" in response


@pytest.mark.parametrize(
    "role, write_status",
    [("anonymous", 401), ("student", 403), ("teacher", 201), ("superuser", 201)],
)
def test_quiz_write_permissions(roles, role, write_status):
    payload = {"slug": f"new-{role}", "title": "New quiz", "description": "d"}
    assert roles[role].post("/api/v1/quizzes/", payload, format="json").status_code == write_status


def test_publishing_an_empty_quiz_is_refused(roles):
    payload = {"slug": "empty", "title": "Empty", "is_published": True}
    response = roles["teacher"].post("/api/v1/quizzes/", payload, format="json")
    assert response.status_code == 400
    assert "is_published" in response.json()["error"]["fields"]


def test_quiz_detail_query_count_does_not_grow(api_client):
    counts = []
    for n in (3, 20):
        quiz = QuizFactory(slug=f"q{n}")
        for _ in range(n):
            single(quiz)
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(f"/api/v1/quizzes/q{n}/").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_result_query_count_does_not_grow(api_client):
    counts = []
    for n in (3, 20):
        quiz = QuizFactory(slug=f"r{n}")
        questions = [single(quiz) for _ in range(n)]
        answers = {str(q.pk): [q.choices.first().pk] for q in questions}
        response = api_client.post(
            f"/api/v1/quizzes/r{n}/attempts/", {"answers": answers}, format="json"
        )
        url = f"/api/v1/attempts/{response.json()['id']}/"
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_submission_body_is_json_only(api_client, quiz):
    response = api_client.post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/",
        data=json.dumps({"answers": {}}),
        content_type="text/xml",
    )
    assert response.status_code == 415
