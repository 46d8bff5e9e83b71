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

import functools
import string
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext, gettext_noop, ngettext, npgettext, pgettext

from .engine.text import Int, Msg, Num, Pct, Seq

_FORMATTER = string.Formatter()


def placeholders(template: str) -> set[str]:
    """Names used in a ``{name}`` template."""
    try:
        return {name for _, name, _, _ in _FORMATTER.parse(template) if name}
    except ValueError:
        return {"\0invalid"}


def number(value: float, digits: int, language: str | None = None) -> str:
    """A number in the active language, grouped: 20 000 / 20,000; 3,1 / 3.1.

    Rounded exactly as the engine's English is (Python's ``f"{x:.{digits}f}"``): Django's
    formatter alone cuts the extra decimals of a float off instead of rounding them.
    """
    text = f"{float(value):.{int(digits)}f}"
    return _number(language or _language(), text, int(digits))


def _language() -> str:
    return translation.get_language() or ""


# A result repeats the same words and numbers many times (a chart's series name on each of
# hundreds of rows): lookups are memoised per language (catalogues do not change at run
# time), and the language is read once per call of localize().
@functools.lru_cache(maxsize=8192)
def _number(language: str, text: str, digits: int) -> str:
    rounded = Decimal(text)
    if rounded == 0:
        rounded = abs(rounded)  # "-0.0" reads as 0
    with translation.override(language or None):
        return formats.number_format(
            rounded, decimal_pos=digits, use_l10n=True, force_grouping=True
        )


@functools.lru_cache(maxsize=8192)
def _template(language: str, template: str, plural: str | None, n: int) -> tuple[str, str]:
    """(translated template to use, English template) for a message in ``language``.

    A translation whose placeholders differ from the English is not used."""
    with translation.override(language or None):
        if plural is not None:
            translated = ngettext(template, plural, n)
            english = template if n == 1 else plural
        else:
            translated = gettext(template) if template else ""
            english = template
    if placeholders(translated) != placeholders(english):
        translated = english
    return translated, english


@functools.lru_cache(maxsize=64)
def _percent_template(language: str) -> str:
    with translation.override(language or None):
        # Translators: how a percentage is written; French puts a no-break space before the sign.
        return pgettext("percentage", "{number}%")


def percent(share: float, digits: int, language: str | None = None) -> str:
    """A share as a percentage in the active language: 3,1 % / 3.1%."""
    language = language or _language()
    return _percent_template(language).format(number=number(100 * share, digits, language))


def render_message(data: dict[str, Any], language: str | None = None) -> str:
    language = language or _language()
    plural = data.get("$p")
    n = int(data.get("n") or 0) if plural is not None else 0
    translated, english = _template(language, data["$t"], plural, n)
    values = data.get("v")
    if not values:
        return translated
    values = {name: render_value(v, language) for name, v in values.items()}
    try:
        return translated.format(**values)
    except (KeyError, IndexError, ValueError):
        return english.format(**values)


def render_value(value: Any, language: str | None = None) -> str:
    language = language or _language()
    if isinstance(value, dict):
        if "$t" in value:
            return render_message(value, language)
        if "$int" in value:
            return number(value["$int"], 0, language)
        if "$num" in value:
            return number(value["$num"], value.get("d", 1), language)
        if "$pct" in value:
            return percent(value["$pct"], value.get("d", 0), language)
        if "$seq" in value:
            return value.get("sep", ", ").join(render_value(v, language) for v in value["$seq"])
    if isinstance(value, Msg | Int | Num | Pct | Seq):
        return render_value(value.to_json(), language)
    if isinstance(value, float):
        return number(value, 2, language)
    return str(value)


_MARKS = ("$t", "$int", "$num", "$pct", "$seq")


_PLAIN = frozenset({str, int, float, bool, type(None)})


def localize(value: Any, language: str | None = None) -> Any:
    """``value`` with every message rendered in the active language (a deep copy)."""
    return _localize(value, language or _language())


def _localize(value: Any, language: str) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        for mark in _MARKS:
            if mark in value:
                return render_value(value, language)
        return {k: _localize(v, language) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_localize(v, language) for v in value]
    if isinstance(value, Msg | Int | Num | Pct | Seq):
        return render_value(value.to_json(), language)
    if isinstance(value, dict):
        return _localize(dict(value), language)
    if isinstance(value, list | tuple):
        return [_localize(v, language) for v in value]
    return value


def english(value: Any) -> str:
    """The English text of a message (stored or live) or a plain string: for codes such as a
    metric's unit ("share", "people") that the page formats itself."""
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Msg):
        return value
    with translation.override("en"):
        return str(localize(value))


def localize_result(result: dict[str, Any] | None) -> dict[str, Any]:
    """A stored result in the active language, metric units kept as English codes.

    A metric's unit decides how its value reads ("share" is a percentage); the page formats
    it with :func:`simulations.templatetags.sim_tags.format_metric`, which translates the
    unit's words itself. Old results (plain English strings) pass through unchanged.
    """
    result = dict(result or {})
    metrics = result.pop("metrics", None)
    out = localize(result)
    if metrics is not None:
        out["metrics"] = [
            {
                **localize({k: v for k, v in m.items() if k != "unit"}),
                "unit": english(m.get("unit")),
            }
            if isinstance(m, dict)
            else m
            for m in metrics
        ]
    return out


def localize_api_result(result: dict[str, Any] | None) -> dict[str, Any]:
    """A stored result for the API: every text in the active language; a metric's ``unit``
    stays a code when it names a share ("share", "share of cities") and is translated
    otherwise ("people" → "personnes")."""
    out = localize_result(result)
    for metric in out.get("metrics") or []:
        if isinstance(metric, dict):
            metric["unit"] = unit_text(metric.get("unit") or "")
    return out


