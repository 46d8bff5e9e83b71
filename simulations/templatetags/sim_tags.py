"""Presentation helpers for simulation pages: numbers and parameter values as people read them."""

import math

from django import template

register = template.Library()


def format_number(value) -> str:
    """1234567 → '1,234,567'; 0.123456 → '0.123'; 12.3456 → '12.35'; None → '—'."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "—"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        magnitude = abs(value)
        if magnitude >= 1000:
            return f"{value:,.0f}"
        if magnitude >= 1:
            return f"{value:.2f}".rstrip("0").rstrip(".")
        return f"{value:.3g}"
    return str(value)


@register.filter
def sim_number(value) -> str:
    return format_number(value)


@register.filter
def sim_cell(row: dict, key: str) -> str:
    """A table cell: ``row[key]`` formatted (numbers grouped and rounded)."""
    if not isinstance(row, dict):
        return ""
    return format_number(row.get(key))


@register.simple_tag
def sim_widget(field):
    """The field's widget, described by its help text and, when invalid, its error message."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
