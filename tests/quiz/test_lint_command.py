"""manage.py lint_quizzes: exit codes, the human report, the JSON shape, the admin panel."""

import io
import json

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.urls import reverse

from quiz.models import Question

from .test_lint import QuizFactory, english_messages, numeric, single, truefalse  # noqa: F401

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str]:
    """(exit code, standard output) of the command called in-process."""
    out = io.StringIO()
    try:
        call_command("lint_quizzes", *args, stdout=out, no_color=True)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def teacher_client(teacher_client):
    """The admin in English: these tests read its English messages."""
    teacher_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return teacher_client


@pytest.fixture
def clean():
    quiz = QuizFactory(slug="clean", title="Clean quiz", shuffle_choices=True)
    single(quiz)
    numeric(quiz)
    return quiz


@pytest.fixture
def broken():
    """A published quiz with one error (no tolerance) and one warning (negative stem)."""
    quiz = QuizFactory(slug="broken", title="Broken quiz", shuffle_choices=True)
    single(quiz, prompt="Which of these is not a proxy?")
    numeric(quiz, tolerance=None)
    return quiz


def test_clean_published_quizzes_exit_0(clean):
    code, out = run()
    assert code == 0
    assert "clean — published: 0 error(s), 0 warning(s)" in out
    assert "OK: no published quiz breaks a rule." in out


def test_an_error_on_a_published_quiz_exits_1_and_names_question_and_fix(clean, broken):
    code, out = run()
    assert code == 1
    q2 = Question.objects.get(quiz=broken, type="numeric")
    assert f"error [numeric-without-tolerance] Q2 (id {q2.pk})" in out
    assert "Set the tolerance (0 for an exact count)." in out
    assert "warning [negative-stem] Q1" in out
    assert "2 quiz(zes) checked: 1 error(s), 1 warning(s)." in out
    assert "FAILED" in out


def test_warnings_alone_do_not_fail(clean):
    single(clean, prompt="Which of these is not a proxy?")
    code, out = run()
    assert code == 0 and "warning [negative-stem]" in out


def test_drafts_are_checked_only_with_all_and_never_fail(clean):
    draft = QuizFactory(slug="draft", is_published=False)
    numeric(draft, tolerance=None)
    code, out = run()
    assert code == 0 and "draft" not in out
    code, out = run("--all")
    assert code == 0
    assert "draft — draft (errors do not fail): 1 error(s)" in out


def test_archived_quizzes_are_left_out(clean):
    archived = QuizFactory(slug="old", is_archived=True)
    numeric(archived, tolerance=None)
    assert run("--all")[0] == 0
    code, out = run("--quiz", "old")
    assert code == 0 and "old — archived (errors do not fail): 1 error(s)" in out


def test_one_quiz_by_slug_leaves_site_rules_out(clean, broken):
    for _ in range(5):
        truefalse(clean, False)  # the site's true/false balance is broken
    code, out = run()
    assert code == 1 and "[true-false-balance]" in out
    code, out = run("--quiz", "clean")
    assert code == 0
    assert "broken" not in out and "true-false-balance" not in out
    assert run("--quiz", "broken")[0] == 1


def test_an_unknown_slug_is_a_clear_error_with_exit_code_2(clean):
    with pytest.raises(CommandError, match="No quiz with the slug “nope”.") as exc:
        call_command("lint_quizzes", "--quiz", "nope")
    assert exc.value.returncode == 2


def test_json_report_shape(clean, broken):
    code, out = run("--json")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"ok", "errors", "warnings", "thresholds", "rules", "site", "quizzes"}
    assert data["rules"]["select-all-earns-credit"] == {
        "severity": "error",
        "description": "Ticking every box of a multiple-choice question earns points.",
    }
    assert (data["ok"], data["errors"], data["warnings"]) == (False, 1, 1)
    assert data["thresholds"]["longest_option_max_share"] == 0.35
    assert data["thresholds"]["true_false_true_share"] == [0.4, 0.6]
    assert data["site"] == {"checked": True, "true_false": {"true": 0, "total": 0}, "issues": []}
    by_slug = {q["slug"]: q for q in data["quizzes"]}
    assert set(by_slug) == {"broken", "clean"}
    assert by_slug["clean"]["issues"] == [] and by_slug["clean"]["published"] is True
    error = next(i for i in by_slug["broken"]["issues"] if i["severity"] == "error")
    q2 = Question.objects.get(quiz=broken, type="numeric")
    assert error == {
        "rule": "numeric-without-tolerance",
        "severity": "error",
        "quiz": "broken",
        "question": {"id": q2.pk, "number": 2, "text": q2.prompt},
        "choice": None,
        "language": None,
        "message": error["message"],
    }
    assert error["message"].startswith("The numeric question has no tolerance")


