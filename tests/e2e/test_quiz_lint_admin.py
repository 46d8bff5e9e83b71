"""A teacher finds the quality checks on a quiz's admin page and follows one to its question,
whose page repeats what to fix."""

import re

import pytest
from playwright.sync_api import expect

from tests.quiz.factories import QuizFactory
from tests.quiz.test_lint import numeric, single

from .axe import blocking_report
from .helpers import admin_login, admin_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Django's own admin markup (see test_accessibility.ADMIN_EXCLUDE): inline rows and filter widgets.
ADMIN_EXCLUDE = (".selector", ".tabular")


def test_teacher_sees_the_checks_and_opens_the_question_to_fix(page, teacher, browser_errors):
    quiz = QuizFactory(slug="checked", title="Checked quiz", shuffle_choices=True)
    single(quiz)
    untolerant = numeric(
        quiz, prompt="How many countries voted for the resolution?", tolerance=None
    )

    admin_login(page)
    page.goto(admin_url(f"quiz/quiz/{quiz.pk}/change/"))
    panel = page.locator(".quiz-lint-report")
    expect(panel).to_contain_text("1 error")
    error = panel.locator('[data-rule="numeric-without-tolerance"]')
    expect(error).to_contain_text("The numeric question has no tolerance")
    assert browser_errors == []
    # axe injects its own <style>, which the CSP blocks: errors are checked before it runs.
    assert blocking_report("quiz admin quality checks", page, exclude=ADMIN_EXCLUDE) == ""
    browser_errors.clear()

    error.get_by_role("link", name=re.compile("Question 2: How many countries")).click()
    expect(page).to_have_url(re.compile(rf"/quiz/question/{untolerant.pk}/change/$"))
    expect(page.locator(".quiz-lint-report")).to_contain_text("has no tolerance")
    expect(page.locator("#id_numeric_tolerance")).to_be_visible()
    assert browser_errors == []
