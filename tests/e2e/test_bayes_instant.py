"""In a browser: base-rate's 1,000 dots drawn from Bayes' rule by static/simulations/bayes.js.

The browser's expected counts are exactly the engine's (the same floating-point numbers) over a
grid of parameters, its dots are the server's largest-remainder dots, and its Vega-Lite spec is
simulations/extra_charts.dots_spec's; moving a slider redraws the dots with no server answer."""

import itertools
import json

import pytest
from playwright.sync_api import expect

from simulations.engine import get
from simulations.extra_charts import base_rate_instant, dots_spec, whole_dots
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import TIMEOUT_MS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGE = "/en/simulations/base-rate/"
KEYS = ("travellers", "base_rate", "sensitivity", "specificity", "group_b_share", "group_b_drop")
# Sizes kept small (the engine samples every traveller); the arithmetic does not depend on them.
GRID = [
    dict(zip(KEYS, values, strict=True))
    for values in itertools.product(
        (10, 333, 4_321),
        (0.01, 1.0, 7.0, 33.3, 50.0),
        (1.0, 76.0, 99.5),
        (60.0, 76.0, 100.0),
        (0.0, 20.0, 90.0),
        (0.0, 12.0, 40.0),
    )
][::7]  # every 7th of 1,215: 174 points spread over every value


def _engine_expected(params):
    result = get("base-rate").run(params, seed=1)
    rows = next(t for t in result.tables if t.key == "confusion").rows
    return [
        row["expected"] for row in rows
    ]  # liars flagged, honest flagged, liars / honest cleared


def test_the_browser_gives_the_engines_expected_counts_dots_and_spec(page):
    page.goto(PAGE)
    expect(page.locator("[data-explore-panel]")).to_have_attribute(
        "data-instant", "1", timeout=TIMEOUT_MS
    )
    words = base_rate_instant()
    browser = page.evaluate(
        """([grid, words]) => grid.map((p) => {
            const e = RealityCheckBayes.expected(p);
            const made = RealityCheckBayes.chart(p, words);
            return {counts: [e.tp, e.fp, e.fn, e.tn], dots: made.dots, spec: made.spec};
        })""",
        [GRID, words],
    )
    for params, got in zip(GRID, browser, strict=True):
        expected = _engine_expected(params)
        assert got["counts"] == expected, params  # exactly equal, not approximately
        dots = whole_dots(expected)
        assert got["dots"] == dots, params
        names = [
            words["name"].format(group=label, dots=f"{d:,}")
            for label, d in zip(words["labels"]["border"], dots, strict=True)
        ]
        server = json.loads(json.dumps(dots_spec(words["titles"]["border"], names, dots)))
        assert got["spec"] == server, params


def test_moving_a_slider_redraws_the_dots_without_the_server(open_page, browser_errors):
    page = open_page("phone")
    page.goto(PAGE)
    panel = page.locator("[data-explore-panel]")
    expect(panel).to_have_attribute("data-instant", "1", timeout=TIMEOUT_MS)
    figure = panel.locator(".sim-instant")
    expect(figure.locator("svg")).to_be_attached()
    expect(figure.locator("figcaption")).to_contain_text("Of the 246 flagged, 8 are liars.")
    # From now on the server never answers: the dots still follow the slider.
    page.route("**/preview/**", lambda route: route.abort())
    page.locator("#id_base_rate-range").focus()
    page.keyboard.press("End")  # 50%: half the travellers lie
    expect(panel).to_have_attribute("data-instant", "2", timeout=TIMEOUT_MS)
    expect(figure.locator("figcaption")).to_contain_text("Of the 500 flagged, 380 are liars.")
    expect(page.locator("#id_base_rate")).to_have_value("50")
    label = figure.locator(".sim-chart").get_attribute("aria-label")
    assert label.startswith("1,000 travellers by Bayes' rule") and "380 are liars" in label
    assert_accessible(page, name="base-rate explorable, Bayes dots")
    assert [e for e in browser_errors if "preview" not in e] == []
