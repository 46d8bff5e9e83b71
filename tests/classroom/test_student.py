"""The student's side of a class through the pages: joining, the class page, taking an assignment
(dates, attempts limit, review options at the three moments, a late submission keeps answers)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom.models import Assignment, AssignmentAttempt, Member
from quiz.models import Attempt, DraftAnswer, FeedbackTiming

pytestmark = pytest.mark.django_db


def join_url(code=None):
    return reverse("classroom:join-code", args=[code]) if code else reverse("classroom:join")


def class_url(classroom):
    return reverse("classroom:class", args=[classroom.code])


def joined(client, classroom, nickname="Ada"):
    response = client.post(join_url(classroom.code), {"nickname": nickname})
    assert response.status_code == 302, response.content
    return Member.objects.get(classroom=classroom, nickname=nickname)


def start(client, assignment):
    url = reverse("classroom:assignment-start", args=[assignment.classroom.code, assignment.pk])
    return client.post(url)


def answers_for(quiz, *, right=True):
    """Form fields answering every question of the class quiz (right, or all wrong)."""
    data = {}
    for question in quiz.questions.all():
        if question.type == "numeric":
            data[f"q{question.pk}"] = "42" if right else "7"
        else:
            choice = question.choices.filter(is_correct=right).first()
            data[f"q{question.pk}"] = str(choice.pk)
    return data


def take(client, assignment, *, right=True):
    """Start the assignment and submit it; the response of the submission."""
    response = start(client, assignment)
    assert response.status_code == 302
    attempt = Attempt.objects.filter(class_link__assignment=assignment).latest("started_at")
    assert response["Location"].endswith(f"?attempt={attempt.public_id}")
    data = {"attempt": str(attempt.public_id), "seed": attempt.seed}
    data.update(answers_for(assignment.quiz, right=right))
    return client.post(reverse("quiz:quiz-detail", args=[assignment.quiz.slug]), data), attempt


# --- Joining ---------------------------------------------------------------------------------


def test_join_with_a_typed_code_in_lower_case_and_spaces(client, classroom):
    assert client.get(join_url()).status_code == 200
    typed = f" {classroom.code[:3].lower()} {classroom.code[3:].lower()} "
    response = client.post(join_url(), {"code": typed, "nickname": "  Ada  "})
    assert response.status_code == 302
    assert response["Location"] == class_url(classroom)
    member = Member.objects.get(classroom=classroom)
    assert member.nickname == "Ada" and member.user is None
    # The session remembers: the link from the QR code skips the nickname.
    assert client.get(join_url(classroom.code))["Location"] == class_url(classroom)
    page = client.get(class_url(classroom))
    assert page.status_code == 200
    assert "Ada" in page.content.decode() and classroom.name in page.content.decode()


def test_the_link_with_the_code_asks_only_for_a_nickname(client, classroom):
    page = client.get(join_url(classroom.code.lower())).content.decode()
    assert classroom.name in page
    assert 'name="nickname"' in page and 'type="hidden" name="code"' in page
    joined(client, classroom, "Grace")


def test_joining_during_a_live_check_in_lands_on_it_and_the_class_page_offers_it(
    client, classroom, class_quiz, teacher_a
):
    from classroom import live

    live_url = reverse("classroom:live-student", args=[classroom.code])
    # no check-in running: the class page, with no live section
    response = client.post(join_url(classroom.code), {"nickname": "Ada"})
    assert response["Location"] == class_url(classroom)
    assert "Live check-in in progress" not in client.get(class_url(classroom)).content.decode()
    # the projector's lobby shows the QR code: who joins now lands on the check-in
    session = live.start(classroom, class_quiz, user=teacher_a)
    other = client.__class__()
    response = other.post(join_url(classroom.code), {"nickname": "Grace"})
    assert response["Location"] == live_url
    assert other.get(join_url(classroom.code))["Location"] == live_url  # the QR code again
    page = client.get(class_url(classroom)).content.decode()
    assert "Live check-in in progress" in page and f'href="{live_url}"' in page
    assert "Class quiz" in page
    # finished: back to the class page
    live.step(session, "finish")
    assert "Live check-in in progress" not in client.get(class_url(classroom)).content.decode()
    assert other.get(join_url(classroom.code))["Location"] == class_url(classroom)


def test_unknown_code_empty_and_taken_nicknames_are_form_errors(client, classroom):
    response = client.post(join_url(), {"code": "ZZZZZZ", "nickname": "Ada"})
    assert response.status_code == 404
    assert "No class has this code" in response.content.decode()
    assert client.get(join_url("ZZZZZZ")).status_code == 404

    response = client.post(join_url(), {"code": classroom.code, "nickname": "   "})
    assert response.status_code == 400
    assert "Choose a nickname" in response.content.decode()
    response = client.post(join_url(), {"code": "", "nickname": "Ada"})
    assert response.status_code == 400

    joined(client, classroom, "Ada")
    other = client.__class__()
    response = other.post(join_url(classroom.code), {"nickname": "ADA"})
    assert response.status_code == 400
    assert "already taken" in response.content.decode()
    assert Member.objects.filter(classroom=classroom).count() == 1


def test_joining_is_throttled_per_client(client, classroom, settings):
    settings.THROTTLE_CLASS_JOINS = "2/minute"
    for n in range(2):
        other = client.__class__()
        assert other.post(join_url(classroom.code), {"nickname": f"S{n}"}).status_code == 302
    response = client.__class__().post(join_url(classroom.code), {"nickname": "S3"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert Member.objects.filter(classroom=classroom).count() == 2


def test_guessing_codes_spends_a_small_budget_then_no_code_is_looked_up(
    client, classroom, settings
):
    settings.THROTTLE_CLASS_CODE_MISSES = "2/hour"
    for code in ("AAAAAA", "BBBBBB"):
        assert client.post(join_url(), {"code": code, "nickname": "X"}).status_code == 404
    response = client.post(join_url(), {"code": classroom.code, "nickname": "X"})
    assert response.status_code == 429
    assert not Member.objects.exists()


def test_a_class_is_capped(client, classroom, settings):
    settings.CLASSROOM_MAX_MEMBERS = 1
    joined(client, classroom, "Ada")
    response = client.__class__().post(join_url(classroom.code), {"nickname": "Bob"})
    assert response.status_code == 409 and "full" in response.content.decode()


def test_a_logged_in_student_joins_with_the_account(student_client, student, classroom):
    member = joined(student_client, classroom, "Ada")
    assert member.user == student


def test_logging_in_attaches_the_anonymous_membership(client, student, classroom):
    member = joined(client, classroom, "Ada")
    assert client.post(
        reverse("login"), {"username": "student", "password": "student-pass-123"}
    ).status_code in (200, 302)
    member.refresh_from_db()
    assert member.user == student
    assert client.get(class_url(classroom)).status_code == 200


# --- The class page -------------------------------------------------------------------------


def test_a_visitor_who_is_not_a_member_gets_the_join_form(client, classroom, open_assignment):
    response = client.get(class_url(classroom))
    assert response.status_code == 302
    assert response["Location"] == join_url(classroom.code)
    response = client.get(class_url(classroom), follow=True)
    assert open_assignment.quiz.title not in response.content.decode()


def test_the_class_page_lists_due_upcoming_and_closed(client, classroom, class_quiz, settings):
    now = timezone.now()
    due = Assignment.objects.create(
        classroom=classroom,
        quiz=class_quiz,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        max_attempts=2,
    )
    later_quiz = class_quiz.__class__.objects.create(title="Later quiz", slug="later-quiz")
    Assignment.objects.create(
        classroom=classroom,
        quiz=later_quiz,
        opens_at=now + timedelta(days=2),
        closes_at=now + timedelta(days=3),
    )
    joined(client, classroom)
    page = client.get(class_url(classroom)).content.decode()
    assert "Due now" in page and "Coming up" in page and "Later quiz" in page
    assert "2 attempts left" in page
    assert f"in the {settings.TIME_ZONE} time zone" in page  # the zone the dates are shown in
    due.opens_at, due.closes_at = now - timedelta(days=3), now - timedelta(days=2)
    due.save()
    page = client.get(class_url(classroom)).content.decode()
    assert "Closed" in page and "You did not submit this assignment" in page


# --- Taking an assignment ---------------------------------------------------------------------


def test_an_attempt_started_from_the_assignment_counts_for_the_class(client, open_assignment):
    member = joined(client, open_assignment.classroom)
    response, attempt = take(client, open_assignment)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.percent == 100
    link = AssignmentAttempt.objects.get(attempt=attempt)
    assert link.member == member and link.assignment == open_assignment


def test_the_quiz_page_names_the_class(client, open_assignment):
    joined(client, open_assignment.classroom)
    response = start(client, open_assignment)
    page = client.get(response["Location"]).content.decode()
    assert "This attempt counts for your class" in page
    assert open_assignment.classroom.name in page


def test_before_the_opening_the_start_is_refused(client, open_assignment):
    open_assignment.opens_at = timezone.now() + timedelta(hours=2)
    open_assignment.save()
    joined(client, open_assignment.classroom)
    response = start(client, open_assignment)
    assert response["Location"] == class_url(open_assignment.classroom)
    page = client.get(response["Location"]).content.decode()
    assert "This assignment opens on" in page
    assert not Attempt.objects.exists()


def test_a_non_member_cannot_start(client, open_assignment):
    response = start(client, open_assignment)
    assert response["Location"] == join_url(open_assignment.classroom.code)
    assert not Attempt.objects.exists()


def test_the_assignment_limit_applies_not_the_quiz_limit(client, open_assignment):
    quiz = open_assignment.quiz
    quiz.attempts_allowed = 1
    quiz.save()
    # A public attempt first: it uses the quiz's one attempt, not the assignment's.
    client.post(reverse("quiz:quiz-detail", args=[quiz.slug]), answers_for(quiz) | {"seed": 1})
    assert Attempt.objects.submitted().count() == 1
    open_assignment.max_attempts = 2
    open_assignment.save()
    joined(client, open_assignment.classroom)
    for _ in range(2):
        response, attempt = take(client, open_assignment)
        assert response.status_code == 302
        attempt.refresh_from_db()
        assert attempt.is_submitted
    response = start(client, open_assignment)
    page = client.get(response["Location"]).content.decode()
    assert "You have used all 2 attempts allowed for this assignment" in page
    assert AssignmentAttempt.objects.count() == 2


def test_a_late_submission_is_refused_and_keeps_the_answers(client, open_assignment):
    joined(client, open_assignment.classroom)
    start(client, open_assignment)
    attempt = Attempt.objects.get()
    open_assignment.opens_at = timezone.now() - timedelta(days=2)
    open_assignment.closes_at = timezone.now() - timedelta(minutes=1)
    open_assignment.save()
    data = {"attempt": str(attempt.public_id), "seed": attempt.seed}
    data.update(answers_for(open_assignment.quiz, right=False))
    response = client.post(reverse("quiz:quiz-detail", args=[open_assignment.quiz.slug]), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "your answers were not submitted" in page
    numeric_q = open_assignment.quiz.questions.get(type="numeric")
    assert f'name="q{numeric_q.pk}" value="7"' in page  # shown back as typed
    attempt.refresh_from_db()
    assert not attempt.is_submitted
    drafts = {d.question_id: d.value for d in DraftAnswer.objects.filter(attempt=attempt)}
    assert drafts[numeric_q.pk] == "7" and len(drafts) == 3  # kept for a reload too
    # A reload shows them again, and the class page says it is closed.
    again = client.get(reverse("quiz:quiz-detail", args=[open_assignment.quiz.slug]))
    assert 'value="7"' in again.content.decode()


def test_review_right_after_then_after_the_close(client, open_assignment):
    a = open_assignment
    a.review_after_score = False
    a.review_after_feedback = False
    a.review_after_right_answers = False
    a.save()
    joined(client, a.classroom)
    response, attempt = take(client, a, right=False)
    result = client.get(response["Location"]).content.decode()
    assert "Your score is not shown yet" in result
    assert "The right answer" not in result and "Not right." not in result
    assert "CHOICE-FEEDBACK" not in result and "GENERAL-FEEDBACK" not in result
    assert "You will see more about your answers after the close" in result
    class_page = client.get(class_url(a.classroom)).content.decode()
    assert "Submitted. Your score is not shown yet." in class_page

    # Right after, with the score only.
    a.review_after_score = True
    a.save()
    result = client.get(response["Location"]).content.decode()
    assert "You scored" in result and "Not right." in result
    assert "The right answer" not in result and "CHOICE-FEEDBACK" not in result

    # After the close (moved in the database), the same page shows what "after the close" allows.
    a.opens_at, a.closes_at = timezone.now() - timedelta(days=2), timezone.now() - timedelta(1)
    a.save()
    result = client.get(response["Location"]).content.decode()
    assert "The right answer" in result and "CHOICE-FEEDBACK" in result
    assert "Back to the class" in result and "Retake" not in result


def test_during_the_attempt_the_check_needs_a_during_option(client, open_assignment):
    quiz = open_assignment.quiz
    quiz.feedback_timing = FeedbackTiming.EACH
    quiz.save()
    joined(client, open_assignment.classroom)
    location = start(client, open_assignment)["Location"]
    attempt = Attempt.objects.get()
    page = client.get(location).content.decode()
    assert "Check this answer" not in page
    question = quiz.questions.get(type="numeric")
    check = reverse("quiz:check-answer", args=[quiz.slug])
    post = {"attempt": str(attempt.public_id), "question": question.pk, f"q{question.pk}": "42"}
    assert client.post(check, post).status_code == 404

    open_assignment.review_during_feedback = True
    open_assignment.save()
    assert "Check this answer" in client.get(location).content.decode()
    reply = client.post(check, post)
    assert reply.status_code == 200
    assert "Right." in reply.json()["html"] and "The right answer" not in reply.json()["html"]


def test_a_public_attempt_is_unchanged(client, class_quiz):
    """Attempts made outside a class keep today's behaviour: everything shown at once."""
    data = answers_for(class_quiz, right=False) | {"seed": 1}
    response = client.post(reverse("quiz:quiz-detail", args=[class_quiz.slug]), data)
    result = client.get(response["Location"]).content.decode()
    assert "You scored" in result and "The right answer" in result
    assert "CHOICE-FEEDBACK" in result and "This attempt counts" not in result


