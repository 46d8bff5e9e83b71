"""Markdown → sanitised HTML, the only way content reaches a page."""

import threading

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def normalize_newlines(text: str) -> str:
    """Browsers submit textareas with CRLF; store LF so an unchanged field stays unchanged."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


# Python-Markdown looks for the "]" (or the ")" of a link) that closes each "[" by scanning
# forward, so the time grows with (brackets that do not close soon) x (length): 4,000 nested or
# unclosed brackets took 13-28 s, 4,000 "[a](" 24 s (review L8). In text past these counts,
# which no real text reaches, every "[" is swapped for a private-use character before rendering
# and put back after: Markdown sees no bracket (such text can hold no sensible link anyway) and
# works in linear time, and the reader sees the text as written (no escaping backslash).
# benchmarks/markdown_render.py measures it.
MAX_BRACKET_DEPTH = 16
MAX_UNCLOSED = 32


def _is_pathological(text: str) -> bool:
    """Whether brackets or link parentheses nest deeper or stay open more than allowed."""
    depth = unclosed_parens = 0
    previous = ""
    for ch in text:
        if ch == "[":
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                return True
        elif ch == "]" and depth:
            depth -= 1
        elif ch == "(" and previous == "]":
            unclosed_parens += 1
            if unclosed_parens > MAX_UNCLOSED:
                return True
        elif ch == ")" and unclosed_parens:
            unclosed_parens -= 1
        previous = ch
    return False


def _stand_in(text: str) -> str:
    """A private-use character that does not occur in `text` ("" if it holds them all)."""
    return next((chr(c) for c in range(0xF0000, 0xFFFFE) if chr(c) not in text), "")


_local = threading.local()


def _converter() -> md.Markdown:
    """This thread's Markdown converter. Building one loads its extensions, which cost 3 ms, more
    than most conversions (a GIFT import renders thousands of fields); one is not thread-safe."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(
            extensions=["extra", "sane_lists"], output_format="html"
        )
    return converter


def render_markdown(text: str) -> str:
    """Render Markdown to HTML and sanitise it: no script, no event handler, no javascript: URL."""
    if not text:
        return ""
    stand_in = ""
    if text.count("[") > MAX_BRACKET_DEPTH and _is_pathological(text):
        stand_in = _stand_in(text)
        if stand_in:
            text = text.replace("\\[", stand_in).replace("[", stand_in)
    html = _converter().reset().convert(text)
    if stand_in:
        html = html.replace(stand_in, "[")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
