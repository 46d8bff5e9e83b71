"""Screenshots of the main pages, phone (390 px) and desktop (1280 px), into docs/screenshots/.

Run by hand (not part of the test suite), from the repository root:

    .venv/bin/python tests/e2e/take_screenshots.py

It builds a fresh SQLite database at /tmp/shots.sqlite3 with the real content (migrate +
load_initial_content) and a teacher account, starts the site on 127.0.0.1:8104 the way
`make run` does, drives Debian's Chromium through the pages and stops the server. Each image is
a PNG of the page's top two screens (less when the page is shorter), under 400 KB.
"""

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
DB = Path("/tmp/shots.sqlite3")
PORT = 8104
BASE = f"http://127.0.0.1:{PORT}"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEVICES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
MAX_BYTES = 400_000
MAX_SCREENS = 2
TEACHER = ("teacher", "screenshots-teacher-pass-1")

ENV = {
    **os.environ,
    "DATABASE_URL": f"sqlite:///{DB}",
    "DJANGO_DEBUG": "1",
    "TEACHER_PASSWORD": TEACHER[1],
}


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def prepare_database() -> None:
    for path in (DB, Path(f"{DB}-wal"), Path(f"{DB}-shm")):
        path.unlink(missing_ok=True)
    manage("migrate", "--no-input", "-v0")
    manage("load_initial_content")
    manage("create_teacher", TEACHER[0], "--password-from-env", "TEACHER_PASSWORD")


