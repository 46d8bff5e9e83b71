"""Proxy scoring in French: every text a reader sees is translated, numbers are French.

The stored result (``Result.to_dict()``) and the simulation's description are rendered with
``simulations.i18n.localize()`` under French and under English; each French text must differ
from its English in its words (numbers aside), hold no ``{placeholder}``, and write numbers the
French way (decimal comma, no-break space before %). The posts' words themselves are data
(English words and invented dialect markers) and stay as they are.
"""

import re

import pytest
from django.utils import translation
from threadpoolctl import threadpool_limits

from simulations.engine import get
from simulations.i18n import localize

SIM = get("proxy-scoring")
FAST = {"n_people": 500}
SAME_IN_BOTH = {"TF-IDF"}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


def _words(text: str) -> str:
    """The words of a text without its numbers, so a number formatted the French way does not
    pass for a translation."""
    return re.sub(r"[\d\s.,%+\u2212-]", "", text)


def _both(value):
    with translation.override("fr"):
        fr = localize(value)
    with translation.override("en"):
        en = localize(value)
    return fr, en


def _texts(result: dict, described: dict) -> list[tuple[str, str]]:
    """(where, text) for every reader-facing text of a run and of the simulation."""
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
        out += [
            (f"check {check['key']}.{k}", check[k])
            for k in ("label", "expected", "observed", "reference")
        ]
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


def _run(preset=None, params=None):
    result = SIM.run(params or FAST, seed=3, preset=preset).to_dict()
    (fr, en), (dfr, den) = _both(result), _both(SIM.describe())
    return fr, en, _texts(fr, dfr), _texts(en, den)


@pytest.mark.parametrize(
    ("preset", "params"),
    [
        (None, None),
        ("no-annotator-bias", FAST),
        ("strong-dialect", FAST),
        ("predictim-parent", FAST),
    ],
)
def test_every_text_is_french(preset, params):
    fr, en, texts_fr, texts_en = _run(preset, params)
    assert len(texts_fr) == len(texts_en)
    for (where, french), (_, english) in zip(texts_fr, texts_en, strict=True):
        assert isinstance(french, str) and french, where
        assert "{" not in french and "$t" not in french, (where, french)
        # A formula of numbers only ("0.03 + (1 − 0.03) × 0.3 = 32.1%") has no words.
        if english not in SAME_IN_BOTH and re.search(r"[A-Za-z]", _words(english)):
            assert _words(french) != _words(english), (where, english)
    with translation.override("fr"):
        explanation = localize(SIM.explanation)
    assert "**Le modèle.**" in explanation and "marqueurs dialectaux" in explanation


def test_numbers_are_french():
    fr, en, _, _ = _run(None, None)
    text = " ".join(fr["findings"] + [c["description"] for c in fr["charts"]])
    assert re.search(r"\d,\d\u00a0%", text), text
    assert not re.search(r"\d%", text), text
    assert not re.search(r"\d\.\d", text), text
    assert re.search(r"\d,\d points .*\(±\d+,\d points à 95\u00a0%\)", text), text
    labels = next(c for c in fr["checks"] if c["key"] == "annotator-arithmetic")
    assert re.fullmatch(r"0,03 \+ \(1 − 0,03\) × 0,3 = \d+,\d\u00a0%", labels["expected"])


def test_table_cells_and_legends_are_french():
    fr, _, _, _ = _run(None, None)
    tables = {t["key"]: t for t in fr["tables"]}
    assert {r["group"] for r in tables["false-positives"]["rows"]} == {"groupe A", "groupe B"}
    assert {r["kind"] for r in tables["top-words"]["rows"]} <= {
        "mot de risque",
        "marqueur dialectal",
        "mot courant",
    }
    parent = tables["parent-view"]["rows"]
    assert parent and all(r["sitter"].startswith("baby-sitter ") for r in parent)
    assert {r["flagged"] for r in parent} <= {"oui", "non"}
    spec = next(c for c in fr["charts"] if c["key"] == "score-distribution")["spec"]
    assert spec["encoding"]["color"]["title"] == "Groupe"
    assert {r["group"] for r in spec["data"]["values"]} == {"groupe A", "groupe B"}


def test_points_agree_in_french_and_stay_plural_in_english():
    result = SIM.run({"annotator_bias": 0.0}, seed=3)
    fr, _ = _both(result.to_dict())
    small = next(c for c in fr["checks"] if c["key"] == "no-bias-no-gap")["observed"]
    assert re.fullmatch(r"écart de [+-]?[01],\d point", small), small  # below 2: singular
    assert str(next(c for c in result.checks if c.key == "no-bias-no-gap").observed).endswith(
        " points"
    )
