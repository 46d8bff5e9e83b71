"""Context for the panels this app adds to kb case and theme pages (no queries), in the
active language."""

from . import engine
from .i18n import local_simulation
from .services import DEFAULT_SEED


def simulations_for_case(case, request) -> dict | None:
    """The simulations that illustrate this case, each with the presets built from its numbers."""
    items = []
    for simulation in engine.all_simulations():
        if case.slug not in simulation.cases:
            continue
        local = local_simulation(simulation)
        own = [p for p in local.presets if p.case == case.slug]
        items.append({"simulation": local, "presets": own})
    if not items:
        return None
    return {"items": items, "default_seed": DEFAULT_SEED}


def simulations_for_theme(theme, request) -> dict | None:
    """The simulations that show this theme."""
    items = [
        {"simulation": local_simulation(simulation), "presets": []}
        for simulation in engine.all_simulations()
        if theme.slug in simulation.themes
    ]
    if not items:
        return None
    return {"items": items, "default_seed": DEFAULT_SEED}
