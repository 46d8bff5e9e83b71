"""submit_attempt and record_answer: validation, idempotence, snapshots, attempts allowed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from quiz.models import Answer, Attempt, QuestionOrder
from quiz.services import (
    ATTEMPT_ALREADY_SUBMITTED,
    get_or_start_attempt,
    record_answer,
    submit_attempt,
)

from .factories import QuizFactory, multiple, numeric, right_choice, single, truefalse, wrong_choice

pytestmark = pytest.mark.django_db


def start(quiz, token="tok"):
    from django.contrib.auth.models import AnonymousUser

    return get_or_start_attempt(quiz=quiz, user=AnonymousUser(), token=token)


def test_submit_grades_every_question_and_keeps_the_text_as_answered():
    quiz = QuizFactory()
    q1 = single(quiz, points=2)
    q2 = multiple(quiz)
    q3 = numeric(quiz, value=10, tolerance=0.5)
    q4 = truefalse(quiz, answer=True)
    attempt = start(quiz)
    partial = [right_choice(q2)[0]]
    submit_attempt(attempt=attempt, answers={q1.pk: right_choice(q1), q2.pk: partial, q3.pk: 10.5})
    attempt.refresh_from_db()
    assert attempt.score == Decimal("3.50")  # 2 + 0.5 + 1 + 0 (q4 unanswered)
    assert attempt.max_score == Decimal("5")
    answers = {a.question_id: a for a in attempt.answers.all()}
    assert len(answers) == 4
    assert not answers[q4.pk].is_answered and answers[q4.pk].points == 0
    q1.prompt = "Edited later"
    q1.save()
    q1.choices.update(text="Edited choice")
    a1 = Answer.objects.get(pk=answers[q1.pk].pk)
    assert a1.question_text != "Edited later"
    assert a1.given_text == "Right answer"
    assert a1.right_answer_text == "Right answer"


def test_submitted_attempt_cannot_be_resubmitted():
    quiz = QuizFactory()
    q = single(quiz)
    attempt = start(quiz)
    stale = Attempt.objects.get(pk=attempt.pk)  # a second request holding the same attempt
    submit_attempt(attempt=attempt, answers={q.pk: wrong_choice(q)})
    with pytest.raises(ValidationError) as exc:
        submit_attempt(attempt=stale, answers={q.pk: right_choice(q)})
    assert ATTEMPT_ALREADY_SUBMITTED in exc.value.messages
    stale.refresh_from_db()
    assert stale.score == 0
    assert Answer.objects.filter(attempt=attempt).count() == 1


def test_answers_must_belong_to_the_quiz():
    quiz, other = QuizFactory(), QuizFactory()
    q = single(quiz)
    foreign = single(other)
    attempt = start(quiz)
    with pytest.raises(ValidationError, match="not part of this quiz"):
        submit_attempt(attempt=attempt, answers={foreign.pk: right_choice(foreign)})
    with pytest.raises(ValidationError, match="not a choice of question"):
        submit_attempt(attempt=attempt, answers={q.pk: right_choice(foreign)})
    with pytest.raises(ValidationError, match="takes one choice"):
        submit_attempt(attempt=attempt, answers={q.pk: [c.pk for c in q.choices.all()]})
    with pytest.raises(ValidationError, match="not part of this quiz"):
        submit_attempt(attempt=attempt, answers={"abc": [1]})
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not attempt.answers.exists()


def test_numeric_answer_must_be_a_number():
    quiz = QuizFactory()
    q = numeric(quiz)
    with pytest.raises(ValidationError, match="needs a number"):
        submit_attempt(attempt=start(quiz), answers={q.pk: "lots"})


def test_recorded_answer_is_final():
    quiz = QuizFactory(feedback_timing="each")
    q = single(quiz)
    attempt = start(quiz)
    first = record_answer(attempt=attempt, question_id=q.pk, answer=wrong_choice(q))
    again = record_answer(attempt=attempt, question_id=q.pk, answer=right_choice(q))
    assert again.pk == first.pk and not again.is_correct
    submit_attempt(attempt=attempt, answers={q.pk: right_choice(q)})
    attempt.refresh_from_db()
    assert attempt.score == 0


def test_checking_a_blank_answer_is_refused_and_locks_nothing():
    quiz = QuizFactory(feedback_timing="each")
    q = single(quiz)
    attempt = start(quiz)
    with pytest.raises(ValidationError, match="before checking"):
        record_answer(attempt=attempt, question_id=q.pk, answer=None)
    assert record_answer(attempt=attempt, question_id=q.pk, answer=right_choice(q)).is_correct


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_grade_once():
    """Two requests submit the same attempt at the same moment: one grades, the other is told."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("in-memory SQLite shares one cache between threads (table locks, no busy wait)")
    quiz = QuizFactory()
    q = single(quiz)
    attempt = start(quiz)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(choice):
        from django.db import connections
        from django.utils import translation

        translation.activate("en")  # a new thread starts in the default language (French)
        try:
            barrier.wait()
            submit_attempt(attempt=Attempt.objects.get(pk=attempt.pk), answers={q.pk: choice})
            outcomes.append("graded")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(c,)) for c in (right_choice(q), wrong_choice(q))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["graded", ATTEMPT_ALREADY_SUBMITTED])
    assert Answer.objects.filter(attempt=attempt).count() == 1


def test_attempts_allowed_is_enforced():
    quiz = QuizFactory(attempts_allowed=1)
    q = single(quiz)
    submit_attempt(attempt=start(quiz), answers={q.pk: right_choice(q)})
    with pytest.raises(ValidationError, match="used all 1 attempts"):
        start(quiz)
    assert start(quiz, token="someone-else").pk


