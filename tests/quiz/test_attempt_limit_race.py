"""Review M3: `attempts_allowed` holds when one student submits many times at the same moment.

Twelve threads, each with its own database connection, post the quiz at once: through the API
as a logged-in student, and through the quiz page from twelve tabs of one anonymous session.
Exactly one attempt is stored; the others are told no attempt is left.
"""

import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, connections
from django.test import Client
from rest_framework.test import APIClient

from quiz.models import Attempt
from quiz.services import SESSION_OWNER_KEY
from tests.quiz.factories import QuizFactory, right_choice, single

SUBMITTERS = 12

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="the test database is in-memory SQLite, whose threads share one cache (table "
        "locks, no busy wait); SQLite's writers are serialised anyway (IMMEDIATE transactions "
        "and the write lock). Run with DATABASE_URL=postgres://… to test the race.",
    ),
]


def _together(work) -> list:
    barrier = threading.Barrier(SUBMITTERS)
    results: list = [None] * SUBMITTERS

    def target(i):
        try:
            barrier.wait(30)
            results[i] = work(i)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(SUBMITTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads)
    return results


def test_twelve_simultaneous_api_submissions_store_one_attempt(django_user_model):
    student = django_user_model.objects.create_user("racer", password="Race-Pass-55!z")
    quiz = QuizFactory(attempts_allowed=1)
    question = single(quiz)
    url = f"/api/v1/quizzes/{quiz.slug}/attempts/"
    body = {"answers": {str(question.pk): right_choice(question)}}

    def submit(i):
        client = APIClient()
        client.force_authenticate(student)
        return client.post(url, body, format="json").status_code

    codes = _together(submit)
    assert sorted(codes) == [201] + [400] * (SUBMITTERS - 1), codes
    assert Attempt.objects.filter(user=student, quiz=quiz).submitted().count() == 1


def test_twelve_tabs_of_one_anonymous_session_store_one_attempt():
    quiz = QuizFactory(attempts_allowed=1)
    question = single(quiz)
    store = SessionStore()
    store[SESSION_OWNER_KEY] = "f" * 32  # a visitor who already has an owner token
    store.save()
    session = store.session_key

    def submit(i):
        client = Client()
        client.cookies["sessionid"] = session
        data = {"attempt": "", "seed": str(i), f"q{question.pk}": right_choice(question)}
        return client.post(quiz.get_absolute_url(), data).status_code

    codes = _together(submit)
    assert all(code in (200, 302, 400) for code in codes), codes
    assert Attempt.objects.filter(quiz=quiz).submitted().count() == 1
