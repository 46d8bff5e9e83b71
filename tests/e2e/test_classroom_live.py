"""The live check-in in real browsers: the projector and two students' phones at once."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from playwright.sync_api import expect

from classroom import live
from classroom.models import Classroom, LiveResponse, Member
from classroom.services import SESSION_MEMBERS_KEY
from kb.teachers import TEACHERS_GROUP
from tests.quiz.factories import QuizFactory, single, truefalse

from .axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FOLLOW_MS = 2_000 + 1_000  # the 2 s, plus slack for a machine shared by 8 test runs


def cookie(live_server, key):
    return [{"name": "sessionid", "value": key, "url": live_server.url}]


def test_the_projector_counts_answers_without_reload_and_phones_follow_next(
    open_page, live_server, browser_errors
):
    teacher = User.objects.create_user("prof", password="prof-pass-123", is_staff=True)
    teacher.groups.add(Group.objects.get(name=TEACHERS_GROUP))
    classroom = Classroom.objects.create(name="L3 groupe 1", owner=teacher)
    quiz = QuizFactory(title="Check-in quiz")
    single(quiz, right="Right answer", wrong=("Wrong one", "Wrong two"))
    truefalse(quiz, answer=False)
    session = live.start(classroom, quiz, user=teacher)

    client = Client()
    client.force_login(teacher)
    projector = open_page("desktop")
    projector.context.add_cookies(cookie(live_server, client.cookies["sessionid"].value))
    phones = []
    for nickname in ("Ada", "Bob"):
        member = Member.objects.create(classroom=classroom, nickname=nickname, owner_token=nickname)
        store = SessionStore()
        store[SESSION_MEMBERS_KEY] = {classroom.code: member.pk}
        store.create()
        phone = open_page("phone")
        phone.context.add_cookies(cookie(live_server, store.session_key))
        phone.goto(f"/en/class/{classroom.code}/live/")
        expect(phone.get_by_role("heading", name="You are in!")).to_be_visible()
        phones.append(phone)

    projector.goto(f"/en/teach/live/{session.pk}/")
    expect(projector.locator(".live-qr svg")).to_be_visible()
    assert_accessible(projector, name="projector lobby")
    projector.get_by_role("button", name="Ask the first question").click()
    expect(projector.get_by_role("heading", name="Question 1 of 2")).to_be_visible()
    answers = projector.locator('[data-live-count="answers"]')
    expect(answers).to_have_text("0")
    projector.evaluate("window.notReloaded = true")

    # Both phones follow within 2 s, without anyone touching them.
    for phone in phones:
        expect(phone.get_by_role("heading", name="Question 1 of 2")).to_be_visible(
            timeout=FOLLOW_MS
        )
    assert_accessible(phones[0], name="phone question")

    ada, bob = phones
    ada.get_by_label("Right answer").check()
    ada.get_by_role("button", name="Send my answer").click()
    expect(ada.get_by_text("Answer recorded.").first).to_be_visible()
    expect(answers).to_have_text("1", timeout=FOLLOW_MS)
    bob.get_by_label("Wrong one").check()
    bob.get_by_role("button", name="Send my answer").click()
    expect(answers).to_have_text("2", timeout=FOLLOW_MS)
    assert projector.evaluate("window.notReloaded === true")  # counted in place
    assert LiveResponse.objects.count() == 2

    projector.get_by_role("button", name="Reveal the answer").click()
    expect(projector.get_by_role("heading", name="How the class answered")).to_be_visible()
    expect(ada.get_by_text("Right!")).to_be_visible(timeout=FOLLOW_MS)
    expect(bob.get_by_text("Not this time.")).to_be_visible(timeout=FOLLOW_MS)

    projector.get_by_role("button", name="Next question").click()
    for phone in phones:
        expect(phone.get_by_role("heading", name="Question 2 of 2")).to_be_visible(
            timeout=FOLLOW_MS
        )
        expect(phone.get_by_role("button", name="Send my answer")).to_be_visible()
    expect(projector).to_have_url(re.compile(rf"/teach/live/{session.pk}/$"))
    assert browser_errors == []
