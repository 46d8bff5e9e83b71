"""Fixtures for classes: two teachers, a class of teacher A with a quiz assigned."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from classroom.models import Assignment, Classroom
from kb.teachers import TEACHERS_GROUP
from tests.quiz.factories import QuizFactory, numeric, single, truefalse


def make_teacher(django_user_model, username):
    user = django_user_model.objects.create_user(
        username=username, password=f"{username}-pass-123", is_staff=True
    )
    # get_or_create: a transactional test may run after another one flushed the migrations' rows
    group, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
    user.groups.add(group)
    return user


@pytest.fixture
def teacher_a(django_user_model):
    return make_teacher(django_user_model, "teacher_a")


@pytest.fixture
def teacher_b(django_user_model):
    return make_teacher(django_user_model, "teacher_b")


@pytest.fixture
def class_quiz(db):
    quiz = QuizFactory(title="Class quiz")
    single(quiz, right="Right answer", wrong=("Wrong one", "Wrong two"))
    truefalse(quiz, answer=False)
    numeric(quiz, value=42.0, tolerance=1.0)
    return quiz


@pytest.fixture
def classroom(teacher_a):
    return Classroom.objects.create(name="L3 MIASHS — groupe 1", owner=teacher_a)


@pytest.fixture
def open_assignment(classroom, class_quiz):
    now = timezone.now()
    return Assignment.objects.create(
        classroom=classroom,
        quiz=class_quiz,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
    )
