"""Grade standardisation in French: every text a reader sees is translated, numbers are French."""

import re

import pytest
from django.utils import translation

from simulations.engine import ParamError, get
from simulations.i18n import localize

from .i18n_support import _words, assert_french
from .i18n_support import both as _both
from .i18n_support import reader_texts as _texts

SIM = get("grade-standardisation")
SAME_IN_BOTH = {"A/A* in the history"}  # never equal in practice; kept for the helper's API


def _run(preset=None, params=None):
    result = SIM.run(params or {}, seed=3, preset=preset).to_dict()
    (fr, en), (dfr, den) = _both(result), _both(SIM.describe())
    return fr, en, _texts(fr, dfr), _texts(en, den)


@pytest.mark.parametrize(
    ("preset", "params"),
    [
        (None, None),
        ("no-exemption", None),
        ("teacher-grades", None),
        (None, {"independent_share": 0.0}),
        (None, {"schools": 100, "school_spread": 1.5, "history_years": 1}),
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
    assert_french(SIM.run(params or {}, seed=3, preset=preset).to_dict())


def test_explanation_and_findings_are_french():
    with translation.override("fr"):
        explanation = localize(SIM.explanation)
    assert "**Le modèle.**" in explanation and "39,1\u00a0%" in explanation
    fr, _, _, _ = _run()
    text = " ".join(fr["findings"])
    assert "La standardisation a abaissé" in text
    assert re.search(r"\d,\d\u00a0%", text), text
    assert not re.search(r"\d%|\d\.\d", text), text
    assert "le privé a davantage gagné" in text


def test_school_types_and_grades_are_french_in_the_chart():
    fr, _, _, _ = _run()
    spec = next(c for c in fr["charts"] if c["key"] == "gains")["spec"]
    assert {row["type"] for row in spec["data"]["values"]} == {
        "Établissements privés",
        "Établissements publics",
    }
    assert {row["grades"] for row in spec["data"]["values"]} == {
        "Notes finales",
        "Notes au niveau de l'examen",
    }


def test_threshold_error_is_french():
    with pytest.raises(ParamError) as info:
        SIM.validate({"exempt_max": 10, "model_min": 5})
    with translation.override("fr"):
        message = localize(info.value.errors["model_min"][0])
    assert message.startswith("Les classes notées par le modèle seul doivent commencer")
    assert "{" not in message
