"""Render the engine's messages in the reader's language (gettext) and number format.

The engine (``simulations/engine/text.py``) stores a sentence as ``{"$t": template, "v":
{name: value}}`` and numbers as ``{"$int": n}``, ``{"$num": x, "d": digits}``,
``{"$pct": share, "d": digits}``; :func:`localize` walks a stored result (or a live engine
object) and returns the same structure with every message rendered in the active language.
Runs stored before messages existed hold plain English strings: they pass through unchanged.

A translation whose placeholders do not match its template (a translator's typo) is not
used: the English template is rendered instead, so a page never fails on a catalogue error
(tests/test_translations.py checks every catalogue entry's placeholders).
"""

from __future__ import annotations

import string
from typing import Any

from django.utils import formats
from django.utils.translation import gettext, ngettext, pgettext

from .engine.text import Int, Msg, Num, Pct, Seq

_FORMATTER = string.Formatter()


def placeholders(template: str) -> set[str]:
    """Names used in a ``{name}`` template."""
    try:
        return {name for _, name, _, _ in _FORMATTER.parse(template) if name}
    except ValueError:
        return {"\0invalid"}


def number(value: float, digits: int) -> str:
    """A number in the active language, grouped: 20 000 / 20,000; 3,1 / 3.1."""
    return formats.number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)


def percent(share: float, digits: int) -> str:
    """A share as a percentage in the active language: 3,1 % / 3.1%."""
    # Translators: how a percentage is written; French puts a no-break space before the sign.
    return pgettext("percentage", "{number}%").format(number=number(100 * share, digits))


def render_message(data: dict[str, Any]) -> str:
    template = data["$t"]
    if "$p" in data:
        translated = ngettext(template, data["$p"], int(data.get("n") or 0))
        english = template if data.get("n") == 1 else data["$p"]
    else:
        translated = gettext(template) if template else ""
        english = template
    values = {name: render_value(v) for name, v in (data.get("v") or {}).items()}
    if placeholders(translated) != placeholders(english):
        translated = english
    if not values:
        return translated
    try:
        return translated.format(**values)
    except (KeyError, IndexError, ValueError):
        return english.format(**values)


def render_value(value: Any) -> str:
    if isinstance(value, dict):
        if "$t" in value:
            return render_message(value)
        if "$int" in value:
            return number(value["$int"], 0)
        if "$num" in value:
            return number(value["$num"], value.get("d", 1))
        if "$pct" in value:
            return percent(value["$pct"], value.get("d", 0))
        if "$seq" in value:
            return value.get("sep", ", ").join(render_value(v) for v in value["$seq"])
    if isinstance(value, Msg | Int | Num | Pct | Seq):
        return render_value(value.to_json())
    if isinstance(value, float):
        return number(value, 2)
    return str(value)


def localize(value: Any) -> Any:
    """``value`` with every message rendered in the active language (a deep copy)."""
    if isinstance(value, Msg | Int | Num | Pct | Seq):
        return render_value(value.to_json())
    if isinstance(value, dict):
        if (
            "$t" in value
            or "$int" in value
            or "$num" in value
            or "$pct" in value
            or "$seq" in value
        ):
            return render_value(value)
        return {k: localize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [localize(v) for v in value]
    return value
