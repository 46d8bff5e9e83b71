"""Preprocessing leakage in French: every text a reader sees is translated, numbers are French.

The stored result and the simulation's description are rendered under French and English; each
French text must differ from its English in its words (numbers aside), hold no
``{placeholder}``, and write numbers the French way (decimal comma, no-break space before %).
"""

import re

import pytest
from django.utils import translation
from threadpoolctl import threadpool_limits

from simulations.engine import ParamError, get
from simulations.i18n import localize

from .i18n_support import _words
from .i18n_support import both as _both
from .i18n_support import reader_texts as _texts

SIM = get("preprocessing-leakage")
SMALL = {"samples": 40, "features": 300, "selected": 10, "repeats": 2}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


def _run(preset=None, params=None):
    result = SIM.run(params or SMALL, seed=3, preset=preset).to_dict()
    (fr, en), (dfr, den) = _both(result), _both(SIM.describe())
    return fr, en, _texts(fr, dfr), _texts(en, den)


@pytest.mark.parametrize(
    ("preset", "params"),
    [
        (None, None),
        ("scaling-only", {"repeats": 1}),
        ("small-imaging-study", {"repeats": 1}),
        (None, {**SMALL, "selected": 300}),
        ("esl-wrong-and-right-way", {"repeats": 1}),
    ],
)
def test_every_text_is_french(preset, params):
    fr, en, texts_fr, texts_en = _run(preset, params)
    assert len(texts_fr) == len(texts_en)
    for (where, french), (_, english) in zip(texts_fr, texts_en, strict=True):
        assert isinstance(french, str) and french, where
        assert "{" not in french and "$t" not in french, (where, french)
        if re.search(r"[A-Za-z]{3}", _words(english)):
            assert _words(french) != _words(english), (where, english)
        assert not re.search(r"\d%|\d %", french), (where, french)
    with translation.override("fr"):
        explanation = localize(SIM.explanation)
    assert "**Le modèle.**" in explanation and "(/fr/simulations/leakage/)" in explanation


def test_numbers_and_words_are_french():
    fr, _, _, _ = _run()
    text = " ".join(fr["findings"] + [c["description"] for c in fr["charts"]])
    assert re.search(r"\d,\d\u00a0%", text), text
    assert not re.search(r"\d\.\d", text), text
    assert "validation croisée" in text and "au-dessus de l'intervalle" in text
    check = fr["checks"][0]
    assert re.fullmatch(
        r"de \d+ à \d+ justes sur 80 \(de \d+,\d\u00a0% à \d+,\d\u00a0%\)", check["expected"]
    )
    procedures = {row["procedure"] for row in fr["charts"][0]["spec"]["data"]["values"]}
    assert procedures == {
        "Ajusté sur tous les échantillons, puis validé par validation croisée",
        "Dans un pipeline, réajusté sur chaque pli d'entraînement",
    }


def test_param_errors_are_french():
    with pytest.raises(ParamError) as info:
        SIM.run({"features": 100, "selected": 101}, seed=0)
    fr, en = _both(info.value.errors["selected"][0])
    assert fr == "Impossible de retenir 101 variables sur 100\u00a0: retenez-en au plus 100.", fr
    with pytest.raises(ParamError) as info:
        SIM.run({"repeats": 50, "samples": 200, "features": 10_000}, seed=0)
    fr, _ = _both(info.value.errors["repeats"][0])
    assert fr.startswith("Trop de calcul pour une exécution"), fr
