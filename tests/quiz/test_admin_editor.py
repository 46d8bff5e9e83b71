"""The question editor, the statistics a teacher acts on and the admin home (test client)."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quiz.models import Attempt, Choice, Question
from quiz.services import get_or_start_attempt, submit_attempt

from .factories import QuizFactory, numeric, right_choice, single, wrong_choice
from .test_admin import question_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_client(teacher_client):
    teacher_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return teacher_client


def submit(quiz, username, answers):
    user = User.objects.create_user(username)
    attempt = get_or_start_attempt(quiz=quiz, user=user, token=None)
    return submit_attempt(attempt=attempt, answers=answers)


# --- The question editor -------------------------------------------------------------------


def test_simulation_and_preset_are_menus_grouped_by_simulation(teacher_client):
    quiz = QuizFactory()
    html = teacher_client.get(reverse("admin:quiz_question_add") + f"?quiz={quiz.pk}").content
    html = html.decode()
    simulation = re.search(r'<select name="simulation".*?</select>', html, re.S).group(0)
    assert 'value="feedback-loop"' in simulation
    preset = re.search(r'<select name="preset".*?</select>', html, re.S).group(0)
    assert "<optgroup" in preset
    assert re.search(r'value="feedback-loop:[\w-]+" data-simulation="feedback-loop"', preset)
    assert "presets: " not in html  # the printed list of slugs is gone


def test_without_javascript_every_field_shows_with_a_note(teacher_client):
    quiz = QuizFactory()
    html = teacher_client.get(reverse("admin:quiz_question_add") + f"?quiz={quiz.pk}").content
    html = html.decode()
    assert "With JavaScript, the other fields are hidden." in html
    for name in ("all_or_nothing", "numeric_value", "numeric_tolerance", "choices-0-text_fr"):
        assert f'name="{name}"' in html
    # The type-only fieldsets are marked for quiz/admin-question.js, which hides the others.
    assert re.search(r'<fieldset class="[^"]*question-type-only for-numeric', html)
    assert re.search(r'<fieldset class="[^"]*question-type-only for-multiple', html)
    assert "quiz/admin-question.js" in html


def test_a_preset_chosen_alone_brings_its_simulation(teacher_client):
    from simulations import engine

    quiz = QuizFactory()
    preset = engine.REGISTRY["feedback-loop"].presets[0].slug
    data = question_post(quiz, "single", [("a", True, ""), ("b", False, "")])
    data["preset"] = f"feedback-loop:{preset}"
    response = teacher_client.post(reverse("admin:quiz_question_add"), data)
    assert response.status_code == 302
    question = Question.objects.get(quiz=quiz)
    assert (question.simulation, question.preset) == ("feedback-loop", preset)


def test_a_preset_of_another_simulation_is_refused(teacher_client):
    from simulations import engine

    quiz = QuizFactory()
    preset = engine.REGISTRY["feedback-loop"].presets[0].slug
    data = question_post(quiz, "single", [("a", True, ""), ("b", False, "")])
    data.update(simulation="overfitting", preset=f"feedback-loop:{preset}")
    response = teacher_client.post(reverse("admin:quiz_question_add"), data)
    assert response.status_code == 200
    assert "belongs to another simulation (feedback-loop)" in response.content.decode()
    assert not Question.objects.exists()


def test_choices_left_without_order_follow_the_order_typed(teacher_client):
    quiz = QuizFactory()
    data = question_post(
        quiz, "single", [("first", False, ""), ("second", True, ""), ("third", False, "")]
    )
    for i in range(3):
        data[f"choices-{i}-order"] = ""
    response = teacher_client.post(reverse("admin:quiz_question_add"), data)
    assert response.status_code == 302
    texts = list(Choice.objects.order_by("order", "id").values_list("text", flat=True))
    assert texts == ["first", "second", "third"]
    assert list(Choice.objects.order_by("id").values_list("order", flat=True)) == [1, 2, 3]


def test_the_success_message_shows_no_raw_markdown(teacher_client):
    quiz = QuizFactory()
    data = question_post(quiz, "single", [("a", True, ""), ("b", False, "")])
    data["prompt_fr"] = data["prompt_en"] = "Which of these can create a **feedback loop**?"
    response = teacher_client.post(reverse("admin:quiz_question_add"), data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("Which of these can create a feedback loop?" in m for m in messages), messages
    assert not any("**" in m for m in messages)


def test_question_names_are_cut_at_a_word_boundary():
    quiz = QuizFactory()
    question = single(quiz, prompt="A *long* question " + "about feedback loops " * 8)
    name = str(question)
    assert len(name) <= 80 and name.endswith("…")
    assert name[:-1].split()[-1] in {"about", "feedback", "loops"}
    assert "*" not in name


def test_the_preview_renders_the_unsaved_question_as_a_student_sees_it(teacher_client):
    quiz = QuizFactory()
    data = question_post(quiz, "multiple", [("Yes", True, ""), ("<b>No</b>", False, "")])
    data["prompt_en"] = "Is **this** <script>alert(1)</script> right?"
    response = teacher_client.post(reverse("admin:quiz_question_preview"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>this</strong>" in html and "<script>" not in html
    assert html.count('type="checkbox"') == 2
    assert "&lt;b&gt;No&lt;/b&gt;" in html
    assert "Select every answer that applies." in html
    assert not Question.objects.exists()


def student():
    """A logged-in student (its own client: teacher_client and student_client share one)."""
    client = Client()
    client.force_login(User.objects.create_user("a-student"))
    return client


def test_the_preview_is_for_staff_and_post_only(teacher_client):
    url = reverse("admin:quiz_question_preview")
    assert teacher_client.get(url).status_code == 405
    assert Client().post(url, {"prompt_en": "x"}).status_code == 302  # to the admin login
    assert student().post(url, {"prompt_en": "x"}).status_code == 302


def test_the_quiz_page_offers_add_a_question_under_its_questions(teacher_client):
    quiz = QuizFactory()
    html = teacher_client.get(reverse("admin:quiz_quiz_change", args=[quiz.pk])).content.decode()
    add = reverse("admin:quiz_question_add") + f"?quiz={quiz.pk}"
    row = re.search(r'<p class="add-question-row">.*?</p>', html, re.S).group(0)
    assert add in row and "Add a question to this quiz" in row


# --- Statistics ----------------------------------------------------------------------------


def test_numeric_wrong_values_are_listed_grouped_with_counts(teacher_client):
    quiz = QuizFactory(slug="numbers")
    question = numeric(quiz, value=0.75, tolerance=0.01, prompt="What **share** is flagged?")
    for n, value in enumerate([0.915, 0.915, 91.5, 0.75, 0.9150000000001]):
        submit(quiz, f"s{n}", {question.pk: value})
    html = teacher_client.get(reverse("quiz:stats", args=[quiz.slug])).content.decode()
    table = re.search(r'<table class="wrong-numbers">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", table)
    assert rows == [("0.915", "3"), ("91.5", "1")]
    assert "<strong>share</strong>" in html  # the stem rendered, not raw Markdown
    assert "**share**" not in html


def test_stems_are_cut_at_word_boundaries(teacher_client):
    quiz = QuizFactory(slug="long")
    question = single(quiz, prompt=" ".join(f"word{n}" for n in range(100)))
    submit(quiz, "s1", {question.pk: right_choice(question)})
    html = teacher_client.get(reverse("quiz:stats", args=[quiz.slug])).content.decode()
    stem = re.search(r'<div class="prompt stats-stem">(.*?)</div>', html, re.S).group(1)
    assert "word59 …" in stem and "word60" not in stem


def test_teachers_find_the_statistics_from_the_public_quiz_page(teacher_client):
    quiz = QuizFactory(slug="linked")
    single(quiz)
    stats = reverse("quiz:stats", args=[quiz.slug])
    assert stats in teacher_client.get(quiz.get_absolute_url()).content.decode()
    assert stats not in student().get(quiz.get_absolute_url()).content.decode()
    assert stats not in Client().get(quiz.get_absolute_url()).content.decode()


def test_the_admin_quiz_list_counts_attempts_in_one_query(
    teacher_client, django_assert_max_num_queries
):
    quizzes = [QuizFactory(slug=f"q{n}") for n in range(3)]
    for quiz in quizzes:
        single(quiz)
        single(quiz)
    question = quizzes[0].questions.first()
    for n in range(3):
        submit(quizzes[0], f"s{n}", {question.pk: right_choice(question)})
    url = reverse("admin:quiz_quiz_changelist")
    teacher_client.get(url)
    with django_assert_max_num_queries(12) as queries:
        html = teacher_client.get(url).content.decode()
    cells = re.findall(r'<td class="field-attempt_total">(.*?)</td>', html)
    assert sorted(cells) == sorted(
        ["0", "0", f'<a href="{reverse("quiz:stats", args=["q0"])}">3</a>']
    )
    # Two questions each: the attempts subquery does not multiply the question count.
    assert re.findall(r'<td class="field-question_total">(\d+)</td>', html) == ["2"] * 3
    more = QuizFactory(slug="q3")
    late = single(more)
    submit(more, "late", {late.pk: right_choice(late)})
    with django_assert_max_num_queries(len(queries)):
        teacher_client.get(url)


# --- The admin home ------------------------------------------------------------------------


def test_the_admin_home_lists_attempts_missed_quizzes_and_content_to_complete(teacher_client):
    from django.core.cache import cache

    from kb.models import FactStatus
    from quiz.admin_home import MISSED_CACHE_KEY
    from tests.kb.factories import KeyFactFactory

    cache.delete(MISSED_CACHE_KEY)  # the ranking is cached for five minutes per process

    quiz = QuizFactory(slug="home", title="Home quiz")
    hard = single(quiz)
    easy = single(quiz)
    for n in range(3):
        submit(quiz, f"s{n}", {hard.pk: wrong_choice(hard), easy.pk: right_choice(easy)})
    QuizFactory(slug="no-french", title="Only English", title_fr="")
    KeyFactFactory(status=FactStatus.DISPUTED, statement="A disputed claim")

    html = teacher_client.get(reverse("admin:index")).content.decode()
    home = re.search(r'<div class="teacher-home">.*', html, re.S).group(0)
    recent = re.search(r'aria-labelledby="home-recent">.*?</section>', home, re.S).group(0)
    assert recent.count("<tr>") == 1 + 3  # header + the three attempts
    missed = re.search(r'aria-labelledby="home-missed">.*?</section>', home, re.S).group(0)
    assert "Home quiz" in missed and "1 of 2" in missed
    fix = re.search(r'aria-labelledby="home-fix">.*?</section>', home, re.S).group(0)
    assert "Only English" in fix and "French missing" in fix
    assert "A disputed claim" in fix and "Disputed (1)" in fix
    assert Attempt.objects.count() == 3


def test_the_admin_home_in_french(teacher_client):
    QuizFactory(slug="no-english", title_en="")
    teacher_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    html = teacher_client.get(reverse("admin:index")).content.decode()
    assert "Dernières tentatives" in html and "anglais manquant" in html
