"""quiz.lint: each rule fails on a planted bad quiz and passes once it is fixed."""

from fractions import Fraction

import factory
import pytest
from django.utils import translation

from quiz.lint import ERROR, RULES, WARNING, lint, lint_quiz
from quiz.models import Choice, Question, QuestionType, Quiz
from quiz.services import grade

from .factories import QuizFactory as BaseQuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """The messages these tests read are the English ones (the checks run in both languages)."""
    with translation.override("en"):
        yield


# --- building clean quizzes -----------------------------------------------------------------------


def mirror(obj, fields):
    """The same text in French and English: these tests are about one rule at a time, not about
    translations (tests at the end of this file are)."""
    values = {}
    for name in fields:
        value = getattr(obj, f"{name}_fr") or getattr(obj, f"{name}_en") or ""
        for code in ("fr", "en"):
            values[f"{name}_{code}"] = value
            setattr(obj, f"{name}_{code}", value)
    type(obj).objects.filter(pk=obj.pk).update(**values)
    return obj


def save(obj, **changes):
    """Change translated fields in both languages, and save."""
    for name, value in changes.items():
        for code in ("fr", "en"):
            setattr(obj, f"{name}_{code}", value)
    obj.save()


class QuizFactory(BaseQuizFactory):
    class Meta:
        skip_postgeneration_save = True  # mirror() writes with update()

    @factory.post_generation
    def both_languages(obj, create, extracted, **kwargs):
        mirror(obj, ("title", "description"))


def add_question(
    quiz, qtype, prompt="Which one is it?", feedback="Why the answer is what it is.", **fields
):
    order = quiz.questions.count()
    question = Question.objects.create(
        quiz=quiz, type=qtype, prompt=prompt, general_feedback=feedback, order=order, **fields
    )
    return mirror(question, ("title", "prompt", "general_feedback", "unit"))


def add_choice(question, text, correct=False, *, feedback="Because.", misconception=None):
    if misconception is None:
        misconception = "" if correct else f"believes {text.lower()}"
    choice = Choice.objects.create(
        question=question,
        text=text,
        is_correct=correct,
        feedback=feedback,
        misconception=misconception,
        order=question.choices.count(),
    )
    return mirror(choice, ("text", "feedback", "misconception"))


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
        save(choice, misconception="" if choice.is_correct else f"believes {choice.text.lower()}")


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
    save(c, feedback="")
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
    q.choices.filter(is_correct=True).update(feedback_fr="  ", feedback_en="  ")
    assert rules(quiz) == ["no-explanation"]
    save(q, general_feedback="The explanation.")
    assert rules(quiz) == ["choice-without-feedback"]


def test_a_numeric_question_without_general_feedback_is_an_error(quiz):
    q = numeric(quiz, feedback="")
    assert rules(quiz) == ["no-explanation"]
    save(q, general_feedback="166 countries voted for it.")
    assert rules(quiz) == []


# --- duplicate choices ---------------------------------------------------------------------------


def test_duplicate_choices_after_normalising_are_an_error(quiz):
    q = single(quiz, wrong=("Option bravo", "Option delta"))
    dup = add_choice(q, "  option  BRAVO. ")
    [issue] = lint_quiz(quiz).issues
    assert (issue.rule, issue.severity, issue.choice_id) == ("duplicate-choices", ERROR, dup.pk)
    save(dup, text="Option foxtrot")
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
    save(wrong, misconception=" ")
    [issue] = lint_quiz(quiz).issues
    assert (issue.rule, issue.severity, issue.choice_id) == (
        "wrong-choice-without-misconception",
        ERROR,
        wrong.pk,
    )
    save(wrong, misconception="confuses accuracy with precision")
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
    save(right, text="It always happens")
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


# --- two languages ------------------------------------------------------------------------------


def issues_of(quiz, rule):
    report = lint(Quiz.objects.filter(pk=quiz.pk), site=False).quizzes[0]
    return [i for i in report.issues if i.rule == rule]


