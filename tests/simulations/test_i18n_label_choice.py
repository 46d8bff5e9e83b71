"""Label choice in French: every text a reader sees is translated, numbers are French.

The stored result and the simulation's description are rendered under French and English;
each French text must differ from its English in its words, hold no ``{placeholder}``, and
write numbers the French way (decimal comma, no-break space before % and $).
"""

import re

import pytest
from django.utils import translation
from threadpoolctl import threadpool_limits

from simulations.engine import get
from simulations.i18n import localize

from .i18n_support import _words, assert_french
from .i18n_support import both as _both
from .i18n_support import reader_texts as _texts

SIM = get("label-choice")
FAST = {"n_patients": 10000}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


@pytest.mark.parametrize(
    ("preset", "params"),
    [
        (None, FAST),
        ("no-cost-wedge", FAST),
        ("obermeyer-cost-label", None),
        (None, {"need_gap": 0.0, "wedge": 3000.0, "n_patients": 40000, "top_share": 0.05}),
    ],
)
def test_every_text_is_french(preset, params):
    result = SIM.run(params, seed=3, preset=preset).to_dict()
    assert_french(result, same_in_both={"patients", "dollars"})
    (fr, en), (dfr, den) = _both(result), _both(SIM.describe())
    texts_fr, texts_en = _texts(fr, dfr), _texts(en, den)
    assert len(texts_fr) == len(texts_en)
    for (where, french), (_, english) in zip(texts_fr, texts_en, strict=True):
        assert isinstance(french, str) and french, where
        assert "{" not in french and "$t" not in french, (where, french)
        if english not in {"patients", "dollars"} and re.search(r"[A-Za-z]", _words(english)):
            assert _words(french) != _words(english), (where, english)
    with translation.override("fr"):
        explanation = localize(SIM.explanation)
        presets = [localize(p["title"]) for p in SIM.describe()["presets"]]
    assert "**Le modèle.**" in explanation and "besoin réel" in explanation
    assert (
        "Les chiffres de l'article\u00a0: 11,9\u00a0% de groupe B, 1\u00a0801\u00a0$" in presets[0]
    )
    assert "un calage n'est pas une validation" in explanation.replace("\n", " ")


def test_numbers_and_dollars_are_french():
    fr, _ = _both(SIM.run(seed=1).to_dict())
    text = " ".join(fr["findings"] + [c["description"] for c in fr["charts"]])
    assert re.search(r"\d,\d\u00a0%", text), text
    assert not re.search(r"\d%", text) and not re.search(r"\d\.\d", text), text
    assert "1\u00a0801\u00a0$ de moins" in text, text
    assert re.search(r"\d,\d points? .*\(±\d+,\d points? à 95\u00a0%\)", text), text
    wedge = next(c for c in fr["checks"] if c["key"] == "wedge-recovered")
    assert wedge["expected"] == "1\u00a0801\u00a0$"
    tables = {t["key"]: t for t in fr["tables"]}
    assert {r["group"] for r in tables["conditions"]["rows"]} == {"groupe A", "groupe B"}
    assert tables["group-b-share"]["rows"][0]["ranking"] == "Modèle entraîné sur le coût"


def test_the_param_error_is_french():
    with pytest.raises(Exception) as excinfo:
        SIM.run({"top_share": 0.01, "n_patients": 5000}, seed=0)
    with translation.override("fr"):
        message = localize(excinfo.value.errors["top_share"][0])
    assert message.startswith("Retenez au moins 100 patients\u00a0: 1\u00a0% de 5\u00a0000"), (
        message
    )
