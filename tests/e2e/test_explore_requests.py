"""In a browser: when the explorable asks the server. A move made when nothing is pending is
sent at once (no 250 ms pause); moves made while an answer is awaited become one request for
the value they settle on, sent after that answer (never two previews computing at once)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGE = "/en/simulations/metric-mismatch/"  # prevalence: 0.5 to 50 by 0.5, default 2
RENDER_MS = 30_000
RECORDER = """
window.__renders = [];
document.addEventListener("sim:rendered", (e) => { window.__renders.push(e.detail); });
"""


def test_a_move_when_idle_is_sent_at_once_and_a_burst_becomes_one_more_request(
    open_page, browser_errors
):
    page = open_page("desktop")
    page.add_init_script(RECORDER)
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/preview/" in r.url else None)
    page.goto(PAGE)
    panel = page.locator("[data-explore-panel]")
    expect(panel).to_have_attribute("data-rendered", "1", timeout=RENDER_MS)
    slider = page.locator("#id_prevalence-range")
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(panel).to_have_attribute("data-rendered", "2", timeout=RENDER_MS)
    move = page.evaluate("() => window.__renders")[-1]
    assert move["waitMs"] < 100, move  # not the 250 ms pause
    assert len(sent) == 2
    # A burst of five: the first goes at once; the other four become one request, for 5.0,
    # sent once the first has answered.
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#id_prevalence")).to_have_value("5")
    expect(page).to_have_url(re.compile(r"prevalence=5(\.0)?&"), timeout=RENDER_MS)
    expect(panel).not_to_have_attribute("aria-busy", "true", timeout=RENDER_MS)
    assert len(sent) == 4, sent
    assert "prevalence=5" in sent[-1]
    assert browser_errors == []
