"""Presentation helpers for kb templates (no queries)."""

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
