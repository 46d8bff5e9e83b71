"""Presentation helpers for kb templates (no queries)."""

import re
from urllib.parse import urlsplit

from django import template

register = template.Library()

SAFE_SCHEMES = {"http", "https"}


@register.filter
def safe_url(value: str) -> str:
    """The URL if it is http(s), else "#": a bad fixture or import can never yield javascript:."""
    try:
        scheme = urlsplit(str(value or "").strip()).scheme.lower()
    except ValueError:
        return "#"
    return value if scheme in SAFE_SCHEMES else "#"


CITATION = re.compile(r"\[(\d{1,3})\]")
TAG = re.compile(r"(<[^>]*>)")


@register.filter(needs_autoescape=False)
def link_citations(html: str, sources) -> str:
    """Turn "[3]" in already-sanitised HTML text into a link to source 3 of the case page.

    Only text between tags is touched, and only numbers of existing sources become links,
    so the result is exactly as safe as the input.
    """
    count = len(sources)

    def link(match):
        n = int(match.group(1))
        if not 1 <= n <= count:
            return match.group(0)
        return f'<a class="citation-ref" href="#source-{n}" aria-label="source {n}">[{n}]</a>'

    parts = TAG.split(str(html))
    in_link = False
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            lowered = part.lower()
            if lowered.startswith("<a ") or lowered == "<a>":
                in_link = True
            elif lowered.startswith("</a"):
                in_link = False
        elif not in_link:
            parts[i] = CITATION.sub(link, part)
    return "".join(parts)
