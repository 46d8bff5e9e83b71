"""Asymmetric costs in French: every text a reader sees is translated, numbers are French.

The stored result (``Result.to_dict()``) and the simulation's description are rendered with
``simulations.i18n.localize()`` under French and under English; each French text must differ
from its English (except symbols), hold no ``{placeholder}``, and write numbers the French way
(decimal comma, no-break space before %).
"""

import re

import pytest
from django.utils import translation
from threadpoolctl import threadpool_limits

from simulations.engine import get
from simulations.i18n import localize

SIM = get("asymmetric-costs")
FAST = {"n_lab": 1000, "n_field": 4000}
SAME_IN_BOTH = {"×"}


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
        ("crowded-field", FAST),
        ("accuracy-only", FAST),
        (None, {**FAST, "cost_ratio": 2.5}),
    ],
)
def test_every_text_is_french(preset, params):
    fr, en, texts_fr, texts_en = _run(preset, params)
    assert len(texts_fr) == len(texts_en)
    for (where, french), (_, english) in zip(texts_fr, texts_en, strict=True):
        assert isinstance(french, str) and french, where
        assert "{" not in french and "$t" not in french, (where, french)
        if english not in SAME_IN_BOTH:
            assert _words(french) != _words(english), (where, english)
    for check in fr["checks"]:
        assert check["observed"] and "{" not in check["observed"]
    with translation.override("fr"):
        explanation = localize(SIM.explanation)
    assert "fonction de perte" in explanation and "1\u00a0000 décisions" in explanation


def test_numbers_are_french():
    fr, en, _, _ = _run(None, {**FAST, "cost_ratio": 2.5})
    text = " ".join(fr["findings"] + [c["description"] for c in fr["charts"]])
    assert re.search(r"\d\u00a0%", text), text
    assert not re.search(r"\d%", text), text
    assert not re.search(r"\d\.\d", text), text
    assert "comme 2,5 cibles manquées" in fr["findings"][0], fr["findings"][0]
    bayes = next(c for c in fr["checks"] if c["key"] == "bayes-harm")
    assert re.match(
        r"\d+,\d pour 1\u00a0000 décisions \(forme explicite, séparation 2,5, c = 2,5\)",
        bayes["expected"],
    )


def test_categories_and_legends_are_french():
    fr, _, _, _ = _run(None, FAST)
    spec = fr["charts"][0]["spec"]
    assert {row["setting"] for row in spec["data"]["values"]} == {"laboratoire", "terrain"}
    assert {row["policy"] for row in spec["data"]["values"]} == {
        "réglé pour l'exactitude",
        "réglé pour le dommage attendu",
    }
    assert spec["encoding"]["x"]["sort"] == ["laboratoire", "terrain"]
    assert spec["encoding"]["color"]["title"] == "Seuil"
