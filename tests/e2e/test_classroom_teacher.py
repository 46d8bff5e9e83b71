"""A teacher at a desktop creates a class and an assignment at /teach/, with axe on the pages."""

import re
import zoneinfo
from datetime import datetime

import pytest
from django.conf import settings
from playwright.sync_api import expect

from classroom.models import Assignment, Classroom
from tests.classroom.conftest import make_teacher
from tests.e2e.axe import blocking_report
from tests.quiz.factories import QuizFactory, single

pytestmark = pytest.mark.browser


def test_teacher_creates_a_class_and_an_assignment(page, django_user_model, browser_errors):
    make_teacher(django_user_model, "teacher_a")
    make_teacher(django_user_model, "teacher_b")
    quiz = QuizFactory(title="Bias check")
    single(quiz)

    page.goto("/en/teach/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Username").fill("teacher_a")
    page.get_by_label("Password").fill("teacher_a-pass-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My classes", level=1)).to_be_visible()
    reports = [blocking_report("teach home", page)]

    page.get_by_label("Name").fill("M1 — ethics of AI")
    page.get_by_label("Co-teachers").fill("teacher_b")
    page.get_by_role("button", name="Create the class").click()
    classroom = Classroom.objects.get()
    expect(page.locator(".join-code")).to_have_text(classroom.code)
    expect(page.locator(".join-url")).to_have_text(re.compile(rf"/join/{classroom.code}/$"))
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", qr.element_handle()) > 0
    reports.append(blocking_report("class page", page))

    page.get_by_role("button", name="Add an assignment").or_(
        page.get_by_role("link", name="Add an assignment")
    ).click()
    expect(page.get_by_text(f"Times are in the {settings.TIME_ZONE} time zone")).to_be_visible()
    page.get_by_label("Quiz").select_option(label=quiz.title)
    page.get_by_label("Opens at").fill("2026-12-01T08:00")
    page.get_by_label("Closes at").fill("2026-12-09T18:00")
    # The review grid: "The right answers" × "After the close" is ticked by default; untick it
    # and tick "Score" × "Right after submitting", with the keyboard's Space.
    page.get_by_label("The right answers — After the close").uncheck()
    page.get_by_label("Score — Right after submitting").check()
    reports.append(blocking_report("assignment form", page))
    page.get_by_role("button", name="Add the assignment").click()

    expect(page.get_by_role("heading", name="Bias check")).to_be_visible()
    assignment = Assignment.objects.get()
    assert assignment.classroom == classroom
    # 18:00 typed in the site's zone (Paris by default: 17:00 UTC in December).
    typed = datetime(2026, 12, 9, 18, 0, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    assert assignment.closes_at == typed
    assert not assignment.review_closed_right_answers and assignment.review_after_score

    # Phone width: the join code and the page fit (no horizontal scrolling of the page).
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    blocking = [r for r in reports if r]
    assert not blocking, "\n".join(blocking)
    assert not browser_errors, browser_errors
