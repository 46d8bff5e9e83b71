"""The live check-in through the test client: every endpoint and role."""

import json

import pytest
from django.urls import reverse

from classroom import live
from classroom.models import Classroom, LiveResponse, LiveSession, LiveState, Member
from classroom.services import SESSION_MEMBERS_KEY
from tests.quiz.factories import right_choice, wrong_choice

pytestmark = pytest.mark.django_db


def as_member(client, member):
    session = client.session
    session[SESSION_MEMBERS_KEY] = {member.classroom.code: member.pk}
    session.save()
    return client


@pytest.fixture
def member(classroom):
    return Member.objects.create(classroom=classroom, nickname="Ada", owner_token="tok-ada")


@pytest.fixture
def session(classroom, class_quiz, teacher_a):
    return live.start(classroom, class_quiz, user=teacher_a)


def step_url(session, action):
    return reverse("classroom:live-step", kwargs={"pk": session.pk, "action": action})


def test_a_teacher_starts_a_session_from_the_class_and_sees_the_lobby_with_the_qr_code(
    client, classroom, class_quiz, teacher_a, member
):
    client.force_login(teacher_a)
    response = client.post(
        reverse("classroom:live-start", kwargs={"code": classroom.code}),
        {"quiz": class_quiz.pk, "next": "/en/teach/"},
    )
    session = LiveSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("classroom:live-projector", kwargs={"pk": session.pk})
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "<svg" in html and classroom.code in html
    assert f"/join/{classroom.code}/" in html
    assert f"/en/join/{classroom.code}/" not in html  # each phone picks its own language
    assert 'data-live-count="members">1<' in html
    state = client.get(reverse("classroom:live-projector-state", kwargs={"pk": session.pk})).json()
    assert state == {
        "revision": 1,
        "state": "lobby",
        "position": 0,
        "answers": 0,
        "members": 1,
    }


def test_no_quiz_chosen_goes_back_with_a_message(client, classroom, teacher_a):
    client.force_login(teacher_a)
    url = reverse("classroom:live-start", kwargs={"code": classroom.code})
    response = client.post(url, {"quiz": "", "next": "/en/teach/"}, follow=False)
    assert response.status_code == 302 and response["Location"] == "/en/teach/"
    assert LiveSession.objects.count() == 0


def test_the_start_form_include_lists_quizzes_and_posts_to_live_start(
    rf, classroom, class_quiz, teacher_a
):
    from django.template.loader import render_to_string

    request = rf.get("/en/teach/")
    request.user = teacher_a
    html = render_to_string(
        "classroom/live/_start_form.html", {"classroom": classroom}, request=request
    )
    assert reverse("classroom:live-start", kwargs={"code": classroom.code}) in html
    assert f'value="{class_quiz.pk}"' in html and "Start a live check-in" in html


def test_other_teachers_students_and_visitors_never_reach_the_projector(
    client, session, classroom, class_quiz, teacher_b, member
):
    urls = [
        reverse("classroom:live-projector", kwargs={"pk": session.pk}),
        reverse("classroom:live-projector-state", kwargs={"pk": session.pk}),
    ]
    client.force_login(teacher_b)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(step_url(session, "open"), {"revision": 1}).status_code == 404
    start = reverse("classroom:live-start", kwargs={"code": classroom.code})
    assert client.post(start, {"quiz": class_quiz.pk}).status_code == 404
    client.logout()
    as_member(client, member)
    assert client.get(urls[0]).status_code == 302  # to the log-in page
    assert client.get(urls[1]).status_code == 404
    assert client.post(step_url(session, "open"), {"revision": 1}).status_code == 302
    session.refresh_from_db()
    assert session.state == LiveState.LOBBY and session.revision == 1


def test_projector_steps_are_post_forms_and_a_stale_click_is_not_applied(
    client, session, teacher_a
):
    client.force_login(teacher_a)
    assert client.get(step_url(session, "open")).status_code == 405
    client.post(step_url(session, "open"), {"revision": 1})
    client.post(step_url(session, "next"), {"revision": 2})
    response = client.post(step_url(session, "next"), {"revision": 2}, follow=True)
    session.refresh_from_db()
    assert session.position == 1 and session.revision == 3
    assert "already moved on" in response.content.decode()


def test_a_student_follows_answers_once_and_sees_the_verdict_after_the_reveal(
    client, session, member, teacher_a
):
    as_member(client, member)
    page_url = reverse("classroom:live-student", kwargs={"code": member.classroom.code})
    state_url = reverse("classroom:live-student-state", kwargs={"code": member.classroom.code})
    answer_url = reverse("classroom:live-answer", kwargs={"code": member.classroom.code})
    assert "Wait for the first question" in client.get(page_url).content.decode()
    state = client.get(state_url)
    assert state["Cache-Control"].count("no-store") == 1
    assert state.json()["state"] == "lobby" and state.json()["question"] is None

    live.step(session, "open")
    single = LiveSession.objects.get().question_ids[0]
    from quiz.models import Question

    question = Question.objects.get(pk=single)
    assert client.get(state_url).json() == {
        "session": session.pk,
        "revision": 2,
        "state": "question",
        "position": 0,
        "total": 3,
        "question": single,
    }
    html = client.get(page_url).content.decode()
    assert 'name="choice"' in html and "Send my answer" in html
    response = client.post(answer_url, {"question": single, "choice": right_choice(question)[0]})
    assert response.status_code == 302
    html = client.get(page_url).content.decode()
    assert "Answer recorded" in html and 'name="choice"' not in html
    # A second answer (JSON this time) is refused politely; the first stands.
    again = client.post(
        answer_url,
        json.dumps({"question": single, "answer": wrong_choice(question)}),
        content_type="application/json",
    )
    assert again.status_code == 409 and "already recorded" in again.json()["detail"]
    assert LiveResponse.objects.get().is_correct

    live.step(LiveSession.objects.get(), "reveal")
    html = client.get(page_url).content.decode()
    assert "Right!" in html and "Right answer" in html


