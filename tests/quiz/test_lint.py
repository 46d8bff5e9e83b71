"""quiz.lint: each rule fails on a planted bad quiz and passes once it is fixed."""

from fractions import Fraction

import pytest

from quiz.lint import ERROR, RULES, WARNING, lint, lint_quiz
from quiz.models import Choice, Question, QuestionType, Quiz
from quiz.services import grade

from .factories import QuizFactory

pytestmark = pytest.mark.django_db


# --- building clean quizzes -----------------------------------------------------------------------


def add_question(
    quiz, qtype, prompt="Which one is it?", feedback="Why the answer is what it is.", **fields
):
    order = quiz.questions.count()
    return Question.objects.create(
        quiz=quiz, type=qtype, prompt=prompt, general_feedback=feedback, order=order, **fields
    )


def add_choice(question, text, correct=False, *, feedback="Because.", misconception=None):
    if misconception is None:
        misconception = "" if correct else f"believes {text.lower()}"
    return Choice.objects.create(
        question=question,
        text=text,
        is_correct=correct,
        feedback=feedback,
        misconception=misconception,
        order=question.choices.count(),
    )


def single(quiz, right="Option alpha", wrong=("Option bravo", "Option delta"), **fields):
    q = add_question(quiz, QuestionType.SINGLE, **fields)
    add_choice(q, right, True)
    for text in wrong:
        add_choice(q, text)
    return q


def truefalse(quiz, answer, prompt="Models learn from data.", **fields):
    q = add_question(quiz, QuestionType.TRUEFALSE, prompt=prompt, **fields)
    add_choice(q, "True", answer is True)
    add_choice(q, "False", answer is False)
    return q


def multiple(quiz, right=("Right one", "Right two"), wrong=("Wrong one", "Wrong two"), **fields):
    q = add_question(quiz, QuestionType.MULTIPLE, **fields)
    for text in right:
        add_choice(q, text, True)
    for text in wrong:
        add_choice(q, text)
    return q


def numeric(quiz, value=166.0, tolerance=0.0, **fields):
    return add_question(
        quiz, QuestionType.NUMERIC, numeric_value=value, numeric_tolerance=tolerance, **fields
    )


def rules(quiz, severity=None):
    """The rule ids a quiz breaks (re-read from the database, as the command does)."""
    report = lint(Quiz.objects.filter(pk=quiz.pk), site=False).quizzes[0]
    return sorted(i.rule for i in report.issues if severity in (None, i.severity))


@pytest.fixture
def quiz():
    return QuizFactory(slug="q", shuffle_choices=True)


def test_a_clean_quiz_of_every_type_passes(quiz):
    single(quiz)
    multiple(quiz)
    truefalse(quiz, True)
    numeric(quiz)
    assert rules(quiz) == []


def test_every_rule_has_a_severity_and_a_description():
    assert {severity for severity, _ in RULES.values()} == {ERROR, WARNING}
    assert all(str(text).endswith(".") for _, text in RULES.values())


# --- longest option ------------------------------------------------------------------------------


def test_a_clearly_longest_right_option_is_a_warning(quiz):
    q = single(quiz, right="A right answer with its own justification", wrong=("Short", "Brief"))
    report = lint_quiz(quiz)
    [issue] = report.issues
    assert (issue.rule, issue.severity, issue.question_id) == ("longest-option", WARNING, q.pk)
    assert "41 characters; the longest wrong one has 5" in issue.message


@pytest.mark.parametrize(
    "right",
    [
        "Option echo",  # shorter than a wrong option
        "Option alpha!",  # longest by 1 character of 12: within 10 %, a tie
        "Option alpha",  # same length: a tie
    ],
)
def test_ties_and_shorter_right_options_do_not_count(quiz, right):
    single(quiz, right=right, wrong=("Option bravo", "Option delta"))
    assert rules(quiz) == []


def test_longest_option_share_is_an_error_above_35_percent(quiz):
    long = "The right answer, carefully qualified"
    single(quiz, right=long)
    single(quiz, right=long)
    single(quiz)
    single(quiz)
    [share] = [i for i in lint_quiz(quiz).issues if i.rule == "longest-option-share"]
    assert share.severity == ERROR and share.question_id is None
    assert "In 2 of 4 single-choice questions (50%)" in share.message
    assert "keep it to 1 or fewer. Questions: Q1, Q2." in share.message
    # Fixed: one long right option in four (25 %) passes.
    Choice.objects.filter(text=long).first().delete()
    first = Question.objects.filter(quiz=quiz).first()
    add_choice(first, "Option kilo", True)
    assert rules(quiz, ERROR) == []
    assert rules(quiz) == ["longest-option"]


