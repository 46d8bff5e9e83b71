"""CSRF on every form: a POST without a token is refused (403), the same POST with one works.

Two layers: every URL in the URLconf is checked for csrf_exempt (only DRF views may be, and
DRF enforces CSRF itself for session-authenticated calls), then each form and API write is
posted with and without a token through a client that enforces CSRF checks.
"""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from rest_framework.views import APIView

from kb.models import Theme
from quiz.models import Attempt, FeedbackTiming, Question, Quiz
from simulations import engine
from simulations.models import SimulationRun
from tests.quiz.factories import QuizFactory, single

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEED_RE = re.compile(r'name="seed" value="(\d+)"')
ADMIN = f"/{settings.ADMIN_URL}"
SIMULATION = sorted(engine.REGISTRY)[0]

# Authentication classes that cannot be driven by a browser's cookies (no CSRF risk).
CREDENTIAL_AUTHENTICATION = (TokenAuthentication, BasicAuthentication)


def _callbacks(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _callbacks(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _drf_view_class(callback):
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return cls if isinstance(cls, type) and issubclass(cls, APIView) else None


ALL_VIEWS = list(_callbacks(get_resolver().url_patterns))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Failed log-ins are counted in the cache; keep them from locking out other tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def _token(response) -> str:
    match = TOKEN_RE.search(response.content.decode())
    assert match, "the page has no CSRF token in its form"
    return match.group(1)


def _refused(response) -> None:
    assert response.status_code == 403
    assert b"CSRF" in response.content


# --- The URLconf ---------------------------------------------------------------------------


def test_csrf_middleware_is_installed():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_the_urlconf_was_enumerated():
    routes = [route for route, _ in ALL_VIEWS]
    assert len(routes) > 40
    assert any("run/" in route for route in routes)
    assert any(route.startswith(settings.ADMIN_URL) for route in routes)


def test_only_drf_views_are_csrf_exempt():
    """A new page view or form decorated csrf_exempt fails here."""
    exempt = [
        route
        for route, callback in ALL_VIEWS
        if getattr(callback, "csrf_exempt", False) and _drf_view_class(callback) is None
    ]
    assert exempt == []


def test_csrf_exempt_drf_views_only_use_authentication_that_enforces_csrf():
    """DRF's APIView is csrf_exempt by design: SessionAuthentication must then check CSRF."""
    checked = 0
    for route, callback in ALL_VIEWS:
        cls = _drf_view_class(callback)
        if cls is None:
            continue
        for auth in cls().get_authenticators():
            if isinstance(auth, SessionAuthentication):
                assert type(auth).enforce_csrf is SessionAuthentication.enforce_csrf, route
            else:
                assert isinstance(auth, CREDENTIAL_AUTHENTICATION), (route, auth)
        checked += 1
    assert checked > 10


# --- Pages ---------------------------------------------------------------------------------


def test_simulation_run_needs_a_token(csrf_client):
    url = reverse("simulations:simulation-run", args=[SIMULATION])
    token = _token(csrf_client.get(reverse("simulations:simulation-detail", args=[SIMULATION])))
    simulation = engine.REGISTRY[SIMULATION]
    preset = simulation.presets[0].slug
    _refused(csrf_client.post(url, {"preset": preset, "seed": "1"}))
    assert not SimulationRun.objects.exists()
    response = csrf_client.post(url, {"preset": preset, "seed": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert SimulationRun.objects.count() == 1


def _quiz(**fields) -> tuple[Quiz, Question]:
    quiz = QuizFactory(is_published=False, **fields)
    question = single(quiz)
    quiz.is_published = True
    quiz.save()
    return quiz, question


def test_quiz_submission_needs_a_token(csrf_client):
    quiz, question = _quiz()
    page = csrf_client.get(quiz.get_absolute_url())
    token, seed = _token(page), SEED_RE.search(page.content.decode()).group(1)
    right = question.choices.get(is_correct=True)
    data = {"attempt": "", "seed": seed, f"q{question.pk}": str(right.pk)}
    _refused(csrf_client.post(quiz.get_absolute_url(), data))
    assert not Attempt.objects.exists()
    response = csrf_client.post(quiz.get_absolute_url(), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Attempt.objects.submitted().get().seed == int(seed)


def test_check_answer_needs_a_token(csrf_client):
    quiz, question = _quiz(feedback_timing=FeedbackTiming.EACH)
    page = csrf_client.get(quiz.get_absolute_url())
    token, seed = _token(page), SEED_RE.search(page.content.decode()).group(1)
    url = reverse("quiz:check-answer", args=[quiz.slug])
    right = question.choices.get(is_correct=True)
    data = {"question": str(question.pk), "seed": seed, f"q{question.pk}": str(right.pk)}
    _refused(csrf_client.post(url, data))
    response = csrf_client.post(url, data, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.json()["correct"] is True


def test_login_needs_a_token(csrf_client, student):
    url = reverse("login")
    token = _token(csrf_client.get(url))
    data = {"username": "student", "password": "student-pass-123"}
    _refused(csrf_client.post(url, data))
    assert "_auth_user_id" not in csrf_client.session
    response = csrf_client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert csrf_client.session["_auth_user_id"] == str(student.pk)


def test_signup_needs_a_token(csrf_client, django_user_model):
    url = reverse("signup")
    token = _token(csrf_client.get(url))
    data = {"username": "newcomer", "password1": "a-long pass 987", "password2": "a-long pass 987"}
    _refused(csrf_client.post(url, data))
    assert not django_user_model.objects.filter(username="newcomer").exists()
    response = csrf_client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert django_user_model.objects.filter(username="newcomer").exists()


def test_logout_needs_a_token(csrf_client, student):
    csrf_client.force_login(student)
    token = _token(csrf_client.get(reverse("quiz:quiz-list")))  # the header's log-out form
    _refused(csrf_client.post(reverse("logout")))
    assert csrf_client.session["_auth_user_id"] == str(student.pk)
    response = csrf_client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in csrf_client.session


def test_admin_login_needs_a_token(csrf_client, teacher):
    url = f"{ADMIN}login/"
    token = _token(csrf_client.get(url))
    data = {"username": "teacher", "password": "teacher-pass-123", "next": ADMIN}
    _refused(csrf_client.post(url, data))
    response = csrf_client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert csrf_client.session["_auth_user_id"] == str(teacher.pk)


def test_admin_change_form_needs_a_token(csrf_client, teacher):
    theme = Theme.objects.create(slug="csrf-theme", name="Before", definition="A definition.")
    csrf_client.force_login(teacher)
    url = reverse("admin:kb_theme_change", args=[theme.pk])
    token = _token(csrf_client.get(url))
    data = {  # the admin shows each translated field once per language
        "name_fr": "After",
        "name_en": "After",
        "slug": "csrf-theme",
        "definition_fr": "A definition.",
        "definition_en": "A definition.",
        "explanation_fr": "Why it matters.",
        "explanation_en": "Why it matters.",
        "order": "0",
    }
    _refused(csrf_client.post(url, data))
    theme.refresh_from_db()
    assert theme.name == "Before"
    response = csrf_client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "After"


def test_markdown_preview_needs_a_token(csrf_client, teacher):
    csrf_client.force_login(teacher)
    token = _token(csrf_client.get(reverse("admin:kb_theme_add")))
    url = reverse("kb:markdown-preview")
    _refused(csrf_client.post(url, {"text": "**bold**"}))
    response = csrf_client.post(url, {"text": "**bold**"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.json()["html"]


def test_gift_upload_needs_a_token(csrf_client, teacher):
    from django.core.files.uploadedfile import SimpleUploadedFile

    quiz, _ = _quiz()
    csrf_client.force_login(teacher)
    url = reverse("admin:quiz_quiz_import", args=[quiz.pk])
    token = _token(csrf_client.get(url))
    gift = b"::Imported:: Is this imported? {TRUE}\n"

    def upload():
        return SimpleUploadedFile("questions.gift", gift, content_type="text/plain")

    _refused(csrf_client.post(url, {"format": "gift", "file": upload()}))
    assert quiz.questions.count() == 1
    response = csrf_client.post(
        url, {"format": "gift", "file": upload(), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert quiz.questions.count() == 2


# --- The API with session authentication ---------------------------------------------------


def _api_refused(response) -> None:
    assert response.status_code == 403
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == 403
    assert "CSRF" in error["message"]


def _session_token(client) -> str:
    return _token(client.get(reverse("quiz:quiz-list")))


def test_api_quiz_write_with_session_needs_a_token(csrf_client, teacher):
    csrf_client.force_login(teacher)
    token = _session_token(csrf_client)
    url = reverse("api:quiz-list")
    body = {"slug": "from-the-api", "title": "From the API"}
    _api_refused(csrf_client.post(url, body, content_type="application/json"))
    assert not Quiz.objects.filter(slug="from-the-api").exists()
    response = csrf_client.post(
        url, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content
    assert Quiz.objects.filter(slug="from-the-api").exists()


def test_api_attempt_with_session_needs_a_token(csrf_client, student):
    quiz, question = _quiz()
    csrf_client.force_login(student)
    token = _session_token(csrf_client)
    url = reverse("api:quiz-attempts", args=[quiz.slug])
    right = question.choices.get(is_correct=True)
    body = {"answers": {str(question.pk): [right.pk]}}
    _api_refused(csrf_client.post(url, body, content_type="application/json"))
    assert not Attempt.objects.exists()
    response = csrf_client.post(
        url, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content
    assert Attempt.objects.submitted().get().user == student


def test_api_simulation_run_with_session_needs_a_token(csrf_client, student):
    csrf_client.force_login(student)
    token = _session_token(csrf_client)
    url = reverse("api:simulation-runs", args=[SIMULATION])
    preset = engine.REGISTRY[SIMULATION].presets[0].slug
    body = {"preset": preset, "seed": 3}
    _api_refused(csrf_client.post(url, body, content_type="application/json"))
    assert not SimulationRun.objects.exists()
    response = csrf_client.post(
        url, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content


def test_api_write_with_a_token_header_needs_no_csrf(csrf_client, teacher):
    """Token authentication is not sent by browsers on their own: no CSRF check applies."""
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=teacher).key
    response = csrf_client.post(
        reverse("api:quiz-list"),
        {"slug": "token-quiz", "title": "Token quiz"},
        content_type="application/json",
        headers={"Authorization": f"Token {key}"},
    )
    assert response.status_code == 201, response.content
