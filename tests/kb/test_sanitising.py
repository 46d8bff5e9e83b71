"""No script, event-handler attribute or javascript: link from any field ever reaches a page."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from kb.markdown import render_markdown
from kb.templatetags.kb_tags import link_citations, safe_url

from .factories import (
    CaseStudyFactory,
    KeyFactFactory,
    SourceFactory,
    ThemeFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db

MARKDOWN_ATTACK = "\n\n".join(
    [
        "Intro <script>alert('body')</script>",
        "<img src=x onerror=alert(1)>",
        "[click me](javascript:alert(2))",
        '<a href="javascript:alert(3)" onclick="alert(4)">link</a>',
        "<svg onload=alert(5)></svg>",
        '<iframe src="javascript:alert(6)"></iframe>',
        "[x](JaVaScRiPt:alert(7))",
        '<p style="background:url(javascript:alert(8))" onmouseover="alert(9)">hover</p>',
    ]
)
TEXT_ATTACK = "<script>alert('text')</script><img src=x onerror=alert(1)>"

FORBIDDEN_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "style"}


class TagCollector(HTMLParser):
    """Every real tag and attribute of a page (escaped text inside attributes is not a tag)."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_clean(html: str) -> None:
    parser = TagCollector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        # Scripts the site itself ships are external files (CSP: script-src 'self'); the one
        # inline block allowed is schema.org JSON-LD, data a browser never runs (checked below).
        if tag == "script" and dict(attrs) == {"type": "application/ld+json"}:
            continue
        if tag == "script":
            assert dict(attrs).get("src", "").startswith("/static/"), (tag, attrs)
        else:
            assert tag not in FORBIDDEN_TAGS, (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert name != "style", (tag, name, value)
            if name in ("href", "src", "action", "formaction"):
                assert not (value or "").strip().lower().startswith("javascript:"), (tag, value)
    assert "<script>alert" not in html
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        assert "<" not in block and ">" not in block, block[:200]  # escaped as \u003c, \u003e
        json.loads(block)


@pytest.fixture
def hostile_case():
    theme = ThemeFactory(
        name=f"Theme {TEXT_ATTACK}",
        definition=f'Def " onmouseover="alert(1) {TEXT_ATTACK}',
        explanation=MARKDOWN_ATTACK,
    )
    case = CaseStudyFactory(
        title=f"Case {TEXT_ATTACK}",
        slug="hostile",
        summary=TEXT_ATTACK,
        body=MARKDOWN_ATTACK,
        discussion_questions=MARKDOWN_ATTACK,
        deployer=TEXT_ATTACK,
        developer=TEXT_ATTACK,
        themes=[theme],
        is_featured=True,
    )
    source = SourceFactory(
        case=case,
        title=TEXT_ATTACK,
        publisher=TEXT_ATTACK,
        authors=TEXT_ATTACK,
        supports=TEXT_ATTACK,
        url="javascript:alert('url')",  # a bad import bypassing form validation
        archived_url=" JavaScript:alert('archived')",
    )
    KeyFactFactory(
        case=case, source=source, statement=TEXT_ATTACK, location=TEXT_ATTACK, note=TEXT_ATTACK
    )
    TimelineEventFactory(case=case, text=TEXT_ATTACK)
    related = CaseStudyFactory(title=f"Related {TEXT_ATTACK}", summary=TEXT_ATTACK)
    case.related.add(related)
    return case


def test_markdown_is_sanitised_when_saved(hostile_case):
    for html in (
        hostile_case.body_html,
        hostile_case.discussion_html,
        hostile_case.themes.get().explanation_html,
    ):
        assert_clean(html)
        assert "Intro" in html  # the harmless text survives


@pytest.mark.parametrize(
    "url_name",
    ["kb:home", "kb:case-list", "kb:theme-list", "kb:feed"],
)
def test_list_pages_and_feed_are_clean(client, hostile_case, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_clean(response.content.decode())


def test_case_page_is_clean(client, hostile_case):
    html = client.get(hostile_case.get_absolute_url()).content.decode()
    assert_clean(html)
    assert "&lt;script&gt;alert(&#x27;text&#x27;)&lt;/script&gt;" in html  # shown, not run


def test_theme_page_is_clean(client, hostile_case):
    html = client.get(hostile_case.themes.get().get_absolute_url()).content.decode()
    assert_clean(html)


def test_search_results_and_echoed_query_are_clean(client, hostile_case):
    html = client.get(reverse("kb:case-list"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert_clean(html)


def test_bibtex_cannot_be_broken_by_a_title(client):
    case = CaseStudyFactory(title="Evil} @misc{injected, title={x", slug="evil")
    body = client.get(reverse("kb:case-cite", args=[case.slug])).content.decode()
    assert body.count("@misc{") == 1
    assert r"Evil\} @misc\{injected" in body


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.test/a", "https://news.test/a"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", "#"),
        ("  JAVASCRIPT:alert(1)", "#"),
        ("java\tscript:alert(1)", "#"),
        ("data:text/html,<script>", "#"),
        ("", "#"),
        (None, "#"),
    ],
)
def test_safe_url_only_lets_http_through(url, expected):
    assert safe_url(url) == expected


def test_render_markdown_keeps_ordinary_formatting():
    html = render_markdown(
        "## Title\n\n- *a*\n- [b](https://example.org)\n\n| x | y |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2>Title</h2>" in html and "<em>a</em>" in html and "<table>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_citation_numbers_link_to_existing_sources_only():
    html = '<p>Claim [1], another [2] and [9]. <a href="https://x.org/[1]">[1]</a></p>'
    linked = link_citations(html, ["first", "second"])
    assert '<a class="citation-ref" href="#source-1" aria-label="source 1">[1]</a>' in linked
    assert 'href="#source-2"' in linked
    assert "[9]" in linked and 'href="#source-9"' not in linked
    assert linked.endswith('<a href="https://x.org/[1]">[1]</a></p>')  # links are left alone


def test_case_body_citations_link_to_the_numbered_sources(client):
    case = CaseStudyFactory(body="It failed [1].")
    SourceFactory(case=case)
    html = client.get(case.get_absolute_url()).content.decode()
    assert 'It failed <a class="citation-ref" href="#source-1"' in html


# --- Review L8: brackets no real text uses do not make rendering quadratic ----------------------
PATHOLOGICAL = {
    "nested": "[" * 3000 + "a" + "]" * 2900,
    "unclosed": "[a" * 3000,
    "open links": "[a](" * 3000,
    "references": "[a][" * 3000,
    "images": "![" * 3000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_brackets_never_reach_the_markdown_parser(name, monkeypatch):
    from kb import markdown as kb_markdown

    seen = []
    converter = kb_markdown._converter()
    real = converter.convert
    monkeypatch.setattr(converter, "convert", lambda text: seen.append(text) or real(text))
    text = PATHOLOGICAL[name]
    html = kb_markdown.render_markdown(text)
    assert "[" not in seen[0]  # the parser's forward scans start at "["
    assert "<a " not in html and html.count("[") == text.count("[")  # shown as written


def test_ordinary_brackets_and_links_render_as_before():
    from kb.markdown import render_markdown

    text = "See [the report](https://reports.test/r) [1], [2] and [sic].\n\n`a[i][j]` " + "[x] " * 40
    html = render_markdown(text)
    assert '<a href="https://reports.test/r"' in html
    assert "[1], [2] and [sic]" in html and "<code>a[i][j]</code>" in html
    deep_but_fine = "[" * 16 + "a" + "]" * 16
    assert render_markdown(deep_but_fine).count("[") == 16


def test_markdown_preview_of_the_reviews_input_answers(teacher_client):
    from django.urls import reverse

    text = "[" * 20_000 + "a" + "]" * 19_900  # 90 s before the fix (review L8: 31.9 KB)
    response = teacher_client.post(reverse("kb:markdown-preview"), {"text": text})
    assert response.status_code == 200
    assert response.json()["html"].count("[") == 20_000
