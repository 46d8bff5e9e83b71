"""Fairness impossibility in French: every text a reader sees is translated, numbers are French.

The stored result and the simulation's description are rendered under French and English; each
French text must differ from its English in its words (numbers aside), hold no
``{placeholder}``, and write numbers the French way (decimal comma, no-break space before %).
"""

import re

import pytest
from django.utils import translation

from simulations.engine import ParamError, get
from simulations.i18n import localize

from .i18n_support import _words
from .i18n_support import both as _both
from .i18n_support import reader_texts as _texts

SIM = get("fairness-impossibility")
SAME_IN_BOTH = {"{v}"}


def _run(preset=None, params=None):
    result = SIM.run(params or {}, seed=3, preset=preset).to_dict()
    (fr, en), (dfr, den) = _both(result), _both(SIM.describe())
    return fr, en, _texts(fr, dfr), _texts(en, den)


@pytest.mark.parametrize(
    ("preset", "params"),
    [
        (None, None),
        ("propublica-broward", None),
        ("equalise-fpr", None),
        ("equal-base-rates", None),
        (None, {"threshold": 95.0, "base_rate_b": 10.0, "spread_b": 5.0}),
    ],
)
def test_every_text_is_french(preset, params):
    fr, en, texts_fr, texts_en = _run(preset, params)
    assert len(texts_fr) == len(texts_en)
    for (where, french), (_, english) in zip(texts_fr, texts_en, strict=True):
        assert isinstance(french, str) and french, where
        assert "{" not in french and "$t" not in french, (where, french)
        if re.search(r"[A-Za-z]{3}", _words(english)) and english not in SAME_IN_BOTH:
            assert _words(french) != _words(english), (where, english)
        assert not re.search(r"\d%|\d %", french), (where, french)
    with translation.override("fr"):
        explanation = localize(SIM.explanation)
    assert "**Le modèle.**" in explanation and "taux de base" in explanation


def test_numbers_and_words_are_french():
    fr, _, _, _ = _run("propublica-broward")
    text = " ".join(fr["findings"] + [c["description"] for c in fr["charts"]])
    assert re.search(r"\d,\d\u00a0%", text), text
    assert not re.search(r"\d\.\d", text), text
    assert "taux de faux positifs" in text and "au groupe A" in text
    assert re.search(r"\d,\d\d fois celui du groupe B", text), text
    checks = {c["key"]: c for c in fr["checks"]}
    assert checks["propublica_a"]["label"].startswith("Prévenus noirs (groupe A)\u00a0:")
    assert re.match(r"TFP 44,85\u00a0% ± \d,\d\u00a0%", checks["propublica_a"]["expected"])
    groups = {row["group"] for row in fr["charts"][0]["spec"]["data"]["values"]}
    assert groups == {"Groupe A", "Groupe B"}


def test_param_errors_are_french():
    with pytest.raises(ParamError) as info:
        SIM.run({"base_rate_b": 5.0, "spread_b": 30.0}, seed=0)
    fr, en = _both(info.value.errors["spread_b"][0])
    assert fr.startswith("Des risques qui valent 5,0\u00a0% en moyenne"), fr
    assert "19,6 points" in fr and en.endswith("at most 19.6 points.")
    with pytest.raises(ParamError) as info:
        SIM.run({"people": 1000, "share_a": 10.0, "base_rate_a": 10.0}, seed=0)
    fr, _ = _both(info.value.errors["people"][0])
    assert fr.startswith("Avec ces réglages, le groupe A compterait environ 10 personnes"), fr
