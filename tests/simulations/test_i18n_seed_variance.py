"""The seed-variance simulation speaks French (graine aléatoire, reproductibilité): its
description, parameters, presets, findings, charts and checks are messages with a French
translation, and its numbers are written the French way."""

import numpy as np
from django.utils import translation

from simulations.engine.seed_variance import SIMULATION, _findings_and_checks
from simulations.i18n import localize

from .i18n_messages import NBSP, assert_speaks_french

FAST = {"n_seeds": 8, "n_samples": 200}


def test_description_parameters_and_presets_are_french():
    french = assert_speaks_french({**SIMULATION.describe(), "explanation": SIMULATION.explanation})
    assert "graine aléatoire" in french["title"].lower()
    assert "reproductibilité" in french["explanation"]
    model = french["params"][0]
    assert model["label"] == "Modèle"
    assert [label for _, label in model["choices"]] == [
        "Arbre de décision",
        "Forêt aléatoire",
        "Petit réseau de neurones",
    ]


def test_default_run_is_french_with_french_numbers():
    french = assert_speaks_french(SIMULATION.run(FAST, seed=1).to_dict())
    first = french["findings"][0]
    assert first.startswith("Sur 8 entraînements avec des graines aléatoires différentes")
    assert "le même arbre de décision" in first
    assert f"{NBSP}%" in first and "," in first
    chart = french["charts"][0]["spec"]
    assert chart["encoding"]["x"]["title"] == "Entraînement (trié par exactitude)"
    assert chart["encoding"]["y"]["title"] == "Exactitude en test"
    assert all(run.startswith("graine ") for run in chart["encoding"]["x"]["sort"])
    legend = french["charts"][1]["spec"]
    assert {row["summary"] for row in legend["data"]["values"]} == {
        "meilleur jusqu'ici",
        "moyenne jusqu'ici",
    }


def test_preset_run_and_its_checks_are_french():
    result = SIMULATION.run({"n_seeds": 8}, seed=2, preset="small-test-set")
    french = assert_speaks_french(result.to_dict())
    assert any("exemples de test" in finding for finding in french["findings"])
    assert french["checks"], "the split-only preset has checks"


def test_the_forest_agrees_in_the_feminine():
    findings, _ = _findings_and_checks(
        np.array([0.7, 0.72, 0.75]), 100, {"vary": "model", "model": "forest"}
    )
    with translation.override("fr"):
        first = localize(findings[0])
    assert "la même forêt aléatoire" in first
    assert "seulement l'initialisation du modèle" in first
    assert "70,0\u00a0%" in first
