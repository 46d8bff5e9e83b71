"""A quiz one question at a time (static/quiz/paged.js): the navigation panel, flags, progress,
answers saved as they are given (quiz/drafts.py) and kept on the device while offline."""

import re

import pytest
from playwright.sync_api import expect

from quiz.models import Attempt, DraftAnswer

from .axe import assert_accessible
from .content import RIGHT, WRONG, case_quiz, predpol_case
from .helpers import focused_matches, has_focus_indicator, tab_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# A fetch the test cuts off on purpose: Chromium logs it as a console error.
CUT_OFF = re.compile(r"net::ERR_(FAILED|INTERNET_DISCONNECTED)")


def panel_button(page, number):
    return page.locator(".pager-nav").get_by_role(
        "button", name=re.compile(rf"^Question {number},")
    )


def progress(page):
    return page.locator(".pager-progress-text")


def saved(page):
    expect(page.locator(".save-status")).to_have_text("Saved")


def test_phone_shows_one_question_with_panel_flags_progress_and_resumes(phone, browser_errors):
    quiz = case_quiz(predpol_case())
    phone.goto(quiz.get_absolute_url())

    # One question on the screen; the others are a tap away.
    expect(phone.locator("#question-1")).to_be_visible()
    expect(phone.locator("#question-2")).to_be_hidden()
    expect(phone.locator("#question-3")).to_be_hidden()
    expect(phone.get_by_role("button", name="Submit answers")).to_be_hidden()
    expect(progress(phone)).to_have_text("Question 1 of 3 · 0 answered")
    expect(panel_button(phone, 1)).to_have_attribute("aria-current", "step")
    expect(panel_button(phone, 1)).to_have_accessible_name("Question 1, not answered")

    # Answer, flag: the panel and the progress say so; the answer is saved at once.
    q1 = phone.locator("#question-1")
    q1.get_by_label(WRONG).check()
    expect(progress(phone)).to_have_text("Question 1 of 3 · 1 answered")
    expect(phone.locator("progress.pager-progress")).to_have_attribute("value", "1")
    q1.get_by_role("button", name="Flag for review").click()
    expect(q1.get_by_role("button", name="Flagged for review")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(panel_button(phone, 1)).to_have_accessible_name(
        "Question 1, answered, flagged for review"
    )
    expect(panel_button(phone, 1).locator(".pager-flag")).to_be_visible()
    saved(phone)
    attempt = Attempt.objects.get()
    assert not attempt.is_submitted and attempt.answers.count() == 0
    assert DraftAnswer.objects.get().flagged is True

    # The panel jumps straight to question 3; Next from there is the review screen.
    panel_button(phone, 3).click()
    expect(phone.locator("#question-3")).to_be_visible()
    expect(phone.locator("#question-1")).to_be_hidden()
    expect(panel_button(phone, 3)).to_have_attribute("aria-current", "step")
    expect(panel_button(phone, 1)).not_to_have_attribute("aria-current", "step")
    expect(progress(phone)).to_have_text("Question 3 of 3 · 1 answered")
    phone.get_by_label("Your answer", exact=True).fill("60")
    phone.locator("#question-3").get_by_role("button", name="Review and submit").click()
    review = phone.locator("#quiz-review")
    expect(review).to_be_visible()
    expect(review).to_be_focused()
    expect(review.get_by_role("heading", name="Review your answers")).to_be_visible()
    expect(review.locator(".review-unanswered")).to_contain_text("Question 2")
    expect(review.locator(".review-unanswered")).not_to_contain_text("Question 1")
    expect(review.locator(".review-flagged")).to_contain_text("Question 1")
    expect(phone.get_by_role("button", name="Submit answers")).to_be_visible()

    # From the review, back to the unanswered question; the first answer can still change.
    review.locator(".review-unanswered").get_by_role("button", name="Question 2").click()
    q2 = phone.locator("#question-2")
    expect(q2).to_be_visible()
    q2.get_by_label("Counting reported incidents").check()
    q2.get_by_label("Ensign et al.'s correction").check()
    q2.get_by_role("button", name="Previous").click()
    q1.get_by_label(RIGHT).check()
    saved(phone)
    expect(progress(phone)).to_have_text("Question 1 of 3 · 3 answered")

    # A reload brings back every answer, the flag and the question the student was on.
    panel_button(phone, 2).click()
    saved(phone)
    phone.reload()
    expect(phone.locator("#question-2")).to_be_visible()
    expect(phone.locator("#question-1")).to_be_hidden()
    expect(phone.get_by_label("Counting reported incidents")).to_be_checked()
    expect(progress(phone)).to_have_text("Question 2 of 3 · 3 answered")
    expect(panel_button(phone, 1)).to_have_accessible_name(
        "Question 1, answered, flagged for review"
    )
    panel_button(phone, 1).click()
    expect(phone.get_by_label(RIGHT)).to_be_checked()
    expect(phone.get_by_label("Your answer", exact=True)).to_have_value("60")

    # Submitted from the review screen: graded from the form, as without JavaScript.
    phone.locator(".pager-nav").get_by_role("button", name="Review", exact=True).click()
    expect(phone.locator(".review-unanswered")).to_be_hidden()
    phone.get_by_role("button", name="Submit answers").click()
    expect(phone).to_have_url(re.compile(rf"/en/quizzes/attempts/{attempt.public_id}/$"))
    expect(phone.locator(".score")).to_contain_text("You scored 3 / 3")
    assert Attempt.objects.count() == 1 and not DraftAnswer.objects.exists()

    # A retake starts clean: nothing of the submitted attempt comes back from this device.
    phone.goto(quiz.get_absolute_url())
    expect(progress(phone)).to_have_text("Question 1 of 3 · 0 answered")
    expect(phone.get_by_label(RIGHT)).not_to_be_checked()
    assert browser_errors == []


def test_offline_answers_stay_on_the_device_and_are_sent_when_back_online(
    open_page, browser_errors
):
    quiz = case_quiz(predpol_case())
    phone = open_page("phone")
    phone.goto(quiz.get_absolute_url())
    status = phone.locator(".save-status")
    expect(status).to_have_attribute("aria-live", "polite")
    phone.locator("#question-1").get_by_label(WRONG).check()
    saved(phone)

    # The connection drops: the answer is kept on the device, and the student is told.
    phone.context.set_offline(True)
    phone.locator(".pager-nav").get_by_role("button", name=re.compile("^Question 2,")).click()
    phone.get_by_label("Counting reported incidents").check()
    expect(status).to_have_text("Not saved — offline, kept on this device")
    assert not DraftAnswer.objects.filter(question__type="multiple").exists()
    # Back online: sent at once.
    phone.context.set_offline(False)
    saved(phone)
    draft = DraftAnswer.objects.get(question__type="multiple")
    assert len(draft.value) == 1

    # A request that never reaches the server (the network fails mid-way): kept in
    # localStorage, restored on the next load and sent then.
    phone.route("**/draft/", lambda route: route.abort())
    phone.locator(".pager-nav").get_by_role("button", name=re.compile("^Question 3,")).click()
    phone.get_by_label("Your answer", exact=True).fill("61")
    expect(status).to_have_text("Not saved — offline, kept on this device")
    assert DraftAnswer.objects.filter(question__type="numeric").count() == 0
    phone.unroute("**/draft/")
    phone.reload()
    expect(phone.get_by_label("Your answer", exact=True)).to_have_value("61")
    saved(phone)
    assert DraftAnswer.objects.get(question__type="numeric").value == "61"
    assert [e for e in browser_errors if not CUT_OFF.search(e)] == []


def test_keyboard_only_on_desktop_switch_to_one_at_a_time_and_submit(page, browser_errors):
    quiz = case_quiz(predpol_case())
    page.goto(quiz.get_absolute_url())
    # Desktop opens with every question; the toggle offers one at a time.
    expect(page.locator("#question-3")).to_be_visible()
    all_button = page.get_by_role("button", name="All questions")
    expect(all_button).to_have_attribute("aria-pressed", "true")

    tab_until(page, "button.view-paged")
    assert has_focus_indicator(page)
    page.keyboard.press("Enter")
    expect(page.locator("#question-3")).to_be_hidden()
    expect(page.locator("#question-1")).to_be_visible()

    # The panel's buttons are in the tab order; Enter on "2" shows question 2, focused.
    tab_until(page, ".pager-jump[data-target=question-2]")
    assert has_focus_indicator(page)
    page.keyboard.press("Enter")
    expect(page.locator("#question-2")).to_be_focused()
    expect(panel_button(page, 2)).to_have_attribute("aria-current", "step")
    tab_until(page, "#question-2 input[type=checkbox]")
    page.keyboard.press("Space")
    tab_until(page, "#question-2 .flag-button")
    page.keyboard.press("Enter")
    expect(panel_button(page, 2)).to_have_accessible_name(
        "Question 2, answered, flagged for review"
    )
    tab_until(page, "#question-2 .pager-prev")
    page.keyboard.press("Enter")
    expect(page.locator("#question-1")).to_be_focused()
    tab_until(page, "#question-1 input[type=radio]")
    page.keyboard.press("Space")
    tab_until(page, "#question-1 .pager-next")
    page.keyboard.press("Enter")
    tab_until(page, "#question-2 .pager-next")
    page.keyboard.press("Enter")
    tab_until(page, "#question-3 input[type=text]")
    page.keyboard.type("60")
    tab_until(page, "#question-3 .pager-next")
    page.keyboard.press("Enter")
    expect(page.locator("#quiz-review")).to_be_focused()
    saved(page)

    # The choice of view lasts for the browser session.
    page.reload()
    expect(page.get_by_role("button", name="One question at a time")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#quiz-review")).to_be_visible()
    expect(page.locator(".review-flagged")).to_contain_text("Question 2")
    tab_until(page, "button.submit-quiz")
    assert focused_matches(page, "button.submit-quiz") and has_focus_indicator(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/quizzes/attempts/[0-9a-f-]+/$"))
    expect(page.locator(".score")).to_contain_text("You scored 2.50 / 3")  # half of question 2
    assert browser_errors == []


def test_feedback_each_checked_answer_stays_final_in_the_panel(phone, browser_errors):
    quiz = case_quiz(predpol_case())
    quiz.feedback_timing = "each"
    quiz.save()
    phone.goto(quiz.get_absolute_url())
    q1 = phone.locator("#question-1")
    q1.get_by_label(WRONG).check()
    q1.get_by_role("button", name="Check this answer").click()
    expect(q1.locator(".feedback-slot")).to_contain_text("Not right.")
    expect(q1.get_by_label(WRONG)).to_be_disabled()
    expect(panel_button(phone, 1)).to_have_accessible_name("Question 1, answered")
    phone.reload()
    expect(phone.locator("#question-1").get_by_label(WRONG)).to_be_disabled()
    expect(progress(phone)).to_have_text("Question 1 of 3 · 1 answered")
    assert Attempt.objects.get().answers.get().is_correct is False
    assert browser_errors == []


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_paged_quiz_passes_axe(open_page, device, browser_errors):
    quiz = case_quiz(predpol_case())
    page = open_page(device)
    page.goto(quiz.get_absolute_url())
    if device == "desktop":
        page.get_by_role("button", name="One question at a time").click()
    page.locator("#question-1").get_by_label(WRONG).check()
    page.locator("#question-1").get_by_role("button", name="Flag for review").click()
    saved(page)
    assert_accessible(page, name=f"quiz one at a time ({device})")
    page.locator(".pager-nav").get_by_role("button", name="Review", exact=True).click()
    assert_accessible(page, name=f"quiz review ({device})")
    page.get_by_role("button", name="All questions").click()
    assert_accessible(page, name=f"quiz all questions ({device})")
    assert browser_errors == []
