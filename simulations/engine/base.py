"""The simulation contract: parameters declared once, a result of metrics, tables, charts,
findings and reference checks, and the validation every door (form, CLI, API) shares.

Nothing here imports Django. A simulation is a subclass of :class:`Simulation` in a module of
this package that exposes it as ``SIMULATION``; :mod:`simulations.engine` discovers it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np

from .text import N_, Int, Msg, Num, Pct, Seq

MAX_SEED = 2**32 - 1
# The bound is written as digits (no grouping): it is what one types in the field.
SEED_MESSAGE = Msg("The seed must be a whole number from 0 to {max}.", max=str(MAX_SEED))

ParamType = Literal["int", "float", "bool", "choice"]


class ParamError(ValueError):
    """Invalid parameters. ``errors`` maps a parameter name (or ``"__all__"``) to messages.

    Each message is a :class:`~simulations.engine.text.Msg` (English as a ``str``, translated
    by the site) or a plain ``str``.
    """

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items()))


def error_message(exc: BaseException) -> str:
    """The message of a ``ValueError`` raised by :meth:`Param.coerce`, keeping its ``Msg``."""
    if exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc)


@dataclass(frozen=True, kw_only=True)
class Param:
    """One parameter, declared once; drives the form, the CLI and the API's JSON Schema.

    Parameters
    ----------
    name : str
        Identifier used in URLs, the CLI (``--param name=value``) and the API.
    type : {"int", "float", "bool", "choice"}
    default : Any
        Value used when the caller gives none; must itself be valid.
    label : str
        Short human label for the form.
    help : str
        One sentence saying what the parameter changes.
    min, max : float, optional
        Inclusive bounds for numbers. Required for int and float: they keep every run cheap.
    step : float, optional
        Form step for numbers.
    choices : tuple of (value, label), optional
        Allowed values for ``choice``.
    unit : str
        Unit shown next to the field ("%", "people", "days").
    """

    name: str
    type: ParamType
    default: Any
    label: str
    help: str
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple[tuple[str, str], ...] = ()
    unit: str = ""

    def __post_init__(self) -> None:
        if self.type in ("int", "float") and (self.min is None or self.max is None):
            raise TypeError(f"Parameter {self.name!r}: numbers need min and max.")
        if self.type == "choice" and not self.choices:
            raise TypeError(f"Parameter {self.name!r}: a choice needs choices.")
        self.coerce(self.default)  # the default must be valid

    def coerce(self, raw: Any) -> Any:
        """Return ``raw`` as this parameter's type, or raise ``ValueError`` with a readable message."""
        if self.type == "bool":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.strip().lower() in {"1", "true", "yes", "on"}:
                return True
            if isinstance(raw, str) and raw.strip().lower() in {"0", "false", "no", "off", ""}:
                return False
            if isinstance(raw, int) and raw in (0, 1):
                return bool(raw)
            raise ValueError(N_("Enter true or false."))
        if self.type == "choice":
            allowed = [value for value, _ in self.choices]
            if isinstance(raw, str) and raw in allowed:
                return raw
            raise ValueError(Msg("Choose one of: {choices}.", choices=Seq(allowed)))
        # numbers
        if isinstance(raw, bool):
            raise ValueError(N_("Enter a number."))
        if isinstance(raw, str):
            text = raw.strip()
            try:
                value = int(text) if self.type == "int" else float(text)
            except ValueError:
                if self.type == "int":
                    raise ValueError(N_("Enter a whole number.")) from None
                raise ValueError(N_("Enter a number.")) from None
        elif isinstance(raw, int | float):
            value = raw
        else:
            raise ValueError(N_("Enter a number."))
        if self.type == "int":
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError(N_("Enter a whole number."))
                value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                raise ValueError(N_("Enter a finite number."))
        if value < self.min or value > self.max:
            bounds = {"min": _typed(self.min), "max": _typed(self.max), "value": _typed(value)}
            if self.unit:
                # A unit is a word the site translates ("people" → "personnes").
                unit = self.unit if isinstance(self.unit, Msg) else Msg(self.unit)
                raise ValueError(
                    Msg(
                        "Must be between {min} and {max} {unit}; got {value}.",
                        unit=unit,
                        **bounds,
                    )
                )
            raise ValueError(Msg("Must be between {min} and {max}; got {value}.", **bounds))
        return value

    def json_schema(self) -> dict[str, Any]:
        """JSON Schema of this parameter (type, default, bounds, help)."""
        schema: dict[str, Any] = {
            "title": self.label,
            "description": self.help,
            "default": self.default,
        }
        if self.type == "int":
            schema.update(type="integer", minimum=int(self.min), maximum=int(self.max))
        elif self.type == "float":
            schema.update(type="number", minimum=self.min, maximum=self.max)
        elif self.type == "bool":
            schema["type"] = "boolean"
        else:
            schema.update(type="string", enum=[value for value, _ in self.choices])
        if self.unit:
            schema["x-unit"] = self.unit
        return schema

    def describe(self) -> dict[str, Any]:
        """Plain-data declaration for templates, the CLI and the API."""
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "label": self.label,
            "help": self.help,
            "min": self.min,
            "max": self.max,
            "step": self.step,
            "choices": [list(c) for c in self.choices],
            "unit": self.unit,
        }


