"""Vega-Lite spec builders with one look: titled, axes labelled, data inline, responsive width."""

from __future__ import annotations

from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def _base(title: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    # "$schema" is an identifier only; vega-embed never fetches it.
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 260,
        "data": {"values": rows},
        "config": {
            "axis": {"labelFontSize": 12, "titleFontSize": 13},
            "legend": {"orient": "bottom"},
        },
    }


def _field(name: str, kind: str, title: str, **extra: Any) -> dict[str, Any]:
    return {"field": name, "type": kind, "title": title, **extra}


def line_chart(
    title: str,
    rows: list[dict[str, Any]],
    *,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    color: str | None = None,
    color_title: str = "",
    y_format: str | None = None,
    y_domain: list[float] | None = None,
    x_scale: dict[str, Any] | None = None,
    x_format: str | None = None,
) -> dict[str, Any]:
    """Lines over a quantitative x; ``x_scale`` (e.g. ``{"type": "log"}``) and ``x_format``
    are optional Vega-Lite scale and axis-format settings for x."""
    spec = _base(title, rows)
    y_enc = _field(y, "quantitative", y_title)
    if y_format:
        y_enc["axis"] = {"format": y_format}
    if y_domain:
        y_enc["scale"] = {"domain": y_domain}
    spec["mark"] = {"type": "line", "point": len(rows) <= 60, "tooltip": True}
    x_enc = _field(x, "quantitative", x_title)
    if x_scale:
        x_enc["scale"] = x_scale
    if x_format:
        x_enc["axis"] = {"format": x_format}
    spec["encoding"] = {"x": x_enc, "y": y_enc}
    if color:
        spec["encoding"]["color"] = _field(color, "nominal", color_title)
        spec["encoding"]["strokeDash"] = _field(color, "nominal", color_title)
    return spec


def bar_chart(
    title: str,
    rows: list[dict[str, Any]],
    *,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    color: str | None = None,
    color_title: str = "",
    y_format: str | None = None,
    horizontal: bool = False,
    sort: list[str] | None = None,
) -> dict[str, Any]:
    """Bars; with ``color`` the bars are grouped side by side (xOffset)."""
    spec = _base(title, rows)
    cat = _field(x, "nominal", x_title, sort=sort) if sort else _field(x, "nominal", x_title)
    cat["axis"] = {"labelAngle": 0, "labelLimit": 160}
    val = _field(y, "quantitative", y_title)
    if y_format:
        val["axis"] = {"format": y_format}
    spec["mark"] = {"type": "bar", "tooltip": True}
    if horizontal:
        spec["encoding"] = {"y": cat, "x": val}
        if color:
            spec["encoding"]["yOffset"] = {"field": color}
    else:
        spec["encoding"] = {"x": cat, "y": val}
        if color:
            spec["encoding"]["xOffset"] = {"field": color}
    if color:
        spec["encoding"]["color"] = _field(color, "nominal", color_title)
    return spec


def whole_marks(counts: list[int], total: int) -> list[int]:
    """Counts scaled to ``total`` marks, rounded by the largest remainder so they add up to it
    (ties go to the earlier count)."""
    n = sum(counts)
    if n <= 0 or total <= 0:
        return [0] * len(counts)
    exact = [c * total / n for c in counts]
    marks = [int(x) for x in exact]
    order = sorted(range(len(counts)), key=lambda i: exact[i] - marks[i], reverse=True)
    for i in order[: total - sum(marks)]:
        marks[i] += 1
    return marks


def unit_columns_chart(
    title: str,
    columns: list[tuple[Any, list[int]]],
    *,
    groups: list[Any],
    colors: list[str],
    shapes: list[str],
    x_title: str,
    y_title: str,
    capacity: int,
    height: int = 220,
) -> dict[str, Any]:
    """A unit chart: for each x value (a round), one column of marks per group side by side,
    mark ``k`` of a column at height ``k``. ``columns`` is ``[(x, [marks of each group]), …]``;
    colour and shape both tell the groups apart (not colour alone). The height holds
    ``capacity`` marks, so columns compare across x."""
    rows = [
        {"x": x, "group": group, "mark": k}
        for x, marks in columns
        for group, count in zip(groups, marks, strict=True)
        for k in range(count)
    ]
    spec = _base(title, rows)
    spec["height"] = height
    spec["mark"] = {"type": "point", "filled": True, "size": 40, "opacity": 1}
    spec["encoding"] = {
        "x": _field("x", "ordinal", x_title, axis={"labelAngle": 0}),
        "xOffset": {"field": "group", "type": "nominal", "sort": groups},
        "y": {
            "field": "mark",
            "type": "quantitative",
            "title": y_title,
            "axis": None,
            "scale": {"domain": [-0.5, max(capacity, 1) - 0.5], "nice": False, "zero": False},
        },
        "color": {
            "field": "group",
            "type": "nominal",
            "title": None,
            "scale": {"domain": groups, "range": colors},
        },
        "shape": {
            "field": "group",
            "type": "nominal",
            "title": None,
            "scale": {"domain": groups, "range": shapes},
        },
    }
    spec["config"] = {**spec["config"], "view": {"stroke": None}}
    return spec
