"""GIFT and Aiken imports under bad and big input (security review L2, L3, M6).

- L2: no input makes the parsers or the import raise anything but ImportFailed (Hypothesis on
  arbitrary text and on GIFT-like files), and what is saved passes the models' own validation
  (lengths, NUL characters, finite numbers), so SQLite stores nothing PostgreSQL would refuse;
- L3: at most QUESTION_MAX_CHOICES choices per question and QUIZ_MAX_QUESTIONS per quiz, with a
  message, and a quiz of that size can still be saved in the admin;
- M6: the import writes in bulk (a bounded number of queries, whatever the file's size).
"""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from quiz.aiken import parse_aiken
from quiz.gift import parse_gift
from quiz.models import QUESTION_MAX_CHOICES, QUIZ_MAX_QUESTIONS, Choice, Question
from quiz.services import ImportFailed, import_questions

from .factories import QuizFactory

HYPOTHESIS = hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- Hypothesis: arbitrary text, and GIFT-like files -----------------------------------------
GIFT_ALPHABET = st.sampled_from(list("~=#{}:\\%-.0123456789TFaA B\n\t/[]") + ["\x00", "é", "😀"])
gift_soup = st.text(GIFT_ALPHABET, max_size=300)
any_text = st.text(max_size=300)

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=60),
    st.sampled_from(["NaN", "sNaN", "Infinity", "-0", "1e400", "0.001", "9999.99", "10000"]),
)
special_points = st.sampled_from(["NaN", "sNaN", "Infinity", "-Infinity", "1e400", "0.001", "2.5"])
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
meta_keys = st.sampled_from(
    ["points", "all_or_nothing", "unit", "case", "simulation", "preset", "misconceptions", "x"]
)


@st.composite
def meta_comment(draw):
    """A reality-check comment: one targeted key (points, misconceptions, unit), very deep
    nesting, or any JSON object."""
    mode = draw(st.sampled_from(["points", "misconceptions", "unit", "deep", "any"]))
    if mode == "points":
        meta = {"points": draw(st.one_of(special_points, json_scalar))}
    elif mode == "misconceptions":
        numbers = st.sampled_from(["0", "-1", "1", "2", "3", "27", "x", "1.5", "9" * 5000])
        meta = {"misconceptions": draw(st.dictionaries(numbers, json_scalar, max_size=3))}
    elif mode == "unit":
        meta = {"unit": draw(st.one_of(json_scalar, st.text(min_size=35, max_size=60)))}
    elif mode == "deep":
        depth = draw(st.sampled_from([10, 999, 1500, 5000]))
        return "// reality-check: " + "[" * depth + "]" * depth
    else:
        meta = draw(st.dictionaries(meta_keys, json_value, max_size=4))
    return "// reality-check: " + json.dumps(meta, allow_nan=True)


words = st.text(st.sampled_from(list("abc xyz\\~=#{}:\x00é")), max_size=50)
plain = st.text(st.sampled_from(list("abcxyz")), min_size=1, max_size=8)
weights = st.sampled_from(["", "%100%", "%50%", "%-50%", "%0%", "%33.33333%", "%abc%", "%1e9%"])


@st.composite
def answer_block(draw):
    kind = draw(st.sampled_from(["valid", "valid", "choices", "tf", "numeric", "empty", "junk"]))
    if kind == "valid":  # a question the parser accepts, so that its meta comment is applied
        body = "=" + draw(plain) + " ~" + draw(plain) + " ~" + draw(plain)
    elif kind == "choices":
        parts = [
            draw(st.sampled_from(["=", "~"]))
            + draw(weights)
            + draw(words)
            + (("#" + draw(words)) if draw(st.booleans()) else "")
            for _ in range(draw(st.integers(min_value=0, max_value=30)))
        ]
        body = " ".join(parts)
    elif kind == "tf":
        body = draw(st.sampled_from(["T", "F", "TRUE", "FALSE"])) + draw(
            st.sampled_from(["", "#no", "#no#yes", "#a#b#c"])
        )
    elif kind == "numeric":
        number = st.one_of(
            st.floats(allow_nan=True, allow_infinity=True).map(repr),
            st.sampled_from(["1e308", "-1e308", "1e400", "abc", "", "5"]),
        )
        body = (
            "#" + draw(number) + draw(st.sampled_from(["", ":", "..", "=", ":-1"])) + draw(number)
        )
    elif kind == "empty":
        body = ""
    else:
        body = draw(gift_soup)
    if draw(st.booleans()):
        body += "####" + draw(words)
    return "{" + body + "}"


@st.composite
def gift_file(draw):
    blocks = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        lines = []
        if draw(st.booleans()):
            lines.append(draw(meta_comment()))
        title = f"::{draw(words)}::" if draw(st.booleans()) else ""
        prompt = draw(st.one_of(plain, words))
        tail = draw(st.sampled_from(["", "", " tail"]))
        lines.append(title + prompt + " " + draw(answer_block()) + tail)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


