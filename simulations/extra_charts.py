"""Charts the Django layer draws from a stored run's numbers, shown before the engine's charts.

base-rate: 1,000 travellers as dots (a 40 × 25 grid), liars and honest travellers told apart by
colour and shape, flagged ones filled and cleared ones hollow, scaled from the run's confusion
counts. It lives here, not in the engine, so stored runs keep their results and version: the
picture is drawn from four metrics every base-rate run already stores.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.utils.translation import gettext

from .engine.charts import SCHEMA
from .templatetags.sim_tags import format_number

DOTS, COLUMNS = 1000, 40  # 40 columns × 25 rows
LIAR, HONEST = "#D55E00", "#0072B2"  # Okabe–Ito vermillion and blue (colour-blind safe)


def whole_dots(counts: list[int], total: int = DOTS) -> list[int]:
    """Counts scaled to ``total`` dots, rounded by the largest remainder so they add up to it."""
    n = sum(counts)
    if n <= 0:
        return [0] * len(counts)
    exact = [c * total / n for c in counts]
    dots = [math.floor(x) for x in exact]
    order = sorted(range(len(counts)), key=lambda i: exact[i] - dots[i], reverse=True)
    for i in order[: total - sum(dots)]:
        dots[i] += 1
    return dots


def _metric(result: dict, key: str):
    for metric in result.get("metrics") or []:
        if isinstance(metric, dict) and metric.get("key") == key:
            return metric.get("value")
    return None


def dots_spec(title: str, names: list[str], dots: list[int]) -> dict[str, Any]:
    """The Vega-Lite spec of the 1,000 dots: ``names`` the four groups' legend entries (liars
    flagged, honest flagged, liars cleared, honest cleared), ``dots`` their whole dots.
    static/simulations/bayes.js builds the same spec in the browser (tests compare them)."""
    bounds, total = [], 0
    for d in dots:
        total += d
        bounds.append(total)
    # The group of dot i: the flagged first (filling the grid from the top left), then the rest.
    expression = (
        f"datum.i < {bounds[0]} ? {json.dumps(names[0])} : "
        f"datum.i < {bounds[1]} ? {json.dumps(names[1])} : "
        f"datum.i < {bounds[2]} ? {json.dumps(names[2])} : {json.dumps(names[3])}"
    )
    scale = {"domain": names}
    return {
        "$schema": SCHEMA,
        "title": title,
        # Fixed size (CSS scales the drawing down on a phone); quantitative x and y, so the
        # page's chart script leaves the hidden axes alone.
        "width": 400,
        "height": 250,
        "data": {"sequence": {"start": 0, "stop": DOTS, "as": "i"}},
        "transform": [
            {"calculate": f"datum.i % {COLUMNS}", "as": "column"},
            {"calculate": f"floor(datum.i / {COLUMNS})", "as": "row"},
            {"calculate": expression, "as": "group"},
        ],
        "mark": {
            "type": "point",
            "filled": True,
            "size": 52,
            "strokeWidth": 1.5,
            "opacity": 1,
            "fillOpacity": 1,
        },
        "encoding": {
            "x": {
                "field": "column",
                "type": "quantitative",
                "axis": None,
                "scale": {"domain": [-0.5, COLUMNS - 0.5], "nice": False, "zero": False},
            },
            "y": {
                "field": "row",
                "type": "quantitative",
                "axis": None,
                "scale": {
                    "domain": [-0.5, DOTS // COLUMNS - 0.5],
                    "nice": False,
                    "zero": False,
                    "reverse": True,
                },
            },
            # Flagged dots are filled, cleared ones hollow (white inside): fill, stroke and
            # shape share one legend, which shows the same four symbols as the picture.
            "fill": {
                "field": "group",
                "type": "nominal",
                "title": None,
                "scale": {**scale, "range": [LIAR, HONEST, "#ffffff", "#ffffff"]},
            },
            "stroke": {
                "field": "group",
                "type": "nominal",
                "title": None,
                "scale": {**scale, "range": [LIAR, HONEST, LIAR, HONEST]},
            },
            "shape": {
                "field": "group",
                "type": "nominal",
                "title": None,
                "scale": {**scale, "range": ["triangle-up", "circle", "triangle-up", "circle"]},
            },
        },
        "config": {
            "view": {"stroke": None},
            "legend": {
                "orient": "bottom",
                "columns": 2,
                "labelFontSize": 14,
                "symbolSize": 140,
                "symbolFillColor": "#ffffff",
                "labelLimit": 175,
                "symbolStrokeWidth": 1.6,
            },
        },
    }


def base_rate_dots(run, result: dict[str, Any]) -> dict[str, Any] | None:
    keys = ("true_positives", "false_positives", "false_negatives", "true_negatives")
    counts = [_metric(result, key) for key in keys]
    if not all(isinstance(c, int | float) and c >= 0 for c in counts) or sum(counts) <= 0:
        return None
    counts = [int(c) for c in counts]
    n = sum(counts)
    dots = whole_dots(counts)
    border = (run.params or {}).get("framing", "border") == "border"
    if border:
        labels = [
            gettext("Lying, flagged"),
            gettext("Honest, flagged"),
            gettext("Lying, cleared"),
            gettext("Honest, cleared"),
        ]
        title = gettext("1,000 travellers: who is flagged, and who is lying")
    else:
        labels = [
            gettext("With the trait, flagged"),
            gettext("Without the trait, flagged"),
            gettext("With the trait, cleared"),
            gettext("Without the trait, cleared"),
        ]
        title = gettext("1,000 people: who is flagged, and who has the trait")
    # A legend entry says how many dots it has, so the picture reads without the text.
    names = [
        gettext("{group}: {dots}").format(group=label, dots=format_number(d))
        for label, d in zip(labels, dots, strict=True)
    ]
    spec = dots_spec(title, names, dots)
    flagged_dots = dots[0] + dots[1]
    if border:
        description = gettext(
            "Each dot is a traveller: the run's {n} scaled to 1,000, each group rounded to whole "
            "dots so they add up to 1,000. Triangles are liars, circles honest travellers; "
            "filled dots were flagged, hollow ones cleared. Of the {flagged} flagged, {tp} are "
            "liars."
        )
    else:
        description = gettext(
            "Each dot is a person: the run's {n} scaled to 1,000, each group rounded to whole "
            "dots so they add up to 1,000. Triangles have the trait, circles do not; filled "
            "dots were flagged, hollow ones cleared. Of the {flagged} flagged, {tp} have the "
            "trait."
        )
    description = description.format(
        n=format_number(n), flagged=format_number(flagged_dots), tp=format_number(dots[0])
    )
    table = {
        "key": "unit-dots",
        "title": gettext("The 1,000 dots by group"),
        "columns": [
            {"key": "group", "label": gettext("Group")},
            {"key": "people", "label": gettext("In this run")},
            {"key": "dots", "label": gettext("Dots (of 1,000)")},
        ],
        "rows": [
            {"group": label, "people": c, "dots": d}
            for label, c, d in zip(labels, counts, dots, strict=True)
        ],
    }
    return {
        "key": "unit-dots",
        "title": title,
        "description": description,
        "spec": spec,
        "data_table": table,
    }


BUILDERS = {"base-rate": base_rate_dots}


def extra_charts(run, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Charts drawn from a stored run's numbers, shown before the engine's charts."""
    builder = BUILDERS.get(run.slug)
    chart = builder(run, result) if builder else None
    return [chart] if chart else []


