"""Two stored runs of one simulation side by side: parameters, metrics with their difference,
findings and charts (overlaid where both are one line or bar chart over the same x).

Everything here reads stored results; nothing runs the engine. The overlay is a Vega-Lite spec
built from the two runs' inline data with a "run" field drawn as colour and line style (or bar
offset), so a reader tells the runs apart without colour alone.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from django.utils.translation import gettext, pgettext

from .templatetags.sim_tags import _decimal, format_metric, format_number

RUN_FIELD = "__run"
# Colour-blind-safe pair (Okabe–Ito blue and vermillion); the line style differs as well.
RUN_COLOURS = ["#0072B2", "#D55E00"]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _signed(text: str, positive: bool) -> str:
    return f"+{text}" if positive else text.replace("-", "−", 1)


def format_difference(a: Any, b: Any, unit: str = "") -> str:
    """B − A as people read it: '+3', '−1.5 people'; a share's difference is in percentage
    points ('+12.5 points'); '' when either value is not a number."""
    if not (_is_number(a) and _is_number(b)):
        return ""
    diff = b - a
    if diff == 0:
        return pgettext("difference between two runs", "no change")
    if (unit or "").startswith("share"):
        points = diff * 100
        text = _decimal(f"{abs(points):.3g}") if abs(points) < 1000 else format_number(abs(points))
        text = pgettext("difference of two percentages", "{number} points").format(number=text)
        return ("+" if diff > 0 else "−") + text
    if isinstance(a, int) and isinstance(b, int):
        diff_text = format_metric(abs(diff), unit)
    else:
        diff_text = format_metric(float(abs(diff)), unit)
    return ("+" if diff > 0 else "−") + diff_text


def compare_params(params_a: list[dict], params_b: list[dict]) -> list[dict]:
    """The parameter rows of both runs (as run_detail builds them), with ``changed``."""
    by_name_b = {p["name"]: p for p in params_b}
    rows, seen = [], set()
    for pa in params_a:
        pb = by_name_b.get(pa["name"])
        seen.add(pa["name"])
        rows.append(
            {
                "label": pa["label"],
                "unit": pa["unit"],
                "a": pa["value"],
                "b": pb["value"] if pb else None,
                "changed": pb is None or pb["value"] != pa["value"],
            }
        )
    for pb in params_b:
        if pb["name"] not in seen:
            rows.append(
                {
                    "label": pb["label"],
                    "unit": pb["unit"],
                    "a": None,
                    "b": pb["value"],
                    "changed": True,
                }
            )
    return rows


def compare_metrics(metrics_a: list[dict], metrics_b: list[dict]) -> list[dict]:
    """Each metric (matched by key) with both values and B − A."""
    by_key_b = {m.get("key"): m for m in metrics_b if isinstance(m, dict)}
    rows = []
    for ma in metrics_a:
        if not isinstance(ma, dict):
            continue
        mb = by_key_b.get(ma.get("key"), {})
        unit = ma.get("unit", "")
        rows.append(
            {
                "label": ma.get("label", ""),
                "a": format_metric(ma.get("value"), unit),
                "b": format_metric(mb.get("value"), unit) if mb else "—",
                "difference": format_difference(ma.get("value"), mb.get("value"), unit),
                "changed": bool(mb) and mb.get("value") != ma.get("value"),
            }
        )
    return rows


def _simple(spec: dict) -> bool:
    """One mark (line or bar) with x and y encodings and inline data."""
    mark = spec.get("mark")
    kind = mark.get("type") if isinstance(mark, dict) else mark
    encoding = spec.get("encoding") or {}
    values = (spec.get("data") or {}).get("values")
    return (
        kind in ("line", "bar")
        and "layer" not in spec
        and isinstance(values, list)
        and "x" in encoding
        and "y" in encoding
    )


def _same_axes(a: dict, b: dict) -> bool:
    ea, eb = a["encoding"], b["encoding"]
    kind = lambda s: s["mark"].get("type") if isinstance(s["mark"], dict) else s["mark"]  # noqa: E731
    return (
        kind(a) == kind(b)
        and all(ea[c].get("field") == eb[c].get("field") for c in ("x", "y"))
        and (ea.get("color") or {}).get("field") == (eb.get("color") or {}).get("field")
    )


def overlay_spec(spec_a: dict, spec_b: dict, label_a: str, label_b: str) -> tuple[dict, str] | None:
    """One Vega-Lite spec with both runs' data, told apart by a "run" field; None when the two
    charts cannot share axes (then the page shows them side by side). With the spec comes a
    sentence saying how the runs are told apart."""
    if not (_simple(spec_a) and _simple(spec_b) and _same_axes(spec_a, spec_b)):
        return None
    spec = copy.deepcopy(spec_a)
    rows = [{**row, RUN_FIELD: label_a} for row in spec_a["data"]["values"]]
    rows += [{**row, RUN_FIELD: label_b} for row in spec_b["data"]["values"]]
    spec["data"] = {"values": rows}
    title = pgettext("the two runs compared", "Run")
    run_scale = {"domain": [label_a, label_b], "range": RUN_COLOURS}
    encoding = spec["encoding"]
    kind = spec["mark"].get("type") if isinstance(spec["mark"], dict) else spec["mark"]
    run_field = {"field": RUN_FIELD, "type": "nominal", "title": title}
    if kind == "line":
        if "color" in encoding:
            # The series keep their colours; the run is the line style (solid, dashed).
            encoding["strokeDash"] = {
                **run_field,
                "scale": {"domain": [label_a, label_b], "range": [[1, 0], [6, 4]]},
            }
            # Its own legend above the chart: beside the series legend it runs off a phone.
            encoding["strokeDash"]["legend"] = {"orient": "top", "direction": "horizontal"}
            encoding["detail"] = {"field": RUN_FIELD}
            how = gettext("Each series keeps its colour: “{a}” is drawn solid, “{b}” dashed.")
        else:
            encoding["color"] = {**run_field, "scale": run_scale}
            encoding["strokeDash"] = {
                **run_field,
                "scale": {"domain": [label_a, label_b], "range": [[1, 0], [6, 4]]},
            }
            encoding["shape"] = {**run_field, "scale": {"range": ["circle", "triangle-up"]}}
            how = gettext(
                "“{a}” is the solid blue line with circles, “{b}” the dashed orange line "
                "with triangles."
            )
    else:  # bar
        if "color" in encoding:
            return None  # already grouped by colour: two groupings do not read; side by side
        offset = "yOffset" if encoding["y"].get("type") == "nominal" else "xOffset"
        encoding[offset] = {"field": RUN_FIELD, "sort": [label_a, label_b]}
        encoding["color"] = {**run_field, "scale": run_scale}
        encoding["opacity"] = {
            **run_field,
            "scale": {"domain": [label_a, label_b], "range": [1, 0.55]},
        }
        how = gettext("Side by side: “{a}” in solid blue bars, “{b}” in lighter orange bars.")
    spec["title"] = spec_a.get("title", "")
    spec.setdefault("config", {}).setdefault("legend", {"orient": "bottom"})
    return spec, how.format(a=label_a, b=label_b)


def compare_charts(charts_a: list[dict], charts_b: list[dict], label_a: str, label_b: str):
    """Chart pairs (matched by key, else by position): overlaid when they share axes."""
    by_key_b = {c.get("key"): c for c in charts_b if c.get("key")}
    pairs = []
    for n, ca in enumerate(charts_a, start=1):
        cb = by_key_b.get(ca.get("key")) if ca.get("key") else None
        if cb is None and n - 1 < len(charts_b):
            cb = charts_b[n - 1]
        overlay = overlay_spec(ca["spec"], cb["spec"], label_a, label_b) if cb else None
        pairs.append(
            {
                "title": ca.get("title", ""),
                "a": {**ca, "dom_id": f"chart-{n}-a", "spec_id": f"chart-{n}-a-spec"},
                "b": {**cb, "dom_id": f"chart-{n}-b", "spec_id": f"chart-{n}-b-spec"}
                if cb
                else None,
                "overlay": overlay[0] if overlay else None,
                "description": overlay[1] if overlay else "",
                "dom_id": f"chart-{n}",
                "spec_id": f"chart-{n}-spec",
            }
        )
    return pairs
