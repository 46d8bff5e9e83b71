"""Nothing lost: students submitting quiz attempts at the same moment against a real gunicorn.

Each backend gets its own throwaway database, migrated and filled by the test in a subprocess:
a SQLite file in tmp_path always, and a separate PostgreSQL database (created, then dropped) when
the suite runs with DATABASE_URL=postgres://… . The server runs with the test settings (DEBUG
off, production middleware) and several workers × threads, so requests really overlap.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STUDENTS = 50
TIMEOUT = 60  # seconds for any one request, subprocess or wait
QUIZ_SLUG = "concurrency-quiz"
SEED_RE = re.compile(r'name="seed"\s+value="(\d+)"')
RESULT_PATH_RE = re.compile(r"^/en/quizzes/attempts/([0-9a-f-]{36})/$")

# Run inside the server's database (a subprocess with the same settings as gunicorn).
SETUP = """
import json
from decimal import Decimal
from quiz.models import Choice, Question, Quiz
quiz = Quiz.objects.create(slug=%(slug)r, title="Concurrency quiz")
single = Question.objects.create(quiz=quiz, type="single", prompt="Single?", order=1)
right = Choice.objects.create(question=single, text="Right", is_correct=True, order=1)
Choice.objects.create(question=single, text="Wrong", order=2)
multi = Question.objects.create(quiz=quiz, type="multiple", prompt="Multiple?", order=2)
m1 = Choice.objects.create(question=multi, text="R1", is_correct=True, order=1)
m2 = Choice.objects.create(question=multi, text="R2", is_correct=True, order=2)
Choice.objects.create(question=multi, text="W1", order=3)
numeric = Question.objects.create(
    quiz=quiz, type="numeric", prompt="How many?", numeric_value=42, numeric_tolerance=0, order=3
)
quiz.is_published = True
quiz.save()
print(json.dumps({"single": [single.pk, right.pk], "multiple": [multi.pk, m1.pk, m2.pk],
                  "numeric": numeric.pk}))
"""

MIGRATE_AND_SETUP = (
    """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
"""
    + SETUP
)

# Read straight from the database (a Django subprocess costs seconds on a loaded machine).
REPORT_SQL = {
    "submitted": "SELECT COUNT(*) FROM quiz_attempt a JOIN quiz_quiz q ON q.id = a.quiz_id "
    "WHERE q.slug = '%(slug)s' AND a.submitted_at IS NOT NULL",
    "open": "SELECT COUNT(*) FROM quiz_attempt a JOIN quiz_quiz q ON q.id = a.quiz_id "
    "WHERE q.slug = '%(slug)s' AND a.submitted_at IS NULL",
    "answers": "SELECT COUNT(*) FROM quiz_answer x JOIN quiz_attempt a ON a.id = x.attempt_id "
    "WHERE a.submitted_at IS NOT NULL",
    "duplicates": "SELECT COUNT(*) FROM (SELECT attempt_id, question_id FROM quiz_answer "
    "GROUP BY attempt_id, question_id HAVING COUNT(*) > 1) d",
}
PER_ATTEMPT_SQL = (
    "SELECT a.public_id, a.score, (SELECT COUNT(*) FROM quiz_answer x WHERE x.attempt_id = a.id) "
    "FROM quiz_attempt a WHERE a.submitted_at IS NOT NULL"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A migrated throwaway database and gunicorn serving it."""

    def __init__(self, env: dict, port: int, backend: str):
        self.env = env
        self.port = port
        self.backend = backend
        self.ids: dict = {}

    def prepare_database(self) -> None:
        """Migrate and add the quiz in one subprocess with the server's settings."""
        done = subprocess.run(
            [str(BIN / "python"), "-c", MIGRATE_AND_SETUP % {"slug": QUIZ_SLUG}],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        self.ids = json.loads(done.stdout.splitlines()[-1])

    def _connect(self):
        url = self.env["DATABASE_URL"]
        if self.backend == "sqlite":
            import sqlite3

            return sqlite3.connect(url.removeprefix("sqlite:///"), timeout=TIMEOUT)
        import psycopg

        return psycopg.connect(url, connect_timeout=10)

    def report(self) -> dict:
        conn = self._connect()
        try:
            report = {}
            for key, sql in REPORT_SQL.items():
                report[key] = conn.execute(sql % {"slug": QUIZ_SLUG}).fetchone()[0]
            report["per_attempt"] = {
                str(uuid.UUID(str(public_id))): (count, float(score))
                for public_id, score, count in conn.execute(PER_ATTEMPT_SQL).fetchall()
            }
        finally:
            conn.close()
        return report

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)


