"""The course path on a phone: home → course → one step (read, predict with the slider, the
reveal with the guess beside the result, run, the quiz link), keyboard only for the guess, and
axe on each page."""

import re

import pytest
from playwright.sync_api import expect

from course.models import Section, Slide
from tests.kb.factories import CaseStudyFactory, ThemeFactory

from .axe import assert_accessible
from .content import case_quiz
from .helpers import focused_matches, has_focus_indicator

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def course():
    """Two steps: a problem (theme) and the iBorderCtrl case with base-rate and its quiz."""
    theme = ThemeFactory(name="Base-rate fallacy", slug="base-rate-fallacy")
    case = CaseStudyFactory(title="iBorderCtrl", slug="iborderctrl", themes=[theme])
    quiz = case_quiz(case, title="iBorderCtrl check", slug="iborderctrl")
    problem = Slide.objects.create(
        number=6, section=Section.PROBLEMS, text_en="Overfitting", text_fr="Le surapprentissage"
    )
    problem.themes.add(theme)
    step = Slide.objects.create(
        number=16,
        section=Section.CASES,
        text_en="Lie detection at the border (iBorderCtrl)",
        text_fr="Détection de mensonge à la frontière (iBorderCtrl)",
        simulations=["base-rate"],
    )
    step.themes.add(theme)
    step.cases.add(case)
    step.quizzes.add(quiz)
    return case, quiz


def test_phone_home_to_one_whole_step(open_page, browser_errors):
    case, quiz = course()
    phone = open_page("phone")
    phone.goto("/en/")
    hook = phone.locator(".home-hook")
    expect(hook).to_contain_text("What share of the travellers it flags are actually lying?")
    expect(hook.locator("#guess-slider")).to_be_visible()  # JavaScript shows the slider
    assert_accessible(phone, name="home")
    hook.get_by_role("button", name="Start the course").click()
    expect(phone).to_have_url(re.compile(r"/en/course/$"))
    expect(phone.locator("#course-progress")).to_contain_text("0 of 2 steps done")
    assert_accessible(phone, name="course")

    step = phone.locator("#step-16")
    expect(step.locator(".step-ticks li")).to_have_count(4)
    # Read: the case page opens, and the step is ticked when the visitor comes back.
    step.get_by_role("link", name="Read: iBorderCtrl").click()
    expect(phone).to_have_url(re.compile(r"/en/cases/iborderctrl/$"))
    phone.go_back()
    phone.reload()
    expect(phone.locator("#step-16 .tick.is-done")).to_have_text(re.compile("Read"))

    # Predict with the slider, then the reveal shows the guess beside the run's value.
    phone.locator("#step-16").get_by_role("link", name="Predict: guess the result first").click()
    expect(phone).to_have_url(re.compile(r"/en/course/16/predict/$"))
    assert_accessible(phone, name="predict")
    slider = phone.locator("#guess-slider")
    slider.focus()
    phone.keyboard.press("Home")
    for _ in range(10):
        phone.keyboard.press("ArrowRight")
    expect(phone.locator("#guess")).to_have_value("10")
    phone.get_by_role("button", name="Check my guess").click()
    expect(phone).to_have_url(re.compile(r"/en/course/16/reveal/$"))
    expect(phone.get_by_test_id("guess-value")).to_have_text("10%")
    expect(phone.get_by_test_id("actual-value")).to_have_text(re.compile(r"^\d+(\.\d)?%$"))
    expect(phone.locator(".reveal-verdict")).to_contain_text("too high")
    expect(phone.locator(".findings li").first).to_be_visible()
    assert_accessible(phone, name="reveal")

    # Run: the step's simulation with the case's preset; the run's permalink opens.
    phone.get_by_role("button", name=re.compile("^Run: ")).click()
    expect(phone).to_have_url(re.compile(r"/en/simulations/runs/[0-9a-f]{64}/$"))
    phone.goto("/en/course/")
    done = phone.locator("#step-16 .tick.is-done")
    expect(done).to_have_count(3)
    quiz_link = phone.locator("#step-16").get_by_role("link", name="Quiz: iBorderCtrl check")
    expect(quiz_link).to_have_attribute("href", quiz.get_absolute_url())
    quiz_link.click()
    expect(phone).to_have_url(re.compile(r"/en/quizzes/iborderctrl/$"))
    # The slide-to-site map, for teachers: a table whose cells link the site's pages.
    phone.goto("/en/course/map/")
    row = phone.locator("#slide-16")
    expect(row.get_by_role("link", name="iBorderCtrl check")).to_be_visible()
    expect(row.get_by_role("link", name=re.compile("Base-rate fallacy"))).to_have_count(2)
    assert_accessible(phone, name="map")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls
    assert not browser_errors, browser_errors


def test_the_guess_with_the_keyboard_only_and_in_french(open_page, browser_errors):
    course()
    page = open_page("desktop", locale="fr-FR")
    page.goto("/fr/parcours/16/prevoir/")
    expect(page.locator("h1")).to_contain_text("Quelle part des voyageurs")
    page.keyboard.press("Tab")  # the skip link
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused_matches(page, "#guess-slider"):
            break
    assert focused_matches(page, "#guess-slider") and has_focus_indicator(page)
    page.keyboard.press("End")
    expect(page.locator("#guess")).to_have_value("100")
    page.keyboard.press("Tab")
    assert focused_matches(page, "#guess")
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/fr/parcours/16/reponse/$"))
    expect(page.get_by_test_id("guess-value")).to_have_text("3\u00a0%")
    assert_accessible(page, name="reveal (fr)")
    assert not browser_errors, browser_errors
