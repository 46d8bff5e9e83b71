"""Checks shared by the French tests of overfitting, seed-variance, vanishing-gradient,
missing-data and spurious-correlation: every message of a stored result or description has a
French rendering that differs from its English, and the French writes numbers the French way.
"""

import re
from typing import Any

from django.utils import translation

from simulations.engine.text import Int, Msg, Num, Pct, Seq, to_json
from simulations.i18n import localize, render_value

NBSP = "\u00a0"
# Keys holding codes or Vega-Lite settings, never words a reader sees.
CODE_KEYS = {"format", "$schema", "key", "field", "type", "table", "unit", "name", "slug", "case"}
# A few messages are the same in both languages (a join of two sentences, "validation"...).
SAME_IN_FRENCH = {"{sentence} {addition}", "{value} points", "validation", "{sentences}"}
TEXT_KEYS = {
    "title",
    "question",
    "explanation",
    "label",
    "help",
    "description",
    "source",
    "expected",
    "observed",
    "reference",
}


def _plain(value: Any) -> Any:
    """Engine objects (``describe()``, a live :class:`Result` dict) as stored JSON."""
    if isinstance(value, Msg | Int | Num | Pct | Seq):
        return to_json(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def messages(value: Any):
    """Every stored message ({"$t": …}) in ``value``, nested ones included."""
    if isinstance(value, dict):
        if "$t" in value:
            yield value
            for inner in (value.get("v") or {}).values():
                yield from messages(inner)
            return
        for inner in value.values():
            yield from messages(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from messages(inner)


def strings(value: Any, key: str = ""):
    """(key, text) for every string in a localized structure, skipping code keys."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in CODE_KEYS:
                yield from strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, key)
    elif isinstance(value, str):
        yield key, value


def untranslated_texts(value: Any, path: str = ""):
    """Paths of reader-facing texts that are plain strings, not messages (missed by the
    conversion): text keys, axis and legend titles, category values in rows."""
    if isinstance(value, dict):
        if "$t" in value or "$int" in value or "$num" in value or "$pct" in value:
            return
        for k, v in value.items():
            here = f"{path}.{k}"
            if isinstance(v, str) and v.strip():
                is_unit = k == "unit" and ".params" in here and v != "%"  # "%" is a symbol
                is_text = k in TEXT_KEYS or is_unit
                is_word = ("rows" in here or ".values" in here) and re.search("[A-Za-z]", v)
                if (is_text or is_word) and not here.endswith("spec.$schema"):
                    yield here
            else:
                yield from untranslated_texts(v, here)
    elif isinstance(value, list):
        if re.search(r"\.choices\[\d+\]$", path) and isinstance(value[-1], str):
            yield path  # a choice's label
        for i, v in enumerate(value):
            yield from untranslated_texts(v, f"{path}[{i}]")


def assert_speaks_french(stored: dict[str, Any], *, same: frozenset = frozenset()) -> dict:
    """Check a stored result or description in French; return the French rendering."""
    stored = _plain(stored)
    assert not list(untranslated_texts(stored)), list(untranslated_texts(stored))
    found = list(messages(stored))
    assert found
    for message in found:
        with translation.override("en"):
            english = render_value(message)
        with translation.override("fr"):
            french = render_value(message)
        if message["$t"] not in SAME_IN_FRENCH | same:
            assert french != english, f"not translated: {message['$t']!r}"
    with translation.override("fr"):
        french_data = localize(stored)
    for key, text in strings(french_data):
        assert not re.search(r"\{\w*\}", text), f"placeholder left in {key}: {text!r}"
        assert not re.search(r"\d%", text), f"English percentage in {key}: {text!r}"
        numbers = re.sub(r"arXiv \d+\.\d+", "", text)  # an identifier, not a number
        assert not re.search(r"\d\.\d", numbers), f"English decimal point in {key}: {text!r}"
        assert "&nbsp;" not in text
    return french_data


def french_findings(result) -> list[str]:
    with translation.override("fr"):
        return localize(result.to_dict())["findings"]
