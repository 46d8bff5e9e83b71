"""Draft answers saved as they are given (quiz/drafts.py): the quiz page's JSON endpoint."""

import json

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from quiz.models import Attempt, DraftAnswer

from .factories import (
    QuizFactory,
    mixed_quiz,
    multiple,
    numeric,
    right_choice,
    single,
    wrong_choice,
)
from .test_views import form_state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def draft(client, quiz, payload, **extra):
    return client.post(
        reverse("quiz:save-draft", args=[quiz.slug]),
        data=json.dumps(payload),
        content_type="application/json",
        **extra,
    )


def start(client, quiz):
    """The page's hidden fields, as the script reads them."""
    state = form_state(client.get(quiz.get_absolute_url()))
    return {"attempt": state["attempt"], "seed": int(state["seed"])}


def test_first_draft_starts_the_attempt_and_the_page_is_prefilled(client):
    quiz = mixed_quiz()
    qs = {q.type: q for q in quiz.questions.all()}
    state = start(client, quiz)
    assert not Attempt.objects.exists()  # opening the page writes nothing
    single_q, number_q = qs["single"], qs["numeric"]
    response = draft(
        client,
        quiz,
        {
            **state,
            "answers": {f"q{single_q.pk}": wrong_choice(single_q), f"q{number_q.pk}": "0,25"},
            "flagged": {f"q{number_q.pk}": True},
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    attempt = Attempt.objects.get()
    assert data["attempt"] == str(attempt.public_id)
    assert attempt.seed == state["seed"] and not attempt.is_submitted
    assert attempt.answers.count() == 0  # a draft is not an answer
    assert DraftAnswer.objects.get(question=number_q).value == "0,25"  # as typed
    assert DraftAnswer.objects.get(question=number_q).flagged is True
    # a reload shows the drafts, in the same attempt
    html = client.get(quiz.get_absolute_url()).content.decode()
    assert f'value="{attempt.public_id}"' in html
    choice = wrong_choice(single_q)[0]
    assert f'id="q{single_q.pk}-{choice}" name="q{single_q.pk}" value="{choice}" checked' in html
    assert 'value="0,25"' in html
    assert 'data-flagged="true"' in html


def test_drafts_update_and_clear(client):
    quiz = QuizFactory()
    q = single(quiz)
    state = start(client, quiz)
    first = draft(client, quiz, {**state, "answers": {f"q{q.pk}": wrong_choice(q)}}).json()
    state["attempt"] = first["attempt"]
    assert (
        draft(client, quiz, {**state, "answers": {f"q{q.pk}": right_choice(q)}}).status_code == 200
    )
    assert DraftAnswer.objects.get().value == right_choice(q)
    assert draft(client, quiz, {**state, "answers": {f"q{q.pk}": []}}).status_code == 200
    assert not DraftAnswer.objects.exists()  # cleared and not flagged: nothing to keep
    assert Attempt.objects.count() == 1


def test_a_draft_never_counts_and_submitting_grades_the_form(client):
    quiz = QuizFactory()
    q1, q2 = single(quiz), single(quiz)
    state = start(client, quiz)
    state["attempt"] = draft(
        client, quiz, {**state, "answers": {f"q{q1.pk}": right_choice(q1)}}
    ).json()["attempt"]
    # the form posts its own answers: graded as today, the drafts are gone
    done = client.post(
        quiz.get_absolute_url(),
        {**state, f"q{q1.pk}": right_choice(q1), f"q{q2.pk}": wrong_choice(q2)},
    )
    assert done.status_code == 302
    attempt = Attempt.objects.get()
    assert attempt.score == 1 and attempt.max_score == 2
    assert not DraftAnswer.objects.exists()
    # a submitted attempt takes no more drafts
    refused = draft(client, quiz, {**state, "answers": {f"q{q2.pk}": right_choice(q2)}})
    assert refused.status_code == 409 and "already been submitted" in refused.json()["error"]
    assert not DraftAnswer.objects.exists()


def test_bad_ids_and_values_are_400_with_field_errors_and_save_nothing(client):
    quiz = QuizFactory()
    q, m, n = single(quiz), multiple(quiz), numeric(quiz)
    other = single(QuizFactory())
    state = start(client, quiz)
    cases = [
        ({f"q{other.pk}": right_choice(other)}, f"q{other.pk}"),  # another quiz's question
        ({"q999999": ["1"]}, "q999999"),
        ({f"q{q.pk}": right_choice(other)}, f"q{q.pk}"),  # another question's choice
        ({f"q{q.pk}": ["abc"]}, f"q{q.pk}"),
        ({f"q{q.pk}": right_choice(q) + wrong_choice(q)}, f"q{q.pk}"),  # two for single
        ({f"q{q.pk}": {"a": 1}}, f"q{q.pk}"),
        ({f"q{m.pk}": [True]}, f"q{m.pk}"),
        ({f"q{n.pk}": "abc"}, f"q{n.pk}"),
        ({f"q{n.pk}": 42}, f"q{n.pk}"),  # a number is sent as text, as typed
        ({f"q{n.pk}": "1" * 61}, f"q{n.pk}"),
    ]
    for answers, field in cases:
        response = draft(client, quiz, {**state, "answers": answers})
        assert response.status_code == 400, (answers, response.content)
        assert response["Content-Type"] == "application/json"
        assert field in response.json()["errors"], (answers, response.json())
    flag = draft(client, quiz, {**state, "flagged": {f"q{q.pk}": "yes"}})
    assert flag.status_code == 400 and f"q{q.pk}" in flag.json()["errors"]
    assert draft(client, quiz, {"answers": {f"q{q.pk}": right_choice(q)}}).status_code == 400
    for body in ("not json", "[1, 2]", '{"answers": [1]}', '{"attempt": 5}'):
        response = client.post(
            reverse("quiz:save-draft", args=[quiz.slug]), body, content_type="application/json"
        )
        assert response.status_code == 400 and "error" in response.json()
    assert not Attempt.objects.exists() and not DraftAnswer.objects.exists()


def test_other_sessions_attempts_are_refused(client):
    quiz = QuizFactory()
    q = single(quiz)
    state = start(client, quiz)
    state["attempt"] = draft(
        client, quiz, {**state, "answers": {f"q{q.pk}": right_choice(q)}}
    ).json()["attempt"]
    stranger = Client()
    stranger.get(quiz.get_absolute_url())
    response = draft(stranger, quiz, {**state, "answers": {f"q{q.pk}": wrong_choice(q)}})
    assert response.status_code == 404 and "error" in response.json()
    assert DraftAnswer.objects.get().value == right_choice(q)  # unchanged
    bogus = draft(client, quiz, {**state, "attempt": "not-a-uuid"})
    assert bogus.status_code == 404


def test_csrf_is_required():
    quiz = QuizFactory()
    q = single(quiz)
    browser = Client(enforce_csrf_checks=True)
    state = start(browser, quiz)
    payload = {**state, "answers": {f"q{q.pk}": right_choice(q)}}
    assert draft(browser, quiz, payload).status_code == 403
    token = browser.cookies["csrftoken"].value
    assert draft(browser, quiz, payload, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_size_limit(client):
    quiz = QuizFactory()
    q = single(quiz)
    state = start(client, quiz)
    big = {**state, "answers": {f"q{q.pk}": right_choice(q)}, "padding": "x" * 20_000}
    response = draft(client, quiz, big)
    assert response.status_code == 413 and "bytes" in response.json()["error"]
    assert not Attempt.objects.exists()


def test_throttle(client, settings):
    settings.THROTTLE_QUIZ_DRAFTS = "3/minute"
    quiz = QuizFactory()
    q = single(quiz)
    state = start(client, quiz)
    payload = {**state, "answers": {f"q{q.pk}": right_choice(q)}}
    for _ in range(3):
        assert draft(client, quiz, payload).status_code == 200
    response = draft(client, quiz, payload)
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "too many" in response.json()["error"]


def test_feedback_each_keeps_checked_answers_final(client):
    quiz = QuizFactory(feedback_timing="each")
    q1, q2 = single(quiz), single(quiz)
    state = start(client, quiz)
    check = client.post(
        reverse("quiz:check-answer", args=[quiz.slug]),
        {**state, "question": q1.pk, f"q{q1.pk}": wrong_choice(q1)},
    )
    state["attempt"] = check.json()["attempt"]
    # a draft sent just before the check can arrive after it: not an error, not saved either
    late = draft(client, quiz, {**state, "answers": {f"q{q1.pk}": right_choice(q1)}})
    assert late.status_code == 200
    assert late.json()["final"] == [f"q{q1.pk}"] and late.json()["saved"] == []
    # unchecked questions take drafts, and flags are fine on any question
    ok = draft(
        client,
        quiz,
        {**state, "answers": {f"q{q2.pk}": right_choice(q2)}, "flagged": {f"q{q1.pk}": True}},
    )
    assert ok.status_code == 200
    attempt = Attempt.objects.get()
    assert attempt.answers.get(question=q1).is_correct is False
    assert not DraftAnswer.objects.filter(question=q1).exclude(value=[]).exists()


def test_no_attempts_left_refuses_a_new_attempt(client):
    quiz = QuizFactory(attempts_allowed=1)
    q = single(quiz)
    state = start(client, quiz)
    client.post(quiz.get_absolute_url(), {**state, f"q{q.pk}": right_choice(q)})
    assert Attempt.objects.submitted().count() == 1
    response = draft(
        client, quiz, {"attempt": "", "seed": 5, "answers": {f"q{q.pk}": right_choice(q)}}
    )
    assert response.status_code == 403 and "attempts" in response.json()["error"]
    assert Attempt.objects.count() == 1


def test_unknown_or_draft_quiz_is_404(client):
    quiz = QuizFactory(is_published=False)
    assert draft(client, quiz, {"seed": 1}).status_code == 404