def test_longest_option_share_needs_four_single_choice_questions(quiz):
    for _ in range(3):
        single(quiz, right="The right answer, carefully qualified")
    assert rules(quiz) == ["longest-option"] * 3
    single(quiz, right="The right answer, carefully qualified")
    assert "longest-option-share" in rules(quiz, ERROR)


# --- true/false balance (site-wide) --------------------------------------------------------------


def site_rules():
    return [i.rule for i in lint().site_issues]


def test_true_false_balance_over_published_quizzes():
    a, b = QuizFactory(slug="a"), QuizFactory(slug="b")
    for answer in (False, False, False):
        truefalse(a, answer)
    truefalse(b, False)
    truefalse(b, True)
    report = lint()
    [issue] = report.site_issues
    assert (issue.rule, issue.severity, issue.quiz) == ("true-false-balance", ERROR, "")
    assert issue.message.startswith("1 of 5 true/false questions in published quizzes (20%)")
    assert "a 0/3, b 1/2" in issue.message
    assert report.failed and (report.true_keyed, report.true_false) == (1, 5)
    # Fixed: 2 of 5 (40 %) is within bounds.
    flip(Question.objects.get(quiz=a, order=0))
    assert site_rules() == []


def flip(question):
    """Swap a true/false question's answer (with its misconception)."""
    for choice in question.choices.all():
        choice.is_correct = not choice.is_correct
        choice.misconception = "" if choice.is_correct else f"believes {choice.text.lower()}"
        choice.save()


def test_true_false_balance_ignores_drafts_archived_questions_and_small_sites():
    live = QuizFactory(slug="live")
    for _ in range(4):
        truefalse(live, False)
    assert site_rules() == []  # 4 questions: too few to judge
    draft = QuizFactory(slug="draft", is_published=False)
    truefalse(draft, False)
    assert site_rules() == []
    archived = truefalse(live, False)
    archived.is_archived = True
    archived.save()
    assert site_rules() == []
    truefalse(live, False)
    assert site_rules() == ["true-false-balance"]


def test_true_is_told_by_the_choice_text_whatever_the_order(quiz):
    q = add_question(quiz, QuestionType.TRUEFALSE, prompt="Data is neutral.")
    add_choice(q, "False", True)
    add_choice(q, "True", False)
    assert lint_quiz(quiz).true_keyed == 0 and lint_quiz(quiz).true_false == 1


# --- all / none of the above ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "All of the above",
        "None of the above.",
        "both of the above",
        "None of these",
        "Aucune de ces réponses",
    ],
)
def test_all_or_none_of_the_above_is_an_error(quiz, text):
    q = single(quiz, wrong=("Option bravo",))
    add_choice(q, text)
    assert rules(quiz, ERROR) == ["all-none-of-the-above"]


def test_a_choice_that_merely_starts_with_none_is_not_flagged(quiz):
    single(quiz, wrong=("Option bravo", "None: models see context"))
    assert "all-none-of-the-above" not in rules(quiz)


# --- negative stems ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "Which of these is not a proxy for race?",
        "All of these are proxies except which one?",
        "Context first. Which statement is false?",
        "Why doesn't the model see race?",
        "Given a score of 0.81, which reading is not right?",
    ],
)
def test_an_unemphasised_negative_stem_is_a_warning(quiz, prompt):
    single(quiz, prompt=prompt)
    assert rules(quiz) == ["negative-stem"]


@pytest.mark.parametrize(
    "prompt",
    [
        "Which of these is **not** a proxy for race?",
        "Which of these is *not* a proxy?",
        "Which of these is NOT a proxy for race?",
        "All of these are proxies EXCEPT which one?",
        "The model does not use race. Which input stands in for it?",  # context, not the question
        "What is the false-positive rate?",
        "What is the share (not the count) of errors?",
        'What does the "not flagged" label mean?',
        "What is at least needed?",
        "Which is not only cheap but fast?",
    ],
)
def test_emphasised_or_incidental_negatives_pass(quiz, prompt):
    single(quiz, prompt=prompt)
    assert rules(quiz) == []


def test_a_true_false_statement_is_checked_on_its_last_sentence(quiz):
    truefalse(quiz, True, prompt="PredPol did not use race. So its boxes could not follow race.")
    assert rules(quiz) == ["negative-stem"]


# --- feedback ------------------------------------------------------------------------------------


def test_a_choice_without_feedback_is_a_warning_when_the_question_explains(quiz):
    q = single(quiz)
    c = q.choices.last()
    c.feedback = ""
    c.save()
    [issue] = lint_quiz(quiz).issues
    assert (issue.rule, issue.severity, issue.choice_id) == (
        "choice-without-feedback",
        WARNING,
        c.pk,
    )
    assert "“Option delta” has no feedback" in issue.message