def test_a_text_in_one_language_only_is_a_missing_translation_warning(quiz):
    q = single(quiz)
    Question.objects.filter(pk=q.pk).update(prompt_en="", general_feedback_fr="")
    wrong = q.choices.filter(is_correct=False).last()
    Choice.objects.filter(pk=wrong.pk).update(feedback_en="", misconception_en="")
    Quiz.objects.filter(pk=quiz.pk).update(description_fr="")
    found = issues_of(quiz, "missing-translation")
    assert [(i.severity, i.question_id) for i in found] == [
        (WARNING, q.pk),  # no French general feedback
        (WARNING, q.pk),  # no English question text, nor feedback and misconception on choice 3
        (WARNING, None),  # no French description of the quiz
    ]
    assert found[0].message.startswith("No French text for: general feedback. Students reading")
    assert found[1].message.startswith(
        "No English text for: question text; choice 3 (feedback, misconception)."
    )
    assert found[2].message.startswith("No French text for: description.")
    mirror(Question.objects.get(pk=q.pk), ("prompt", "general_feedback"))
    mirror(Choice.objects.get(pk=wrong.pk), ("feedback", "misconception"))
    mirror(Quiz.objects.get(pk=quiz.pk), ("description",))
    assert rules(quiz) == []


def test_a_field_empty_in_both_languages_is_not_a_missing_translation(quiz):
    single(quiz, title="")  # no title at all: nothing to translate
    assert rules(quiz) == []


def test_numbers_are_compared_as_values_across_the_languages(quiz):
    q = single(quiz)
    Question.objects.filter(pk=q.pk).update(
        prompt_en="Of 20,000 travellers, 3.1% are flagged in 2019. How many?",
        prompt_fr="Sur 20\u00a0000 voyageurs, 3,1\u00a0% sont signalés en 2019. Combien\u00a0?",
    )
    assert rules(quiz) == []
    Question.objects.filter(pk=q.pk).update(
        prompt_fr="Sur 2\u00a0000 voyageurs, 3,1\u00a0% sont signalés en 2019. Combien\u00a0?"
    )
    [issue] = issues_of(quiz, "translation-numbers")
    assert (issue.severity, issue.question_id, issue.choice_id) == (WARNING, q.pk, None)
    assert (
        "disagree on numbers: 2000 only in the French, 20000 only in the English" in issue.message
    )
    right = q.choices.get(is_correct=True)
    Choice.objects.filter(pk=right.pk).update(text_en="About 620", text_fr="Environ 62")
    assert [i.choice_id for i in issues_of(quiz, "translation-numbers")] == [None, right.pk]


def test_the_wording_rules_read_each_language(quiz):
    q = single(quiz, prompt="Which of these is a proxy?")
    Question.objects.filter(pk=q.pk).update(
        prompt_fr="Laquelle de ces variables n'est pas une variable indirecte\u00a0?"
    )
    [issue] = issues_of(quiz, "negative-stem")
    assert (issue.language, issue.question_id) == ("fr", q.pk)
    assert "says “pas” without emphasis" in issue.message
    Question.objects.filter(pk=q.pk).update(
        prompt_fr="Laquelle de ces variables n'est **pas** une variable indirecte\u00a0?"
    )
    assert issues_of(quiz, "negative-stem") == []
    # "faux positifs" is a term, not a negation
    Question.objects.filter(pk=q.pk).update(prompt_fr="Quel est le taux de faux positifs\u00a0?")
    assert issues_of(quiz, "negative-stem") == []


def test_an_issue_in_both_languages_is_reported_once(quiz):
    single(quiz, prompt="Which of these is not a proxy?")
    [issue] = issues_of(quiz, "negative-stem")
    assert issue.language == ""
    # untranslated: the French page shows the English, so it is the same issue
    Question.objects.update(prompt_fr="")
    [issue] = issues_of(quiz, "negative-stem")
    assert issue.language == ""


def test_absolute_words_in_french(quiz):
    q = single(quiz, wrong=("Option bravo", "Cela arrive toujours"))
    wrong = q.choices.get(text_fr="Cela arrive toujours")
    Choice.objects.filter(pk=wrong.pk).update(text_en="It happens often")
    [issue] = issues_of(quiz, "absolute-wording")
    assert (issue.language, issue.choice_id) == ("fr", wrong.pk)
    assert "says “toujours”" in issue.message


def test_numbers_in_reads_each_languages_conventions():
    from decimal import Decimal

    from quiz.lint import numbers_in

    assert numbers_in("20,000 people, 3.1% in 2019 ([link](https://x.test/42))", "en") == {
        Decimal("2E+4"),
        Decimal("3.1"),
        Decimal("2019"),
    }
    assert numbers_in("20\u00a0000 personnes, 3,1\u00a0% en 2019, 0.5", "fr") == {
        Decimal("2E+4"),
        Decimal("3.1"),
        Decimal("2019"),
        Decimal("0.5"),
    }
    assert numbers_in("Une trentaine, ou 32", "fr") == {Decimal("30"), Decimal("32")}
