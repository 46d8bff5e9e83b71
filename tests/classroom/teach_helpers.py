"""Helpers for the teacher's tests: students in a class and attempts made through an assignment."""

import secrets

from classroom.models import AssignmentAttempt, Member
from quiz.models import Attempt
from quiz.services import submit_attempt


def add_member(classroom, nickname):
    return Member.objects.create(
        classroom=classroom, nickname=nickname, owner_token=secrets.token_hex(16)
    )


def take(assignment, member, answers=None, *, submit=True):
    """An attempt of `member` through `assignment`; `answers`: {question: raw answer}."""
    attempt = Attempt.objects.create(
        quiz=assignment.quiz, anonymous_owner=member.owner_token, seed=1
    )
    AssignmentAttempt.objects.create(assignment=assignment, member=member, attempt=attempt)
    if submit:
        submit_attempt(attempt=attempt, answers={q.pk: raw for q, raw in (answers or {}).items()})
        attempt.refresh_from_db()
    return attempt


def right_answers(quiz):
    """{question: its right answer} for the class quiz (single, true/false, numeric)."""
    out = {}
    for q in quiz.questions.all():
        if q.type == "numeric":
            out[q] = 42.0
        else:
            out[q] = [c.pk for c in q.choices.all() if c.is_correct]
    return out


def wrong_answers(quiz):
    out = {}
    for q in quiz.questions.all():
        if q.type == "numeric":
            out[q] = 0.0
        else:
            out[q] = [next(c.pk for c in q.choices.all() if not c.is_correct)]
    return out