def test_answers_are_refused_when_closed_malformed_or_too_big(client, session, member):
    as_member(client, member)
    answer_url = reverse("classroom:live-answer", kwargs={"code": member.classroom.code})
    single = session.question_ids[0]
    closed = client.post(
        answer_url, json.dumps({"question": single, "answer": 1}), content_type="application/json"
    )
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    live.step(session, "open")
    bad = client.post(
        answer_url,
        json.dumps({"question": single, "answer": 10**9}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "detail" in bad.json()
    big = client.post(
        answer_url,
        json.dumps({"question": single, "answer": [1] * 2000}),
        content_type="application/json",
    )
    assert big.status_code == 400
    garbage = client.post(answer_url, b"{nope", content_type="application/json")
    assert garbage.status_code == 400
    assert LiveResponse.objects.count() == 0


def test_a_student_of_another_class_and_a_visitor_are_sent_to_join(
    client, session, classroom, teacher_b
):
    other = Classroom.objects.create(name="B", owner=teacher_b)
    stranger = Member.objects.create(classroom=other, nickname="Eve", owner_token="tok-eve")
    as_member(client, stranger)
    code = classroom.code
    page = client.get(reverse("classroom:live-student", kwargs={"code": code}))
    assert page.status_code == 302 and f"/join/{code}/" in page["Location"]
    state = client.get(reverse("classroom:live-student-state", kwargs={"code": code}))
    assert state.status_code == 404
    live.step(session, "open")
    answer = client.post(
        reverse("classroom:live-answer", kwargs={"code": code}),
        json.dumps({"question": session.question_ids[0], "answer": 1}),
        content_type="application/json",
    )
    assert answer.status_code == 404 and LiveResponse.objects.count() == 0


def test_polls_are_cheap_and_generously_budgeted(
    client, session, member, django_assert_max_num_queries, monkeypatch
):
    from django.core.cache import cache

    from classroom import views_live

    cache.clear()
    monkeypatch.setattr(views_live.time, "time", lambda: 1_800_000_000.0)  # one minute window
    as_member(client, member)
    state_url = reverse("classroom:live-student-state", kwargs={"code": member.classroom.code})
    with django_assert_max_num_queries(3):  # session, member + class, live session
        assert client.get(state_url).status_code == 200

    # A phone polling every 2 s (30 a minute) is never refused; a runaway loop is.
    codes = [client.get(state_url).status_code for _ in range(views_live.LIVE_POLLS_PER_MINUTE)]
    assert codes.count(429) == 1 and codes[:60].count(200) == 60
    assert client.get(state_url).status_code == 429


def test_the_final_screen_shows_misconceptions_and_the_leaderboard_only_when_asked(
    client, session, classroom, member, teacher_a
):
    from quiz.models import Question

    s = live.step(session, "open")
    question = Question.objects.get(pk=s.question_ids[0])
    live.record_answer(s, member, question.pk, wrong_choice(question))
    live.step(s, "finish")
    client.force_login(teacher_a)
    url = reverse("classroom:live-projector", kwargs={"pk": session.pk})
    html = client.get(url).content.decode()
    misconception = question.choices.get(pk=wrong_choice(question)[0]).misconception
    assert misconception in html and "Most right answers" not in html
    Member.objects.create(classroom=classroom, nickname="Bob", owner_token="b")
    classroom.show_leaderboard = True
    classroom.save()
    LiveResponse.objects.filter(member=member).update(is_correct=True)
    html = client.get(url).content.decode()
    assert "Most right answers" in html and "Ada" in html


def test_the_phone_polls_with_a_signed_token_in_one_query(
    client, session, member, django_assert_num_queries
):
    import re

    from django.core.cache import cache

    cache.clear()
    as_member(client, member)
    code = member.classroom.code
    html = client.get(reverse("classroom:live-student", kwargs={"code": code})).content.decode()
    url = re.search(r'data-live-state="([^"]+)"', html).group(1).replace("&amp;", "&")
    fresh = type(client)()  # no session at all: the token is enough to read the state
    with django_assert_num_queries(1):
        state = fresh.get(url)
    assert state.status_code == 200 and state.json()["session"] == session.pk
    forged = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert fresh.get(forged).status_code == 404
    other = Classroom.objects.create(name="Other", owner=member.classroom.owner)
    elsewhere = url.replace(f"/class/{code}/", f"/class/{other.code}/")
    assert fresh.get(elsewhere).status_code == 404
