"""A quiz's history as a student sees it: the quiz with its questions and their choices."""

import re

import pytest
from django.urls import reverse

from config import history
from quiz.models import Attempt, Choice, Question

from .factories import QuizFactory, single
from .test_admin import question_post

pytestmark = pytest.mark.django_db

REVERT_URL = "admin:quiz_quiz_revert"
HISTORY_URL = "admin:quiz_quiz_history"


@pytest.fixture
def quiz():
    quiz = QuizFactory(title="PredPol quiz", slug="predpol-quiz", is_published=False)
    single(quiz, prompt="Where do the patrols go?", right="Where they went before")
    return quiz


def test_a_question_added_on_its_own_page_is_a_version_of_its_quiz_and_revert_removes_it(
    teacher_client, quiz
):
    data = question_post(quiz, "single", [("Yes", True, ""), ("No", False, "thinks no")])
    response = teacher_client.post(reverse("admin:quiz_question_add"), data)
    assert response.status_code == 302
    assert quiz.questions.count() == 2
    baseline, added = history.versions_of(quiz).reverse()
    assert baseline.revision.comment == history.BEFORE_HISTORY

    html = teacher_client.get(reverse(HISTORY_URL, args=[quiz.pk])).content.decode()
    assert re.search(r"Questions.*?Added:.*?What is it\?", html, re.S)
    assert re.search(r"Choices.*?Added:.*?thinks no|Choices.*?Added:.*?Yes", html, re.S)

    response = teacher_client.post(reverse(REVERT_URL, args=[quiz.pk, baseline.pk]))
    assert response.status_code == 302
    assert [q.prompt for q in quiz.questions.all()] == ["Where do the patrols go?"]
    assert not Choice.objects.filter(text_en="Yes").exists()


def test_a_changed_choice_and_prompt_are_restored_with_both_languages(teacher_client, quiz):
    question = quiz.questions.get()
    Question.objects.filter(pk=question.pk).update(prompt_fr="Où vont les patrouilles\u00a0?")
    history.record_version(quiz)
    first = history.versions_of(quiz).first()
    Question.objects.filter(pk=question.pk).update(prompt_en="Changed prompt")
    Choice.objects.filter(question=question, is_correct=True).update(text_en="Changed choice")
    history.record_version(quiz)

    page = teacher_client.get(reverse(REVERT_URL, args=[quiz.pk, first.pk])).content.decode()
    assert "<del>Changed prompt</del>" in page or "<del>Changed</del>" in page
    response = teacher_client.post(reverse(REVERT_URL, args=[quiz.pk, first.pk]), follow=True)
    question.refresh_from_db()
    assert question.prompt_en == "Where do the patrols go?"
    assert question.prompt_fr == "Où vont les patrouilles\u00a0?"
    assert question.choices.get(is_correct=True).text_en == "Where they went before"
    assert "Choices (1 restored)" in response.content.decode()


def test_revert_refuses_to_delete_a_question_students_answered(teacher_client, quiz):
    history.record_version(quiz)
    first = history.versions_of(quiz).first()
    later = single(quiz, prompt="A later question?")
    history.record_version(quiz)
    attempt = Attempt.objects.create(quiz=quiz, seed=1)
    attempt.answers.create(
        question=later, position=1, question_text="A later question?", max_points=1
    )
    response = teacher_client.post(reverse(REVERT_URL, args=[quiz.pk, first.pk]), follow=True)
    assert "students have answered it" in response.content.decode()
    assert quiz.questions.filter(pk=later.pk).exists()  # nothing changed (one transaction)
