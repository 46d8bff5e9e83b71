"""In a browser: when the explorable asks the server. A move made when nothing is pending is
sent at once (no 250 ms pause); moves made while an answer is awaited become one request for
the value they settle on, sent after that answer (never two previews computing at once). While
the student reads a chart, the page asks ahead for the slider's next positions
(X-Lookahead: 1); a move to one of them draws without asking again."""

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


def asked_ahead(request) -> bool:
    return request.headers.get("x-lookahead") == "1"


def student_requests(page) -> list[str]:
    """The URLs of the previews the page asks for the student's own moves (not ahead)."""
    sent = []
    page.on(
        "request",
        lambda r: sent.append(r.url) if "/preview/" in r.url and not asked_ahead(r) else None,
    )
    return sent


def test_a_move_when_idle_is_sent_at_once_and_a_burst_becomes_one_more_request(
    open_page, browser_errors, settings
):
    # Look-ahead off (the server refuses it at once): this test counts the student's requests.
    settings.SIMULATIONS = {**settings.SIMULATIONS, "LOOKAHEAD_SLOTS": 0}
    page = open_page("desktop")
    page.add_init_script(RECORDER)
    sent = student_requests(page)
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
    # The five presses cost at most three requests (their first, one the page's refused
    # look-ahead may add, and the value they settle on) — never one per press.
    assert 4 <= len(sent) <= 5, sent
    assert "prevalence=5" in sent[-1]
    assert browser_errors == []


def test_the_next_position_asked_ahead_is_drawn_without_asking_again(open_page, browser_errors):
    page = open_page("desktop")
    page.add_init_script(RECORDER)
    sent = student_requests(page)
    # On arrival (prevalence 2), the page asks ahead for the main slider's next step, 2.5.
    with page.expect_response(
        lambda r: asked_ahead(r.request) and "prevalence=2.5&" in r.url, timeout=RENDER_MS
    ) as first:
        page.goto(PAGE)
    panel = page.locator("[data-explore-panel]")
    expect(panel).to_have_attribute("data-rendered", "1", timeout=RENDER_MS)
    assert first.value.status == 200
    assert len(sent) == 1  # the arrival's own preview
    slider = page.locator("#id_prevalence-range")
    slider.focus()
    # 2 → 2.5 (asked ahead); once drawn, the page asks ahead for 3 (the way it moved).
    with page.expect_response(
        lambda r: asked_ahead(r.request) and "prevalence=3&" in r.url, timeout=RENDER_MS
    ) as ahead:
        page.keyboard.press("ArrowRight")
        expect(panel).to_have_attribute("data-rendered", "2", timeout=RENDER_MS)
    assert ahead.value.status == 200
    assert page.evaluate("() => window.__renders")[-1]["ahead"] is True
    assert len(sent) == 1  # 2.5 was asked ahead: no request for it
    page.keyboard.press("ArrowRight")  # 3: already answered
    expect(panel).to_have_attribute("data-rendered", "3", timeout=RENDER_MS)
    expect(page).to_have_url(re.compile(r"prevalence=3(\.0)?&"))
    move = page.evaluate("() => window.__renders")[-1]
    # drawn from the answer asked ahead (from the page's memory, or the moment it is read)
    assert move["ahead"] is True, move
    assert len(sent) == 1, sent  # no request for it
    # what was drawn is what the server answers for 3
    shown = page.locator("[data-explore-findings]").inner_text()
    fresh = page.request.get(ahead.value.url).json()
    assert fresh["findings"][0] in shown
    page.keyboard.press("ArrowLeft")  # back to 2.5: drawn before, kept by the page
    expect(panel).to_have_attribute("data-rendered", "4", timeout=RENDER_MS)
    back = page.evaluate("() => window.__renders")[-1]
    assert back["memory"] is True and back["ahead"] is False, back
    assert len(sent) == 1, sent
    assert browser_errors == []


def test_a_move_elsewhere_abandons_the_look_ahead_and_is_answered(open_page, browser_errors):
    page = open_page("desktop")
    page.add_init_script(RECORDER)
    sent = student_requests(page)
    page.goto(PAGE)
    panel = page.locator("[data-explore-panel]")
    expect(panel).to_have_attribute("data-rendered", "1", timeout=RENDER_MS)
    page.locator("#id_prevalence").fill("10")
    expect(panel).to_have_attribute("data-rendered", "2", timeout=RENDER_MS)
    page.locator("#id_prevalence").fill("20")  # not a neighbour of 10: asked for itself
    expect(panel).to_have_attribute("data-rendered", "3", timeout=RENDER_MS)
    expect(page).to_have_url(re.compile(r"prevalence=20(\.0)?&"))
    assert any("prevalence=20" in url for url in sent), sent
    assert browser_errors == []