def base_rate_instant() -> dict[str, Any]:
    """What static/simulations/bayes.js needs to draw the 1,000 dots in the browser from Bayes'
    rule as the sliders move, without asking the server: the words, in the page's language.

    The expected counts (travellers × base rate × sensitivity, …) are the engine's closed form;
    the browser computes them with the same arithmetic, in the same order, so the dots are
    exactly those of the expected counts (tests/e2e/test_bayes_instant.py compares both).
    """
    sample = format_number(1000)
    return {
        "labels": {
            "border": [
                gettext("Lying, flagged"),
                gettext("Honest, flagged"),
                gettext("Lying, cleared"),
                gettext("Honest, cleared"),
            ],
            "trait": [
                gettext("With the trait, flagged"),
                gettext("Without the trait, flagged"),
                gettext("With the trait, cleared"),
                gettext("Without the trait, cleared"),
            ],
        },
        "titles": {
            "border": gettext("1,000 travellers by Bayes' rule: who is flagged, who is lying"),
            "trait": gettext("1,000 people by Bayes' rule: who is flagged, who has the trait"),
        },
        "descriptions": {
            "border": gettext(
                "Drawn in your browser as you move the sliders: the {n} travellers as Bayes' "
                "rule expects them, scaled to 1,000 and rounded to whole dots. Triangles are "
                "liars, circles honest travellers; filled dots are flagged, hollow ones cleared. "
                "Of the {flagged} flagged, {tp} are liars."
            ),
            "trait": gettext(
                "Drawn in your browser as you move the sliders: the {n} people as Bayes' rule "
                "expects them, scaled to 1,000 and rounded to whole dots. Triangles have the "
                "trait, circles do not; filled dots are flagged, hollow ones cleared. Of the "
                "{flagged} flagged, {tp} have the trait."
            ),
        },
        "name": gettext("{group}: {dots}"),
        "thousands": sample[1:-3],
    }


INSTANT = {"base-rate": base_rate_instant}


def instant_config(slug: str) -> dict[str, Any] | None:
    """The words of the chart the browser draws itself for this simulation, if it has one."""
    builder = INSTANT.get(slug)
    return builder() if builder else None
