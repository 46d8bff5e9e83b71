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
