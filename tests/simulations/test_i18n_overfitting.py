"""The overfitting simulation speaks French: every text a reader sees (description, parameters,
presets, findings, metrics, tables, charts, checks) is a message with a French translation,
and its numbers are written the French way ("3,1 %", "4 000").

The helpers here are shared by the other test_i18n_<simulation>.py files of this helper's
simulations (overfitting, seed_variance, vanishing_gradient, missing_data, spurious_correlation).
"""

import re
from typing import Any

from django.utils import translation

from simulations.engine.overfitting import SIMULATION
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


# -- overfitting ----------------------------------------------------------------------------

FAST = {"max_depth": 3}


def test_description_parameters_and_presets_are_french():
    french = assert_speaks_french({**SIMULATION.describe(), "explanation": SIMULATION.explanation})
    assert french["title"].startswith("Surapprentissage")
    assert "validation croisée" in french["explanation"]
    assert french["params"][0]["unit"] == "personnes"


def test_default_run_is_french_with_french_numbers():
    result = SIMULATION.run(FAST, seed=1)
    french = assert_speaks_french(result.to_dict())
    text = " ".join(french["findings"])
    assert f"{NBSP}%" in text
    assert re.search(r"\d,\d points", text)  # a decimal comma
    assert "validation croisée" in text
    assert f"4{NBSP}000 nouvelles personnes" in french["findings"][0]
    titles = [chart["spec"]["title"] for chart in french["charts"]]
    assert titles[0].startswith("Exactitude selon la profondeur")
    axis = french["charts"][0]["spec"]["encoding"]
    assert axis["x"]["title"] == "Profondeur de l'arbre" and axis["y"]["title"] == "Exactitude"
    assert axis["color"]["title"] == "Mesurée sur"
    assert "sans limite" in axis["x"]["sort"]
    assert {row["measured_on"] for row in french["tables"][1]["rows"]} == {
        "entraînement",
        "validation",
    }


def test_preset_run_is_french():
    result = SIMULATION.run({"max_depth": 2}, seed=3, preset="iborderctrl-32")
    french = assert_speaks_french(result.to_dict())
    assert "iBorderCtrl" in french["findings"][-1] and f"~76{NBSP}%" in french["findings"][-1]


def test_english_is_unchanged_by_rendering():
    result = SIMULATION.run(FAST, seed=1)
    with translation.override("en"):
        english = localize(result.to_dict())
    assert english["findings"] == [str.__str__(f) for f in result.findings]


def test_parameter_errors_are_french():
    from simulations.engine import ParamError

    try:
        SIMULATION.validate({"n_features": 2, "informative": 3})
    except ParamError as exc:
        with translation.override("fr"):
            message = localize(exc.errors["informative"][0])
        assert message == "Ne peut pas dépasser le nombre de variables mesurées (2)."
    else:  # pragma: no cover
        raise AssertionError("expected a ParamError")
