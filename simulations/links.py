"""Links other apps add to a run's page (e.g. the quizzes that use a simulation), without this
app importing them.

An app registers in its ``AppConfig.ready()``::

    from django.utils.translation import gettext_lazy as _
    from simulations.links import register_run_links
    register_run_links(_("Quizzes"), quizzes_for_simulation)

The heading is read when the page renders: give a lazy translation so it follows the page's
language.

The function takes the simulation's slug, the run's preset slug ("" if none) and the request,
and returns a list of ``{"title": ..., "url": ...}``. It must run a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LinkProvider = Callable[[str, str, Any], list[dict[str, str]]]


@dataclass(frozen=True)
class RunLinks:
    heading: str
    links: LinkProvider


RUN_LINKS: list[RunLinks] = []


def register_run_links(heading: str, links: LinkProvider) -> None:
    if all(entry.heading != heading for entry in RUN_LINKS):
        RUN_LINKS.append(RunLinks(heading, links))


def render_run_links(slug: str, preset: str, request) -> list[dict[str, Any]]:
    """[{"heading": ..., "links": [...]}] for the providers that return any link."""
    groups = []
    for entry in RUN_LINKS:
        links = entry.links(slug, preset, request)
        if links:
            groups.append({"heading": str(entry.heading), "links": links})
    return groups
