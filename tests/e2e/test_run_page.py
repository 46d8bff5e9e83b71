"""The run page a student reads at a glance, and two runs compared, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from simulations.services import get_or_run

from .axe import assert_accessible
from .helpers import focused_matches, has_focus_indicator, tab_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TWO_PHONE_SCREENS = 1700  # CSS px at 390×844


def charts_drawn(page) -> None:
    charts = page.locator(".sim-chart")
    for n in range(charts.count()):
        expect(charts.nth(n)).to_have_class(re.compile(r"\bsim-chart-drawn\b"), timeout=20_000)


def top_of(page, selector: str) -> float:
    return page.evaluate(
        "(s) => document.querySelector(s).getBoundingClientRect().top + window.scrollY", selector
    )


@pytest.mark.parametrize("slug", ["feedback-loop", "base-rate"])
def test_phone_first_chart_within_two_screens(open_page, browser_errors, slug):
    run, _ = get_or_run(slug=slug, params={}, seed=1)
    page = open_page("phone")
    page.goto(run.get_absolute_url())
    charts_drawn(page)
    first_chart = top_of(page, ".sim-chart")
    print(f"{slug}: first chart at y={first_chart:.0f} px on a 390×844 phone")
    assert first_chart < TWO_PHONE_SCREENS
    # question → chart → findings → actions → details, top to bottom
    tops = [
        top_of(page, ".sim-lead"),
        first_chart,
        top_of(page, "#findings-heading"),
        top_of(page, "#run-actions"),
        top_of(page, "#details-heading"),
        top_of(page, "#inputs-heading"),
        top_of(page, "#checks"),
    ]
    assert tops == sorted(tops)
    assert top_of(page, "#run-actions") < 2 * TWO_PHONE_SCREENS  # not behind the tables
    # the checks are folded; opening them shows the publications
    checks = page.locator("#checks")
    expect(checks.locator(".sim-check").first).to_be_hidden()
    checks.locator("summary").click()
    expect(checks.locator(".sim-check").first).to_be_visible()
    assert not browser_errors, browser_errors


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_pin_run_another_and_compare(open_page, browser_errors, device):
    run, _ = get_or_run(slug="base-rate", params={}, seed=1)
    page = open_page(device)
    page.goto(run.get_absolute_url())
    page.get_by_role("button", name="Pin this run").click()
    expect(page.get_by_text("This run is pinned.")).to_be_visible()
    expect(page.get_by_role("button", name="Compare with the pinned run")).to_have_count(0)

    page.get_by_role("button", name="Run again with another seed").click()
    expect(page).not_to_have_url(re.compile(run.key))
    page.get_by_role("button", name="Compare with the pinned run").click()
    expect(page).to_have_url(re.compile(rf"/runs/{run.key}/compare/[0-9a-f]{{64}}/$"))

    expect(page.get_by_role("heading", name=re.compile(r"two runs compared"))).to_be_visible()
    expect(page.locator(".sim-findings-a li").first).to_be_visible()
    expect(page.locator(".sim-findings-b li").first).to_be_visible()
    # only the seed changed: one highlighted input, labelled in words
    changed = page.locator(".sim-compare-table tr.sim-changed th")
    expect(changed.first).to_contain_text("Seed")
    # metrics carry both values and a difference
    metric_rows = page.locator("section[aria-labelledby=metrics-heading] tbody tr")
    assert metric_rows.count() > 3
    differences = metric_rows.locator("td:nth-child(4)").all_inner_texts()
    assert any(re.match(r"^[+−]", text) for text in differences), differences
    charts_drawn(page)
    assert page.locator(".sim-chart svg").count() >= 1
    assert_accessible(page, name=f"compare ({device})")
    assert not browser_errors, browser_errors


def test_keyboard_only_pin_and_compare(open_page, browser_errors):
    run, _ = get_or_run(slug="base-rate", params={}, seed=1)
    other, _ = get_or_run(slug="base-rate", params={}, seed=2)
    page = open_page("desktop")
    page.goto(run.get_absolute_url())
    tab_until(page, "#compare button[type=submit]")
    assert has_focus_indicator(page)
    page.keyboard.press("Enter")
    expect(page.get_by_text("This run is pinned.")).to_be_visible()

    page.goto(other.get_absolute_url())
    tab_until(page, "#compare a[role=button]")
    assert has_focus_indicator(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/runs/{run.key}/compare/{other.key}/$"))
    # the tables scroll with the keyboard (focusable regions), the run links are reachable
    tab_until(page, "a[href$='" + other.get_absolute_url() + "']")
    assert focused_matches(page, "a") and has_focus_indicator(page)
    assert not browser_errors, browser_errors


@pytest.mark.parametrize("slug", ["feedback-loop", "base-rate"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_run_page_is_accessible(open_page, browser_errors, device, slug):
    run, _ = get_or_run(slug=slug, params={}, seed=1)
    page = open_page(device)
    page.goto(run.get_absolute_url())
    charts_drawn(page)
    page.locator("#checks summary").click()
    assert_accessible(page, name=f"run {slug} ({device})")
    assert not browser_errors, browser_errors
