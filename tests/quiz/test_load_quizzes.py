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


BILINGUAL = """
slug: two-languages
title: "Two languages"
title_fr: "Deux langues"
description_en: "The **English** description."
description_fr: "La description **française**."
questions:
  - type: single
    prompt: "Which one is 20,000?"
    prompt_fr: "Lequel vaut 20\u00a0000\u00a0?"
    feedback: "Because."
    feedback_fr: "Parce que."
    choices:
      - text: "Right"
        text_fr: "Juste"
        correct: true
        feedback: "Yes"
        feedback_fr: "Oui"
      - text: "Wrong"
        text_fr: "Faux"
        correct: false
        feedback: "No"
        feedback_fr: "Non"
        misconception: "thinks wrong is right"
        misconception_fr: "croit que le faux est juste"
  - type: truefalse
    prompt: "True?"
    prompt_fr: "Vrai\u00a0?"
    answer: false
    feedback_true: "No."
    feedback_true_fr: "Non."
    feedback_false: "Yes."
    feedback_false_fr: "Oui."
    misconception_true: "believes it"
    misconception_true_fr: "y croit"
  - type: numeric
    prompt: "How many?"
    prompt_fr: "Combien\u00a0?"
    value: 3
    tolerance: 0
    unit: travellers
    unit_fr: voyageurs
  - type: single
    prompt_fr: "Seulement en français"
    choices:
      - {text_fr: "Un", correct: true, feedback_fr: "Oui"}
      - {text: "Two", correct: false, feedback: "No", misconception: "counts wrong"}
"""


def load_text(tmp_path, text, name="a.yaml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    call_command("load_quizzes", "--dir", str(tmp_path), stdout=io.StringIO())


def test_french_keys_go_into_the_french_columns(tmp_path):
    load_text(tmp_path, BILINGUAL)
    quiz = Quiz.objects.get(slug="two-languages")
    assert (quiz.title_en, quiz.title_fr) == ("Two languages", "Deux langues")
    assert quiz.description_en == "The **English** description."  # description_en: the English
    assert "<strong>française</strong>" in quiz.description_html_fr
    assert "<strong>English</strong>" in quiz.description_html_en
    single, tf, num, french_only = quiz.questions.order_by("order")
    assert (single.prompt_en, single.prompt_fr) == (
        "Which one is 20,000?",
        "Lequel vaut 20\u00a0000\u00a0?",
    )
    assert (single.general_feedback_en, single.general_feedback_fr) == ("Because.", "Parce que.")
    assert single.prompt_html_fr.startswith("<p>Lequel") and single.general_feedback_html_fr
    wrong = single.choices.get(is_correct=False)
    assert (wrong.text_en, wrong.text_fr) == ("Wrong", "Faux")
    assert (wrong.misconception_en, wrong.misconception_fr) == (
        "thinks wrong is right",
        "croit que le faux est juste",
    )
    assert wrong.feedback_html_fr == "<p>Non</p>"
    true, false = tf.choices.all()
    assert [(true.text_en, true.text_fr), (false.text_en, false.text_fr)] == [
        ("True", "Vrai"),
        ("False", "Faux"),
    ]
    assert (true.feedback_fr, true.misconception_fr, false.feedback_fr) == (
        "Non.",
        "y croit",
        "Oui.",
    )
    assert false.misconception_fr == ""
    assert (num.unit_en, num.unit_fr) == ("travellers", "voyageurs")
    # a text in one language only is loaded; the other language falls back to it
    assert (french_only.prompt_fr, french_only.prompt_en) == ("Seulement en français", "")
    one, two = french_only.choices.all()
    assert (one.text_fr, one.text_en, two.text_fr, two.text_en) == ("Un", "", "", "Two")


def test_the_same_limits_apply_in_each_language(tmp_path):
    text = BILINGUAL.replace('text_fr: "Juste"', f'text_fr: "{"x" * 501}"').replace(
        'misconception_fr: "croit que le faux est juste"',
        'misconception_fr: "croit que le faux est juste"\n        misconception_en: "twice"',
    )
    text = text.replace('title_fr: "Deux langues"', f'title_fr: "{"t" * 201}"')
    text = text.replace(
        "    unit_fr: voyageurs", f'    unit_fr: {"u" * 51}\n    prompt_de: "Wie viele?"'
    )
    text = text.replace(
        'misconception_true_fr: "y croit"', 'misconception_false_fr: "sur la bonne"'
    )
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("load_quizzes", "--dir", str(tmp_path))
    message = str(exc.value)
    for expected in [
        "a.yaml, field title_fr: Longer than 200 characters.",
        "a.yaml, question 1, field choices[1].text_fr: Longer than 500 characters.",
        "a.yaml, question 1, choice 2, field misconception_en: give either misconception or "
        "misconception_en (both are the English).",
        "a.yaml, question 2, field misconception_false_fr: A misconception describes why",
        "a.yaml, question 3, field prompt_de: unknown field.",
        "a.yaml, question 3, field unit_fr: Longer than 40 characters.",
    ]:
        assert expected in message, (expected, message)
    assert not Quiz.objects.exists()


def test_a_question_needs_its_text_in_one_language_at_least(tmp_path):
    text = BILINGUAL.replace(
        '    prompt_fr: "Seulement en français"\n', '    title_fr: "Sans texte"\n'
    )
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="question 4, field prompt: The question has no text."):
        call_command("load_quizzes", "--dir", str(tmp_path))


def test_the_cli_imports_a_gift_file_in_the_language_given(tmp_path):
    from .factories import QuizFactory

    quiz = QuizFactory(slug="target")
    path = tmp_path / "q.gift"
    path.write_text("Which one? {=a ~b}\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_gift", str(path), "--quiz", "target", "--lang", "en", stdout=out)
    assert "Imported 1 question(s) into “target” (en)." in out.getvalue()
    assert (quiz.questions.get().prompt_en, quiz.questions.get().prompt_fr) == ("Which one?", "")
    aiken = tmp_path / "q.txt"
    aiken.write_text("Lequel ?\nA. un\nB. deux\nANSWER: A\n", encoding="utf-8")
    call_command("import_aiken", str(aiken), "--quiz", "target", stdout=out)  # default: French
    french = quiz.questions.order_by("order").last()
    assert (french.prompt_fr, french.prompt_en) == ("Lequel ?", "")
