"""Mass surveillance in French: every text a reader sees is translated, numbers are French.

The stored result (``Result.to_dict()``) and the simulation's description are rendered with
``simulations.i18n.localize()`` under French and under English; each French text must differ
from its English (except names that are the same in both languages), hold no
``{placeholder}``, and write numbers the French way (decimal comma, no-break space before %).
"""

import re

import pytest
from django.utils import translation
from threadpoolctl import threadpool_limits

from simulations.engine import get
from simulations.i18n import localize

from .i18n_support import _words, reader_texts
from .i18n_support import both as _both

SIM = get("mass-surveillance")
FAST = {"training_faces": 500}
# Names, and preset titles that are a study's name and a vendor's ("Gender Shades : IBM").
SAME_IN_BOTH = {"Source", "Microsoft", "Face++", "IBM"} | {
    f"Gender Shades: {vendor}" for vendor in ("Microsoft", "Face++", "IBM")
}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


def _texts(result: dict, described: dict) -> list[tuple[str, str]]:
    # Its checks' "observed" values are numbers only.
    return reader_texts(result, described, check_keys=("label", "expected", "reference"))


def _run(preset=None, params=None):
    result = SIM.run(params or FAST, seed=3, preset=preset).to_dict()
    (fr, en), (dfr, den) = _both(result), _both(SIM.describe())
    return fr, en, _texts(fr, dfr), _texts(en, den)


@pytest.mark.parametrize(
    ("preset", "params"),
    [
        (None, None),
        ("sanmenxia-scale", FAST),
        ("gender-shades-microsoft", {"audit_per_subgroup": 30}),
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
    assert "**Le modèle.** Trois volets." in explanation and "10\u00a0000 erreurs" in explanation


def test_numbers_are_french():
    fr, en, _, _ = _run(None, FAST)
    text = " ".join(fr["findings"] + [c["description"] for c in fr["charts"]])
    assert re.search(r"\d,\d\u00a0%", text), text  # e.g. 34,7 %
    assert not re.search(r"\d%", text), text
    assert not re.search(r"\d\.\d", text), text
    assert re.search(r"100\u202f000 visages par jour|100\u00a0000 visages par jour", text), text
    audit = next(c for c in fr["checks"] if c["key"] == "gender_shades_darker_female")
    assert re.fullmatch(r"\d+,\d\u00a0%", audit["observed"]), audit["observed"]
    assert "erreurs types binomiales sur 300 visages" in audit["expected"]


def test_subgroups_and_legends_are_french():
    fr, _, _, _ = _run(None, FAST)
    audit = next(c for c in fr["charts"] if c["key"] == "audit_long")["spec"]
    assert {row["subgroup"] for row in audit["data"]["values"]} == {
        "femmes à peau foncée",
        "hommes à peau foncée",
        "femmes à peau claire",
        "hommes à peau claire",
    }
    assert {row["source"] for row in audit["data"]["values"]} == {
        "Publiée (Gender Shades)",
        "Cet audit",
    }
    assert audit["encoding"]["x"]["sort"][0] == "femmes à peau foncée"
    sweep = next(c for c in fr["charts"] if c["key"] == "representation_sweep")["spec"]
    assert {row["group"] for row in sweep["data"]["values"]} == {
        "Groupe minoritaire",
        "Groupe majoritaire",
    }
    assert fr["findings"][0].startswith(
        "Dans cet échantillon d'audit de 300 visages par sous-groupe, le classifieur IBM"
    )
