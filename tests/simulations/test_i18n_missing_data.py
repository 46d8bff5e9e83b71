"""The missing-data simulation speaks French (données trouées, non représentatives): description,
parameters, presets, findings, charts, tables and checks are messages with a French translation,
and incomes, shares and signed errors are written the French way ("31,4 k€", "42 %", "+1,25")."""

import re

from simulations.engine.missing_data import SIMULATION

from .i18n_messages import NBSP, assert_speaks_french

SAME = frozenset({"MCAR", "MAR", "MNAR", "IterativeImputer", "k€", "+{value}"})
FAST = {"n_people": 1000}


def test_description_parameters_and_presets_are_french():
    french = assert_speaks_french(
        {**SIMULATION.describe(), "explanation": SIMULATION.explanation}, same=SAME
    )
    assert french["title"].startswith("Données trouées")
    assert "non représentatives" in french["explanation"]
    assert french["params"][0]["label"] == "Pourquoi des revenus manquent"
    assert (
        french["presets"][0]["description"]
        == f"40{NBSP}% des revenus du groupe B manquent au hasard."
    )


def test_default_run_is_french_with_french_numbers():
    french = assert_speaks_french(SIMULATION.run(FAST, seed=1).to_dict(), same=SAME)
    first = french["findings"][0]
    assert "manquants parce que le revenu lui-même est faible (MNAR)" in first
    assert re.search(rf"\d,\d{NBSP}k€", first)
    assert any("échantillon représentatif" in finding for finding in french["findings"])
    assert any(f"{NBSP}%" in finding for finding in french["findings"])
    rates = french["charts"][1]["spec"]
    assert rates["encoding"]["color"]["title"] == "Groupe"
    assert {row["group"] for row in rates["data"]["values"]} == {"groupe A", "groupe B"}
    assert "imputation par la moyenne" in rates["encoding"]["x"]["sort"]
    mnar = next(check for check in french["checks"] if check["observed"].startswith("déplacement"))
    assert re.search(rf"déplacement [+-]\d+,\d\d{NBSP}k€", mnar["observed"])


def test_preset_run_is_french():
    result = SIMULATION.run(FAST, seed=2, preset="mar")
    french = assert_speaks_french(result.to_dict(), same=SAME)
    assert "au hasard conditionnellement au niveau d'études (MAR)" in french["findings"][0]
    assert any(check["label"].startswith("Sous MAR") for check in french["checks"])


def test_nothing_missing_reads_in_french():
    result = SIMULATION.run({**FAST, "missing_share": 0.0}, seed=3)
    french = assert_speaks_french(result.to_dict(), same=SAME)
    assert french["findings"][0].startswith("Aucun revenu du groupe B ne manque ici")
