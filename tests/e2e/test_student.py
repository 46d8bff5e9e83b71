"""A student on a phone: reads a case, runs its simulation, takes its quiz and reads the feedback."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.kb.factories import CaseStudyFactory

from .content import (
    CASE_TITLE,
    GENERAL_FEEDBACK,
    RIGHT,
    WRONG,
    WRONG_FEEDBACK,
    case_quiz,
    predpol_case,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MIN_CHART_PX = 50


def test_student_on_a_phone_reads_a_case_and_runs_its_simulation(phone, browser_errors):
    case = predpol_case()

    phone.goto(case.get_absolute_url())
    expect(phone.get_by_role("heading", level=1)).to_have_text(CASE_TITLE)
    expect(phone.locator("#story")).to_contain_text("It learnt from its own records.")
    expect(phone.locator("#sources li")).to_have_count(3)
    expect(phone.locator("#source-3")).to_contain_text("Report of another document")
    expect(phone.locator("#source-1")).not_to_contain_text("Report of another document")

    panel = phone.locator(".sim-panel")
    panel.scroll_into_view_if_needed()
    panel.get_by_role("link", name="Change the parameters").click()
    expect(phone).to_have_url(re.compile(r"/en/simulations/feedback-loop/#run-form$"))

    rate = phone.get_by_role("spinbutton", name="Incident rate in region A")
    expect(rate).to_have_value("0.3")
    rate.fill("0.45")
    phone.get_by_role("button", name="Run the simulation").click()

    expect(phone).to_have_url(re.compile(r"/en/simulations/runs/[^/]+/$"))
    inputs = phone.locator("section", has=phone.locator("#inputs-heading"))
    expect(inputs.get_by_role("row", name=re.compile("Incident rate in region A"))).to_contain_text(
        "0.45"
    )

    charts = phone.locator(".sim-chart")
    assert charts.count() >= 1
    for n in range(charts.count()):
        chart = charts.nth(n)
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_class(re.compile(r"\bsim-chart-drawn\b"))
        drawn = chart.locator("svg, canvas").first
        box = drawn.bounding_box()
        assert box is not None, f"chart {n + 1} has no rendered SVG/canvas"
        assert box["width"] > MIN_CHART_PX and box["height"] > MIN_CHART_PX, box
        # On a phone the chart fits the screen.
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1, box

    # Once drawn, each chart's data table folds into a <details>; the student opens the first.
    figure = phone.locator("figure.sim-figure").first
    table = figure.locator("details.sim-data table")
    expect(table).to_be_hidden()
    figure.locator("details.sim-data summary").click()
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() > 0
    assert browser_errors == []


def test_student_on_a_phone_takes_the_case_quiz_and_reads_the_feedback(phone, browser_errors):
    case = predpol_case()
    quiz = case_quiz(case)

    phone.goto(case.get_absolute_url())
    phone.locator(".quiz-panel").get_by_role("link", name=quiz.title).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(quiz.title)
    # A phone shows one question at a time (tests/e2e/test_quiz_paged.py); this student
    # prefers the whole form.
    phone.get_by_role("button", name="All questions").click()

    phone.get_by_label(WRONG).check()
    phone.get_by_label("Counting reported incidents").check()
    phone.get_by_label("Ensign et al.'s correction").check()
    phone.get_by_label("Your answer").fill("60")
    phone.get_by_role("button", name="Submit answers").click()

    expect(phone).to_have_url(re.compile(r"/en/quizzes/attempts/[0-9a-f-]+/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Your result: {quiz.title}")
    expect(phone.locator(".score")).to_contain_text("You scored 2 / 3")
    first = phone.locator("#answer-1")
    expect(first.locator(".verdict")).to_contain_text("Not right.")
    expect(first).to_contain_text(WRONG_FEEDBACK)
    expect(first).to_contain_text(f"The right answer{RIGHT}")
    expect(first).to_contain_text("Common misconception: Records are a census of crime.")
    expect(first.locator(".general-feedback")).to_have_text(GENERAL_FEEDBACK)
    expect(phone.locator("#answer-2 .verdict")).to_contain_text("Right.")
    expect(phone.locator("#answer-3 .verdict")).to_contain_text("Right.")
    assert browser_errors == []


def test_student_checks_answers_one_by_one_without_reloading_then_submits(phone, browser_errors):
    """Feedback after each question: the first check starts the attempt (the page's script
    learns its id), later checks and the submission carry on with that same attempt."""
    from quiz.models import Attempt

    quiz = case_quiz(predpol_case())
    quiz.feedback_timing = "each"
    quiz.save()
    phone.goto(quiz.get_absolute_url())
    assert not Attempt.objects.exists()  # opening the quiz started nothing
    phone.get_by_role("button", name="All questions").click()
    url = phone.url

    first = phone.locator("#question-1")
    first.get_by_label(WRONG).check()
    first.get_by_role("button", name="Check this answer").click()
    expect(first.locator(".feedback-slot")).to_contain_text(WRONG_FEEDBACK)
    expect(first.get_by_label(WRONG)).to_be_disabled()
    assert phone.url == url  # no reload
    attempt = Attempt.objects.get()
    expect(phone.locator("input[name=attempt]")).to_have_value(str(attempt.public_id))

    second = phone.locator("#question-2")
    second.get_by_label("Counting reported incidents").check()
    second.get_by_label("Ensign et al.'s correction").check()
    second.get_by_role("button", name="Check this answer").click()
    expect(second.locator(".feedback-slot")).to_contain_text("Both add information")
    phone.get_by_label("Your answer").fill("60")
    phone.get_by_role("button", name="Submit answers").click()

    expect(phone).to_have_url(re.compile(rf"/en/quizzes/attempts/{attempt.public_id}/$"))
    expect(phone.locator(".score")).to_contain_text("You scored 2 / 3")
    assert Attempt.objects.count() == 1
    assert browser_errors == []


def test_student_on_a_phone_searches_the_cases(phone, browser_errors):
    """The search box reads the search index (kb.search): any case, two words in different
    fields, part of a word (SQLite) or another form of it (PostgreSQL); an edit is found by the
    next search."""
    case = predpol_case()
    CaseStudyFactory(title="Border kiosk", summary="Lie detection", body="An avatar asks.")

    def search(words):
        phone.goto("/en/cases/")
        phone.get_by_role("searchbox", name="Search cases").fill(words)
        phone.get_by_role("button", name="Search", exact=True).click()
        return phone.locator(".card-grid .case-card")

    cards = search("LEARNT patrols")  # body (any case) and summary
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(CASE_TITLE)
    expect(phone.locator(".results-summary")).to_contain_text("1 case matches")
    expect(phone.get_by_role("searchbox", name="Search cases")).to_have_value("LEARNT patrols")

    if connection.vendor == "postgresql":  # full-text search: words, stemmed
        expect(search("asking")).to_have_count(1)
    else:  # any part of a word
        expect(search("avat")).to_have_count(1)
    expect(search("avatar patrols")).to_have_count(0)
    expect(phone.get_by_text("No case matches.")).to_be_visible()

    case.body = "The vendor renamed its software."  # as a teacher's edit saves it
    case.save()
    cards = search("renamed")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(CASE_TITLE)
    expect(search("learnt")).to_have_count(0)
    assert browser_errors == []
