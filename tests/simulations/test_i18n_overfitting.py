"""The overfitting simulation speaks French: every text a reader sees (description, parameters,
presets, findings, metrics, tables, charts, checks) is a message with a French translation,
and its numbers are written the French way ("3,1 %", "4 000").

The checks are in i18n_messages.py, shared with four other simulations' French tests.
"""

import re

from django.utils import translation

from simulations.engine.overfitting import SIMULATION
from simulations.i18n import localize

from .i18n_messages import NBSP, assert_speaks_french

# -- overfitting ----------------------------------------------------------------------------

FAST = {"max_depth": 3}


def test_description_parameters_and_presets_are_french():
    french = assert_speaks_french({**SIMULATION.describe(), "explanation": SIMULATION.explanation})
    assert french["title"].startswith("Surapprentissage")
    assert "validation croisée" in french["explanation"]
    assert french["params"][0]["unit"] == "personnes"


def test_default_run_is_french_with_french_numbers():
    result = SIMULATION.run(FAST, seed=1)
    french = assert_speaks_french(result.to_dict())
    text = " ".join(french["findings"])
    assert f"{NBSP}%" in text
    assert re.search(r"\d,\d points", text)  # a decimal comma
    assert "validation croisée" in text
    assert f"4{NBSP}000 nouvelles personnes" in french["findings"][0]
    titles = [chart["spec"]["title"] for chart in french["charts"]]
    assert titles[0].startswith("Exactitude selon la profondeur")
    axis = french["charts"][0]["spec"]["encoding"]
    assert axis["x"]["title"] == "Profondeur de l'arbre" and axis["y"]["title"] == "Exactitude"
    assert axis["color"]["title"] == "Mesurée sur"
    assert "sans limite" in axis["x"]["sort"]
    assert {row["measured_on"] for row in french["tables"][1]["rows"]} == {
        "entraînement",
        "validation",
    }


def test_preset_run_is_french():
    result = SIMULATION.run({"max_depth": 2}, seed=3, preset="iborderctrl-32")
    french = assert_speaks_french(result.to_dict())
    assert "iBorderCtrl" in french["findings"][-1] and f"~76{NBSP}%" in french["findings"][-1]


def test_english_is_unchanged_by_rendering():
    result = SIMULATION.run(FAST, seed=1)
    with translation.override("en"):
        english = localize(result.to_dict())
    assert english["findings"] == [str.__str__(f) for f in result.findings]


def test_parameter_errors_are_french():
    from simulations.engine import ParamError

    try:
        SIMULATION.validate({"n_features": 2, "informative": 3})
    except ParamError as exc:
        with translation.override("fr"):
            message = localize(exc.errors["informative"][0])
        assert message == "Ne peut pas dépasser le nombre de variables mesurées (2)."
    else:  # pragma: no cover
        raise AssertionError("expected a ParamError")
