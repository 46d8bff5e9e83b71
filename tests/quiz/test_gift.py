"""GIFT and Aiken: what is supported, errors by line, nothing imported on error, round trips."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from quiz.aiken import export_aiken, parse_aiken
from quiz.gift import export_gift, parse_gift
from quiz.models import Question
from quiz.services import ImportFailed, import_questions

from .factories import QuizFactory

GIFT = r"""// A comment line, ignored
$CATEGORY: $course$/fairness

::Parity::Which metric compares positive-prediction rates across groups? {
  =Demographic parity#Yes: it compares selection rates.
  ~Precision#No: precision is about predicted positives.
  ~Recall
  ####Selection rate per group is the heart of it.
}

::Both::[markdown]Pick **both** group metrics {
  ~%50%Demographic parity#right
  ~%50%Equalized odds
  ~%-100%Accuracy#not a group metric
}

Removing the protected attribute removes bias. {F#It does: proxies are gone.#Right: proxies remain.####Proxies such as postcode carry it.}

How many honest travellers are flagged? {#237600:100####1% of 1,000,000 lie.}

Pick a year in the range {#2010..2020}

Escapes: a \{brace\}, an \= sign, a \# and a \: colon\nsecond line {=yes \~ really ~no}
"""


def test_parse_supported_gift():
    questions, errors = parse_gift(GIFT)
    assert errors == []
    single, multi, tf, num, rng, esc = questions
    assert single.type == "single" and single.title == "Parity"
    assert [c.correct for c in single.choices] == [True, False, False]
    assert single.choices[0].feedback == "Yes: it compares selection rates."
    assert single.feedback == "Selection rate per group is the heart of it."
    assert single.line == 4
    assert multi.type == "multiple" and multi.prompt == "Pick **both** group metrics"
    assert [c.correct for c in multi.choices] == [True, True, False]
    assert tf.type == "truefalse" and [c.correct for c in tf.choices] == [False, True]
    assert tf.choices[1].feedback == "Right: proxies remain."  # False is right: its feedback
    assert tf.choices[0].feedback == "It does: proxies are gone."
    assert (num.numeric_value, num.numeric_tolerance) == (237600, 100)
    assert num.feedback == "1% of 1,000,000 lie."
    assert (rng.numeric_value, rng.numeric_tolerance) == (2015, 5)
    assert esc.prompt == "Escapes: a {brace}, an = sign, a # and a : colon\nsecond line"
    assert esc.choices[0].text == "yes ~ really"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Match {=a -> 1 =b -> 2 =c -> 3}", "unsupported question type: matching"),
        ("Who? {=Ada =Grace}", "unsupported question type: short answer"),
        ("Write an essay {}", "unsupported question type: essay"),
        ("Just a description", "unsupported question type: description"),
        ("The {=cat ~dog} sat on the mat", "unsupported question type: missing word"),
        ("Pi? {#=3.14:0.01 =%50%3:0.5}", "numeric question with several answers"),
        ("Which? {~%70%a ~%30%b ~c}", "unequal positive weights"),
        ("Which? {=a ~%50%b}", "partial credit on a single-answer question"),
        ("Which? {~a ~b}", "no right answer"),
        ("Broken {=a ~b", "no closing }"),
        ("Number {#lots}", "is not a number"),
    ],
)
def test_errors_and_unsupported_types_are_reported_by_line(text, message):
    questions, errors = parse_gift("// header\n\n" + text + "\n")
    assert questions == []
    assert len(errors) == 1 and errors[0].line == 3
    assert message in str(errors[0])


@pytest.mark.django_db
def test_a_file_with_any_error_imports_nothing():
    quiz = QuizFactory()
    text = "Good {=a ~b}\n\nMatch {=a -> 1 =b -> 2}\n\nAlso good {T}\n\nBad single {=a ~b =c ~d}\n"
    with pytest.raises(ImportFailed) as exc:
        import_questions(quiz=quiz, text=text, fmt="gift")
    assert [e.split(":")[0] for e in exc.value.errors] == ["line 3", "line 7"]
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_rule_violations_are_reported_with_their_line():
    quiz = QuizFactory()
    with pytest.raises(ImportFailed) as exc:
        import_questions(quiz=quiz, text="\n\nOnly one choice {=a}\n\nTwo {~%100%a}\n", fmt="gift")
    assert exc.value.errors[0].startswith("line 3: unsupported question type: short answer")
    assert exc.value.errors[1].startswith(
        "line 5: choices: A choice question needs at least two choices"
    )


@pytest.mark.django_db
def test_a_french_teacher_reads_the_import_errors_in_french():
    quiz = QuizFactory()
    text = "::Unclosed title\nQuestion {=a ~b}\n\nMatch {=a -> 1 =b -> 2}\n"
    with translation.override("fr"), pytest.raises(ImportFailed) as exc:
        import_questions(quiz=quiz, text=text, fmt="gift")
    assert "le titre n'a pas de :: fermant" in exc.value.errors[0]
    assert "type de question non pris en charge\u00a0: appariement" in exc.value.errors[1]
    assert not any("closing" in e or "unsupported" in e for e in exc.value.errors)
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_gift_export_reimports_to_the_same_questions():
    source = QuizFactory()
    import_questions(quiz=source, text=GIFT, fmt="gift")
    q = source.questions.get(title="Both")
    q.points, q.all_or_nothing = Decimal("2.5"), True
    q.save()
    q.choices.filter(text="Accuracy").update(misconception="thinks accuracy is a group metric")
    exported = export_gift(source)
    target = QuizFactory()
    import_questions(quiz=target, text=exported, fmt="gift")

    def shape(quiz):
        return [
            (
                q.type,
                q.title,
                q.prompt,
                q.points,
                q.general_feedback,
                q.all_or_nothing,
                q.numeric_value,
                q.numeric_tolerance,
                [(c.text, c.is_correct, c.feedback, c.misconception) for c in q.choices.all()],
            )
            for q in quiz.questions.order_by("order")
        ]

    assert shape(target) == shape(source)
    assert export_gift(target).split("\n", 1)[1].replace(target.slug, "S") == exported.split(
        "\n", 1
    )[1].replace(source.slug, "S")


AIKEN = """Which metric compares positive-prediction rates across groups?
A. Demographic parity
B. Precision
C) Recall
ANSWER: A

What does a model trained on arrest records learn?
A. Where crime happens
B. Where police record crime
ANSWER: B
"""


def test_parse_aiken():
    questions, errors = parse_aiken(AIKEN)
    assert errors == []
    assert [q.line for q in questions] == [1, 7]
    assert [c.correct for c in questions[1].choices] == [False, True]
    assert questions[0].choices[2].text == "Recall"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Q?\nA. a\nB. b\nANSWER: C\n", 4, "not one of the options"),
        ("Q?\nA. a\nC. b\nANSWER: A\n", 3, "option C where B was expected"),
        ("Q?\nA. a\nANSWER: A\n", 1, "at least two options"),
        ("Q?\nA. a\nB. b\n", 1, "no ANSWER"),
        ("Q?\nA. a\nB. b\nstray text\nANSWER: A\n", 4, "text after the options"),
    ],
)
def test_aiken_errors_by_line(text, line, message):
    questions, errors = parse_aiken(text)
    assert errors and errors[0].line == line and message in errors[0].message


@pytest.mark.django_db
def test_aiken_round_trip():
    quiz = QuizFactory()
    import_questions(quiz=quiz, text=AIKEN, fmt="aiken")
    exported = export_aiken(quiz.questions.prefetch_related("choices"))
    assert parse_aiken(exported)[0] == parse_aiken(AIKEN.replace("C) Recall", "C. Recall"))[0]


@pytest.mark.django_db
def test_commands_import_export_and_exit_code_2(tmp_path):
    quiz = QuizFactory(slug="target")
    good = tmp_path / "good.gift"
    good.write_text(GIFT, encoding="utf-8")
    out = io.StringIO()
    call_command("import_gift", str(good), "--quiz", "target", stdout=out)
    assert "Imported 6 question(s)" in out.getvalue()
    bad = tmp_path / "bad.gift"
    bad.write_text("Essay {}\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("import_gift", str(bad), "--quiz", "target")
    assert exc.value.returncode == 2 and "line 1: unsupported question type: essay" in str(
        exc.value
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_gift", str(good), "--quiz", "missing")
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        call_command("import_aiken", str(tmp_path / "nope.txt"), "--quiz", "target")
    assert exc.value.returncode == 2 and "no such file" in str(exc.value)
    aiken = tmp_path / "q.txt"
    aiken.write_text(AIKEN, encoding="utf-8")
    call_command("import_aiken", str(aiken), "--quiz", "target", stdout=io.StringIO())
    target = tmp_path / "out.gift"
    call_command("export_gift", "--quiz", "target", str(target), stderr=io.StringIO())
    assert parse_gift(target.read_text())[1] == []
    assert len(parse_gift(target.read_text())[0]) == quiz.questions.count() == 8


@pytest.mark.django_db
def test_a_gift_round_trip_keeps_each_language(tmp_path):
    source = QuizFactory(slug="source")
    import_questions(quiz=source, text=GIFT, fmt="gift", language="en")
    question = source.questions.get(title_en="Parity")
    question.prompt_fr = "Quelle mesure compare les taux de prédictions positives entre groupes ?"
    question.save()
    out = io.StringIO()
    call_command("export_gift", "--quiz", "source", "--lang", "fr", stdout=out)
    french = out.getvalue()
    assert "Quelle mesure compare" in french  # translated: the French
    assert "Pick **both** group metrics" in french  # not translated yet: the English
    target = QuizFactory(slug="target")
    import_questions(quiz=target, text=french, fmt="gift", language="fr")
    copy = target.questions.get(title_fr="Parity")
    assert copy.prompt_fr.startswith("Quelle mesure") and copy.prompt_en == ""