# The units the simulations declare for their metrics and parameters, marked here so the
# catalogue has them whether or not a simulation marks its own ("share…" units are codes).
_UNITS = (
    gettext_noop("people"),
    gettext_noop("days"),
    gettext_noop("cities"),
    gettext_noop("decisions"),
    gettext_noop("examples"),
    gettext_noop("faces"),
    gettext_noop("faces/day"),
    gettext_noop("features"),
    gettext_noop("incidents"),
    gettext_noop("layers"),
    gettext_noop("levels"),
    gettext_noop("objects"),
    gettext_noop("per 1,000"),
    gettext_noop("per day"),
    gettext_noop("photos"),
    gettext_noop("points"),
    gettext_noop("probability"),
    gettext_noop("ratio"),
    gettext_noop("records"),
    gettext_noop("runs"),
    gettext_noop("steps"),
    gettext_noop("units"),
    gettext_noop("words"),
    gettext_noop("of cities"),  # the rest of "share of cities"
    gettext_noop("log-odds"),
    gettext_noop("log-odds/SD"),
    gettext_noop("SD"),
)


# Units that name things counted: the singular or plural by the count, per language
# ("1 personne", "0 personne", "2 personnes"; "1 person", "0 people"). A context keeps these
# apart from the same words used alone elsewhere (a feature kind called "face").
_COUNTED = {
    "people": lambda n: npgettext("counted unit", "person", "people", n),
    "days": lambda n: npgettext("counted unit", "day", "days", n),
    "cities": lambda n: npgettext("counted unit", "city", "cities", n),
    "decisions": lambda n: npgettext("counted unit", "decision", "decisions", n),
    "examples": lambda n: npgettext("counted unit", "example", "examples", n),
    "faces": lambda n: npgettext("counted unit", "face", "faces", n),
    "features": lambda n: npgettext("counted unit", "feature", "features", n),
    "incidents": lambda n: npgettext("counted unit", "incident", "incidents", n),
    "layers": lambda n: npgettext("counted unit", "layer", "layers", n),
    "levels": lambda n: npgettext("counted unit", "level", "levels", n),
    "objects": lambda n: npgettext("counted unit", "object", "objects", n),
    "photos": lambda n: npgettext("counted unit", "photo", "photos", n),
    "points": lambda n: npgettext("counted unit", "point", "points", n),
    "records": lambda n: npgettext("counted unit", "record", "records", n),
    "runs": lambda n: npgettext("counted unit", "run", "runs", n),
    "steps": lambda n: npgettext("counted unit", "step", "steps", n),
    "units": lambda n: npgettext("counted unit", "unit", "units", n),
    "words": lambda n: npgettext("counted unit", "word", "words", n),
}


def unit_text(unit: str, value: Any = None) -> str:
    """A unit's words in the active language; "share…" units stay codes. With ``value`` (a
    whole number), a counted unit agrees with it: 1 personne, 2 personnes."""
    if not unit or unit.startswith("share"):
        return unit
    counted = _COUNTED.get(unit)
    if counted is not None and _whole(value):
        return counted(abs(int(value)))
    return gettext(unit)


def _whole(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return float(value).is_integer() and abs(value) < 1e15


@dataclass(frozen=True)
class LocalPreset:
    """A preset's texts in one language, for pages and the API."""

    slug: str
    title: str
    description: str
    params: dict[str, Any]
    case: str
    source: str


@dataclass(frozen=True)
class LocalParam:
    name: str
    type: str
    default: Any
    label: str
    help: str
    min: float | None
    max: float | None
    step: float | None
    choices: list[list[str]]
    unit: str


@dataclass(frozen=True)
class LocalSimulation:
    """A simulation's words in one language (title, question, explanation, presets,
    parameters); the engine object stays in ``engine`` for validating and running."""

    engine: Any
    slug: str
    title: str
    question: str
    explanation: str
    version: str
    cases: tuple[str, ...]
    themes: tuple[str, ...]
    presets: list[LocalPreset] = field(default_factory=list)
    params: list[LocalParam] = field(default_factory=list)

    def param(self, name: str) -> LocalParam:
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)


_LOCAL: dict[tuple[str, str, str], LocalSimulation] = {}


def local_simulation(simulation: Any) -> LocalSimulation:
    """``simulation``'s texts in the active language (built once per slug, version, language)."""
    key = (simulation.slug, simulation.version, translation.get_language() or "")
    cached = _LOCAL.get(key)
    if cached is not None and cached.engine is simulation:
        return cached
    local = LocalSimulation(
        engine=simulation,
        slug=simulation.slug,
        title=localize(simulation.title),
        question=localize(simulation.question),
        explanation=localize(simulation.explanation),
        version=simulation.version,
        cases=tuple(simulation.cases),
        themes=tuple(simulation.themes),
        presets=[
            LocalPreset(
                slug=p.slug,
                title=localize(p.title),
                description=localize(p.description),
                params=dict(p.params),
                case=p.case,
                source=localize(p.source),
            )
            for p in simulation.presets
        ],
        params=[local_param(p) for p in simulation.params],
    )
    _LOCAL[key] = local
    return local


def local_param(param: Any) -> LocalParam:
    return LocalParam(
        name=param.name,
        type=param.type,
        default=param.default,
        label=localize(param.label),
        help=localize(param.help),
        min=param.min,
        max=param.max,
        step=param.step,
        choices=[[value, localize(label)] for value, label in param.choices],
        unit=unit_text(english(param.unit)),
    )


def localize_errors(errors: dict[str, list[Any]]) -> dict[str, list[str]]:
    """A :class:`~simulations.engine.ParamError`'s messages in the active language."""
    return {name: [localize(m) for m in messages] for name, messages in errors.items()}
