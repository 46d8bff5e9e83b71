"""The teacher's pages at /teach/: who comes in, classes, assignments, results, QR code, delete."""

import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from classroom.models import Assignment, Classroom, Member
from classroom.results import Status, assignment_results, assignment_stats
from quiz.models import Attempt
from quiz.stats import quiz_stats
from tests.classroom.teach_helpers import add_member, right_answers, take, wrong_answers

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"classroom:{name}", args=args)


# --- who comes in ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, classroom):
    for address in (url("teach-home"), url("teach-class", classroom.code)):
        response = client.get(address)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_a_student_account_gets_the_teachers_only_page(student_client, classroom):
    response = student_client.get(url("teach-home"))
    assert response.status_code == 403
    assert b"Teachers only" in response.content
    assert student_client.get(url("teach-class", classroom.code)).status_code == 403


def test_a_superuser_sees_every_class(admin_client, classroom):
    response = admin_client.get(url("teach-home"))
    assert response.status_code == 200
    assert classroom.name in response.content.decode()
    assert admin_client.get(url("teach-class", classroom.code)).status_code == 200


# --- classes -----------------------------------------------------------------------------------


def test_a_teacher_creates_a_class_with_a_co_teacher(client, teacher_a, teacher_b):
    client.force_login(teacher_a)
    response = client.post(
        url("teach-home"),
        {"name": "M1 data — TD", "co_teacher_names": "Teacher_B, nobody", "show_leaderboard": ""},
    )
    assert response.status_code == 200
    assert "No teacher has the user name “nobody”" in response.content.decode()
    assert not Classroom.objects.exists()

    response = client.post(
        url("teach-home"), {"name": "M1 data — TD", "co_teacher_names": "Teacher_B"}
    )
    classroom = Classroom.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("teach-class", classroom.code)
    assert classroom.owner == teacher_a
    assert list(classroom.co_teachers.all()) == [teacher_b]
    assert not classroom.show_leaderboard

    client.force_login(teacher_b)  # the co-teacher sees it too, but may not manage it
    page = client.get(url("teach-class", classroom.code)).content.decode()
    assert classroom.code in page
    assert url("teach-class-delete", classroom.code) not in page
    assert client.get(url("teach-class-delete", classroom.code)).status_code == 403


def test_only_teachers_can_be_co_teachers(client, teacher_a, student):
    client.force_login(teacher_a)
    response = client.post(url("teach-home"), {"name": "X", "co_teacher_names": "student"})
    assert "No teacher has the user name “student”" in response.content.decode()


def test_the_class_page_shows_the_code_link_qr_and_who_joined(client, teacher_a, classroom):
    add_member(classroom, "Ada")
    add_member(classroom, "Grace")
    client.force_login(teacher_a)
    page = client.get(url("teach-class", classroom.code)).content.decode()
    assert 'class="join-code"' in page and classroom.code in page
    assert f"http://testserver/join/{classroom.code}/" in page
    assert url("teach-class-qr", classroom.code) in page
    assert "Ada" in page and "Grace" in page
    assert "2 students joined" in page


def test_the_qr_code_is_an_svg_of_the_join_link(client, teacher_a, classroom):
    client.force_login(teacher_a)
    response = client.get(url("teach-class-qr", classroom.code))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert "<svg" in body and "<script" not in body
    assert 'xmlns="http://www.w3.org/2000/svg"' in body  # a standalone image needs it
    # The symbol encodes the absolute join link: the same modules as segno's own drawing of it.
    import segno

    expected = segno.make(f"http://testserver/join/{classroom.code}/", error="m")
    path = expected.svg_inline(scale=8, border=2, dark="#000", light="#fff")
    assert path[path.index(' d="') : path.index('"/>', path.index(' d="'))] in body


def test_editing_a_class_replaces_its_co_teachers(client, teacher_a, teacher_b, classroom):
    classroom.co_teachers.add(teacher_b)
    client.force_login(teacher_a)
    page = client.get(url("teach-class-edit", classroom.code)).content.decode()
    assert 'value="teacher_b"' in page
    response = client.post(
        url("teach-class-edit", classroom.code),
        {"name": "Renamed", "co_teacher_names": "", "show_leaderboard": "on"},
    )
    assert response.status_code == 302
    classroom.refresh_from_db()
    assert classroom.name == "Renamed" and classroom.show_leaderboard
    assert not classroom.co_teachers.exists()


