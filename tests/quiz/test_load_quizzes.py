"""load_quizzes: the real content files load; errors name file, question and field; all or nothing."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from quiz.models import Quiz
from tests.kb.factories import CaseStudyFactory, ThemeFactory

pytestmark = pytest.mark.django_db

QUIZ_FILES = sorted((Path(settings.BASE_DIR) / "fixtures" / "quizzes").glob("*.yaml"))

GOOD = """
slug: {slug}
title: "A quiz"
cases: [{case}]
themes: [{theme}]
published: true
feedback_timing: each
questions:
  - type: single
    prompt: "Pick one"
    case: {case}
    choices:
      - {{text: "Right", correct: true, feedback: "Yes"}}
      - {{text: "Wrong", correct: false, feedback: "No", misconception: "thinks wrong is right"}}
  - type: truefalse
    prompt: "True?"
    answer: false
    feedback_true: "No."
    feedback_false: "Yes."
    misconception_true: "believes it"
  - type: numeric
    prompt: "How many?"
    value: 237600
    tolerance: 100
    unit: travellers
  - type: multiple
    prompt: "Pick all"
    all_or_nothing: true
    choices:
      - {{text: "A", correct: true}}
      - {{text: "B", correct: true}}
      - {{text: "C", correct: false}}
"""

BAD = """
slug: bad
title: "Bad quiz"
cases: [no-such-case]
questions:
  - type: single
    prompt: "Two right"
    choices:
      - {text: "A", correct: true}
      - {text: "B", correct: true}
  - type: truefalse
    prompt: "No answer"
  - type: numeric
    prompt: "No tolerance"
    value: 3
  - type: single
    prompt: "Bad link"
    simulation: no-such-simulation
    choices:
      - {text: "A", correct: true, misconception: "on a right choice"}
      - {text: "B", correct: false}
"""


@pytest.fixture
def kb():
    return CaseStudyFactory(slug="predpol"), ThemeFactory(slug="feedback-loops")


def test_loads_a_valid_file(tmp_path, kb):
    (tmp_path / "a.yaml").write_text(GOOD.format(slug="a", case="predpol", theme="feedback-loops"))
    call_command("load_quizzes", "--dir", str(tmp_path), stdout=io.StringIO())
    quiz = Quiz.objects.get(slug="a")
    assert quiz.is_published and quiz.feedback_timing == "each"
    assert [c.slug for c in quiz.cases.all()] == ["predpol"]
    single, tf, num, multi = quiz.questions.all()
    assert single.case.slug == "predpol" and single.choices.get(text_en="Wrong").misconception
    assert [c.is_correct for c in tf.choices.all()] == [False, True]
    assert tf.choices.get(text_en="True").misconception == "believes it"
    assert (num.numeric_value, num.numeric_tolerance, num.unit) == (237600, 100, "travellers")
    assert multi.all_or_nothing


def test_every_error_names_file_question_and_field_and_nothing_loads(tmp_path, kb):
    (tmp_path / "a.yaml").write_text(GOOD.format(slug="a", case="predpol", theme="feedback-loops"))
    (tmp_path / "bad.yaml").write_text(BAD)
    with pytest.raises(CommandError) as exc:
        call_command("load_quizzes", "--dir", str(tmp_path))
    message = str(exc.value)
    assert exc.value.returncode == 2
    for expected in [
        "bad.yaml, field cases: no case with the slug “no-such-case”",
        "bad.yaml, question 1, field choices: A single-choice question needs exactly one correct choice",
        "bad.yaml, question 2, field answer",
        "bad.yaml, question 3, field tolerance",
        "bad.yaml, question 4, field simulation: Unknown simulation “no-such-simulation”",
        "bad.yaml, question 4, field choices[1].misconception",
    ]:
        assert expected in message
    assert not Quiz.objects.exists()


def test_invalid_yaml_is_reported(tmp_path):
    (tmp_path / "broken.yaml").write_text("slug: [unclosed\n")
    with pytest.raises(CommandError, match="broken.yaml: not valid YAML"):
        call_command("load_quizzes", "--dir", str(tmp_path))


def test_loads_only_into_an_empty_quiz_table_unless_forced(tmp_path, kb):
    (tmp_path / "a.yaml").write_text(GOOD.format(slug="a", case="predpol", theme="feedback-loops"))
    call_command("load_quizzes", "--dir", str(tmp_path), stdout=io.StringIO())
    Quiz.objects.filter(slug="a").update(title="Edited by a teacher")
    out = io.StringIO()
    call_command("load_quizzes", "--dir", str(tmp_path), stdout=out)
    assert "already exist" in out.getvalue()
    assert Quiz.objects.get(slug="a").title == "Edited by a teacher"
    call_command("load_quizzes", "--dir", str(tmp_path), "--force", stdout=io.StringIO())
    assert Quiz.objects.get(slug="a").title == "A quiz"


@pytest.mark.skipif(not QUIZ_FILES, reason="no fixtures/quizzes/*.yaml yet")
def test_the_real_quiz_files_load_with_the_initial_content():
    call_command("load_initial_content", stdout=io.StringIO())
    assert Quiz.objects.count() == len(QUIZ_FILES)
    for quiz in Quiz.objects.all():
        assert quiz.questions.count() >= 6, quiz.slug
