"""Information leakage in French: every text a reader sees is translated, numbers are French.

The stored result (``Result.to_dict()``) and the simulation's description are rendered with
``simulations.i18n.localize()`` under French and under English; each French text must differ
from its English in its words (numbers aside), hold no ``{placeholder}``, and write numbers the
French way (decimal comma, no-break space before %).
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

SIM = get("leakage")
FAST = {"people": 10_000}
SAME_IN_BOTH = {"AUC"}


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
        ("ndas-after-fix", FAST),
        ("ndas-0-1pct", {"people": 24_000}),
        (None, {"people": 2000, "base_rate": 1.0}),
    ],
)
def test_every_text_is_french(preset, params):
    fr, en, texts_fr, texts_en = _run(preset, params)
    assert len(texts_fr) == len(texts_en)
    for (where, french), (_, english) in zip(texts_fr, texts_en, strict=True):
        assert isinstance(french, str) and french, where
        assert "{" not in french and "$t" not in french, (where, french)
        # A text of numbers only ("0.9900 ± 0.0046") has no words to translate.
        if english not in SAME_IN_BOTH and re.search(r"[A-Za-z]", _words(english)):
            assert _words(french) != _words(english), (where, english)
    with translation.override("fr"):
        explanation = localize(SIM.explanation)
    assert "**Le modèle.**" in explanation and "taux de base" in explanation


def test_numbers_are_french():
    fr, en, _, _ = _run()
    text = " ".join(fr["findings"] + [c["description"] for c in fr["charts"]])
    assert re.search(r"\d,\d\u00a0%", text), text
    assert not re.search(r"\d%", text), text
    assert not re.search(r"\d\.\d", text), text
    assert re.search(r"AUC de 0,\d\d", text), text
    always_no = next(c for c in fr["checks"] if c["key"] == "always_no_accuracy")
    assert re.fullmatch(r"0,\d{4} ± 0,\d{4}", always_no["expected"]), always_no["expected"]
    assert re.fullmatch(r"0,\d{4} sur 3[\u00a0\u202f]000 dossiers de test", always_no["observed"])


def test_models_and_measures_are_french():
    fr, _, _, _ = _run()
    spec = fr["charts"][0]["spec"]
    assert {row["model"] for row in spec["data"]["values"]} == {
        "Modèle avec fuite, en test",
        "Modèle avec fuite, déployé",
        "Modèle sans le marqueur",
        "Toujours répondre «\u00a0non\u00a0»",
    }
    assert {row["measure"] for row in spec["data"]["values"]} == {
        "AUC",
        "Exactitude",
        "Auteurs repérés",
    }


def test_too_few_offenders_error_is_french():
    with pytest.raises(ParamError) as info:
        SIM.run({"people": 2000, "base_rate": 0.5}, seed=0)
    fr, en = _both(info.value.errors["base_rate"][0])
    assert fr.startswith(
        "Avec 2\u202f000 personnes et un taux de base de 0,5\u00a0%"
    ) or fr.startswith("Avec 2\u00a0000 personnes et un taux de base de 0,5\u00a0%"), fr
    assert en.startswith("With 2,000 people and a base rate of 0.5%")
