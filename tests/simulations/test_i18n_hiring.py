"""Hiring in French: every text a reader sees is translated, numbers are French-formatted.

The stored result (``Result.to_dict()``) and the simulation's description are rendered with
``simulations.i18n.localize()`` under French and under English; each French text must differ
from its English (except the few that are the same word in both languages), hold no
``{placeholder}``, and write numbers the French way (decimal comma, no-break space before %).
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

SIM = get("hiring")
FAST = {"n_history": 800, "n_applicants": 1000}
SAME_IN_BOTH = {"ratio"}


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
    [(None, None), ("amazon-terms-removed", None), ("threshold-optimizer", FAST)],
)
def test_every_text_is_french(preset, params):
    fr, en, texts_fr, texts_en = _run(preset, params)
    assert len(texts_fr) == len(texts_en)
    for (where, french), (_, english) in zip(texts_fr, texts_en, strict=True):
        assert isinstance(french, str) and french, where
        assert "{" not in french and "$t" not in french, (where, french)
        if english not in SAME_IN_BOTH:
            assert _words(french) != _words(english), (where, english)
    with translation.override("fr"):
        explanation = localize(SIM.explanation)
    assert "**Le modèle.**" in explanation and "variables indirectes" in explanation


def test_numbers_are_french():
    fr, en, _, _ = _run()
    sentences = fr["findings"] + [c["description"] for c in fr["charts"]]
    text = " ".join(sentences)
    assert re.search(r"\d\u00a0%", text), text
    assert not re.search(r"\d%", text), text
    assert not re.search(r"\d\.\d", text), text  # decimal comma, never a point
    assert re.search(r"\d,\d\d", text), text  # the impact ratio, e.g. 0,62
    check = next(c for c in fr["checks"] if c["key"] == "four_fifths_arithmetic")
    assert re.fullmatch(
        r"0,\d{4} ÷ 0,\d{4} = 0,\d{4} \((non )?signalé\u00a0: le seuil est 0,8\)", check["expected"]
    )


def test_chart_categories_and_legends_are_french():
    fr, _, _, _ = _run()
    rates = next(c for c in fr["charts"] if c["key"] == "selection_rates")["spec"]
    assert {row["group"] for row in rates["data"]["values"]} == {"femmes", "hommes"}
    assert {row["decider"] for row in rates["data"]["values"]} == {
        "Décisions passées",
        "Modèle (sans la colonne genre)",
    }
    assert rates["encoding"]["x"]["sort"] == ["Décisions passées", "Modèle (sans la colonne genre)"]
    assert rates["encoding"]["color"]["title"] == "Genre"
    weights = next(c for c in fr["charts"] if c["key"] == "weights")["spec"]
    assert "Score au test de compétences" in {row["feature"] for row in weights["data"]["values"]}


def test_small_pool_and_missing_gender_sentences_are_french():
    result = SIM.run({"n_history": 500, "n_applicants": 20, "women_share": 10.0}, seed=1)
    fr, en = _both(result.to_dict())
    for french, english in zip(fr["findings"], en["findings"], strict=True):
        assert french != english and "{" not in french


def test_param_error_is_french():
    from simulations.engine.base import ParamError

    with pytest.raises(ParamError) as info:
        SIM.run({"mitigation": "exponentiated-gradient", "n_history": 6000}, seed=0)
    fr, en = _both(info.value.errors["n_history"][0])
    assert fr.startswith("Avec ExponentiatedGradient, utilisez au plus 5") and "5,000" in en


def test_french_numbers_round_like_the_english():
    result = SIM.run({"n_history": 500, "n_applicants": 20, "features": "skills-only"}, seed=2)
    fr, _ = _both(result.to_dict())
    numbers = re.compile(r"\d[\d,.]*\d|\d")
    # The engine's own English (a Msg is its English sentence), not the localized one.
    for french, english in zip(fr["findings"], result.findings, strict=True):
        as_french = [n.replace(",", "\u202f").replace(".", ",") for n in numbers.findall(english)]
        assert [n.replace("\u00a0", "\u202f") for n in numbers.findall(french)] == as_french
