"""The simulation engine: pure NumPy/pandas/scikit-learn/Fairlearn, never Django.

Every module of this package whose name does not start with ``_`` and that defines
``SIMULATION`` (an instance of :class:`~simulations.engine.base.Simulation`) is registered.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import MAX_SEED, ParamError, Result, Simulation

__all__ = ["MAX_SEED", "ParamError", "Result", "Simulation", "all_simulations", "get"]

_SKIP = {"base", "charts", "text"}


def _discover() -> dict[str, Simulation]:
    registry: dict[str, Simulation] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name in _SKIP:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        simulation = getattr(module, "SIMULATION", None)
        if simulation is None:
            continue
        if simulation.slug in registry:
            raise RuntimeError(f"Two simulations use the slug {simulation.slug!r}.")
        registry[simulation.slug] = simulation
    return registry


REGISTRY: dict[str, Simulation] = _discover()


def get(slug: str) -> Simulation:
    """The simulation with this slug; KeyError if there is none."""
    return REGISTRY[slug]


def all_simulations() -> list[Simulation]:
    return list(REGISTRY.values())