class Browser:
    """One student's cookie jar over http.client (no redirects followed: we assert them)."""

    def __init__(self, server: Server):
        self.server = server
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        headers["Host"] = f"127.0.0.1:{self.server.port}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in list(self.cookies.items()))
        conn = self.server.connection()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response, data.decode("utf-8", "replace")

    def open_quiz(self) -> str:
        response, html = self.request("GET", f"/en/quizzes/{QUIZ_SLUG}/")
        assert response.status == 200, html[:500]
        assert "csrftoken" in self.cookies
        return SEED_RE.search(html).group(1)

    def submit(self, seed: str, answers: list[tuple[str, str]]):
        """Post the page a new visitor got: no attempt yet, the page's order (seed)."""
        body = urlencode(
            [
                ("csrfmiddlewaretoken", self.cookies["csrftoken"]),
                ("attempt", ""),
                ("seed", seed),
                *answers,
            ]
        ).encode()
        return self.request(
            "POST",
            f"/en/quizzes/{QUIZ_SLUG}/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )


def _wait_until_up(server: Server, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            conn = server.connection()
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise AssertionError("gunicorn did not answer /healthz in time")


def _postgres_database(url: str):
    """(throwaway database URL, drop callback) on the server DATABASE_URL points to."""
    import psycopg

    parts = urlsplit(url)
    name = f"rc_concurrency_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=parts.path.lstrip("/") or "postgres",
        autocommit=True,
        connect_timeout=10,
    )
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        try:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.close()

    return parts._replace(path=f"/{name}").geturl(), drop


BACKENDS = ["sqlite"]
if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    BACKENDS.append("postgres")


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory):
    drop = None
    workdir = tmp_path_factory.mktemp("concurrency")
    log = (workdir / "gunicorn.log").open("w+")
    if request.param == "postgres":
        database_url, drop = _postgres_database(os.environ["DATABASE_URL"])
    else:
        database_url = f"sqlite:///{workdir / 'db.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "concurrency-test-" + uuid.uuid4().hex,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }
    port = _free_port()
    srv = Server(env, port, request.param)
    process = None
    try:
        srv.prepare_database()
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "4",
                "--threads",
                "8",
                "--timeout",
                str(TIMEOUT),
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_until_up(srv, process)
        yield srv
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        if drop is not None:
            drop()
        log.seek(0)
        errors = log.read()
        log.close()
        # Any traceback in the server's log is a failure, even behind a redirect.
        assert "Traceback" not in errors, errors[-5000:]


def _form_answers(ids: dict, n: int) -> list[tuple[str, str]]:
    """Student n's answers: right on even n, partly wrong on odd n, always all three questions."""
    single_q, right = ids["single"]
    multi_q, m1, m2 = ids["multiple"]
    answers = [(f"q{single_q}", str(right)), (f"q{multi_q}", str(m1))]
    if n % 2 == 0:
        answers.append((f"q{multi_q}", str(m2)))
    answers.append((f"q{ids['numeric']}", "42" if n % 2 == 0 else "41"))
    return answers


def _run_together(n: int, work) -> tuple[list, float]:
    """Run work(i, barrier) in n threads released together; (results, seconds after release)."""
    barrier = threading.Barrier(n + 1, timeout=TIMEOUT)
    results: list = [None] * n
    errors: list = []

    def target(i):
        try:
            results[i] = work(i, barrier)
        except Exception as exc:  # reported below with the thread's number
            errors.append((i, repr(exc)))
            barrier.abort()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    elapsed = time.monotonic() - started
    assert not errors, errors[:5]
    assert all(not t.is_alive() for t in threads), "a request hung"
    return results, elapsed


