"""Real-browser tests: Playwright (sync API) driving Debian's Chromium against `live_server`.

- Every test here is marked `browser` and skipped, with the reason printed by `-ra`, when
  /usr/bin/chromium is missing (Playwright's own browser download does not work here).
- One Chromium per run of this package; a new context (cookies, storage) per page.
- Each test module marks itself `django_db(transaction=True, serialized_rollback=True)`: the live
  server needs committed data, and the rows that data migrations create (the Teachers group and
  its permissions) come back before each test and after the last one, so the rest of the suite
  sees the database as migrations left it.
- Console errors, uncaught exceptions (CSP violations are console errors) and dialogs are
  collected in `browser_errors`; tests assert it is empty.
- A failing test leaves test-artifacts/<test name>.png (one per open page).
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = f"Chromium not found at {CHROMIUM}: browser tests skipped"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HERE = Path(__file__).resolve().parent

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
DEVICES = {"phone": PHONE, "desktop": DESKTOP}

TIMEOUT_MS = 10_000
# Chromium reports CSP violations in the console already; this names the directive and the source.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || "?"}:${e.lineNumber}`);
});
"""


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def pytest_report_header(config):
    if chromium_available():
        return f"browser tests: Chromium at {CHROMIUM}"
    return f"browser tests: {SKIP_REASON}"


def _is_here(path) -> bool:
    return HERE in Path(str(path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    available = chromium_available()
    for item in items:
        if not _is_here(item.path):
            continue
        item.add_marker(pytest.mark.browser)
        if not available:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # `make test` runs the whole suite from tests/, where this conftest is not an initial one and
    # pytest_report_header above is not shown: say it at the end instead.
    if not chromium_available() and any(
        _is_here(report.fspath) for report in terminalreporter.stats.get("skipped", [])
    ):
        terminalreporter.write_line(f"NOTE: {SKIP_REASON}", yellow=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _restore_migrated_rows(django_db_blocker):
    """Put back what data migrations created: the last test's flush removed it."""
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="package")
def browser(django_db_blocker):
    """Chromium, launched once for this package.

    While Playwright runs, its event loop is the running loop of the main thread, so Django
    refuses database calls from it unless DJANGO_ALLOW_ASYNC_UNSAFE is set; it is set only for
    as long as Playwright runs (playwright-pytest #29).
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    originals = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    # With a running loop, asgiref's Local keeps Django's connections in a context variable
    # instead of the thread-local: point it at the same connection objects, so tests, flushes and
    # serialized rollbacks use the connection the test database was set up on (and, for in-memory
    # SQLite, the one the live server shares).
    for alias, connection in originals.items():
        connections[alias] = connection
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
        _restore_migrated_rows(django_db_blocker)


@pytest.fixture
def browser_errors():
    """Console errors, uncaught page errors, CSP violations and dialogs of every page opened."""
    return []


@pytest.fixture
def open_page(browser, live_server, transactional_db, browser_errors, request):
    """open_page("phone" | "desktop", locale="en-GB") → a Page in a fresh context, base URL =
    live server, the browser speaking ``locale``."""
    contexts = []

    def _open(device: str = "desktop", locale: str = "en-GB"):
        # The browser's language (Accept-Language): English unless a test asks for French.
        context = browser.new_context(base_url=live_server.url, locale=locale, **DEVICES[device])
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_REPORTER)
        contexts.append(context)
        page = context.new_page()

        def on_console(message):
            # Chromium asks for /favicon.ico by itself (no page links it) and the site has none:
            # that 404 is not an error of the page under test.
            url = (message.location or {}).get("url", "")
            if message.type == "error" and not url.endswith("/favicon.ico"):
                browser_errors.append(f"console error on {page.url}: {message.text} ({url})")

        def on_dialog(dialog):
            browser_errors.append(f"dialog ({dialog.type}) on {page.url}: {dialog.message}")
            dialog.dismiss()

        page.on("console", on_console)
        page.on(
            "pageerror", lambda error: browser_errors.append(f"page error on {page.url}: {error}")
        )
        page.on("dialog", on_dialog)
        return page

    yield _open

    failed = any(
        getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        shots = [p for c in contexts for p in c.pages]
        for n, page in enumerate(shots):
            suffix = "" if n == 0 else f"-{n + 1}"
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"), full_page=True)
            except Exception as error:  # a crashed page must not hide the test's own failure
                print(f"could not save a screenshot of {page.url}: {error}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    """A desktop page (1280×800)."""
    return open_page("desktop")


@pytest.fixture
def phone(open_page):
    """A phone page (390×844, mobile, touch)."""
    return open_page("phone")
