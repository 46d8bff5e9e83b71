"""axe-core on every page type: no serious or critical violation (the others are printed).

One test per visitor walks all its page types (a fresh context per test is the slow part), then
fails with the report of every page that has a blocking violation. Run with -s to see the
counts by impact for each page.
"""

import re

import pytest
from playwright.sync_api import expect

from simulations.services import get_or_run

from .axe import blocking_report
from .content import case_quiz, predpol_case
from .helpers import admin_login, admin_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Django's own admin markup, not this site's templates: SelectFilter2's search icon carries an
# aria-label on a <span> with no role (filter_horizontal widgets, `.selector`), and
# TabularInline rows label their inputs by the column header only (`.tabular`). Left out of the
# admin change form's scan only; every other admin element is checked.
ADMIN_EXCLUDE = (".selector", ".tabular")


@pytest.fixture
def content():
    case = predpol_case()
    quiz = case_quiz(case)
    run, _ = get_or_run(slug="feedback-loop", params={}, seed=42)
    return {"case": case, "theme": case.themes.get(), "quiz": quiz, "run": run}


def submit_quiz(page, quiz) -> None:
    page.goto(quiz.get_absolute_url())
    page.get_by_role("button", name="All questions").click()  # phones open one at a time
    page.locator("#question-1 input[type=radio]").first.check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("button", name="Submit anyway").click()
    expect(page.locator(".score")).to_be_visible()


def wait_for_charts(page) -> None:
    expect(page.locator(".sim-chart").first).to_have_class(re.compile(r"\bsim-chart-drawn\b"))


def walk(page, steps, browser_errors) -> None:
    """Visit each (name, go) step, run axe there; fail once at the end with every report."""
    reports = []
    for name, go in steps:
        go()
        # Checked before axe runs: axe's own injected <style> trips the CSP on some pages.
        assert browser_errors == [], name
        reports.append(
            blocking_report(name, page, exclude=ADMIN_EXCLUDE if "admin" in name else ())
        )
    reports = [r for r in reports if r]
    assert not reports, "serious or critical axe violations:\n" + "\n".join(reports)


def anonymous_steps(page, c):
    return [
        ("home", lambda: page.goto("/")),
        ("case list", lambda: page.goto("/en/cases/")),
        ("case detail", lambda: page.goto(c["case"].get_absolute_url())),
        ("theme list", lambda: page.goto("/en/themes/")),
        ("theme detail", lambda: page.goto(c["theme"].get_absolute_url())),
        ("simulation list", lambda: page.goto("/en/simulations/")),
        ("simulation detail", lambda: page.goto("/en/simulations/feedback-loop/")),
        ("run permalink", lambda: (page.goto(c["run"].get_absolute_url()), wait_for_charts(page))),
        ("quiz list", lambda: page.goto("/en/quizzes/")),
        ("quiz page", lambda: page.goto(c["quiz"].get_absolute_url())),
        ("attempt result", lambda: submit_quiz(page, c["quiz"])),
        ("login", lambda: page.goto("/en/accounts/login/")),
        ("signup", lambda: page.goto("/en/accounts/signup/")),
    ]


def student_login(page) -> None:
    page.goto("/en/accounts/login/")
    page.get_by_label("Username").fill("student")
    page.get_by_label("Password").fill("student-pass-123")
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile("/en/accounts/login/"))


# On a phone, the pages whose layout changes most (tables that scroll, charts that resize, the
# question form, the attempts table); the desktop pass covers every page type.
PHONE_PAGES = {
    "case detail",
    "simulation detail",
    "run permalink",
    "quiz page",
    "attempt result",
    "my attempts",
}


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_public_pages_have_no_serious_violation(
    device, open_page, content, student, browser_errors
):
    page = open_page(device)
    steps = anonymous_steps(page, content)
    steps.append(
        (
            "my attempts",
            lambda: (
                student_login(page),
                submit_quiz(page, content["quiz"]),
                page.goto("/en/quizzes/my-attempts/"),
            ),
        )
    )
    if device == "phone":
        steps = [step for step in steps if step[0] in PHONE_PAGES]
    walk(page, steps, browser_errors)


def test_admin_pages_have_no_serious_violation(page, content, teacher, browser_errors):
    case = content["case"]
    steps = [
        ("admin login", lambda: page.goto(admin_url("login/"))),
        (
            "admin change form",
            lambda: (admin_login(page), page.goto(admin_url(f"kb/casestudy/{case.pk}/change/"))),
        ),
    ]
    walk(page, steps, browser_errors)
