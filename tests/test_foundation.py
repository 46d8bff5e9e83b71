"""The site skeleton: health check, base template, settings guards."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_after_checking_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_base_template_has_lang_skip_link_and_navigation(client):
    html = client.get(reverse("kb:home")).content.decode()
    assert '<html lang="en">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    for label in ("Cases", "Themes", "Simulations", "Quizzes", "API"):
        assert f">{label}</a>" in html


def test_pages_carry_security_headers(client):
    response = client.get(reverse("kb:home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_settings_refuse_to_start_without_a_secret_key_outside_debug():
    probe = "import config.settings"
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "0"}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
    )
    assert out.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in out.stderr


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert client.get(response["Location"]).status_code == 200