def wait_until_up(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{BASE}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server did not answer on {BASE} within {timeout} s")


def save(page, name: str, device: str, *, top: int = 0) -> Path:
    """The page from `top` (CSS px) down, at most two screens tall: readable in the README and
    well under MAX_BYTES."""
    path = OUT / f"{name}-{device}.png"
    viewport = DEVICES[device]["viewport"]
    page_height = page.evaluate("document.documentElement.scrollHeight")
    height = min(page_height - top, MAX_SCREENS * viewport["height"])
    clip = {"x": 0, "y": top, "width": viewport["width"], "height": height}
    data = page.screenshot(full_page=True, clip=clip)
    if len(data) > MAX_BYTES:
        raise RuntimeError(f"{path.name} is {len(data)} bytes, more than {MAX_BYTES}")
    path.write_bytes(data)
    print(f"{path.relative_to(ROOT)}: {viewport['width']}×{height}, {len(data) // 1024} KB")
    return path


def charts_drawn(page) -> None:
    charts = page.locator(".sim-chart")
    for n in range(charts.count()):
        expect(charts.nth(n)).to_have_class(re.compile(r"\bsim-chart-drawn\b"), timeout=20_000)


def take_quiz(page) -> None:
    """Answer the PredPol quiz (first choice everywhere, 1 for numbers) and submit it."""
    page.goto(f"{BASE}/quizzes/predpol/")
    page.get_by_role("button", name="All questions").click()  # phones show one at a time
    for fieldset in page.locator("fieldset.question").all():
        choice = fieldset.locator("input[type=radio], input[type=checkbox]")
        if choice.count():
            choice.first.check()
        else:
            fieldset.locator("input[type=text]").fill("1")
    page.get_by_role("button", name="Submit answers").click()
    anyway = page.get_by_role("button", name="Submit anyway")
    if anyway.count():
        anyway.click()
    expect(page.locator(".score")).to_be_visible()


def shoot(browser, device: str) -> None:
    context = browser.new_context(**DEVICES[device])
    context.set_default_timeout(20_000)
    page = context.new_page()

    page.goto(f"{BASE}/")
    save(page, "home", device)
    page.goto(f"{BASE}/cases/")
    save(page, "case-list", device)
    page.goto(f"{BASE}/cases/predpol/")
    save(page, "case-detail", device)
    page.goto(f"{BASE}/simulations/feedback-loop/")
    save(page, "simulation", device)
    page.locator(".sim-preset-button").first.click()
    expect(page).to_have_url(re.compile(r"/en/simulations/runs/"))
    charts_drawn(page)
    save(page, "run", device)
    charts_top = page.evaluate(
        "document.getElementById('charts-heading').getBoundingClientRect().top + window.scrollY"
    )
    save(page, "run-charts", device, top=max(0, int(charts_top) - 16))
    # Pin this run, run the next preset, and compare the two.
    page.get_by_role("button", name="Pin this run").click()
    page.goto(f"{BASE}/simulations/feedback-loop/")
    page.locator(".sim-preset-button").nth(1).click()
    expect(page).to_have_url(re.compile(r"/en/simulations/runs/"))
    page.get_by_role("button", name="Compare with the pinned run").click()
    expect(page).to_have_url(re.compile(r"/compare/"))
    charts_drawn(page)
    save(page, "compare", device)
    charts_top = page.evaluate(
        "document.getElementById('charts-heading').getBoundingClientRect().top + window.scrollY"
    )
    save(page, "compare-charts", device, top=max(0, int(charts_top) - 16))
    # base-rate at its defaults: the 1,000 travellers as dots come first.
    page.goto(f"{BASE}/simulations/base-rate/")
    page.get_by_role("button", name="Run the simulation").click()
    expect(page).to_have_url(re.compile(r"/en/simulations/runs/"))
    charts_drawn(page)
    save(page, "run-base-rate", device)
    page.goto(f"{BASE}/quizzes/predpol/")
    save(page, "quiz", device)
    take_quiz(page)
    save(page, "quiz-result", device)

    log_in(page)
    page.goto(f"{BASE}/admin/kb/casestudy/?q=predpol")
    page.locator("#result_list tbody tr a").first.click()
    expect(page.locator("form#casestudy_form")).to_be_visible()
    save(page, "admin-change-form", device)
    context.close()


def log_in(page) -> None:
    page.goto(f"{BASE}/admin/login/")
    page.get_by_label("Username").fill(TEACHER[0])
    page.get_by_label("Password").fill(TEACHER[1])
    page.get_by_role("button", name="Log in").click()


def shoot_classroom(browser) -> None:
    """A class and its live check-in: the teacher at 1280 px (class page, projector), a student
    on a phone who joins from the lobby's QR code link and answers."""
    teacher = browser.new_context(**DEVICES["desktop"])
    teacher.set_default_timeout(20_000)
    projector = teacher.new_page()
    log_in(projector)
    projector.goto(f"{BASE}/teach/")
    projector.locator("#id_name").fill("L3 MIASHS — groupe 1")
    projector.get_by_role("button", name="Create the class").click()
    expect(projector).to_have_url(re.compile(r"/teach/classes/[A-Z0-9]+/$"))
    code = re.search(r"/teach/classes/([A-Z0-9]+)/", projector.url).group(1)
    save(projector, "teach-class", "desktop")
    projector.locator("select[name=quiz]").select_option(label="PredPol: predicting where crime is recorded")
    projector.get_by_role("button", name="Start a live check-in").click()
    expect(projector).to_have_url(re.compile(r"/teach/live/\d+/$"))
    save(projector, "live-projector-lobby", "desktop")

    student = browser.new_context(**DEVICES["phone"])
    student.set_default_timeout(20_000)
    phone = student.new_page()
    phone.goto(f"{BASE}/join/{code}/")
    phone.locator("#id_nickname").fill("Ada")
    phone.get_by_role("button", name="Join the class").click()
    expect(phone).to_have_url(re.compile(rf"/class/{code}/live/$"))  # straight to the check-in
    save(phone, "live-phone-lobby", "phone")

    projector.get_by_role("button", name="Ask the first question").click()
    expect(phone.get_by_role("button", name="Send my answer")).to_be_visible(timeout=10_000)
    save(phone, "live-phone-question", "phone")
    phone.locator("fieldset input[type=radio]").first.check()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("Answer recorded.").first).to_be_visible()
    projector.get_by_role("button", name="Reveal the answer").click()
    save(projector, "live-projector-reveal", "desktop")
    expect(phone.get_by_text("Right answer:").first).to_be_visible(timeout=10_000)
    save(phone, "live-phone-reveal", "phone")
    phone.goto(f"{BASE}/class/{code}/")
    save(phone, "class-live-phone", "phone")
    student.close()
    teacher.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    prepare_database()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            for device in DEVICES:
                shoot(browser, device)
            shoot_classroom(browser)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