def test_no_explanation_at_all_is_an_error(quiz):
    q = single(quiz, feedback="")
    assert rules(quiz) == []  # every choice explains itself
    q.choices.filter(is_correct=True).update(feedback="  ")
    assert rules(quiz) == ["no-explanation"]
    q.general_feedback = "The explanation."
    q.save()
    assert rules(quiz) == ["choice-without-feedback"]


def test_a_numeric_question_without_general_feedback_is_an_error(quiz):
    q = numeric(quiz, feedback="")
    assert rules(quiz) == ["no-explanation"]
    q.general_feedback = "166 countries voted for it."
    q.save()
    assert rules(quiz) == []


# --- duplicate choices ---------------------------------------------------------------------------


def test_duplicate_choices_after_normalising_are_an_error(quiz):
    q = single(quiz, wrong=("Option bravo", "Option delta"))
    dup = add_choice(q, "  option  BRAVO. ")
    [issue] = lint_quiz(quiz).issues
    assert (issue.rule, issue.severity, issue.choice_id) == ("duplicate-choices", ERROR, dup.pk)
    dup.text = "Option foxtrot"
    dup.save()
    assert rules(quiz) == []


def test_true_false_choices_are_not_duplicates_of_each_other(quiz):
    truefalse(quiz, True)
    assert rules(quiz) == []


# --- numeric tolerance ---------------------------------------------------------------------------


def test_numeric_without_tolerance_is_an_error(quiz):
    q = numeric(quiz, value=9.5, tolerance=None)
    assert rules(quiz) == ["numeric-without-tolerance"]
    q.numeric_tolerance = 0.05
    q.save()
    assert rules(quiz) == []


def test_an_exact_decimal_answer_is_a_warning_but_an_exact_count_is_fine(quiz):
    q = numeric(quiz, value=9.5, tolerance=0)
    [issue] = lint_quiz(quiz).issues
    assert (issue.rule, issue.severity) == ("numeric-exact-decimal", WARNING)
    assert "The right value 9.5 has decimals" in issue.message
    q.numeric_value = 166
    q.save()
    assert rules(quiz) == []


# --- misconceptions ------------------------------------------------------------------------------


@pytest.mark.parametrize("qtype", ["single", "multiple", "truefalse"])
def test_a_wrong_choice_without_misconception_is_an_error(quiz, qtype):
    q = {"single": single, "multiple": multiple, "truefalse": lambda z: truefalse(z, True)}[qtype](
        quiz
    )
    wrong = q.choices.filter(is_correct=False).first()
    wrong.misconception = " "
    wrong.save()
    [issue] = lint_quiz(quiz).issues
    assert (issue.rule, issue.severity, issue.choice_id) == (
        "wrong-choice-without-misconception",
        ERROR,
        wrong.pk,
    )
    wrong.misconception = "confuses accuracy with precision"
    wrong.save()
    assert rules(quiz) == []


# --- ticking every box ---------------------------------------------------------------------------


def test_ticking_every_box_of_a_3_of_4_item_earns_two_thirds(quiz):
    q = multiple(quiz, right=("R1", "R2", "R3"), wrong=("W1",))
    choices = list(q.choices.all())
    assert grade(q, choices, selected=[c.pk for c in choices]).fraction == Fraction(2, 3)
    [issue] = lint_quiz(quiz).issues
    assert (issue.rule, issue.severity) == ("select-all-earns-credit", ERROR)
    assert (
        "Ticking every box earns 2/3 of the points (3 right and 1 wrong choices)" in issue.message
    )
    q.all_or_nothing = True
    q.save()
    assert rules(quiz) == []


def test_as_many_wrong_as_right_choices_makes_ticking_everything_worthless(quiz):
    multiple(quiz, right=("R1", "R2", "R3"), wrong=("W1", "W2", "W3"))
    multiple(quiz, right=("R1", "R2"), wrong=("W1", "W2"))
    assert rules(quiz) == []


def test_a_multiple_choice_item_with_only_right_choices_is_flagged(quiz):
    multiple(quiz, right=("R1", "R2"), wrong=())
    [issue] = lint_quiz(quiz).issues
    assert issue.rule == "select-all-earns-credit" and "Every choice is right" in issue.message


def test_the_rule_follows_the_grading_service(quiz, monkeypatch):
    """The share reported is the one the real grading gives (here: a changed rule)."""
    import quiz.services as services

    multiple(quiz, right=("R1", "R2"), wrong=("W1", "W2"))
    assert rules(quiz) == []
    monkeypatch.setattr(services, "grade", lambda *a, **k: services.Grade(Fraction(1, 4), False))
    [issue] = lint_quiz(quiz).issues
    assert "earns 1/4 of the points" in issue.message


# --- options, absolute words, position -----------------------------------------------------------