def test_shuffled_order_derives_from_the_seed():
    quiz = QuizFactory(question_order=QuestionOrder.SHUFFLED)
    questions = [single(quiz) for _ in range(8)]
    attempt = start(quiz)
    order = attempt.order_questions(questions)
    assert sorted(q.pk for q in order) == sorted(q.pk for q in questions)
    assert [q.pk for q in attempt.order_questions(questions)] == [q.pk for q in order]
    again = Attempt.objects.get(pk=attempt.pk)
    assert [q.pk for q in again.order_questions(questions)] == [q.pk for q in order]


def test_unsubmitted_attempt_is_reused():
    quiz = QuizFactory()
    single(quiz)
    assert start(quiz).pk == start(quiz).pk


def test_a_page_submission_grades_first_then_writes_in_the_attempts_own_order():
    """The pages' path: questions loaded in the page's (unsaved) order, graded before the
    transaction, then written with the positions of the order the attempt stores."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from quiz.services import attempt_questions, grade_answers, start_unsaved, unsaved_attempt

    quiz = QuizFactory(question_order=QuestionOrder.SHUFFLED)
    questions = [single(quiz) for _ in range(6)]
    page = unsaved_attempt(quiz, seed=12345)
    shown = attempt_questions(page)
    answers = {q.pk: right_choice(q) if q.pk % 2 else wrong_choice(q) for q in questions}
    graded = grade_answers(shown, answers)
    assert not Attempt.objects.exists()  # grading wrote nothing
    session = SessionStore()
    with transaction.atomic():
        attempt, new = start_unsaved(page, user=AnonymousUser(), session=session)
        submit_attempt(attempt=attempt, questions=list(reversed(shown)), graded=graded, new=new)
    assert new and attempt.seed == 12345 and attempt.anonymous_owner == session["quiz_owner"]
    stored = list(attempt.answers.order_by("position"))
    assert [a.question_id for a in stored] == [q.pk for q in shown]
    assert [a.position for a in stored] == list(range(1, 7))
    attempt.refresh_from_db()
    assert attempt.score == sum(1 for q in questions if q.pk % 2)
    # the same session posting a new page resumes nothing (the attempt is closed): a new one
    with transaction.atomic():
        again, new_again = start_unsaved(
            unsaved_attempt(quiz), user=AnonymousUser(), session=session
        )
    assert new_again and again.pk != attempt.pk


def test_a_new_visitor_cannot_exceed_the_attempts_allowed_through_an_old_session():
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from quiz.services import start_unsaved, unsaved_attempt

    quiz = QuizFactory(attempts_allowed=1)
    q = single(quiz)
    session = SessionStore()
    with transaction.atomic():
        attempt, new = start_unsaved(unsaved_attempt(quiz), user=AnonymousUser(), session=session)
        submit_attempt(attempt=attempt, answers={q.pk: right_choice(q)}, new=new)
    with pytest.raises(ValidationError, match="used all 1 attempts"):
        start_unsaved(unsaved_attempt(quiz), user=AnonymousUser(), session=session)


def test_losing_the_race_to_start_a_page_carries_on_with_the_winners_attempt(monkeypatch):
    """Two posts of one page, neither with a session: the second looked before the first
    committed (PostgreSQL), so its insert hits the unique form_key; it must take the first's
    attempt and token, not start another (found by the concurrency test on PostgreSQL)."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from quiz.models import AttemptQuerySet
    from quiz.services import start_unsaved, unsaved_attempt

    quiz = QuizFactory(attempts_allowed=1)
    single(quiz)
    key = "k" * 64
    first, second = SessionStore(), SessionStore()
    with transaction.atomic():
        winner, new = start_unsaved(
            unsaved_attempt(quiz, seed=7), user=AnonymousUser(), session=first, key=key
        )
    assert new
    real = AttemptQuerySet.with_form_key
    looks = []

    def blind_first_look(self, k):
        looks.append(k)
        return self.none() if len(looks) == 1 else real(self, k)

    monkeypatch.setattr(AttemptQuerySet, "with_form_key", blind_first_look)
    with transaction.atomic():
        got, new = start_unsaved(
            unsaved_attempt(quiz, seed=7), user=AnonymousUser(), session=second, key=key
        )
    assert (got.pk, new) == (winner.pk, False) and len(looks) == 2
    assert second["quiz_owner"] == first["quiz_owner"]
    assert Attempt.objects.count() == 1


def test_two_attempts_opened_before_either_was_submitted_count_against_the_limit(
    django_user_model,
):
    """Review M3's other road: two tabs each start an attempt (checking a first answer), then
    both submit. Only `attempts_allowed` of them may be graded."""
    student = django_user_model.objects.create_user("twotabs", password="Two-Tabs-55!z")
    quiz = QuizFactory(attempts_allowed=1)
    q = single(quiz)
    first = Attempt.objects.create(quiz=quiz, user=student, seed=1)
    second = Attempt.objects.create(quiz=quiz, user=student, seed=2)
    submit_attempt(attempt=first, answers={q.pk: right_choice(q)})
    with pytest.raises(ValidationError) as exc:
        submit_attempt(attempt=second, answers={q.pk: right_choice(q)})
    assert "all 1 attempts" in exc.value.messages[0]
    assert Attempt.objects.filter(user=student).submitted().count() == 1
    # anonymous owners too
    for seed in (3, 4):
        Attempt.objects.create(quiz=quiz, anonymous_owner="tok", seed=seed)
    a, b = Attempt.objects.filter(anonymous_owner="tok").order_by("seed")
    submit_attempt(attempt=a, answers={})
    with pytest.raises(ValidationError):
        submit_attempt(attempt=b, answers={})
