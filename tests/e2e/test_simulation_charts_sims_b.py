"""In a browser: the overfitting run page draws its depth sweep on a categorical axis (depths 1, 2,
… and "no limit" evenly spaced), and the run pages whose texts changed render their findings and
their checks apart from their consistency notes, without console errors."""

import re

import pytest
from playwright.sync_api import expect

from simulations.services import get_or_run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_overfitting_depth_axis_is_readable(page, browser_errors):
    run, _ = get_or_run(
        slug="overfitting", params={"n_people": 40, "n_features": 10, "max_depth": 3}, seed=0
    )
    page.goto(run.get_absolute_url())
    chart = page.locator(".sim-chart").first
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_class(re.compile(r"\bsim-chart-drawn\b"))
    svg = chart.locator("svg").first
    for label in ("1", "2", "3", "no limit"):
        expect(svg.get_by_text(label, exact=True).first).to_be_attached()
    # Evenly spaced categories: "1" and "no limit" both sit inside the plot, not squeezed at
    # the left edge by a numeric axis running to 99.
    xs = [
        svg.get_by_text(label, exact=True).first.bounding_box()["x"]
        for label in ("1", "2", "no limit")
    ]
    assert xs[0] < xs[1] < xs[2]
    assert xs[1] - xs[0] > 40
    assert browser_errors == []


def test_vanishing_gradient_run_page_says_when_the_network_learned_nothing(page, browser_errors):
    run, _ = get_or_run(slug="vanishing-gradient", params={"depth": 6, "steps": 20}, seed=0)
    page.goto(run.get_absolute_url())
    expect(page.locator("main")).to_contain_text("learned nothing from its inputs")
    expect(page.locator("main")).to_contain_text("consistency", ignore_case=True)
    assert browser_errors == []