def test_fifty_students_submitting_at_once_are_all_stored_once(server, record_property):
    before = server.report()

    def student(i, barrier):
        browser = Browser(server)
        seed = browser.open_quiz()
        barrier.wait()
        response, body = browser.submit(seed, _form_answers(server.ids, i))
        location = response.getheader("Location", "")
        match = RESULT_PATH_RE.match(location)
        return match.group(1) if match else location, response.status, body[:300]

    results, elapsed = _run_together(STUDENTS, student)
    record_property(f"{server.backend}_form_seconds", round(elapsed, 2))
    print(f"\n{server.backend}: {STUDENTS} form submissions in {elapsed:.2f} s")

    for attempt, status, body in results:
        assert status == 302, (status, attempt, body)
    after = server.report()
    mine = [attempt for attempt, *_ in results]
    stored = after["per_attempt"]
    assert len(set(mine)) == STUDENTS  # one attempt each, started by the submission
    assert after["submitted"] - before["submitted"] == STUDENTS
    assert after["answers"] - before["answers"] == STUDENTS * 3
    assert after["duplicates"] == 0
    for n, attempt in enumerate(mine):
        answers, score = stored[attempt]
        assert answers == 3
        assert score == (3.0 if n % 2 == 0 else 1.5)


def test_one_page_posted_from_many_tabs_at_once_starts_and_grades_one_attempt(server):
    """Five tabs of one new visitor post the same quiz page together (no session yet, one CSRF
    cookie), for ten visitors: each visitor gets one attempt, graded once, shown to every tab."""
    tabs = 5
    browsers = [Browser(server) for _ in range(10)]
    seeds = [browser.open_quiz() for browser in browsers]
    before = server.report()

    def tab(i, barrier):
        browser, seed = browsers[i // tabs], seeds[i // tabs]
        barrier.wait()
        response, body = browser.submit(seed, _form_answers(server.ids, 0))
        return response.status, response.getheader("Location", ""), body[:300]

    results, _ = _run_together(len(browsers) * tabs, tab)
    per_browser: dict[int, set] = {}
    for i, (status, location, body) in enumerate(results):
        assert status == 302, (status, body)
        per_browser.setdefault(i // tabs, set()).add(RESULT_PATH_RE.match(location).group(1))
    assert all(len(found) == 1 for found in per_browser.values()), per_browser
    attempts = {found.pop() for found in per_browser.values()}
    assert len(attempts) == len(browsers)
    after = server.report()
    assert after["submitted"] - before["submitted"] == len(browsers)
    assert after["answers"] - before["answers"] == len(browsers) * 3
    assert after["duplicates"] == 0
    for attempt in attempts:
        assert after["per_attempt"][attempt] == (3, 3.0)


def test_fifty_api_submissions_at_once_are_all_stored_once(server, record_property):
    before = server.report()
    single_q, right = server.ids["single"]
    multi_q, m1, m2 = server.ids["multiple"]
    body = json.dumps(
        {
            "answers": {
                str(single_q): [right],
                str(multi_q): [m1, m2],
                str(server.ids["numeric"]): 42,
            }
        }
    ).encode()

    def caller(i, barrier):
        browser = Browser(server)
        barrier.wait()
        response, text = browser.request(
            "POST",
            f"/api/v1/quizzes/{QUIZ_SLUG}/attempts/",
            body,
            {"Content-Type": "application/json", "Accept": "application/json"},
        )
        return response.status, text

    results, elapsed = _run_together(STUDENTS, caller)
    record_property(f"{server.backend}_api_seconds", round(elapsed, 2))
    print(f"\n{server.backend}: {STUDENTS} API submissions in {elapsed:.2f} s")
    ids = set()
    for status, text in results:
        assert status == 201, (status, text[:300])
        data = json.loads(text)
        assert float(data["score"]) == 3
        ids.add(data["id"])
    assert len(ids) == STUDENTS
    after = server.report()
    assert after["submitted"] - before["submitted"] == STUDENTS
    assert after["answers"] - before["answers"] == STUDENTS * 3
    assert after["duplicates"] == 0
    assert after["open"] == before["open"]
    assert all(after["per_attempt"][i] == (3, 3.0) for i in ids)
