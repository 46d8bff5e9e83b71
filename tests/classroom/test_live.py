"""The live check-in's state machine (classroom/live.py)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from classroom import live
from classroom.models import Classroom, LiveResponse, LiveSession, LiveState, Member
from tests.quiz.factories import right_choice, wrong_choice

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(classroom, class_quiz, teacher_a):
    return live.start(classroom, class_quiz, user=teacher_a)


def members(classroom, n):
    return [
        Member.objects.create(classroom=classroom, nickname=f"S{i}", owner_token=f"t{i}")
        for i in range(n)
    ]


def questions(session):
    from quiz.models import Question

    by_id = Question.objects.in_bulk(session.question_ids)
    return [by_id[pk] for pk in session.question_ids]


def test_start_freezes_the_question_order_and_finishes_the_previous_session(
    classroom, class_quiz, teacher_a
):
    first = live.start(classroom, class_quiz, user=teacher_a)
    assert first.state == LiveState.LOBBY and first.revision == 1
    assert first.question_ids == list(
        class_quiz.active_questions().order_by("order", "pk").values_list("pk", flat=True)
    )
    # A question added later does not change the running session.
    from tests.quiz.factories import truefalse

    truefalse(class_quiz)
    first.refresh_from_db()
    assert len(first.question_ids) == 3
    second = live.start(classroom, class_quiz, user=teacher_a)
    first.refresh_from_db()
    assert first.state == LiveState.FINISHED and first.revision == 2
    assert len(second.question_ids) == 4


def test_a_quiz_without_questions_cannot_start(classroom, teacher_a):
    from tests.quiz.factories import QuizFactory

    with pytest.raises(live.LiveError):
        live.start(classroom, QuizFactory(), user=teacher_a)


def test_the_whole_session_and_every_step_bumps_the_revision(session):
    assert session.current_question_id is None
    s = live.step(session, "open")
    assert (s.state, s.position, s.revision) == (LiveState.QUESTION, 0, 2)
    assert s.current_question_id == s.question_ids[0]
    s = live.step(s, "reveal")
    assert (s.state, s.revision) == (LiveState.REVEALED, 3)
    s = live.step(s, "next")
    assert (s.state, s.position, s.revision) == (LiveState.QUESTION, 1, 4)
    s = live.step(s, "next")  # skip the reveal
    assert (s.state, s.position) == (LiveState.QUESTION, 2)
    s = live.step(s, "reveal")
    s = live.step(s, "next")  # after the last question
    assert s.state == LiveState.FINISHED and s.revision == 7
    assert s.current_question_id is None
    with pytest.raises(live.LiveError):
        live.step(s, "next")
    with pytest.raises(live.LiveError):
        live.step(s, "finish")


def test_steps_not_allowed_from_a_state_are_refused(session):
    with pytest.raises(live.LiveError):
        live.step(session, "reveal")  # nothing open yet
    with pytest.raises(live.LiveError):
        live.step(session, "dance")
    s = live.step(session, "finish")
    assert s.state == LiveState.FINISHED


def test_a_click_on_a_revision_already_gone_is_refused_not_applied_twice(session):
    s = live.step(session, "open")
    seen = s.revision
    live.step(s, "next", seen_revision=seen)  # teacher 1
    with pytest.raises(live.StaleRevision):
        live.step(s, "next", seen_revision=seen)  # teacher 2, same page
    s.refresh_from_db()
    assert s.position == 1 and s.revision == seen + 1


def test_answers_are_graded_and_stored_once_per_member(session, classroom):
    a, b = members(classroom, 2)
    single, tf, numeric = questions(session)
    with pytest.raises(live.LiveError):
        live.record_answer(session, a, single.pk, right_choice(single))  # lobby
    live.step(session, "open")
    with pytest.raises(live.LiveError):
        live.record_answer(session, a, tf.pk, True)  # not the open question
    r = live.record_answer(session, a, single.pk, right_choice(single))
    assert r.is_correct
    with pytest.raises(live.AlreadyAnswered):
        live.record_answer(session, a, single.pk, wrong_choice(single))
    assert LiveResponse.objects.get(member=a).is_correct  # the first answer stands
    with pytest.raises(ValidationError):
        live.record_answer(session, b, single.pk, 999999)
    with pytest.raises(ValidationError):
        live.record_answer(session, b, single.pk, "")
    live.record_answer(session, b, single.pk, str(wrong_choice(single)[0]))
    session.refresh_from_db()
    assert live.answer_count(session) == 2
    live.step(session, "next")
    live.step(session, "next")
    r = live.record_answer(session, a, numeric.pk, "41,5")  # a French decimal comma
    assert r.value == 41.5 and r.is_correct


def test_reveal_before_any_answer_shows_an_empty_distribution(session):
    s = live.step(live.step(session, "open"), "reveal")
    single = questions(s)[0]
    d = live.distribution(s, single)
    assert d.answers == 0 and d.right == 0
    assert [b.count for b in d.bars] == [0, 0, 0]
    assert d.right_answer == "Right answer"
    assert live.misconceptions(s) == []


def test_distribution_misconceptions_and_leaderboard(session, classroom):
    ms = members(classroom, 5)
    single, tf, numeric = questions(session)
    s = live.step(session, "open")
    wrong = single.choices.get(pk=wrong_choice(single)[0])
    for i, m in enumerate(ms):
        live.record_answer(s, m, single.pk, right_choice(single) if i < 2 else [wrong.pk])
    d = live.distribution(s, single)
    counts = {b.label: b.count for b in d.bars}
    assert counts == {"Right answer": 2, "Wrong one": 3, "Wrong two": 0}
    assert (d.answers, d.right) == (5, 2)
    assert [b.share for b in d.bars if b.is_correct] == [40.0]
    s = live.step(live.step(s, "next"), "next")
    for i, m in enumerate(ms):
        live.record_answer(s, m, numeric.pk, 42 if i == 0 else 10 + i)
    nd = live.distribution(s, numeric)
    assert sum(b.count for b in nd.bars) == 5 and nd.right == 1
    assert [b.is_correct for b in nd.bars].count(True) == 1
    assert live.misconceptions(s) == [(wrong.misconception, 3)]
    board = live.leaderboard(s)
    assert board[0] == ("S0", 2) and ("S1", 1) in board and len(board) == 2
    assert live.summary(s) == {"answers": 10, "right": 3, "students": 5}


def test_many_numeric_values_are_grouped_in_bins(session, classroom):
    ms = members(classroom, 30)
    numeric = questions(session)[2]
    s = live.step(live.step(live.step(session, "open"), "next"), "next")
    for i, m in enumerate(ms):
        live.record_answer(s, m, numeric.pk, float(i * 3))
    d = live.distribution(s, numeric)
    assert len(d.bars) == live.NUMERIC_GROUPS
    assert sum(b.count for b in d.bars) == 30
    assert sum(b.is_correct for b in d.bars) == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_answers_of_one_member_store_one_row(classroom, class_quiz, teacher_a):
    s = live.step(live.start(classroom, class_quiz, user=teacher_a), "open")
    (member,) = members(classroom, 1)
    single = questions(s)[0]
    barrier = threading.Barrier(2)
    outcomes = []

    def answer(choice):
        try:
            barrier.wait(timeout=5)
            live.record_answer(s, member, single.pk, choice)
            outcomes.append("stored")
        except live.AlreadyAnswered:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 — e.g. "database is locked" on SQLite
            outcomes.append(repr(error))
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=answer, args=(c,))
        for c in (right_choice(single), wrong_choice(single))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert LiveResponse.objects.filter(member=member).count() == 1
    assert outcomes.count("stored") == 1, outcomes
    assert Classroom.objects.count() == 1 and LiveSession.objects.count() == 1