def test_json_for_one_quiz_says_site_rules_were_not_checked(clean):
    code, out = run("--quiz", "clean", "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] is True and data["site"]["checked"] is False


def test_the_command_line_exit_codes(clean, broken, capsys, monkeypatch):
    """As from a shell (manage.py's own argument handling): 1 for an error, 2 for a bad slug.

    run_from_argv closes every database connection when the command ends; here that would
    close the test's own transaction (PostgreSQL), so it is kept open.
    """
    from django.core.management import base

    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["manage.py", "lint_quizzes", "--no-color"]).execute()
    assert exc.value.code == 1 and "FAILED" in capsys.readouterr().out
    ManagementUtility(["manage.py", "lint_quizzes", "--quiz", "clean"]).execute()  # exit 0
    assert "OK: no published quiz breaks a rule." in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["manage.py", "lint_quizzes", "--quiz", "nope"]).execute()
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "No quiz with the slug “nope”." in err
    assert "Traceback" not in err


# --- the admin panel -----------------------------------------------------------------------------


def test_a_teacher_sees_the_report_on_the_quiz_page_linked_to_questions(teacher_client, broken):
    html = teacher_client.get(reverse("admin:quiz_quiz_change", args=[broken.pk])).content.decode()
    assert "Quality checks" in html
    assert "1 error" in html and "1 warning" in html
    q2 = Question.objects.get(quiz=broken, type="numeric")
    assert reverse("admin:quiz_question_change", args=[q2.pk]) in html
    assert "The numeric question has no tolerance" in html
    assert 'data-rule="negative-stem"' in html
    assert "the content check (manage.py lint_quizzes) fails until they are" in html
    assert "Across the published quizzes, 0 of 0 true/false questions" in html


def test_a_clean_quiz_says_so_and_a_new_quiz_asks_to_be_saved(teacher_client, clean):
    html = teacher_client.get(reverse("admin:quiz_quiz_change", args=[clean.pk])).content.decode()
    assert "No problem found" in html
    html = teacher_client.get(reverse("admin:quiz_quiz_add")).content.decode()
    assert "Save the quiz first; its questions are then checked here." in html


def test_the_site_wide_balance_shows_on_every_quiz_page(teacher_client, clean):
    for _ in range(5):
        truefalse(clean, False)
    draft = QuizFactory(slug="draft", is_published=False)
    single(draft)
    html = teacher_client.get(reverse("admin:quiz_quiz_change", args=[draft.pk])).content.decode()
    assert "Across the published quizzes, 0 of 5 true/false questions" in html
    assert "true-false-balance" in html
    assert "The quiz is not published: fix the errors before publishing it." not in html


def test_a_question_page_shows_that_questions_issues(teacher_client, broken):
    q1, q2 = Question.objects.filter(quiz=broken).order_by("order")
    html = teacher_client.get(reverse("admin:quiz_question_change", args=[q2.pk])).content.decode()
    assert "The numeric question has no tolerance" in html
    assert 'data-rule="negative-stem"' not in html  # question 1's
    assert reverse("admin:quiz_quiz_change", args=[broken.pk]) + "#quality-checks" in html
    q2.numeric_tolerance = 0
    q2.save()
    html = teacher_client.get(reverse("admin:quiz_question_change", args=[q2.pk])).content.decode()
    assert "No problem found in this question." in html
    q1.is_archived = True
    q1.save()
    html = teacher_client.get(reverse("admin:quiz_question_change", args=[q1.pk])).content.decode()
    assert "Archived questions are not checked" in html
    html = teacher_client.get(reverse("admin:quiz_question_add")).content.decode()
    assert "Save the question first; it is then checked here." in html


def test_the_report_in_french_marks_what_one_language_only_has(broken):
    q1 = Question.objects.get(quiz=broken, type="single")
    Question.objects.filter(pk=q1.pk).update(
        prompt_fr="Laquelle de ces variables n'est pas une variable indirecte\u00a0?"
    )
    code, out = run("--lang", "fr")
    assert code == 1
    assert f"avertissement [negative-stem] Q1 (id {q1.pk}) «\u00a0Laquelle" in out
    assert "» [fr]" in out and "» [en]" in out  # "pas" in French, "not" in English
    assert "ÉCHEC\u00a0: un quiz publié enfreint une règle" in out
    code, out = run("--lang", "en", "--json")
    languages = sorted(
        i["language"] for q in json.loads(out)["quizzes"] for i in q["issues"] if i["language"]
    )
    assert languages == ["en", "fr"]