def test_deleting_a_class_says_what_goes_and_deletes_the_attempts(
    client, teacher_a, classroom, open_assignment
):
    ada, grace = add_member(classroom, "Ada"), add_member(classroom, "Grace")
    take(open_assignment, ada, right_answers(open_assignment.quiz))
    take(open_assignment, grace, wrong_answers(open_assignment.quiz))
    outside = Attempt.objects.create(quiz=open_assignment.quiz, seed=1)
    client.force_login(teacher_a)
    page = client.get(url("teach-class-delete", classroom.code)).content.decode()
    assert "2 students" in page and "1 assignment" in page and "2 quiz attempts" in page
    response = client.post(url("teach-class-delete", classroom.code))
    assert response.status_code == 302
    assert not Classroom.objects.exists() and not Member.objects.exists()
    assert list(Attempt.objects.all()) == [outside]


# --- assignments -------------------------------------------------------------------------------


def test_a_teacher_adds_edits_and_deletes_an_assignment(client, teacher_a, classroom, class_quiz):
    client.force_login(teacher_a)
    form = client.get(url("teach-assignment-new", classroom.code)).content.decode()
    assert f"Times are in the {settings.TIME_ZONE} time zone" in form
    assert 'name="review_closed_right_answers"' in form and "During the attempt" in form
    data = {
        "quiz": class_quiz.pk,
        "opens_at": "2026-12-01T08:00",
        "closes_at": "2026-12-01T07:00",
        "max_attempts": "2",
        "review_after_score": "on",
    }
    response = client.post(url("teach-assignment-new", classroom.code), data)
    assert response.status_code == 200
    assert "The assignment must close after it opens." in response.content.decode()
    data["closes_at"] = "2026-12-08T18:00"
    response = client.post(url("teach-assignment-new", classroom.code), data)
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.classroom == classroom and assignment.max_attempts == 2
    assert assignment.review_after_score and not assignment.review_closed_right_answers
    # Typed in the site's zone (Paris by default: 18:00 there is 17:00 UTC in December).
    typed = datetime(2026, 12, 8, 18, 0, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    assert assignment.closes_at == typed

    data["max_attempts"] = ""
    data["review_closed_right_answers"] = "on"
    client.post(url("teach-assignment-edit", classroom.code, assignment.pk), data)
    assignment.refresh_from_db()
    assert assignment.max_attempts is None and assignment.review_closed_right_answers

    page = client.get(url("teach-class", classroom.code)).content.decode()
    assert "Class quiz" in page and "unlimited attempts" in page

    assert (
        client.get(url("teach-assignment-delete", classroom.code, assignment.pk)).status_code == 200
    )
    client.post(url("teach-assignment-delete", classroom.code, assignment.pk))
    assert not Assignment.objects.exists()


def test_an_unpublished_quiz_cannot_be_assigned(client, teacher_a, classroom, class_quiz):
    class_quiz.is_published = False
    class_quiz.save()
    client.force_login(teacher_a)
    response = client.post(
        url("teach-assignment-new", classroom.code),
        {"quiz": class_quiz.pk, "opens_at": "2026-12-01T08:00", "closes_at": "2026-12-02T08:00"},
    )
    assert response.status_code == 200 and not Assignment.objects.exists()


# --- results -----------------------------------------------------------------------------------


def test_each_students_status_and_best_score(classroom, open_assignment):
    quiz = open_assignment.quiz
    open_assignment.max_attempts = 2  # Ada submits twice: the best of her two scores counts
    open_assignment.save()
    ada, bob, cy, dee = (add_member(classroom, n) for n in ("Ada", "Bob", "Cy", "Dee"))
    take(open_assignment, ada, wrong_answers(quiz))
    take(open_assignment, ada, right_answers(quiz))
    take(open_assignment, bob, submit=False)
    take(open_assignment, dee, wrong_answers(quiz))
    rows = {r.member.nickname: r for r in assignment_results(open_assignment).rows}
    assert rows["Ada"].status == Status.SUBMITTED and rows["Ada"].attempts == 2
    assert rows["Ada"].best_percent == pytest.approx(100.0)
    assert rows["Bob"].status == Status.IN_PROGRESS and rows["Bob"].best_percent is None
    assert rows["Cy"].status == Status.NOT_STARTED
    assert rows["Dee"].best_percent == pytest.approx(0.0)
    later = open_assignment.closes_at + timedelta(minutes=1)
    rows = {r.member.nickname: r for r in assignment_results(open_assignment, now=later).rows}
    assert rows["Bob"].status == Status.LATE


def test_item_statistics_count_only_this_class_and_assignment(
    classroom, open_assignment, teacher_b
):
    quiz = open_assignment.quiz
    take(open_assignment, add_member(classroom, "Ada"), right_answers(quiz))
    take(open_assignment, add_member(classroom, "Bob"), wrong_answers(quiz))
    # The same quiz in another class, and outside any class: not counted here.
    other = Classroom.objects.create(name="Other", owner=teacher_b)
    other_assignment = Assignment.objects.create(
        classroom=other,
        quiz=quiz,
        opens_at=open_assignment.opens_at,
        closes_at=open_assignment.closes_at,
    )
    for n in range(3):
        take(other_assignment, add_member(other, f"O{n}"), wrong_answers(quiz))
    stats = assignment_stats(open_assignment)
    assert stats.attempts == 2
    assert stats.mean == pytest.approx(50.0)
    single = stats.questions[0]
    assert sum(c.count for c in single.choices) == 2
    assert [count for _text, count in stats.misconceptions] == [1]  # Bob only, not O0–O2
    assert quiz_stats(quiz).attempts == 5  # the quiz's own page still pools everyone


def test_the_assignment_page_shows_statuses_and_misconceptions(
    client, teacher_a, classroom, open_assignment
):
    quiz = open_assignment.quiz
    take(open_assignment, add_member(classroom, "Ada"), wrong_answers(quiz))
    add_member(classroom, "Bob")
    client.force_login(teacher_a)
    page = client.get(url("teach-assignment", classroom.code, open_assignment.pk)).content.decode()
    assert "Ada" in page and "submitted" in page and "Bob" in page and "not started" in page
    assert "MISCONCEPTION-" in page
    assert "1 of 2 submitted" in page


def test_the_class_page_queries_do_not_grow_with_students(
    client, teacher_a, classroom, open_assignment, django_assert_max_num_queries
):
    for n in range(30):
        take(open_assignment, add_member(classroom, f"S{n}"), right_answers(open_assignment.quiz))
    client.force_login(teacher_a)
    with django_assert_max_num_queries(20):
        assert client.get(url("teach-class", classroom.code)).status_code == 200


def test_status_of_a_closed_assignment_is_shown_closed(client, teacher_a, classroom, class_quiz):
    now = timezone.now()
    Assignment.objects.create(
        classroom=classroom,
        quiz=class_quiz,
        opens_at=now - timedelta(days=2),
        closes_at=now - timedelta(days=1),
    )
    client.force_login(teacher_a)
    page = client.get(url("teach-class", classroom.code)).content.decode()
    assert ">closed<" in page


# --- guesses of the course path ----------------------------------------------------------------


def test_the_class_page_shows_the_members_first_guesses_beside_the_true_value(
    client, teacher_a, classroom, student
):
    from course.models import Guess

    ada, bob = add_member(classroom, "Ada"), add_member(classroom, "Bob")
    bob.user = student
    bob.save()
    common = {"simulation": "base-rate", "metric": "ppv", "actual": 3.1}
    Guess.objects.create(owner=ada.owner_token, guess=70, **common)
    Guess.objects.create(owner=ada.owner_token, guess=5, **common)  # a second try: not counted
    Guess.objects.create(user=student, guess=90, **common)
    Guess.objects.create(owner="someone-else", guess=1, **common)  # not in the class

    from classroom.results import class_guesses

    [summary] = class_guesses(classroom)
    assert summary.count == 2 and summary.median == 80 and summary.actual == 3.1
    assert [b["count"] for b in summary.bins] == [0, 0, 0, 1, 1]
    assert [b["actual"] for b in summary.bins] == [True, False, False, False, False]

    client.force_login(teacher_a)
    page = client.get(url("teach-class", classroom.code)).content.decode()
    assert "What the class guessed" in page
    assert "2 students guessed" in page and "3.1 %" in page


def test_the_assignment_page_lists_the_wrong_values_typed(client, teacher_a, open_assignment):
    quiz = open_assignment.quiz
    for name in ("Ada", "Bob"):
        take(open_assignment, add_member(open_assignment.classroom, name), wrong_answers(quiz))
    client.force_login(teacher_a)
    page = client.get(
        url("teach-assignment", open_assignment.classroom.code, open_assignment.pk)
    ).content.decode()
    assert "Wrong values students typed" in page
    assert re.search(r"<td>0</td><td>2</td>", page), "the value 0 typed by two students"
