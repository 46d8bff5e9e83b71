"""The quizzes shipped in fixtures/quizzes/ pass lint_quizzes, and keep passing."""

import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_shipped_quizzes_pass_lint_quizzes():
    call_command("load_initial_content", stdout=io.StringIO())
    out = io.StringIO()
    try:
        call_command("lint_quizzes", "--json", stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    report = json.loads(out.getvalue())
    errors = [
        f"{i['quiz'] or 'site'} Q{(i['question'] or {}).get('number', '-')}: [{i['rule']}] "
        f"{i['message']}"
        for i in [*report["site"]["issues"], *(i for q in report["quizzes"] for i in q["issues"])]
        if i["severity"] == "error"
    ]
    assert len(report["quizzes"]) >= 10
    assert errors == [] and code == 0


TRANSLATED = ["ml-problems-data-and-evaluation", "ml-problems-training-and-cost"]


def test_the_translated_quizzes_have_both_languages_and_the_same_numbers():
    call_command("load_initial_content", stdout=io.StringIO())
    out = io.StringIO()
    for slug in TRANSLATED:
        call_command("lint_quizzes", "--json", "--quiz", slug, "--lang", "en", stdout=out)
        [quiz] = json.loads(out.getvalue())["quizzes"]
        out.seek(0), out.truncate()
        found = [
            f"Q{(i['question'] or {}).get('number', '-')} [{i['rule']}] {i['message']}"
            for i in quiz["issues"]
            if i["rule"] in ("missing-translation", "translation-numbers") or i["language"]
        ]
        assert found == [], slug


def test_a_student_reads_the_course_quiz_in_either_language(client):
    from django.urls import reverse
    from django.utils import translation

    call_command("load_initial_content", stdout=io.StringIO())
    slug = "ml-problems-training-and-cost"
    with translation.override("fr"):
        url_fr = reverse("quiz:quiz-detail", args=[slug])
    with translation.override("en"):
        url_en = reverse("quiz:quiz-detail", args=[slug])
    french = client.get(url_fr, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get(url_en).content.decode()
    assert url_fr.startswith("/fr/") and url_en.startswith("/en/")
    assert "Quel est le défaut de cet objectif d'entraînement" in french
    assert "comme également coûteux" in french
    assert "What is wrong with this training goal?" not in french
    assert "What is wrong with this training goal?" in english
    assert "Quel est le défaut" not in english