def _typed(value: float) -> Int | Num | str:
    """A bound or a value for a message: a count (grouped per language), a decimal with the
    decimals ``:g`` shows, or the ``:g`` text itself for very large or small floats."""
    if isinstance(value, int):
        return Int(value)
    text = f"{value:g}"
    if "e" in text or "n" in text:  # 1e+20, inf, nan: shown as written
        return text
    digits = len(text.partition(".")[2])
    return Int(int(value)) if digits == 0 else Num(value, digits)


@dataclass(frozen=True, kw_only=True)
class Preset:
    """A named parameter set built from a case's published numbers.

    ``source`` says where the numbers come from (citation text, with their status).
    """

    slug: str
    title: str
    description: str
    params: dict[str, Any]
    case: str = ""
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class Metric:
    key: str
    label: str
    value: float | int | None
    unit: str = ""
    help: str = ""


@dataclass(frozen=True, kw_only=True)
class Table:
    """Records with their column labels: ``columns`` is a list of (key, label)."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class Chart:
    """A Vega-Lite spec with inline data, titled, axes labelled, and a one-sentence description.

    ``table`` names the :class:`Table` holding the same data, shown beside the chart.
    """

    key: str
    title: str
    description: str
    spec: dict[str, Any]
    table: str = ""


@dataclass(frozen=True, kw_only=True)
class Check:
    """What this run gave against what something else predicts.

    ``kind="reference"``: an independent number (a paper's figure, a closed form, a limit
    theorem) that the run could disagree with. ``kind="consistency"``: a note that the sample
    agrees with the rates it was drawn from; true by construction up to sampling noise, so it is
    never shown as agreement with a paper.
    """

    key: str
    label: str
    passed: bool
    expected: str
    observed: str
    reference: str
    kind: Literal["reference", "consistency"] = "reference"

    def __post_init__(self) -> None:
        if self.kind not in ("reference", "consistency"):
            raise ValueError(f"Check {self.key!r}: kind must be 'reference' or 'consistency'.")


@dataclass(kw_only=True)
class Result:
    metrics: list[Metric] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    def metric(self, key: str) -> Metric:
        return next(m for m in self.metrics if m.key == key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with numpy scalars converted and non-finite numbers as None."""
        return _jsonable(
            {
                "metrics": [vars(m) for m in self.metrics],
                "tables": [
                    {
                        "key": t.key,
                        "title": t.title,
                        "columns": [{"key": k, "label": lab} for k, lab in t.columns],
                        "rows": t.rows,
                    }
                    for t in self.tables
                ],
                "charts": [vars(c) for c in self.charts],
                "findings": list(self.findings),
                "checks": [vars(c) for c in self.checks],
            }
        )


