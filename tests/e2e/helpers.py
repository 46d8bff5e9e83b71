"""Steps several browser tests share."""

import re

from django.conf import settings
from playwright.sync_api import expect

TEACHER_PASSWORD = "teacher-pass-123"  # tests/conftest.py's `teacher` fixture
# django-simple-history's own history list template (object_history_list.html, a dependency's
# template, not ours) has <p class="paginator" style="border-top: 0">; the CSP blocks that one
# cosmetic style attribute. Only that violation, only on history pages, is let through.
HISTORY_PAGINATOR_STYLE = re.compile(
    r"on \S+/history/: (Applying inline style violates|CSP violation: style-src-attr blocked inline)"
)


def admin_url(path: str = "") -> str:
    return f"/{settings.ADMIN_URL}{path}"


def admin_login(page, username: str = "teacher", password: str = TEACHER_PASSWORD):
    """Log in through the real admin login form (it is where /admin/ sends a stranger)."""
    page.goto(admin_url())
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()


def focused_matches(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_until(page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector` (fails after `limit` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_matches(page, selector):
            return
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML")
    raise AssertionError(f"{limit} × Tab never reached {selector!r}; focus is on {focused}")


def has_focus_indicator(page) -> bool:
    """The focused element shows it: an outline or a box-shadow (Pico's focus ring)."""
    return page.evaluate(
        """() => {
          const style = getComputedStyle(document.activeElement);
          const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
          return outline || style.boxShadow !== "none";
        }"""
    )
