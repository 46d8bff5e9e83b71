"""Running simulations and storing their results: the one path the pages, the CLI and the API share."""

from __future__ import annotations

import secrets
import time
from contextlib import nullcontext
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from . import engine, result_cache, runner
from .engine import MAX_SEED, ParamError, Simulation
from .engine.base import SEED_MESSAGE
from .models import SimulationRun, run_key

DEFAULT_SEED = 0


class UnknownSimulation(LookupError):
    """No simulation is registered under this slug."""

    def __init__(self, slug: str):
        self.slug = slug
        known = ", ".join(sorted(engine.REGISTRY)) or "none"
        super().__init__(f"Unknown simulation {slug!r}. Simulations: {known}.")  # for logs

    def message(self) -> str:
        """The message in the active language."""
        known = ", ".join(sorted(engine.REGISTRY)) or gettext("none")
        return gettext("Unknown simulation {slug}. Simulations: {known}.").format(
            slug=repr(self.slug), known=known
        )


def get_simulation(slug: str) -> Simulation:
    """The registered simulation, or :class:`UnknownSimulation`."""
    try:
        return engine.get(slug)
    except KeyError:
        raise UnknownSimulation(slug) from None


def random_seed() -> int:
    """A fresh seed for "run again with another seed"."""
    return secrets.randbelow(MAX_SEED + 1)


def parse_seed(raw: Any) -> int:
    """A seed from a form, the CLI or JSON; :class:`ParamError` on ``seed`` when invalid."""
    if isinstance(raw, bool):
        raise ParamError({"seed": [SEED_MESSAGE]})
    if isinstance(raw, str):
        text = raw.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 10:
            raise ParamError({"seed": [SEED_MESSAGE]})
        raw = int(text)
    if not isinstance(raw, int) or not 0 <= raw <= MAX_SEED:
        raise ParamError({"seed": [SEED_MESSAGE]})
    return raw


def get_or_run(
    *,
    slug: str,
    params: dict[str, Any] | None,
    seed: Any,
    preset: str | None = None,
    take_slot: bool = False,
    slot_wait: float = 0.0,
) -> tuple[SimulationRun, bool]:
    """Return the stored run for these inputs, running and storing it first if there is none.

    ``params`` may be partial (defaults, then the preset, then ``params``). Returns
    ``(run, created)``. Raises :class:`UnknownSimulation` for an unknown slug and
    :class:`~simulations.engine.ParamError` for a bad preset, parameter or seed.

    The key is looked up before anything runs, so a stored key is never computed again. Two
    requests racing on a new key may both compute; the unique key lets only one row in and
    the other returns that row.

    A new run is computed within the time limit (:func:`simulations.runner.compute`, which may
    raise :class:`~simulations.runner.SimulationTimeout`); with ``take_slot`` (the web doors) it
    first takes one of the machine's run slots or raises
    :class:`~simulations.runner.SimulationsBusy` (after ``slot_wait`` seconds of trying). A
    stored run needs neither, nor does one a
    preview has just computed (:mod:`simulations.result_cache`): it is stored as computed then.
    """
    simulation = get_simulation(slug)
    seed = parse_seed(seed)
    values = simulation.validate(params, preset=preset or None)
    key = run_key(slug=simulation.slug, version=simulation.version, params=values, seed=seed)
    existing = SimulationRun.objects.filter(key=key).first()
    if existing is not None:
        SimulationRun.objects.touch(existing)
        return existing, False
    previewed = result_cache.recall(simulation, values, seed)
    if previewed is not None:  # just shown by a preview: stored as computed then
        result, duration_ms = previewed["result"], previewed["duration_ms"]
    else:
        with runner.slot(slot_wait) if take_slot else nullcontext():
            started = time.perf_counter()
            result = runner.compute(simulation, values, seed)
            duration_ms = round((time.perf_counter() - started) * 1000)
    try:
        with transaction.atomic():
            run = SimulationRun.objects.create(
                key=key,
                slug=simulation.slug,
                version=simulation.version,
                params=values,
                seed=seed,
                preset=preset or "",
                result=result,
                duration_ms=duration_ms,
            )
    except IntegrityError:
        return SimulationRun.objects.get(key=key), False
    return run, True


def split_checks(checks: list[dict]) -> dict:
    """A stored result's checks for the page: independent reference checks (which can fail)
    apart from consistency notes (the sample against the rates it was drawn from). Runs stored
    before checks had a kind count as reference checks."""
    reference = [c for c in checks if c.get("kind", "reference") == "reference"]
    consistency = [c for c in checks if c.get("kind") == "consistency"]
    return {
        "reference_checks": reference,
        "reference_checks_passed": sum(1 for c in reference if c.get("passed")),
        "consistency_checks": consistency,
    }
