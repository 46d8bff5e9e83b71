"""Script in teachers' content never runs: every Markdown and plain-text field holds XSS payloads.

Markdown is rendered and sanitised by nh3 before it reaches a page; plain text is escaped by the
templates; the Content-Security-Policy would block inline script anyway, but this test checks the
first line of defence: no injected element, no event-handler attribute, no javascript: URL, no
dialog, and window.__xss never set.
"""

import pytest
from playwright.sync_api import expect

from quiz.models import QuestionType
from tests.kb.factories import (
    CaseStudyFactory,
    KeyFactFactory,
    SourceFactory,
    ThemeFactory,
    TimelineEventFactory,
)
from tests.quiz.factories import ChoiceFactory, QuestionFactory, QuizFactory

from .helpers import HISTORY_PAGINATOR_STYLE, admin_login, admin_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
LINK = "[x](javascript:window.__xss=1)"
ATTRIBUTE = '" onmouseover="window.__xss=1'
# Markdown fields get each payload as a paragraph of its own and inline, mid-sentence.
MARKDOWN = (
    f"{SCRIPT}\n\n{IMG}\n\n{LINK}\n\n{ATTRIBUTE}\n\nInline: {SCRIPT} {IMG} {LINK} {ATTRIBUTE}."
)
# Plain-text fields (the shortest has 120 characters; the unit field gets ATTRIBUTE alone).
PLAIN = f"{SCRIPT} {IMG} {ATTRIBUTE}"

# Run in the page: what an injection would leave behind.
INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.trim().toLowerCase();
      if (attr.name.startsWith("on")) found.push(`${el.tagName} with ${attr.name}`);
      if (["href", "src", "action", "formaction", "xlink:href"].includes(attr.name)
          && value.replace(/\\s/g, "").startsWith("javascript:")) {
        found.push(`${el.tagName} ${attr.name}=${attr.value}`);
      }
    }
  }
  for (const script of document.scripts) {
    // The site's own scripts: same-origin files, or JSON data (json_script; a case's JSON-LD).
    const ownFile = script.src && new URL(script.src).origin === location.origin && !script.text.trim();
    const data = !script.src && ["application/json", "application/ld+json"].includes(script.type);
    if (!ownFile && !data) found.push(`script ${script.src || script.text.slice(0, 60)}`);
  }
  for (const img of document.querySelectorAll("img")) {
    if (img.getAttribute("src") === "x") found.push("img src=x");
  }
  return found;
}"""


def assert_nothing_ran(page):
    # page.goto waited for the load event: the site's scripts (defer, module) have run by then.
    # Hover over the content, where an injected onmouseover would fire.
    page.locator("main").hover()
    assert page.evaluate("typeof window.__xss") == "undefined", page.url
    assert page.evaluate(INJECTED) == [], page.url


@pytest.fixture
def poisoned():
    """Every Markdown and plain-text field of a case, theme, quiz, question and choice."""
    theme = ThemeFactory(
        name=f"Theme {PLAIN}", slug="poisoned-theme", definition=PLAIN, explanation=MARKDOWN
    )
    case = CaseStudyFactory(
        title=f"Case {PLAIN}",
        slug="predpol",  # the simulation panel and the simulation page show it too
        summary=PLAIN,
        body=MARKDOWN,
        discussion_questions=MARKDOWN,
        deployer=PLAIN,
        developer=PLAIN,
        is_featured=True,
        themes=[theme],
    )
    source = SourceFactory(
        case=case,
        title=PLAIN,
        publisher=PLAIN,
        authors=PLAIN,
        supports=MARKDOWN,
        url="javascript:window.__xss=1",
        archived_url="javascript:window.__xss=1",
    )
    KeyFactFactory(case=case, source=source, statement=PLAIN, location=PLAIN, note=PLAIN)
    TimelineEventFactory(case=case, text=PLAIN)
    quiz = QuizFactory(title=f"Quiz {PLAIN}", slug="poisoned-quiz", description=MARKDOWN)
    quiz.cases.add(case)
    quiz.themes.add(theme)
    question = QuestionFactory(
        quiz=quiz, type=QuestionType.SINGLE, prompt=MARKDOWN, general_feedback=MARKDOWN
    )
    ChoiceFactory(question=question, text=PLAIN, is_correct=True, feedback=MARKDOWN)
    ChoiceFactory(
        question=question,
        text=f"Other {PLAIN}",
        is_correct=False,
        feedback=MARKDOWN,
        misconception=PLAIN,
    )
    QuestionFactory(
        quiz=quiz,
        type=QuestionType.NUMERIC,
        prompt=MARKDOWN,
        general_feedback=MARKDOWN,
        numeric_value=1.0,
        numeric_tolerance=0.0,
        unit=ATTRIBUTE,
    )
    return {"case": case, "theme": theme, "quiz": quiz, "question": question}


def test_xss_payloads_in_content_never_run_on_public_pages(page, poisoned, browser_errors):
    case, theme, quiz = poisoned["case"], poisoned["theme"], poisoned["quiz"]
    for url in [
        "/",
        "/en/cases/",
        f"/en/cases/?q={SCRIPT}",
        case.get_absolute_url(),
        "/en/themes/",
        theme.get_absolute_url(),
        "/en/simulations/feedback-loop/",
        "/en/quizzes/",
        quiz.get_absolute_url(),
    ]:
        page.goto(url)
        assert_nothing_ran(page)

    # Plain text is shown as text, escaped, not removed.
    page.goto(case.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {PLAIN}")

    # The result page shows every feedback field.
    page.goto(quiz.get_absolute_url())
    page.locator("#question-1 input[type=radio]").last.check()
    page.locator("#question-2 input[type=text]").fill("2")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".score")).to_contain_text("You scored 0 / 2")
    expect(page.locator(".misconception")).to_contain_text(PLAIN)
    assert_nothing_ran(page)
    assert browser_errors == []


def test_xss_payloads_never_run_in_the_admin(page, teacher, poisoned, browser_errors):
    case, theme, quiz, question = (poisoned[k] for k in ("case", "theme", "quiz", "question"))
    admin_login(page)
    for path in [
        "kb/casestudy/",
        f"kb/casestudy/{case.pk}/change/",
        f"kb/casestudy/{case.pk}/history/",
        f"kb/theme/{theme.pk}/change/",
        "quiz/quiz/",
        f"quiz/quiz/{quiz.pk}/change/",
        f"quiz/question/{question.pk}/change/",
    ]:
        page.goto(admin_url(path))
        assert_nothing_ran(page)

    # The Markdown preview puts server-sanitised HTML into the page.
    page.goto(admin_url(f"kb/casestudy/{case.pk}/change/"))
    preview = page.locator("#id_body_en-preview")
    page.locator('button.markdown-preview-button[aria-controls="id_body_en-preview"]').click()
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("Inline:")
    assert_nothing_ran(page)
    assert [e for e in browser_errors if not HISTORY_PAGINATOR_STYLE.search(e)] == []
