"""A student on a phone: join a class with its code, take the assignment, see only what the
review options allow; after the close (moved in the database), the right answers."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from classroom.models import Assignment, AssignmentAttempt, Classroom
from tests.quiz.factories import QuizFactory, numeric, single, truefalse

from .axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def class_with_assignment():
    teacher = get_user_model().objects.create_user(username="prof", password="prof-pass-123")
    classroom = Classroom.objects.create(name="L3 MIASHS", owner=teacher)
    quiz = QuizFactory(title="Class quiz")
    single(quiz, right="Right answer", wrong=("Wrong one", "Wrong two"))
    truefalse(quiz, answer=False)
    numeric(quiz, value=42.0, tolerance=1.0)
    now = timezone.now()
    assignment = Assignment.objects.create(
        classroom=classroom,
        quiz=quiz,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        review_after_score=False,  # right after: nothing but "submitted"
        review_after_feedback=False,
        review_after_right_answers=False,
    )
    return classroom, assignment


def test_phone_join_answer_submit_then_see_the_answers_after_the_close(phone, browser_errors):
    classroom, assignment = class_with_assignment()
    phone.goto("/en/join/")
    assert_accessible(phone, name="join")
    code = classroom.code.lower()
    phone.get_by_label("Class code").fill(f"{code[:3]} {code[3:]}")
    phone.get_by_label("Your nickname").fill("Ada")
    phone.get_by_role("button", name="Join the class").click()

    expect(phone).to_have_url(re.compile(rf"/en/class/{classroom.code}/$"))
    expect(phone.get_by_role("heading", name="L3 MIASHS")).to_be_visible()
    expect(phone.locator(f"#assignment-{assignment.pk}")).to_contain_text("1 attempt left")
    assert_accessible(phone, name="class page")
    phone.get_by_role("button", name="Start").click()

    expect(phone.locator(".context-note")).to_contain_text("counts for your class “L3 MIASHS”")
    phone.get_by_role("button", name="All questions").click()
    phone.get_by_label("Wrong one").check()
    phone.get_by_label("True", exact=True).check()
    phone.get_by_label("Your answer", exact=True).fill("7")
    phone.get_by_role("button", name="Submit answers").click()

    expect(phone).to_have_url(re.compile(r"/en/quizzes/attempts/[-0-9a-f]+/$"))
    expect(phone.locator(".score")).to_contain_text("Your score is not shown yet")
    expect(phone.get_by_text("The right answer")).to_have_count(0)
    expect(phone.get_by_text("Not right.")).to_have_count(0)
    assert AssignmentAttempt.objects.filter(assignment=assignment).count() == 1

    # The teacher's close passes: the same page, reloaded, shows the right answers.
    Assignment.objects.filter(pk=assignment.pk).update(
        opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(hours=1)
    )
    phone.reload()
    expect(phone.locator(".score")).to_contain_text("You scored 0 / 3")
    expect(phone.get_by_text("The right answer").first).to_be_visible()
    expect(phone.locator(".answers")).to_contain_text("Right answer")
    phone.get_by_role("button", name="Back to the class").click()
    expect(phone.get_by_role("heading", name="Closed")).to_be_visible()
    assert not browser_errors
