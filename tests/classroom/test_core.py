"""The classroom's core: join codes, joining under a nickname, who sees a class, deleting one."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import IntegrityError

from classroom.models import CODE_ALPHABET, CODE_LENGTH, Classroom, Member, normalise_code
from classroom.services import JoinError, delete_classroom, find_class, join
from quiz.models import Attempt

pytestmark = pytest.mark.django_db


def test_join_codes_have_no_ambiguous_characters(teacher_a):
    codes = {Classroom.objects.create(name=f"C{n}", owner=teacher_a).code for n in range(40)}
    assert len(codes) == 40
    for code in codes:
        assert len(code) == CODE_LENGTH
        assert not set(code) & set("0O1IL")
        assert set(code) <= set(CODE_ALPHABET)


def test_a_typed_code_is_found_whatever_its_case_and_spacing(classroom):
    typed = classroom.code[:3].lower() + " - " + classroom.code[3:].lower()
    assert normalise_code(typed) == classroom.code
    assert find_class(typed) == classroom
    assert find_class("") is None
    assert find_class("ZZZZZZZZ") is None


def test_joining_keeps_the_member_in_the_session_and_refuses_a_taken_nickname(classroom):
    first = SessionStore()
    member, created = join(classroom, nickname="  Ada   L. ", session=first)
    assert created and member.nickname == "Ada L."
    assert join(classroom, nickname="anything", session=first) == (member, False)

    other = SessionStore()
    with pytest.raises(JoinError, match="already taken"):
        join(classroom, nickname="ada l.", session=other)
    with pytest.raises(JoinError):
        join(classroom, nickname="   ", session=other)
    with pytest.raises(JoinError):
        join(classroom, nickname="x" * 41, session=other)
    assert Member.objects.filter(classroom=classroom).count() == 1


def test_the_database_refuses_a_nickname_twice_in_a_class_whatever_its_case(classroom):
    Member.objects.create(classroom=classroom, nickname="Ada", owner_token="a")
    with pytest.raises(IntegrityError):
        Member.objects.create(classroom=classroom, nickname="ADA", owner_token="b")


def test_a_teacher_sees_own_and_shared_classes_only(classroom, teacher_a, teacher_b, admin_user):
    theirs = Classroom.objects.create(name="B's class", owner=teacher_b)
    assert list(Classroom.objects.visible_to(teacher_a)) == [classroom]
    assert list(Classroom.objects.visible_to(teacher_b)) == [theirs]
    theirs.co_teachers.add(teacher_a)
    assert set(Classroom.objects.visible_to(teacher_a)) == {classroom, theirs}
    assert set(Classroom.objects.visible_to(admin_user)) == {classroom, theirs}
    assert classroom.is_teacher(teacher_a) and not classroom.is_teacher(teacher_b)


def test_deleting_a_class_deletes_what_its_students_sent(open_assignment, class_quiz):
    from classroom.models import AssignmentAttempt

    classroom = open_assignment.classroom
    member, _ = join(classroom, nickname="Ada", session=SessionStore())
    attempt = Attempt.objects.create(quiz=class_quiz, seed=1, anonymous_owner=member.owner_token)
    AssignmentAttempt.objects.create(assignment=open_assignment, member=member, attempt=attempt)
    unrelated = Attempt.objects.create(quiz=class_quiz, seed=2, anonymous_owner="someone-else")

    delete_classroom(classroom)

    assert not Classroom.objects.exists() and not Member.objects.exists()
    assert list(Attempt.objects.all()) == [unrelated]