def test_a_single_choice_question_with_two_options_is_a_warning(quiz):
    q = single(quiz, wrong=("Option bravo",))
    [issue] = lint_quiz(quiz).issues
    assert (issue.rule, issue.severity) == ("too-few-options", WARNING)
    assert "with 2 options can be guessed 50% of the time" in issue.message
    add_choice(q, "Option delta")
    assert rules(quiz) == []


def test_absolute_words_only_in_wrong_choices_are_a_warning(quiz):
    q = single(quiz, right="Option alpha", wrong=("It never happens", "Option delta"))
    [issue] = lint_quiz(quiz).issues
    assert (issue.rule, issue.severity) == ("absolute-wording", WARNING)
    assert "says “never”" in issue.message
    right = q.choices.get(is_correct=True)
    right.text = "It always happens"
    right.save()
    assert rules(quiz) == []  # the right answer is absolute too: no cue


def test_an_absolute_true_false_statement_keyed_false_is_a_warning(quiz):
    q = truefalse(quiz, False, prompt="A model trained on faces always sees sexuality.")
    assert rules(quiz) == ["absolute-wording"]
    flip(q)
    assert rules(quiz) == []


def test_right_answer_in_the_same_place_without_shuffling_is_a_warning():
    quiz = QuizFactory(slug="fixed", shuffle_choices=False)
    for _ in range(4):
        single(quiz)
    [issue] = lint_quiz(quiz).issues
    assert (issue.rule, issue.severity) == ("key-position", WARNING)
    assert "option 1 in 4 of 4 single-choice questions" in issue.message
    quiz.shuffle_choices = True
    quiz.save()
    assert rules(quiz) == []


# --- report --------------------------------------------------------------------------------------


def test_issues_name_their_question_by_position_and_id(quiz):
    single(quiz)
    q2 = single(quiz, prompt="Which of these is not right?")
    archived = single(quiz, prompt="Archived: which is not right?")
    archived.is_archived = True
    archived.save()
    [issue] = lint_quiz(quiz).issues
    assert (issue.question_number, issue.question_id) == (2, q2.pk)
    assert issue.as_dict()["question"] == {
        "id": q2.pk,
        "number": 2,
        "text": "Which of these is not right?",
    }


def test_errors_on_drafts_do_not_fail_the_report():
    draft = QuizFactory(slug="draft", is_published=False)
    numeric(draft, tolerance=None)
    report = lint(Quiz.objects.all())
    assert [r.quiz.slug for r in report.quizzes] == ["draft"]
    assert report.quizzes[0].errors and not report.failed


@pytest.mark.parametrize("n", [1, 5])
def test_queries_do_not_grow_with_the_number_of_quizzes(n, django_assert_num_queries):
    for i in range(n):
        quiz = QuizFactory(slug=f"quiz-{i}")
        single(quiz)
        multiple(quiz)
        truefalse(quiz, i % 2 == 0)
        numeric(quiz)
    with django_assert_num_queries(4):
        report = lint()
    assert len(report.quizzes) == n


def test_broken_data_the_admin_would_refuse_is_reported_without_crashing(quiz):
    """Rows written around the admin's validation (old data, scripts) never crash the checks."""
    add_question(quiz, QuestionType.SINGLE, prompt="")  # no choice at all
    multiple(quiz, right=(), wrong=("W1", "W2"))  # no right choice
    lonely = add_question(quiz, QuestionType.TRUEFALSE, prompt="Alone.")
    add_choice(lonely, "Perhaps", True)  # one choice, neither True nor False
    add_question(quiz, QuestionType.NUMERIC, numeric_value=None, numeric_tolerance=None)
    report = lint_quiz(quiz)
    assert report.true_false == 1 and report.true_keyed == 0
    assert "numeric-without-tolerance" in [i.rule for i in report.issues]
    assert lint().true_false == 1


@pytest.mark.parametrize(("total", "limit"), [(4, 1), (5, 1), (6, 2), (20, 7), (40, 14), (100, 35)])
def test_the_limit_in_the_share_message_is_the_largest_share_that_passes(total, limit):
    from types import SimpleNamespace

    from quiz.lint import check_longest_share

    def question(long):
        right = Choice(
            pk=None, text="A long right answer" if long else "Option alpha", is_correct=True
        )
        wrong = [Choice(text="Option bravo"), Choice(text="Option delta")]
        return SimpleNamespace(type=QuestionType.SINGLE), [right, *wrong]

    quiz = Quiz(slug="x")
    at_limit = [(n, *question(n <= limit)) for n in range(1, total + 1)]
    assert check_longest_share(quiz, at_limit) == []
    over = [(n, *question(n <= limit + 1)) for n in range(1, total + 1)]
    [issue] = check_longest_share(quiz, over)
    assert f"keep it to {limit} or fewer" in issue.message
