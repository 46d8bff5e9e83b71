"""Security settings and login rate limiting."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_production_settings_pass_check_deploy_with_no_warning():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "realitycheck.test",
    }
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues (0 silenced)" in out.stdout


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, url, username, password):
    return client.post(url, {"username": username, "password": password, "next": "/"})


def test_admin_login_is_locked_after_repeated_failures(client, teacher, fresh_cache):
    url = f"/{settings.ADMIN_URL}login/"
    for _ in range(settings.LOGIN_RATE_LIMIT["PER_USER"]):
        response = _login(client, url, "teacher", "wrong password")
        assert response.status_code == 200
    response = _login(client, url, "teacher", "teacher-pass-123")  # the right password
    assert response.status_code == 200
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_before_the_limit_still_works(client, teacher, fresh_cache):
    url = f"/{settings.ADMIN_URL}login/"
    _login(client, url, "teacher", "wrong password")
    response = _login(client, url, "teacher", "teacher-pass-123")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(teacher.pk)


def test_lockout_of_one_user_leaves_another_alone(client, teacher, student, fresh_cache):
    url = f"/{settings.ADMIN_URL}login/"
    for _ in range(settings.LOGIN_RATE_LIMIT["PER_USER"]):
        _login(client, url, "student", "wrong password")
    assert _login(client, url, "teacher", "teacher-pass-123").status_code == 302


def test_pages_send_security_headers(client):
    response = client.get("/en/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_secure_cookie_and_hsts_settings_are_on_in_production():
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    }
    probe = (
        "import config.settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_HSTS_SECONDS > 0, s.SECURE_SSL_REDIRECT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
    )
    assert out.stdout.split() == ["True", "True", "True", "True", "True"]
    env["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
    )
    assert out.stdout.split()[-1] == "False"
