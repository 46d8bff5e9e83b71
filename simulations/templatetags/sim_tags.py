"""Presentation helpers for simulation pages: numbers and parameter values as people read them."""

import math

from django import template
from django.utils.translation import gettext, pgettext

from simulations.i18n import english, number, unit_text

register = template.Library()


def _decimal(text: str) -> str:
    """A number Python wrote ("12.35", "0.123", "1.2e-05") in the active language."""
    if "e" in text or "n" in text:  # exponent, inf, nan: as written
        return text
    digits = len(text.partition(".")[2])
    return number(float(text), digits)


def format_number(value) -> str:
    """1234567 → '1,234,567' (fr '1 234 567'); 0.123456 → '0.123' (fr '0,123');
    12.3456 → '12.35'; None → '—'."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int):
        return number(value, 0)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "—"
        if value.is_integer() and abs(value) < 1e15:
            return number(int(value), 0)
        magnitude = abs(value)
        if magnitude >= 1000:
            return number(value, 0)
        if magnitude >= 1:
            return _decimal(f"{value:.2f}".rstrip("0").rstrip("."))
        return _decimal(f"{value:.3g}")
    return str(value)


def _percent(text: str) -> str:
    return pgettext("percentage", "{number}%").format(number=text)


def format_metric(value, unit="") -> str:
    """A metric with its unit; a "share" (0–1) reads as a percentage: 0.897, "share" → '89.7%'
    (fr '89,7 %'). ``unit`` is the English code (a message is read as its English text); its
    words are translated here ("people" → "personnes")."""
    unit = english(unit)
    if unit.startswith("share") and isinstance(value, int | float) and not isinstance(value, bool):
        rest = unit[len("share") :].strip()
        percent = value * 100
        if not math.isfinite(percent):
            return "—"
        text = format_number(percent) if abs(percent) >= 1000 else _decimal(f"{percent:.3g}")
        return _percent(text) + (f" {gettext(rest)}" if rest else "")
    text = format_number(value)
    if not unit or value is None:
        return text
    if unit == "%":
        return _percent(text)
    return f"{text}\u00a0{unit_text(unit, value)}"


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


@register.filter
def sim_date(value) -> str:
    """A run's date in the active language: "1 December 2026" / "1er décembre 2026"."""
    from kb.models import DatePrecision, format_date

    if value is None:
        return ""
    day = value.date() if hasattr(value, "date") else value
    return format_date(day, DatePrecision.DAY)


@register.filter
def sim_attr_number(value) -> str:
    """A form bound as the browser has it ("0.5", "20000") as people read it ("0,5", "20 000")."""
    try:
        text = str(value)
        return format_number(int(text)) if text.lstrip("-").isdigit() else _decimal(text)
    except (TypeError, ValueError):
        return str(value)
