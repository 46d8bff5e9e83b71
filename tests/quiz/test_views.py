"""The student's path through the pages, integrity before submission, access control."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quiz.models import Attempt
from tests.kb.factories import CaseStudyFactory, ThemeFactory

from .factories import (
    QuizFactory,
    mixed_quiz,
    multiple,
    numeric,
    right_choice,
    single,
    truefalse,
    wrong_choice,
)

pytestmark = pytest.mark.django_db


def form_state(response) -> dict[str, str]:
    """The quiz form's hidden fields: "attempt" (empty until the attempt starts) and "seed"."""
    html = response.content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("attempt", "seed")
    }


def answers_for(quiz, *, right=True):
    data = {}
    for q in quiz.questions.all():
        if q.type == "numeric":
            data[f"q{q.pk}"] = str(q.numeric_value if right else q.numeric_value + 100)
        else:
            data[f"q{q.pk}"] = [str(c) for c in (right_choice(q) if right else wrong_choice(q))]
    return data


def take(client, quiz, *, right=True, **extra):
    page = client.get(quiz.get_absolute_url())
    data = {**form_state(page), **answers_for(quiz, right=right), **extra}
    return client.post(quiz.get_absolute_url(), data)


def test_quiz_page_reveals_no_answer_feedback_or_misconception(client):
    quiz = mixed_quiz()
    response = client.get(quiz.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "FEEDBACK" not in html and "MISCONCEPTION" not in html
    assert "correct" not in html.lower().replace("incorrect", "")
    assert "application/json" not in html  # no data island at all
    for q in quiz.questions.all():
        assert q.prompt in html
        inputs = re.findall(rf'<input [^>]*name="q{q.pk}"[^>]*>', html)
        # right and wrong choices have identical markup apart from their id/value
        shapes = {re.sub(r'(id|value)="[^"]*"', "", tag) for tag in inputs}
        assert len(shapes) == 1
    assert str(quiz.questions.get(type="numeric").numeric_value) not in html


def test_quiz_script_holds_no_answer_data(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("quiz/quiz.js"), encoding="utf-8") as f:
        script = f.read().lower()
    for word in ("is_correct", "misconception", "right_answer", "feedback_html"):
        assert word not in script
    quiz = mixed_quiz(feedback_timing="each")
    html = client.get(quiz.get_absolute_url()).content.decode()
    assert "quiz/quiz.js" in html and "<script>" not in html and "FEEDBACK" not in html


def test_whole_student_path(client):
    quiz = mixed_quiz(pass_mark=50)
    response = take(client, quiz)
    attempt = Attempt.objects.get()
    assert response.status_code == 302 and response.url == attempt.get_absolute_url()
    result = client.get(response.url)
    html = result.content.decode()
    assert result.status_code == 200
    assert "4 / 4" in html and "Passed" in html
    assert "GENERAL-FEEDBACK" in html and "CHOICE-FEEDBACK" in html
    assert "Retake the quiz" in html


def test_wrong_answers_show_the_right_answer_and_misconception(client):
    quiz = QuizFactory()
    single(quiz)
    result = client.get(take(client, quiz, right=False).url)
    html = result.content.decode()
    assert "Not passed" in html and "The right answer" in html and "Right answer" in html
    assert "Common misconception: MISCONCEPTION" in html


def test_unanswered_questions_warn_then_submit_anyway(client):
    quiz = QuizFactory()
    q1, q2 = single(quiz), single(quiz)
    page = client.get(quiz.get_absolute_url())
    data = {**form_state(page), f"q{q1.pk}": right_choice(q1)}
    warned = client.post(quiz.get_absolute_url(), data)
    assert warned.status_code == 200
    assert "unanswered" in warned.content.decode() and "Submit anyway" in warned.content.decode()
    assert f'value="{right_choice(q1)[0]}" checked' in warned.content.decode()
    assert not Attempt.objects.submitted().exists()
    done = client.post(quiz.get_absolute_url(), {**data, "submit_anyway": "1"})
    assert done.status_code == 302
    attempt = Attempt.objects.get()
    assert attempt.score == 1 and attempt.max_score == 2
    del q2


def test_unknown_choice_is_a_form_error_not_a_500(client):
    quiz = QuizFactory()
    q = single(quiz)
    other = single(QuizFactory())
    page = client.get(quiz.get_absolute_url())
    for bad in (right_choice(other), ["nope"], ["999999"]):
        response = client.post(quiz.get_absolute_url(), {**form_state(page), f"q{q.pk}": bad})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    assert not Attempt.objects.exists()  # a form error starts nothing


def test_bad_numbers_and_garbage_attempt_ids_never_500(client):
    quiz = QuizFactory()
    q = numeric(quiz)
    page = client.get(quiz.get_absolute_url())
    response = client.post(quiz.get_absolute_url(), {**form_state(page), f"q{q.pk}": "forty"})
    assert response.status_code == 400 and "Enter a number" in response.content.decode()
    response = client.post(quiz.get_absolute_url(), {"attempt": "not-a-uuid", f"q{q.pk}": "42"})
    assert response.status_code == 200 and "session changed" in response.content.decode()
    assert not Attempt.objects.submitted().exists()


def test_double_submission_keeps_the_first_result(client):
    quiz = QuizFactory()
    q = single(quiz)
    state = form_state(client.get(quiz.get_absolute_url()))
    assert state["attempt"] == ""  # opening the quiz started nothing
    first = client.post(quiz.get_absolute_url(), {**state, f"q{q.pk}": wrong_choice(q)})
    second = client.post(quiz.get_absolute_url(), {**state, f"q{q.pk}": right_choice(q)})
    assert first.url == second.url
    attempt = Attempt.objects.get()
    assert attempt.score == 0 and attempt.answers.count() == 1


def test_simultaneous_first_posts_from_one_browser_start_one_attempt(client):
    """A double click on a new visitor's page: both posts leave before either has a session,
    so they share only the browser's CSRF cookie; the second finds the first's attempt."""
    quiz = QuizFactory()
    q = single(quiz)
    state = form_state(client.get(quiz.get_absolute_url()))
    twin = Client()
    twin.cookies = client.cookies.__class__(client.cookies)  # same cookies, no session yet
    assert "sessionid" not in twin.cookies
    first = client.post(quiz.get_absolute_url(), {**state, f"q{q.pk}": wrong_choice(q)})
    second = twin.post(quiz.get_absolute_url(), {**state, f"q{q.pk}": right_choice(q)})
    assert first.url == second.url
    attempt = Attempt.objects.get()
    assert attempt.score == 0
    assert twin.get(second.url).status_code == 200  # the second session owns it too


def test_opening_a_quiz_writes_nothing_and_the_attempt_keeps_the_order_shown(client):
    quiz = QuizFactory(question_order="shuffled", shuffle_choices=True)
    questions = [single(quiz) for _ in range(6)]
    page = client.get(quiz.get_absolute_url())
    assert page.status_code == 200
    assert not Attempt.objects.exists() and "sessionid" not in page.cookies
    state = form_state(page)
    html = page.content.decode()
    shown = [int(n) for n in re.findall(r'data-question="(\d+)"', html)]
    client.post(quiz.get_absolute_url(), {**state, **answers_for(quiz)})
    attempt = Attempt.objects.get()
    assert attempt.seed == int(state["seed"])
    assert [a.question_id for a in attempt.answers.order_by("position")] == shown
    assert sorted(shown) == sorted(q.pk for q in questions)


def test_a_retake_starts_a_new_attempt_with_a_new_order(client):
    quiz = QuizFactory(question_order="shuffled")
    for _ in range(3):
        single(quiz)
    take(client, quiz)
    again = form_state(client.get(quiz.get_absolute_url()))
    assert again["attempt"] == ""
    take(client, quiz)
    assert Attempt.objects.submitted().count() == 2


def test_a_tampered_seed_still_grades_the_answers(client):
    quiz = QuizFactory()
    q = single(quiz)
    for seed in ("", "-1", "99999999999", "abc", "1e3"):
        response = client.post(
            quiz.get_absolute_url(), {"attempt": "", "seed": seed, f"q{q.pk}": right_choice(q)}
        )
        assert response.status_code == 302
    assert Attempt.objects.submitted().count() == 5
    assert all(0 <= a.seed < 2**31 for a in Attempt.objects.all())


def test_result_visible_to_owner_and_teachers_only(client, teacher, django_user_model):
    quiz = QuizFactory()
    single(quiz)
    url = take(client, quiz).url
    assert client.get(url).status_code == 200
    assert Client().get(url).status_code == 404
    stranger = Client()
    stranger.force_login(django_user_model.objects.create_user("stranger", password="x-pass-123"))
    assert stranger.get(url).status_code == 404
    teacher_client = Client()
    teacher_client.force_login(teacher)
    assert teacher_client.get(url).status_code == 200
    assert (
        client.get(
            reverse("quiz:attempt-detail", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )


def test_logged_in_result_is_private_to_the_user(student_client, student):
    quiz = QuizFactory()
    single(quiz)
    url = take(student_client, quiz).url
    assert Attempt.objects.get().user == student
    assert student_client.get(url).status_code == 200
    assert Client().get(url).status_code == 404


def test_anonymous_attempt_becomes_the_users_at_login(client, student):
    quiz = QuizFactory()
    single(quiz)
    url = take(client, quiz).url
    attempt = Attempt.objects.get()
    assert attempt.user is None
    response = client.post(
        reverse("login"), {"username": "student", "password": "student-pass-123"}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.user == student
    assert client.get(url).status_code == 200
    mine = client.get(reverse("quiz:my-attempts"))
    assert quiz.title in mine.content.decode()


def test_signup_logs_in_and_hands_over(client):
    quiz = QuizFactory()
    single(quiz)
    take(client, quiz)
    response = client.post(
        reverse("signup"),
        {"username": "newbie", "password1": "a-long-pass-2024", "password2": "a-long-pass-2024"},
    )
    assert response.status_code == 302
    assert Attempt.objects.get().user == User.objects.get(username="newbie")
    assert client.get(reverse("quiz:my-attempts")).status_code == 200  # still logged in


def test_auth_pages_render(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("signup")).status_code == 200
    bad = client.post(reverse("signup"), {"username": "x", "password1": "1", "password2": "2"})
    assert bad.status_code == 200 and "aria-invalid" in bad.content.decode()


def test_my_attempts_needs_login(client):
    response = client.get(reverse("quiz:my-attempts"))
    assert response.status_code == 302 and "/en/accounts/login/" in response.url


def test_drafts_404_for_public_and_preview_for_teachers(client, teacher_client):
    quiz = QuizFactory(is_published=False)
    single(quiz)
    assert Client().get(quiz.get_absolute_url()).status_code == 404
    response = teacher_client.get(quiz.get_absolute_url())
    assert response.status_code == 200 and "preview for teachers" in response.content.decode()
    take(teacher_client, quiz)
    assert Attempt.objects.get().is_preview
    assert quiz.title not in Client().get(reverse("quiz:quiz-list")).content.decode()


def test_attempts_allowed_closes_the_quiz(client):
    quiz = QuizFactory(attempts_allowed=1)
    single(quiz)
    take(client, quiz)
    again = client.get(quiz.get_absolute_url())
    assert "used all 1 attempts" in again.content.decode()
    assert "quiz-form" not in again.content.decode()


def test_list_filters_counts_and_best_score(student_client, student):
    case, theme = CaseStudyFactory(), ThemeFactory()
    a = QuizFactory(title="Alpha quiz")
    a.cases.add(case)
    b = QuizFactory(title="Beta quiz")
    b.themes.add(theme)
    single(a), single(a), single(b)
    take(student_client, a)
    html = student_client.get(reverse("quiz:quiz-list")).content.decode()
    assert "2 questions" in html and "Your best: 100%" in html and "Not taken yet" in html
    filtered = student_client.get(reverse("quiz:quiz-list"), {"case": case.slug}).content.decode()
    assert "Alpha quiz" in filtered and "Beta quiz" not in filtered
    filtered = student_client.get(reverse("quiz:quiz-list"), {"theme": theme.slug}).content.decode()
    assert "Beta quiz" in filtered and "Alpha quiz" not in filtered


def test_feedback_after_each_question_via_check_endpoint(client):
    quiz = QuizFactory(feedback_timing="each")
    q1, q2 = single(quiz), truefalse(quiz)
    page = client.get(quiz.get_absolute_url())
    html = page.content.decode()
    assert "FEEDBACK" not in html and "Check this answer" in html
    state = form_state(page)
    url = reverse("quiz:check-answer", args=[quiz.slug])
    bad = client.post(url, {**state, "question": q1.pk, f"q{q1.pk}": right_choice(q2)})
    assert bad.status_code == 400 and "FEEDBACK" not in bad.content.decode()
    assert not Attempt.objects.exists()  # a bad answer starts nothing
    response = client.post(url, {**state, "question": q1.pk, f"q{q1.pk}": wrong_choice(q1)})
    data = response.json()
    assert data["correct"] is False and q1.general_feedback in data["html"]
    assert q2.general_feedback not in data["html"]  # only the checked question's feedback
    attempt = Attempt.objects.get()
    assert data["attempt"] == str(attempt.public_id) and attempt.seed == int(state["seed"])
    state["attempt"] = data["attempt"]  # what the page's script does
    blank = client.post(url, {**state, "question": q2.pk})
    assert blank.status_code == 400 and "before checking" in blank.json()["error"]
    # the answer is locked: submitting the right choice later changes nothing
    done = client.post(
        quiz.get_absolute_url(),
        {**state, f"q{q1.pk}": right_choice(q1), "submit_anyway": "1"},
    )
    assert done.status_code == 302
    assert Attempt.objects.get().answers.get(question=q1).is_correct is False
    assert client.post(url, {**state, "question": q1.pk}).status_code == 404  # submitted


def test_check_without_javascript_rerenders_with_that_feedback_only(client):
    quiz = QuizFactory(feedback_timing="each")
    q1, q2 = single(quiz), single(quiz)
    page = client.get(quiz.get_absolute_url())
    response = client.post(
        quiz.get_absolute_url(),
        {**form_state(page), f"q{q1.pk}": right_choice(q1), "check": str(q1.pk)},
    )
    html = response.content.decode()
    assert q1.general_feedback in html and q2.general_feedback not in html
    assert not Attempt.objects.submitted().exists()
    assert form_state(response)["attempt"] == str(Attempt.objects.get().public_id)


def test_check_endpoint_refuses_end_of_quiz_feedback_and_strangers(client):
    quiz = QuizFactory(feedback_timing="end")
    q = single(quiz)
    state = form_state(client.get(quiz.get_absolute_url()))
    url = reverse("quiz:check-answer", args=[quiz.slug])
    assert (
        client.post(url, {**state, "question": q.pk, f"q{q.pk}": right_choice(q)}).status_code
        == 404
    )
    each = QuizFactory(feedback_timing="each")
    q2 = single(each)
    state = form_state(client.get(each.get_absolute_url()))
    each_url = reverse("quiz:check-answer", args=[each.slug])
    checked = client.post(each_url, {**state, "question": q2.pk, f"q{q2.pk}": right_choice(q2)})
    other = Client()
    stolen = {**state, "attempt": checked.json()["attempt"], "question": q2.pk}
    assert other.post(each_url, stolen).status_code == 404
    assert (
        client.post(each_url, {**state, "attempt": "garbage", "question": q2.pk}).status_code == 404
    )


@pytest.mark.parametrize("n", [5, 30])
def test_quiz_page_queries_do_not_grow(n, client, django_assert_num_queries):
    quiz = QuizFactory()
    for _ in range(n):
        single(quiz)
    with django_assert_num_queries(3):  # quiz, questions, choices: nothing written
        assert client.get(quiz.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [5, 30])
def test_a_new_visitors_submission_queries_do_not_grow(n, client, django_assert_num_queries):
    quiz = QuizFactory()
    for i in range(n):
        single(quiz) if i % 2 else multiple(quiz)
    data = {**form_state(client.get(quiz.get_absolute_url())), **answers_for(quiz)}
    # quiz, questions, choices; in one transaction: the page's form_key, the new attempt, its
    # answers and answer choices, closing it (with savepoints); then the new session; and the
    # submissions budget in the shared database cache (read; count, read, write in a savepoint)
    with django_assert_num_queries(24):
        assert client.post(quiz.get_absolute_url(), data).status_code == 302


@pytest.mark.parametrize("n", [5, 30])
def test_result_page_queries_do_not_grow(n, client, django_assert_num_queries):
    quiz = QuizFactory()
    for i in range(n):
        single(quiz) if i % 2 else multiple(quiz)
    url = take(client, quiz).url
    with django_assert_num_queries(5):  # 5th: the attempt's context (quiz.policy: a class?)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [2, 12])
def test_list_queries_do_not_grow(n, student_client, django_assert_num_queries):
    for _ in range(n):
        quiz = QuizFactory()
        quiz.cases.add(CaseStudyFactory())
        quiz.themes.add(ThemeFactory())
        single(quiz)
    with django_assert_num_queries(8):
        assert student_client.get(reverse("quiz:quiz-list")).status_code == 200


def test_case_page_lists_its_published_quizzes(client):
    from tests.kb.factories import SourceFactory

    case = CaseStudyFactory()
    SourceFactory(case=case)
    quiz = QuizFactory(title="Quiz about the case")
    quiz.cases.add(case)
    draft = QuizFactory(title="Draft about the case", is_published=False)
    draft.cases.add(case)
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Quiz about the case" in html and "Draft about the case" not in html
