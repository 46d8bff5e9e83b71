"""In a browser: an explorable simulation page. Moving a slider (arrow keys on the range input)
redraws the chart in place (no navigation) and puts the state in the address; reloading that
address shows the same values; without JavaScript the plain form still posts and shows a run;
axe finds nothing serious."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import DEVICES, TIMEOUT_MS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SLUG = "metric-mismatch"  # prevalence: 0.5 to 50 by 0.5, default 2
PAGE = f"/en/simulations/{SLUG}/"
# The first preview computes a run (a few hundred ms on an idle machine, more on a busy one).
RENDER_MS = 30_000


def rendered(page, count: int):
    expect(page.locator("[data-explore-panel]")).to_have_attribute(
        "data-rendered", str(count), timeout=RENDER_MS
    )


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_slider_redraws_the_chart_in_place_and_the_address_follows(
    open_page, browser_errors, device
):
    page = open_page(device)
    page.goto(PAGE)
    rendered(page, 1)  # the page draws the result of its form's values on arrival
    panel = page.locator("[data-explore-panel]")
    expect(panel.locator(".sim-chart svg").first).to_be_attached()
    first_finding = panel.locator("[data-explore-findings] li").first.inner_text()
    page.evaluate("() => { window.__explorableMarker = 'still here'; }")

    slider = page.locator("#id_prevalence-range")
    expect(slider).to_have_attribute("type", "range")
    slider.focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#id_prevalence")).to_have_value("5")  # the number field follows
    # Redrawn in place for the value the burst settled on (how many redraws on the way depends
    # on what the page had asked ahead: each position it holds is drawn at once).
    expect(page).to_have_url(re.compile(r"[?&]prevalence=5\.0(&|$)"), timeout=RENDER_MS)
    expect(panel).not_to_have_attribute("aria-busy", "true", timeout=RENDER_MS)
    assert int(panel.get_attribute("data-rendered")) >= 2

    # Same document: no navigation happened, the marker survived.
    assert page.evaluate("() => window.__explorableMarker") == "still here"
    assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1
    expect(page).to_have_url(re.compile(r"[?&]prevalence=5\.0(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]seed=0(&|$)"))
    assert panel.locator("[data-explore-findings] li").first.inner_text() != first_finding
    expect(panel.locator(".sim-chart svg").first).to_be_attached()

    # The address is a permalink: opening it again shows the same values.
    address = page.url
    page.goto(address)
    expect(page.locator("#id_prevalence")).to_have_value("5.0")
    rendered(page, 1)
    expect(page.locator("#id_prevalence-range")).to_have_value("5")
    assert browser_errors == []


def test_keep_this_run_stores_what_is_shown(open_page, browser_errors):
    page = open_page("desktop")
    page.goto(PAGE + "?prevalence=4.5&seed=3")
    rendered(page, 1)
    page.get_by_role("button", name="Keep this run").click()
    expect(page).to_have_url(re.compile(r"/en/simulations/runs/[0-9a-f]{64}/$"))
    expect(page.locator("main")).to_contain_text("Seed 3")
    expect(page.locator("main")).to_contain_text("4.5")
    assert browser_errors == []


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_without_javascript_the_form_still_posts_and_shows_a_run(
    browser, live_server, transactional_db, device
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="en-GB", **DEVICES[device]
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(PAGE + "?prevalence=3.5&seed=8")
        expect(page.locator("#id_prevalence")).to_have_value("3.5")
        expect(page.locator("[data-explore-panel]")).to_be_hidden()
        expect(page.locator("input[type=range]")).to_have_count(0)
        page.get_by_role("button", name="Run the simulation").click()
        expect(page).to_have_url(
            re.compile(r"/en/simulations/runs/[0-9a-f]{64}/$"), timeout=RENDER_MS
        )
        expect(page.locator("main")).to_contain_text("Seed 8")
        expect(page.locator("main")).to_contain_text("3.5")
    finally:
        context.close()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_explorable_page_is_accessible(open_page, browser_errors, device):
    page = open_page(device)
    page.goto(PAGE)
    rendered(page, 1)
    assert_accessible(page, name=f"explorable {device}")
    assert browser_errors == []


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_case_page_embeds_the_explorable_near_its_top(open_page, browser_errors, device):
    from tests.kb.factories import CaseStudyFactory

    case = CaseStudyFactory(slug="predpol", title="Predictive policing")
    page = open_page(device)
    page.goto(case.get_absolute_url())
    page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name="Run it yourself"
    ).click()
    expect(page).to_have_url(re.compile(r"#run-it$"))
    form = page.locator("#explore-feedback-loop")
    rendered(page, 1)
    expect(form.locator(".sim-chart svg")).to_have_count(1)  # compact: the first chart only
    expect(form.locator("[data-explore-findings] li")).to_have_count(1)
    page.evaluate("() => { window.__explorableMarker = 'still here'; }")
    form.locator("#explore-rate_a-range").focus()
    page.keyboard.press("ArrowLeft")
    rendered(page, 2)
    assert page.evaluate("() => window.__explorableMarker") == "still here"
    link = form.get_by_role("link", name="Open the whole simulation with these values")
    expect(link).to_have_attribute(
        "href", re.compile(r"/en/simulations/feedback-loop/\?.*rate_a=0\.29")
    )
    assert_accessible(page, name=f"case explorable {device}")
    assert browser_errors == []