@st.composite
def aiken_file(draw):
    lines = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        lines.append(draw(words) or "Q?")
        for n in range(draw(st.integers(min_value=0, max_value=28))):
            letter = chr(ord("A") + n) if draw(st.integers(0, 9)) else draw(st.sampled_from("a[Z"))
            lines.append(f"{letter}{draw(st.sampled_from(['.', ')', '']))} {draw(words)}")
        lines.append("ANSWER: " + draw(st.sampled_from(["A", "B", "Z", "", "AB", "[", "b"])))
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines)


@HYPOTHESIS
@given(text=st.one_of(any_text, gift_soup, gift_file()))
def test_gift_parser_never_raises(text):
    questions, errors = parse_gift(text)
    assert all(str(e).startswith("line ") for e in errors)


@HYPOTHESIS
@given(text=st.one_of(any_text, aiken_file()))
def test_aiken_parser_never_raises(text):
    questions, errors = parse_aiken(text)
    assert all(str(e).startswith("line ") for e in errors)


def _assert_storable(saved):
    """What was saved passes the models' validation and holds no NUL (the schema's rules)."""
    for question in saved:
        question = Question.objects.get(pk=question.pk)
        question.full_clean()
        for value in (question.prompt, question.title, question.unit, question.general_feedback):
            assert "\x00" not in value
        for choice in question.choices.all():
            choice.full_clean()
            assert "\x00" not in choice.text + choice.feedback + choice.misconception


@pytest.mark.django_db
@hypothesis_settings(HYPOTHESIS, max_examples=60)
@given(text=st.one_of(gift_file(), gift_soup), fmt=st.just("gift"))
def test_gift_import_fails_cleanly_or_stores_valid_rows(text, fmt):
    _import_property(text, fmt)


@pytest.mark.django_db
@hypothesis_settings(HYPOTHESIS, max_examples=40)
@given(text=aiken_file(), fmt=st.just("aiken"))
def test_aiken_import_fails_cleanly_or_stores_valid_rows(text, fmt):
    _import_property(text, fmt)


def _import_property(text, fmt):
    with transaction.atomic():
        quiz = QuizFactory(is_published=False)
        try:
            saved = import_questions(quiz=quiz, text=text, fmt=fmt)
        except ImportFailed as exc:
            assert exc.errors and all(e.startswith("line ") for e in exc.errors)
            assert not quiz.questions.exists()
        else:
            _assert_storable(saved)
        transaction.set_rollback(True)


