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

from .i18n_support import _words
from .i18n_support import both as _both
from .i18n_support import reader_texts as _texts

SIM = get("proxy-scoring")
FAST = {"n_people": 500}
SAME_IN_BOTH = {"TF-IDF"}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


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
