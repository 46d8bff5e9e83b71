"""Context for the panels this app adds to kb case and theme pages (no queries), in the
active language."""

from django.urls import reverse
from django.utils.translation import gettext

from . import engine
from .engine import ParamError
from .forms import RunForm
from .i18n import local_simulation
from .preview import main_params, state_query
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
    return {
        "items": items,
        "default_seed": DEFAULT_SEED,
        "explorable": explorable(items[0]["simulation"], items[0]["presets"]),
        # Near the top of the case, after its summary, with an entry in the page's menu.
        "top": True,
        "anchor": "run-it",
        "menu_label": gettext("Run it yourself"),
        "stylesheet": "simulations/simulations.css",
        "scripts": "simulations/includes/explorable_scripts.html",
    }


def explorable(local, presets) -> dict:
    """The compact explorable of a case: the simulation's main parameters, its first chart and
    its first finding, starting from the case's own preset when it has one."""
    simulation = local.engine
    shown = main_params(simulation)
    values = simulation.defaults()
    if presets:
        # The case's numbers for the parameters shown; sizes stay at their defaults, which
        # keeps each redraw quick.
        try:
            case_values = simulation.validate(preset=presets[0].slug)
            values = simulation.validate({name: case_values[name] for name in shown})
        except ParamError:
            values = simulation.defaults()
    form = RunForm(simulation, initial={**values, "seed": DEFAULT_SEED}, auto_id="explore-%s")
    page_url = reverse("simulations:simulation-detail", kwargs={"slug": simulation.slug})
    return {
        "simulation": local,
        "form": form,
        "shown": [form[name] for name in shown],
        "hidden": [form[name] for name in form.param_names if name not in shown],
        "page_url": page_url,
        "state_url": f"{page_url}?{state_query(simulation, values, DEFAULT_SEED)}",
    }


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
