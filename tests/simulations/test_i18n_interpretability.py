"""The interpretability simulation speaks French (modèle peu interprétable, variable indirecte):
its description, parameters, presets, findings, charts and checks are messages with a French
translation, and its numbers are written the French way."""

import pytest
from django.utils import translation
from threadpoolctl import threadpool_limits

from simulations.engine import ParamError
from simulations.engine.interpretability import SIMULATION
from simulations.i18n import localize

from .i18n_messages import NBSP, assert_speaks_french

FAST = {"train_size": 2000, "population": 4000, "refits": 2}
# Written alike in both languages: a bare number, a model's name, a feature's name, a rule's
# comparison.
SAME = frozenset(
    {
        "{n}",
        "AUC",
        "Gradient boosting",
        "proxy",
        "{feature} ≤ {value}",
        "{feature} > {value}",
        "{size} points",
    }
)


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


def test_description_parameters_and_presets_are_french():
    french = assert_speaks_french(
        {**SIMULATION.describe(), "explanation": SIMULATION.explanation}, same=SAME
    )
    assert (
        french["title"]
        == "Modèle lisible ou boîte noire\u00a0: que montrent les explications\u00a0?"
    )
    assert "variable indirecte (proxy)" in french["explanation"]
    assert "graine aléatoire" in french["explanation"]
    cnaf = next(p for p in french["presets"] if p["slug"] == "cnaf-single-parents")
    assert f"16{NBSP}%" in cnaf["description"] and f"166{NBSP}000" in cnaf["description"]
    assert "Profilage et discriminations" in cnaf["source"]
    assert "4 décembre 2023" in cnaf["source"]


@pytest.mark.parametrize(
    ("preset", "params"),
    [
        (None, FAST),
        ("no-proxy-signal", FAST),
        ("straight-lines", FAST),
        ("hiring-womens-proxy", FAST),
    ],
)
def test_runs_are_french_with_french_numbers(preset, params):
    french = assert_speaks_french(
        SIMULATION.run(params, seed=1, preset=preset).to_dict(), same=SAME
    )
    text = " ".join(french["findings"])
    assert f"{NBSP}%" in text and "AUC de 0," in text
    assert french["findings"][0].startswith("L'importance par permutation")
    rules = next(t for t in french["tables"] if t["key"] == "rules")
    assert any("facteur" in row["rule"] for row in rules["rows"])


def test_cnaf_check_is_french():
    result = SIMULATION.run(seed=0, preset="cnaf-single-parents")
    french = assert_speaks_french(result.to_dict(), same=SAME)
    check = next(c for c in french["checks"] if c["key"] == "cnaf_controlled_share")
    assert check["label"].startswith("Familles monoparentales parmi les contrôlés")
    assert check["expected"].startswith(f"36{NBSP}% ± ")
    assert " sur 1" in check["observed"]


def test_param_error_is_french():
    with pytest.raises(ParamError) as info:
        SIMULATION.run({"population": 2000, "top_share": 1.0}, seed=0)
    with translation.override("fr"):
        message = localize(info.value.errors["top_share"][0])
    assert message.startswith(
        f"Sélectionner 1,0{NBSP}% de 2{NBSP}000 personnes"
    ) or message.startswith(f"Sélectionner 1,0{NBSP}% de 2\u202f000 personnes"), message
    assert "trop peu pour comparer les groupes" in message
