"""A quiz taken with the keyboard only: Tab, Space, the arrow keys and Enter; no click."""

import re

import pytest
from playwright.sync_api import expect

from .content import RIGHT, WRONG, case_quiz, predpol_case
from .helpers import focused_matches, has_focus_indicator, tab_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def checked(page, label: str) -> bool:
    return page.get_by_label(label).is_checked()


def test_keyboard_only_quiz_reaches_the_result_page(page, browser_errors):
    quiz = case_quiz(predpol_case())
    page.goto(quiz.get_absolute_url())

    # The first Tab reaches the skip link; Enter on it moves focus to the main content.
    page.keyboard.press("Tab")
    assert focused_matches(page, "a.skip-link")
    assert has_focus_indicator(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))

    # Question 1 (single choice): Space picks the focused radio, arrows move the choice.
    tab_until(page, "#question-1 input[type=radio]")
    assert has_focus_indicator(page)
    page.keyboard.press("Space")
    assert checked(page, RIGHT)
    page.keyboard.press("ArrowDown")
    assert checked(page, WRONG) and not checked(page, RIGHT)
    page.keyboard.press("ArrowUp")
    assert checked(page, RIGHT) and not checked(page, WRONG)

    # Question 2 (several answers): Tab from box to box, Space ticks.
    tab_until(page, "#question-2 input[type=checkbox]")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused_matches(page, "#question-2 input[type=checkbox]")
    page.keyboard.press("Space")
    assert checked(page, "Counting reported incidents")
    assert checked(page, "Ensign et al.'s correction")
    assert not checked(page, "More patrols in region A")

    # Question 3 (numeric): type the answer.
    tab_until(page, "#question-3 input[type=text]")
    page.keyboard.type("60")

    tab_until(page, "button.submit-quiz")
    assert has_focus_indicator(page)
    page.keyboard.press("Enter")

    # The fragment of the skip link survives the form post and its redirect.
    expect(page).to_have_url(re.compile(r"/en/quizzes/attempts/[0-9a-f-]+/(#main)?$"))
    expect(page.locator(".score")).to_contain_text("You scored 3 / 3")
    # The result page is keyboard-reachable too: Tab reaches the retake link.
    tab_until(page, "main a[role=button]")
    assert browser_errors == []
