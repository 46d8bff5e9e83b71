"""Helpers for the per-simulation language tests (tests/simulations/test_i18n_<sim>.py).

``texts(result)`` lists every text a reader sees in a stored result: findings, metric labels
and help, table titles and column labels, text cells, chart titles and descriptions, the
spec's axis and legend titles and word categories, and the checks' words.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import translation

from simulations.i18n import localize

NBSP = "\u00a0"


def localized(stored: dict[str, Any], lang: str) -> dict[str, Any]:
    with translation.override(lang):
        return localize(stored)


def texts(result: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, text) for every reader-facing text of a localized result."""
    out: list[tuple[str, str]] = []
    out += [("finding", f) for f in result["findings"]]
    for m in result["metrics"]:
        out.append(("metric label", m["label"]))
        if m.get("help"):
            out.append(("metric help", m["help"]))
    for t in result["tables"]:
        out.append(("table title", t["title"]))
        out += [("column", c["label"]) for c in t["columns"]]
        for row in t["rows"]:
            out += [("cell", v) for v in row.values() if isinstance(v, str)]
    for c in result["charts"]:
        out += [("chart title", c["title"]), ("chart description", c["description"])]
        spec = c["spec"]
        out.append(("spec title", spec.get("title", "")))
        for channel in spec.get("encoding", {}).values():
            if isinstance(channel, dict) and channel.get("title"):
                out.append(("axis/legend title", channel["title"]))
        for row in spec["data"]["values"]:
            out += [("spec category", v) for v in row.values() if isinstance(v, str)]
    for check in result["checks"]:
        for key in ("label", "expected", "observed", "reference"):
            out.append((f"check {key}", check[key]))
    return out


def _words(text: str) -> str:
    return re.sub(r"[^A-Za-zÀ-ÿ]+", " ", text).strip()


def assert_french(stored: dict[str, Any], same_in_both: set[str] = frozenset()) -> None:
    """Every text differs from its English (but the few written alike in both languages),
    percentages carry a no-break space, decimals a comma, and no placeholder is left."""
    fr, en = localized(stored, "fr"), localized(stored, "en")
    pairs = list(zip(texts(fr), texts(en), strict=True))
    assert pairs
    for (where, french), (_, english) in pairs:
        assert isinstance(french, str), (where, french)
        assert "{" not in french and "}" not in french, (where, french)
        if english not in same_in_both and re.search("[A-Za-z]{3}", english):
            # Numbers differ between the languages even in an untranslated sentence
            # ("31.8" / "31,8"): compare the words only.
            assert _words(french) != _words(english), f"{where} untranslated: {english!r}"
        assert not re.search(r"\d%|\d %", french), (
            f"{where}: % without a no-break space: {french!r}"
        )
        if "reference" not in where:  # citations keep their own numbers (arXiv:1706.09847)
            assert not re.search(r"\d\.\d", french), f"{where}: decimal point in {french!r}"
            assert not re.search(r"\d,\d{3}\b", french) or re.search(r"\d,\d", english) is None, (
                f"{where}: English thousands separator in {french!r}"
            )


def both(value):
    """``value`` localized in French and in English: ``(french, english)``."""
    with translation.override("fr"):
        fr = localize(value)
    with translation.override("en"):
        en = localize(value)
    return fr, en


CHECK_TEXT_KEYS = ("label", "expected", "observed", "reference")


def reader_texts(
    result: dict, described: dict, check_keys: tuple[str, ...] = CHECK_TEXT_KEYS
) -> list[tuple[str, str]]:
    """(where, text) for every reader-facing text of a localized run and simulation description
    (``check_keys``: the check fields that hold words for this simulation)."""
    out = [(f"finding {i}", f) for i, f in enumerate(result["findings"])]
    out += [(f"metric {m['key']}", m["label"]) for m in result["metrics"]]
    out += [(f"metric help {m['key']}", m["help"]) for m in result["metrics"] if m["help"]]
    for table in result["tables"]:
        out.append((f"table {table['key']}", table["title"]))
        out += [(f"column {table['key']}.{c['key']}", c["label"]) for c in table["columns"]]
    for chart in result["charts"]:
        spec = chart["spec"]
        out += [(f"chart {chart['key']}", chart["title"]), (f"chart {chart['key']}", spec["title"])]
        out.append((f"chart description {chart['key']}", chart["description"]))
        out += [
            (f"axis {chart['key']}.{channel}", enc["title"])
            for channel, enc in spec["encoding"].items()
            if enc.get("title")
        ]
    for check in result["checks"]:
        out += [(f"check {check['key']}.{k}", check[k]) for k in check_keys]
    out += [("title", described["title"]), ("question", described["question"])]
    for param in described["params"]:
        out += [
            (f"param {param['name']}", param["label"]),
            (f"help {param['name']}", param["help"]),
        ]
        out += [(f"choice {param['name']}", label) for _, label in param["choices"]]
    for preset in described["presets"]:
        out += [
            (f"preset {preset['slug']}.{k}", preset[k]) for k in ("title", "description", "source")
        ]
    return out
