"""Previews: a simulation computed for the explorable page without storing a run.

A slider moves many times; each position must not become a stored run. The preview endpoint
(``GET /<lang>/simulations/<slug>/preview/?<params>&seed=N``) computes with the same machinery
as a run (a run slot of the machine, the time limit of :func:`simulations.runner.compute`, the
parameters' bounds) and answers JSON: the charts' Vega-Lite specs, the findings and the key
metrics, in the page's language. Nothing is written to the database.

Budget:

- the answer is cached (the "default" cache) by slug, version, canonical parameters, seed and
  language for ``SIMULATIONS["PREVIEW_CACHE_SECONDS"]``: a slider moved back to a position it
  has shown costs a cache read;
- every request spends the client's preview budget (``THROTTLE_PREVIEWS``, scope
  ``previews``, shared by the workers like the run budget) and a computed one needs a free run
  slot (503 with Retry-After otherwise), exactly like a run;
- "Keep this run" posts the form: the run is stored then, through the run budget;
- look-ahead (``X-Lookahead: 1``: the page asks for the slider's next positions while the
  student reads the chart, so that the next move draws from memory) spends a budget of its own
  (``THROTTLE_PREVIEW_LOOKAHEADS``, scope ``preview_lookaheads``), never the student's preview
  budget, and computes in the look-ahead pool's slot at the lowest CPU priority; when that slot
  is taken it is refused at once (503), and the page does not insist.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.http import urlencode

from . import result_cache, runner
from .engine import Simulation
from .engine.base import error_message
from .forms import RunForm
from .i18n import localize, localize_result
from .services import DEFAULT_SEED
from .templatetags.sim_tags import format_metric

# How many metrics the preview carries (the first ones a simulation declares are its key ones).
PREVIEW_METRICS = 4


def preview_config() -> dict:
    return {"PREVIEW_CACHE_SECONDS": 600} | getattr(settings, "SIMULATIONS", {})


def form_data(simulation: Simulation, query) -> dict[str, str]:
    """Form data from a query string: each declared parameter (default when absent) and the seed
    (the default seed when absent or empty, so a preview is always reproducible)."""
    data: dict[str, str] = {}
    for param in simulation.params:
        if param.name in query:
            data[param.name] = query.get(param.name, "")
        elif param.type == "bool":
            if param.default:
                data[param.name] = "on"
        else:
            data[param.name] = str(param.default)
    seed = (query.get("seed") or "").strip()
    data["seed"] = seed or str(DEFAULT_SEED)
    return data


def main_params(simulation: Simulation, count: int = 3) -> list[str]:
    """The names of the simulation's main parameters, for the compact explorable: the first
    ones it declares, leaving out sizes (whole numbers spanning 100 or more: people, days,
    repetitions), which change precision rather than the picture."""

    def is_size(param) -> bool:
        return param.type == "int" and (param.max - param.min) >= 100

    names = [p.name for p in simulation.params if not is_size(p)][:count]
    if len(names) < 2:
        names = [p.name for p in simulation.params][:count]
    return names


def full_errors(simulation: Simulation, form: RunForm) -> dict[str, list[str]]:
    """An invalid form's errors, plus those of the numbers it did not get to check.

    The form checks the parameters together only once each field is clean, so one bad choice
    hides a bad number; a preview (and a permalink) names every bad field at once, each with
    the engine's own message.
    """
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    for param in simulation.params:
        if param.name in errors or param.name not in form.data:
            continue
        if param.type not in ("int", "float"):
            continue
        try:
            param.coerce(form.data[param.name])
        except ValueError as exc:
            errors[param.name] = [localize(error_message(exc))]
    return errors


def has_state(simulation: Simulation, query) -> bool:
    """Whether a query string carries explorable state (a parameter or the seed)."""
    names = {param.name for param in simulation.params} | {"seed"}
    return any(name in query for name in names)


def state_query(simulation: Simulation, params: dict[str, Any], seed: int) -> str:
    """The canonical query string of a state: every parameter in declaration order, then the seed."""
    pairs = []
    for param in simulation.params:
        value = params[param.name]
        if param.type == "bool":  # explicit both ways: an absent box means its default
            value = "on" if value else "false"
        pairs.append((param.name, value))
    pairs.append(("seed", seed))
    return urlencode(pairs)


def cache_key(simulation: Simulation, params: dict[str, Any], seed: int, language: str) -> str:
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(
        f"{simulation.slug}|{simulation.version}|{canonical}|{seed}|{language}".encode()
    ).hexdigest()[:32]
    return f"sim-preview:{digest}"


def payload(simulation: Simulation, result: dict, params: dict, seed: int, ms: int) -> dict:
    """The JSON a page needs to redraw: charts, findings, key metrics, in the active language."""
    local = localize_result(result)
    charts = [
        {
            "title": chart.get("title", ""),
            "description": chart.get("description", ""),
            "spec": chart.get("spec", {}),
        }
        for chart in local.get("charts", [])
    ]
    metrics = [
        {
            "key": metric.get("key", ""),
            "label": metric.get("label", ""),
            "value": format_metric(metric.get("value"), metric.get("unit", "")),
        }
        for metric in local.get("metrics", [])[:PREVIEW_METRICS]
        if isinstance(metric, dict)
    ]
    return {
        "simulation": simulation.slug,
        "params": params,
        "seed": seed,
        "query": state_query(simulation, params, seed),
        "charts": charts,
        "findings": [str(finding) for finding in local.get("findings", [])],
        "metrics": metrics,
        "compute_ms": ms,
    }


def preview(simulation: Simulation, form: RunForm, *, lookahead: bool = False) -> tuple[dict, bool]:
    """``(payload, cached)`` for a valid form; may raise SimulationsBusy or SimulationTimeout.

    ``lookahead``: asked ahead of the student (the slider's next position, while they read the
    chart): computed in a slot of the look-ahead pool at the lowest CPU priority
    (simulations.runner), never in a run slot; cached like any preview."""
    params = form.cleaned_data["params"]
    seed = form.cleaned_data["seed"]
    language = translation.get_language() or ""
    key = cache_key(simulation, params, seed, language)
    hit = cache.get(key)
    if hit is not None:
        return hit, True
    pool, nice = (runner.LOOKAHEAD, runner.LOOKAHEAD_NICE) if lookahead else ("run", 0)
    with runner.slot(pool=pool):
        started = time.perf_counter()
        result = runner.compute(simulation, params, seed, nice=nice)
        ms = round((time.perf_counter() - started) * 1000)
    result_cache.remember(simulation, params, seed, result, ms)
    data = payload(simulation, result, params, seed, ms)
    cache.set(key, data, preview_config()["PREVIEW_CACHE_SECONDS"])
    return data, False
