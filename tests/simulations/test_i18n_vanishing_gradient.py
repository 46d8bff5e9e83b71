"""The vanishing-gradient simulation speaks French (disparition du gradient): description,
parameters, presets, findings, chart, table and checks are messages with a French translation,
numbers (including the engine's two-significant-figure ones) are written the French way, and
step counts agree in number."""

from django.utils import translation

from simulations.engine.vanishing_gradient import SIMULATION
from simulations.i18n import localize

from .i18n_messages import NBSP, assert_speaks_french

SAME = frozenset({"tanh", "ReLU", "Tanh", "He", "Xavier/Glorot", "{mantissa}e{exponent}"})
SMALL = {"depth": 6, "width": 16, "steps": 20}


def test_description_parameters_and_presets_are_french():
    french = assert_speaks_french(
        {**SIMULATION.describe(), "explanation": SIMULATION.explanation}, same=SAME
    )
    assert french["title"].startswith("Disparition du gradient")
    assert "fonction de perte" in french["explanation"]
    assert french["params"][0]["label"] == "Fonction d'activation"
    assert french["params"][0]["choices"][0][1] == "Sigmoïde"


def test_default_run_is_french_with_french_numbers():
    french = assert_speaks_french(SIMULATION.run(SMALL, seed=1).to_dict(), same=SAME)
    first = french["findings"][0]
    assert first.startswith("Avec la fonction sigmoïde et 6 couches")
    assert "fois plus petit" in first
    assert any(f"{NBSP}%" in finding for finding in french["findings"])
    assert any("Après 20 pas" in finding for finding in french["findings"])
    spec = french["charts"][0]["spec"]
    assert spec["title"] == "Norme du gradient par couche (sigmoïde, 6 couches)"
    assert spec["encoding"]["x"]["title"] == "Couche cachée (1 = la plus proche des entrées)"
    assert spec["encoding"]["color"]["title"] == "Moment"
    moments = {row["moment"] for row in spec["data"]["values"]}
    assert moments == {"à l'initialisation", "après 20 pas"}


def test_preset_run_is_french():
    result = SIMULATION.run({"steps": 10, "width": 16}, seed=2, preset="relu-he")
    french = assert_speaks_french(result.to_dict(), same=SAME)
    assert french["findings"][0].startswith("Avec la fonction ReLU et 12 couches")


def test_divergence_and_a_single_step_read_correctly_in_french():
    diverged = SIMULATION.run(
        {"activation": "relu", "init": "he", "learning_rate": 2.0, "steps": 200}, seed=0
    )
    one = SIMULATION.run({**SMALL, "steps": 1}, seed=0)
    with translation.override("fr"):
        text = " ".join(localize(diverged.to_dict())["findings"])
        single = localize(one.to_dict())
    assert "a divergé au pas" in text or "taux d'apprentissage" in text
    assert any("Après 1 pas" in finding for finding in single["findings"])
    assert single["metrics"][-3]["label"] == "Perte d'entraînement après 1 pas"
