"""Risk selection in French: every text a reader sees is translated, numbers and amounts are
written the French way, and no placeholder is left."""

import re

import pytest
from django.utils import translation

from simulations.engine import get
from simulations.i18n import localize

from .i18n_messages import assert_speaks_french, french_findings
from .i18n_support import _words
from .i18n_support import both as _both
from .i18n_support import reader_texts as _texts

SIM = get("risk-selection")
SMALL = {"n_applicants": 10000}
NBSP = "\u00a0"


def _run(preset=None, params=None):
    result = SIM.run(params or SMALL, seed=3, preset=preset).to_dict()
    (fr, en), (dfr, den) = _both(result), _both(SIM.describe())
    return fr, en, _texts(fr, dfr), _texts(en, den)


@pytest.mark.parametrize(
    ("preset", "params"),
    [
        (None, None),
        ("no-nationality-weight", SMALL),
        ("proportional-recovery", SMALL),
        (None, {**SMALL, "irregular_rate_non_dutch": 0.1}),
        (
            None,
            {
                **SMALL,
                "paperwork_rate": 0.0,
                "irregular_rate_dutch": 0.0,
                "irregular_rate_non_dutch": 0.0,
            },
        ),
    ],
)
def test_every_text_is_french(preset, params):
    fr, en, texts_fr, texts_en = _run(preset, params)
    assert len(texts_fr) == len(texts_en)
    for (where, french), (_, english) in zip(texts_fr, texts_en, strict=True):
        assert isinstance(french, str) and french, where
        assert "{" not in french and "$t" not in french, (where, french)
        if re.search("[A-Za-z]{3}", english) and "source" not in where:
            assert _words(french) != _words(english), (where, english)
    assert_speaks_french(SIM.run(params or SMALL, seed=3, preset=preset).to_dict())


def test_explanation_and_sources_in_french():
    with translation.override("fr"):
        explanation = localize(SIM.explanation)
    assert "un mécanisme, pas une reconstitution" in explanation
    assert "variable indirecte" in explanation
    fr, _ = _both(SIM.describe())
    source = next(p for p in fr["presets"] if p["slug"] == "toeslagenaffaire-mechanism")["source"]
    # Titles stay in Dutch; the date is French.
    assert "Analyse van het risicoclassificatiemodel Toeslagen" in source
    assert "21 avril 2022" in source and f"«{NBSP}Nederlanderschap Ja/Nee{NBSP}»" in source


def test_numbers_and_amounts_are_french():
    findings = french_findings(SIM.run(SMALL, seed=3))
    text = " ".join(findings)
    assert re.search(rf"\d{NBSP}%", text), text
    assert not re.search(r"\d%", text) and not re.search(r"\d\.\d", text), text
    # Euros after the amount, thousands grouped with a space.
    assert re.search(rf"\d{NBSP}€", text), text
    assert re.search(r"\d[\u00a0\u202f]\d{3}[\u00a0\u202f]\d{3}", text), text
    assert "fois plus souvent" in findings[0]
    assert "Sous la règle «" in findings[1]


def test_categories_and_legends_are_french():
    fr, _, _, _ = _run(None, SMALL)
    spec = fr["charts"][0]["spec"]
    assert {row["group"] for row in spec["data"]["values"]} == {
        "Nationalité néerlandaise",
        "Autre nationalité",
    }
    assert {row["rule"] for row in spec["data"]["values"]} == {"tout ou rien", "proportionnelle"}
    assert spec["encoding"]["color"]["title"] == "Règle de recouvrement"
    assert spec["encoding"]["x"]["sort"] == ["Nationalité néerlandaise", "Autre nationalité"]


def test_errors_are_french():
    from simulations.engine import ParamError

    with pytest.raises(ParamError) as excinfo:
        SIM.run({"slip_part": 0.5, "irregular_part": 0.2}, seed=0)
    with translation.override("fr"):
        message = localize(excinfo.value.errors["slip_part"][0])
    assert message.startswith("Une erreur de forme ne peut pas")
