"""Review M6: while a long write holds SQLite's write lock, other writes get a clear 503 with
Retry-After (JSON for the API, a page for the site), never a 500 or a worker killed mid-request.

The test database lives in memory, which takes no file lock; here the connection's lock file is
pointed at a temporary file that the test holds, as a long import in another process would.
"""

import contextlib
import fcntl
import os

import pytest
from django.db import connection
from django.urls import reverse

from quiz.models import Attempt
from simulations.models import SimulationRun
from tests.quiz.factories import QuizFactory, right_choice, single

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite's single-writer lock; PostgreSQL has none"
    ),
]


@pytest.fixture
def hold_write_lock(tmp_path, monkeypatch, settings):
    """hold_write_lock() → a context manager holding the write lock, as a long import would."""
    from config.sqlite.base import DatabaseWrapper

    settings.SQLITE_WRITE_WAIT_SECONDS = 0.3
    path = str(tmp_path / "db.sqlite3.writelock")
    monkeypatch.setattr(DatabaseWrapper, "_lock_path", lambda self: path)

    @contextlib.contextmanager
    def hold():
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            os.close(fd)

    return hold


def test_api_write_during_a_long_transaction_is_a_503_with_retry_after(client, hold_write_lock):
    from simulations import engine

    slug = sorted(engine.REGISTRY)[0]
    with hold_write_lock():
        response = client.post(
            reverse("api:simulation-runs", args=[slug]),
            {"seed": 1},
            content_type="application/json",
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    error = response.json()["error"]
    assert error["code"] == "database_busy" and "try again" in error["message"]
    assert not SimulationRun.objects.exists()


def test_quiz_submission_during_a_long_transaction_is_a_503_page(client, hold_write_lock):
    quiz = QuizFactory()
    question = single(quiz)
    data = {"attempt": "", f"q{question.pk}": right_choice(question)}
    with hold_write_lock():
        response = client.post(quiz.get_absolute_url(), data)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"try again in a few seconds" in response.content
    assert not Attempt.objects.exists()
    # once the long transaction is over, the same post goes through
    assert client.post(quiz.get_absolute_url(), data).status_code == 302
    assert Attempt.objects.submitted().count() == 1
