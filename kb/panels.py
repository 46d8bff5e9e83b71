"""Panels other apps add to case and theme pages, without kb importing them.

An app registers in its ``AppConfig.ready()``::

    from kb.panels import register_case_panel
    register_case_panel("simulations/includes/case_panel.html", simulations_for_case)

The function takes the case (or theme) and the request and returns a context dict (or None to
hide the panel). It must run a fixed number of queries, whatever the data. The kb views render
each registered template with that context, in registration order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[Any, Any], dict | None]


CASE_PANELS: list[Panel] = []
THEME_PANELS: list[Panel] = []


def register_case_panel(template: str, context: Callable[[Any, Any], dict | None]) -> None:
    if all(p.template != template for p in CASE_PANELS):
        CASE_PANELS.append(Panel(template, context))


def register_theme_panel(template: str, context: Callable[[Any, Any], dict | None]) -> None:
    if all(p.template != template for p in THEME_PANELS):
        THEME_PANELS.append(Panel(template, context))


def render_panels(panels: list[Panel], obj, request) -> list[dict]:
    """[{"template": ..., "context": {...}}] for the panels that have something to show."""
    rendered = []
    for panel in panels:
        context = panel.context(obj, request)
        if context:
            rendered.append({"template": panel.template, "context": context})
    return rendered
