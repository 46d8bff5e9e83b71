"""Metric mismatch in French: every text a reader sees is translated, numbers are French.

The stored result and the simulation's description are rendered under French and English;
each French text must differ from its English in its words (numbers aside), hold no
``{placeholder}``, and write numbers the French way (decimal comma, no-break space before %).
"""

import re

import pytest
from django.utils import translation
from threadpoolctl import threadpool_limits

from simulations.engine import ParamError, get
from simulations.i18n import localize

from .i18n_support import _words, assert_french
from .i18n_support import both as _both
from .i18n_support import reader_texts as _texts

SIM = get("metric-mismatch")
FAST = {"cases": 20_000}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


def _run(preset=None, params=None, seed=3):
    result = SIM.run(params if params is not None else FAST, seed=seed, preset=preset).to_dict()
    (fr, en), (dfr, den) = _both(result), _both(SIM.describe())
    return result, fr, en, _texts(fr, dfr), _texts(en, den)


@pytest.mark.parametrize(
    ("preset", "params"),
    [
        (None, None),
        ("balanced-classes", FAST),
        ("cnaf-controls", {}),
        ("iborderctrl-staged-test", FAST),
        (None, {"prevalence": 1.0, "separation": 1.4, "cases": 20_000}),
        (None, {"cost_ratio": 1.0, "cases": 20_000}),
    ],
)
def test_every_text_is_french(preset, params):
    stored, fr, en, texts_fr, texts_en = _run(preset, params)
    assert len(texts_fr) == len(texts_en)
    for (where, french), (_, english) in zip(texts_fr, texts_en, strict=True):
        assert isinstance(french, str) and french, where
        assert "{" not in french and "$t" not in french, (where, french)
        if re.search(r"[A-Za-z]{3}", _words(english)):
            assert _words(french) != _words(english), (where, english)
    assert_french(stored)
    with translation.override("fr"):
        explanation = localize(SIM.explanation)
    assert "**Le modèle.**" in explanation and "fonction de perte" in explanation
    assert "(../asymmetric-costs/)" in explanation


def test_numbers_and_models_are_french():
    _, fr, en, _, _ = _run()
    text = " ".join(fr["findings"] + [c["description"] for c in fr["charts"]])
    assert re.search(r"\d,\d\u00a0%", text), text
    assert not re.search(r"\d%", text), text
    assert not re.search(r"\d\.\d", text), text
    assert fr["findings"][0].startswith("Choisi par l'exactitude"), fr["findings"][0]
    assert "c'est la métrique qui décide du modèle" in fr["findings"][3]
    spec = fr["charts"][0]["spec"]
    assert {row["measure"] for row in spec["data"]["values"]} == {
        "Exactitude",
        "Exactitude équilibrée",
        "Rappel (sensibilité)",
        "Précision (VPP)",
    }
    assert "Toujours négatif (ne signale personne)" in {
        row["model"] for row in spec["data"]["values"]
    }
    check = next(c for c in fr["checks"] if c["key"] == "bayes-cost-cost")
    assert re.match(r"\d+,\d pour 1[\u00a0\u202f]000 décisions \(forme close", check["expected"])


def test_too_few_positives_error_is_french():
    with pytest.raises(ParamError) as info:
        SIM.run({"cases": 2000, "prevalence": 2.0}, seed=0)
    fr, en = _both(info.value.errors["prevalence"][0])
    assert re.match(r"Avec 2[\u00a0\u202f]000 cas et une prévalence de 2\u00a0%", fr), fr
    assert en.startswith("With 2,000 cases and a prevalence of 2%")