def test_the_student_pages_speak_french(client, open_assignment):
    classroom = open_assignment.classroom
    page = client.get(f"/fr/join/{classroom.code}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Rejoindre la classe" in page and "pseudonyme" in page
    response = client.post(f"/fr/join/{classroom.code}/", {"nickname": "ada"})
    assert response["Location"] == f"/fr/class/{classroom.code}/"
    taken = client.__class__().post(f"/fr/join/{classroom.code}/", {"nickname": "ADA"})
    assert "est déjà pris dans cette classe" in taken.content.decode()
    page = client.get(response["Location"]).content.decode()
    assert "À rendre" in page and "1\u00a0tentative restante" not in page
    assert "1 tentative restante" in page and "Commencer" in page


def test_the_join_page_lists_the_classes_this_browser_joined(client, classroom, teacher_b):
    from classroom.models import Classroom

    other = Classroom.objects.create(name="Not joined", owner=teacher_b)
    join_url = reverse("classroom:join")
    assert "Your classes" not in client.get(join_url).content.decode()
    client.post(reverse("classroom:join-code", args=[classroom.code]), {"nickname": "Ada"})
    page = client.get(join_url).content.decode()
    assert "Your classes" in page
    assert reverse("classroom:class", args=[classroom.code]) in page
    assert other.name not in page


def test_the_site_menu_offers_to_join_a_class_and_teachers_their_classes(client, teacher_a):
    home = reverse("kb:home")
    assert reverse("classroom:join") in client.get(home).content.decode()
    client.force_login(teacher_a)
    page = client.get(home).content.decode()
    assert reverse("classroom:teach-home") in page