# --- L2: the review's reproductions --------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('// reality-check: {"points": "NaN"}\nQ? {=a ~b}\n', "not a finite number"),
        ('// reality-check: {"points": "sNaN"}\nQ? {=a ~b}\n', "not a finite number"),
        ('// reality-check: {"points": "Infinity"}\nQ? {=a ~b}\n', "not a finite number"),
        ('// reality-check: {"points": [1]}\nQ? {=a ~b}\n', "is not a number"),
        ("// reality-check: " + "[" * 5000 + "]" * 5000 + "\nQ? {=a ~b}\n", "nested too deeply"),
        ('Q? {#42}\n// reality-check: {"unit": "' + "0" * 300 + '"}\n', "Longer than 40"),
        ("::" + "t" * 201 + ":: Q? {=a ~b}\n", "Longer than 200"),
        ("Q\x00? {=a ~b}\n", "NUL character"),
        ("Q? {=a\x00 ~b}\n", "NUL character"),
        ('// reality-check: {"misconceptions": {"0": "m"}}\nQ? {=a ~b ~c}\n', "does not exist"),
        ('// reality-check: {"misconceptions": {"-1": "m"}}\nQ? {=a ~b ~c}\n', "does not exist"),
        ("Q? {#-1e308..1e308}\n", "finite number"),
    ],
)
def test_bad_gift_values_are_reported_not_raised_or_stored(text, message):
    quiz = QuizFactory()
    with pytest.raises(ImportFailed) as exc:
        import_questions(quiz=quiz, text=text, fmt="gift")
    assert message in "\n".join(exc.value.errors)
    assert exc.value.errors[0].startswith("line ")
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_nan_points_through_the_cli_exit_2_and_the_admin_show_the_error(teacher_client, tmp_path):
    quiz = QuizFactory(is_published=False)
    path = tmp_path / "nan.gift"
    path.write_text('// reality-check: {"points": "NaN"}\nQ? {=a ~b}\n', encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("import_gift", str(path), "--quiz", quiz.slug)
    assert exc.value.returncode == 2 and "not a finite number" in str(exc.value)
    upload = SimpleUploadedFile("nan.gift", path.read_bytes())
    url = reverse("admin:quiz_quiz_import", args=[quiz.pk])
    response = teacher_client.post(url, {"format": "gift", "file": upload})
    assert response.status_code == 200 and "not a finite number" in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_valid_meta_still_imports():
    quiz = QuizFactory()
    text = (
        '// reality-check: {"points": "2.5", "misconceptions": {"2": "m"}}\nQ? {=a ~b}\n\n'
        '// reality-check: {"unit": "' + "u" * 40 + '"}\nHow many? {#-1e300..1e300}\n'
    )
    first, second = import_questions(quiz=quiz, text=text, fmt="gift")
    assert first.points == Decimal("2.5")
    assert first.choices.get(text="b").misconception == "m"
    assert second.unit == "u" * 40 and second.numeric_tolerance == 1e300


# --- L3: bounds ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_choices_per_question_are_bounded():
    quiz = QuizFactory()
    allowed = "Q? {=a " + " ".join(f"~w{n}" for n in range(QUESTION_MAX_CHOICES - 1)) + "}\n"
    import_questions(quiz=quiz, text=allowed, fmt="gift")
    too_many = "Q? {=a " + " ".join(f"~w{n}" for n in range(QUESTION_MAX_CHOICES)) + "}\n"
    with pytest.raises(ImportFailed) as exc:
        import_questions(quiz=quiz, text=too_many, fmt="gift")
    assert f"at most {QUESTION_MAX_CHOICES} choices" in exc.value.errors[0]
    assert quiz.questions.count() == 1


def _gift(n: int, start: int = 0) -> str:
    return "".join(f"::Q{i}:: Question {i}? {{=a ~b ~c}}\n\n" for i in range(start, start + n))


@pytest.mark.django_db
def test_questions_per_quiz_are_bounded_across_imports():
    quiz = QuizFactory()
    with pytest.raises(ImportFailed) as exc:
        import_questions(quiz=quiz, text=_gift(QUIZ_MAX_QUESTIONS + 1), fmt="gift")
    assert f"the most a quiz can hold ({QUIZ_MAX_QUESTIONS})" in exc.value.errors[0]
    import_questions(quiz=quiz, text=_gift(QUIZ_MAX_QUESTIONS - 1), fmt="gift")
    with pytest.raises(ImportFailed):
        import_questions(quiz=quiz, text=_gift(2, start=500), fmt="gift")
    import_questions(quiz=quiz, text=_gift(1, start=500), fmt="gift")
    assert quiz.questions.count() == QUIZ_MAX_QUESTIONS


@pytest.mark.django_db
def test_a_full_quiz_refuses_another_question_in_the_admin_and_still_saves(teacher_client):
    from tests.quiz.test_admin import both_languages, question_post

    quiz = QuizFactory(is_published=False)
    import_questions(quiz=quiz, text=_gift(QUIZ_MAX_QUESTIONS), fmt="gift")
    data = question_post(quiz, "single", [("a", True, ""), ("b", False, "")])
    response = teacher_client.post(reverse("admin:quiz_question_add"), data)
    assert response.status_code == 200 and "the most a quiz can hold" in response.content.decode()
    assert quiz.questions.count() == QUIZ_MAX_QUESTIONS
    # the quiz's own page (an inline row per question) can still be saved: the review's 400
    change = reverse("admin:quiz_quiz_change", args=[quiz.pk])
    form = teacher_client.get(change).context["adminform"].form
    data = {
        "title": quiz.title,
        "slug": quiz.slug,
        "description": "",
        "question_order": "fixed",
        "feedback_timing": "end",
        "pass_mark": "60",
        "attempts_allowed": "",
        "is_published": "on",
        "questions-TOTAL_FORMS": str(QUIZ_MAX_QUESTIONS),
        "questions-INITIAL_FORMS": str(QUIZ_MAX_QUESTIONS),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    assert form.instance.pk == quiz.pk
    for i, question in enumerate(quiz.questions.order_by("order", "id")):
        data.update(
            {
                f"questions-{i}-id": str(question.pk),
                f"questions-{i}-quiz": str(quiz.pk),
                f"questions-{i}-order": str(question.order),
                f"questions-{i}-points": "1",
            }
        )
    response = teacher_client.post(change, both_languages(data))
    assert response.status_code == 302, response.content[:500]
    quiz.refresh_from_db()
    assert quiz.is_published


# --- M6: bulk writes -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_import_writes_in_bulk(django_assert_max_num_queries):
    quiz = QuizFactory()
    text = _gift(QUIZ_MAX_QUESTIONS)
    with django_assert_max_num_queries(40):
        saved = import_questions(quiz=quiz, text=text, fmt="gift")
    assert len(saved) == QUIZ_MAX_QUESTIONS
    assert Choice.objects.filter(question__quiz=quiz).count() == 3 * QUIZ_MAX_QUESTIONS
    # each row has its rendered HTML and a history record, as a save() would give
    question = quiz.questions.get(title="Q7")
    assert question.prompt_html == "<p>Question 7?</p>"
    assert question.history.count() == 1
    assert Choice.history.filter(question_id=question.pk).count() == 3
