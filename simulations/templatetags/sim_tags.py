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


def format_metric(value, unit: str = "") -> str:
    """A metric with its unit; a "share" (0–1) reads as a percentage: 0.897, "share" → '89.7%'."""
    unit = unit or ""
    if unit.startswith("share") and isinstance(value, int | float) and not isinstance(value, bool):
        rest = unit[len("share") :].strip()
        percent = value * 100
        if not math.isfinite(percent):
            return "—"
        text = format_number(percent) if abs(percent) >= 1000 else f"{percent:.3g}"
        return f"{text}%" + (f" {rest}" if rest else "")
    text = format_number(value)
    if not unit or value is None:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


@register.filter
def sim_metric(metric: dict) -> str:
    """A result metric ({"value", "unit"}) as people read it."""
    if not isinstance(metric, dict):
        return ""
    return format_metric(metric.get("value"), metric.get("unit", ""))


@register.filter
def sim_with_unit(value, unit: str = "") -> str:
    """A parameter's value with its unit: 20000, "people" → '20,000 people'; 1.0, "%" → '1%'."""
    return format_metric(value, unit)


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