def _jsonable(value: Any) -> Any:
    # Exact built-in types first: a result holds tens of thousands of them (chart data), and
    # the isinstance chain below cost 15 ms a run for the largest. Same values as the chain.
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return {str(k): _jsonable(v) for k, v in value.items()}
    if kind is list:
        return [_jsonable(v) for v in value]
    if isinstance(value, Msg | Int | Num | Pct | Seq):
        return _jsonable(value.to_json())  # a translatable message, rendered by the site
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    return value


class Simulation:
    """Base class. Subclasses set the class attributes and implement :meth:`simulate`."""

    slug: ClassVar[str]
    title: ClassVar[str]
    question: ClassVar[str]
    """The question the simulation answers, in one sentence."""
    explanation: ClassVar[str]
    """Markdown: what the model is, what to try, what to look for."""
    version: ClassVar[str] = "1"
    cases: ClassVar[tuple[str, ...]] = ()
    themes: ClassVar[tuple[str, ...]] = ()
    params: ClassVar[tuple[Param, ...]]
    presets: ClassVar[tuple[Preset, ...]] = ()

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        raise NotImplementedError

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """Cross-parameter rules (e.g. min < max). Return {name: [message]}; empty when valid."""
        return {}

    # -- shared machinery -----------------------------------------------------------------
    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {param.name: param.default for param in self.params}

    def preset(self, slug: str) -> Preset:
        for preset in self.presets:
            if preset.slug == slug:
                return preset
        if not self.presets:
            raise ParamError(
                {"preset": [Msg("Unknown preset {slug}. Presets: none.", slug=repr(slug))]}
            )
        names = Seq([p.slug for p in self.presets])
        raise ParamError(
            {
                "preset": [
                    Msg("Unknown preset {slug}. Presets: {names}.", slug=repr(slug), names=names)
                ]
            }
        )

    def validate(
        self, raw: dict[str, Any] | None = None, *, preset: str | None = None
    ) -> dict[str, Any]:
        """Defaults, then the preset, then ``raw`` on top; every value checked.

        Returns the full canonical parameter dict (in declaration order) or raises
        :class:`ParamError` naming each bad field.
        """
        raw = dict(raw or {})
        values = self.defaults()
        if preset:
            values.update(self.preset(preset).params)
        errors: dict[str, list[str]] = {}
        known = {param.name for param in self.params}
        for name in raw:
            if name not in known:
                errors.setdefault(name, []).append(
                    Msg("Unknown parameter. Parameters: {names}.", names=Seq(sorted(known)))
                )
        for param in self.params:
            if param.name in raw:
                try:
                    values[param.name] = param.coerce(raw[param.name])
                except ValueError as exc:
                    errors.setdefault(param.name, []).append(error_message(exc))
            else:
                values[param.name] = param.coerce(values[param.name])
        if not errors:
            errors.update(self.check_params(values))
        if errors:
            raise ParamError(errors)
        return {param.name: values[param.name] for param in self.params}

    def run(
        self, params: dict[str, Any] | None = None, *, seed: int, preset: str | None = None
    ) -> Result:
        """Validate, seed one Generator, simulate. Same params and seed give the same result."""
        if (
            isinstance(seed, bool)
            or not isinstance(seed, int | np.integer)
            or not 0 <= seed <= MAX_SEED
        ):
            raise ParamError({"seed": [SEED_MESSAGE]})
        values = self.validate(params, preset=preset)
        return self.simulate(values, np.random.default_rng(int(seed)))

    def describe(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "question": self.question,
            "version": self.version,
            "cases": list(self.cases),
            "themes": list(self.themes),
            "params": [param.describe() for param in self.params],
            "presets": [vars(preset) for preset in self.presets],
        }


def derive_seed(rng: np.random.Generator) -> int:
    """A seed for scikit-learn/Fairlearn ``random_state`` drawn from the run's Generator."""
    return int(rng.integers(0, 2**31 - 1))


def pct(x: float, digits: int = 0) -> Msg:
    """0.2345 → '23%' (digits=0) or '23.5%' (digits=1); French '23,5 %' when rendered by the
    site (a message holding a :class:`~simulations.engine.text.Pct`)."""
    return Msg("{p}", p=Pct(x, digits))
