"""In a browser, on a phone: feedback-loop's unit chart of City 1's patrols, round by round, on
the run page (with its text alternative and table) and in the explorable (first chart)."""

import re

import pytest
from playwright.sync_api import expect

from simulations.services import get_or_run

from .axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "City 1's patrols in each region, round by round"


def marks(figure) -> int:
    """Symbols vega drew in a chart (one per mark; the legend's are elsewhere)."""
    return figure.locator("g.mark-symbol.role-mark path").count()


def test_run_page_draws_one_mark_per_patrol_and_fits_a_phone(open_page, browser_errors):
    run, _ = get_or_run(slug="feedback-loop", params={"days": 200, "cities": 5}, seed=3)
    rows = next(t for t in run.result["tables"] if t["key"] == "patrols_by_round")["rows"]
    page = open_page("phone")
    page.goto(run.get_absolute_url())
    chart = page.locator("#chart-1")
    expect(chart).to_have_class(re.compile(r"\bsim-chart-drawn\b"), timeout=20_000)
    figure = page.locator("figure", has=chart)
    expect(figure).to_contain_text(TITLE)
    # 200 days in 10 rounds of 20: one mark per patrol, in A or in B.
    assert marks(figure) == 200 == sum(r["patrols_a"] + r["patrols_b"] for r in rows)
    last = rows[-1]
    expect(figure).to_contain_text(
        f"in the last round {last['patrols_a']} of 20; A's true share of incidents is 60%"
    )
    # the table behind the picture: the run's own counts
    figure.locator("details summary").first.click()
    table = figure.locator("table")
    expect(table.locator("tbody tr")).to_have_count(10)
    expect(table.locator("tbody tr").last).to_contain_text(str(last["patrols_b"]))
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert_accessible(page, name="feedback-loop run, unit chart")
    assert browser_errors == []


def test_explorable_opens_on_the_unit_chart_and_redraws_it(open_page, browser_errors):
    page = open_page("phone")
    page.goto("/en/simulations/feedback-loop/?days=300&cities=5")
    panel = page.locator("[data-explore-panel]")
    expect(panel).to_have_attribute("data-rendered", "1", timeout=30_000)
    first = panel.locator("[data-explore-charts] figure").first
    expect(first.locator(".sim-live-chart-title")).to_have_text(TITLE)
    assert marks(first) == 10 * 20  # 30 days a round: 20 marks of 1.5 patrols each
    page.locator("#id_rate_b-range").focus()
    page.keyboard.press("End")  # rate B 1.0: more patrols to B
    expect(panel).to_have_attribute("data-rendered", "2", timeout=30_000)
    expect(first.locator(".sim-chart")).to_have_attribute("aria-label", re.compile(TITLE))
    assert marks(first) == 200
    assert browser_errors == []
