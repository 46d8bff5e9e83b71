"""Switching language keeps the visitor on the same object; the French pages pass axe."""

import re

import pytest
from playwright.sync_api import expect

from simulations.services import get_or_run

from .axe import blocking_report
from .content import case_quiz, predpol_case

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def content():
    case = predpol_case(
        title_fr="PredPol à Los Angeles",
        summary_fr="Un logiciel de police prédictive renvoyait les patrouilles dans les mêmes quartiers.",
        body_fr="Le logiciel a été **déployé** en 2011.\n\nIl apprenait de ses propres relevés.",
    )
    quiz = case_quiz(case)
    run, _ = get_or_run(slug="feedback-loop", params={}, seed=7)
    return {"case": case, "quiz": quiz, "run": run}


def switch_to(page, language_name: str) -> None:
    page.get_by_role("navigation", name=re.compile("Language|Langue")).get_by_role(
        "link", name=language_name
    ).click()


def test_french_browser_lands_in_french_and_switches_on_the_same_case(open_page, content):
    page = open_page("phone", locale="fr-FR")
    page.goto("/cases/predpol/?from=test")
    expect(page).to_have_url(re.compile(r"/fr/cases/predpol/\?from=test$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("PredPol à Los Angeles")
    switch_to(page, "English")
    expect(page).to_have_url(re.compile(r"/en/cases/predpol/\?from=test$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("PredPol in Los Angeles")
    # The choice is saved: an unprefixed address now opens in English.
    page.goto("/cases/")
    expect(page).to_have_url(re.compile(r"/en/cases/$"))


def test_run_permalink_keeps_the_run_across_languages(page, content):
    key = content["run"].key
    page.goto(f"/en/simulations/runs/{key}/")
    switch_to(page, "Français")
    expect(page).to_have_url(re.compile(rf"/fr/simulations/runs/{key}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    switch_to(page, "English")
    expect(page).to_have_url(re.compile(rf"/en/simulations/runs/{key}/$"))


def test_quiz_attempt_stays_the_same_attempt_in_french(page, content, browser_errors):
    page.goto(content["quiz"].get_absolute_url())
    page.locator("#question-1 input[type=radio]").first.check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("button", name="Submit anyway").click()
    expect(page).to_have_url(re.compile(r"/en/quizzes/attempts/[0-9a-f-]+/"))
    attempt = re.search(r"/attempts/([0-9a-f-]+)/", page.url).group(1)
    switch_to(page, "Français")
    expect(page).to_have_url(re.compile(rf"/fr/quizzes/attempts/{attempt}/"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert not browser_errors


def test_french_pages_pass_axe(open_page, content):
    page = open_page("desktop", locale="fr-FR")
    reports = []
    for name, path in [
        ("home", "/fr/"),
        ("case list", "/fr/cases/"),
        ("case", "/fr/cases/predpol/"),
        ("simulation", "/fr/simulations/feedback-loop/"),
        ("run", f"/fr/simulations/runs/{content['run'].key}/"),
        ("quiz", content["quiz"].get_absolute_url().replace("/en/", "/fr/")),
    ]:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        reports.append(blocking_report(f"{name} (fr)", page))
    failures = [r for r in reports if r]
    assert not failures, "axe on French pages:\n" + "\n".join(failures)
