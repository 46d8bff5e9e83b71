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

from .i18n_support import _words
from .i18n_support import both as _both
from .i18n_support import reader_texts as _texts

SIM = get("asymmetric-costs")
FAST = {"n_lab": 1000, "n_field": 4000}
SAME_IN_BOTH = {"×"}


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
