"""The spurious-correlation simulation speaks French: description, parameters, presets,
findings, charts, tables and checks are messages with a French translation; sources keep their
original titles; AUCs, shares and counts are written the French way ("0,81", "7,0 %",
"35 326")."""

from simulations.engine.spurious_correlation import SIMULATION

from .i18n_messages import NBSP, assert_speaks_french

SAME = frozenset({"AUC", "artefact", "photos"})
SMALL = {"n_train": 3000, "n_population": 8000}


def test_description_parameters_and_presets_are_french():
    french = assert_speaks_french(
        {**SIMULATION.describe(), "explanation": SIMULATION.explanation}, same=SAME
    )
    assert french["title"].startswith("Corrélation fallacieuse")
    assert "régression logistique" in french["explanation"]
    source = french["presets"][0]["source"]
    assert source.startswith("Wang & Kosinski, J. Personality & Social Psychology")
    assert f"35{NBSP}326 images" in source and "0,81" in source
    assert f"7{NBSP}% d'hommes homosexuels" in source


def test_default_run_is_french_with_french_numbers():
    french = assert_speaks_french(SIMULATION.run(SMALL, seed=1).to_dict(), same=SAME)
    first, second = french["findings"][:2]
    assert first.startswith("Sur les photos mises de côté du même échantillon")
    assert "0," in first
    assert f"7,0{NBSP}% qu'on obtiendrait en choisissant des personnes au hasard" in second
    weights = french["charts"][1]["spec"]
    assert weights["encoding"]["color"]["title"] == "Porte"
    assert {row["kind"] for row in weights["data"]["values"]} == {"artefact", "visage", "bruit"}
    assert "Angle de prise de vue" in {row["feature"] for row in weights["data"]["values"]}
    assert french["tables"][2]["title"] == (
        f"Dans une population de 8{NBSP}000 personnes comptant 7,0{NBSP}% de positifs"
    )


def test_preset_run_is_french():
    result = SIMULATION.run({"n_population": 8000}, seed=2, preset="leuner-replication")
    french = assert_speaks_french(result.to_dict(), same=SAME)
    assert any("VPP" in metric["label"] for metric in french["metrics"])


def test_the_too_little_data_note_is_french():
    params = {"n_train": 1000, "sample_prevalence": 5.0, "artefact_strength": 0.5}
    french = assert_speaks_french(SIMULATION.run(params, seed=0).to_dict(), same=SAME)
    assert french["findings"][-1].startswith("Trop peu de données pour confronter l'AUC")


def test_zech_preset_run_is_french():
    result = SIMULATION.run({"n_train": 5000}, seed=3, preset="zech-hospital-shortcut")
    french = assert_speaks_french(result.to_dict(), same=SAME)
    assert french["findings"][1].startswith("Trier les images mises de côté")
    assert f"34,2{NBSP}% de positifs dans l'hôpital A" in french["findings"][1]
    checks = {check["key"]: check for check in french["checks"]}
    assert checks["zech_sort_by_hospital"]["expected"].startswith("0,861 ± ")
    described = assert_speaks_french(SIMULATION.describe(), same=SAME)
    zech = next(p for p in described["presets"] if p["slug"] == "zech-hospital-shortcut")
    assert zech["title"] == f"Zech et al.{NBSP}: l'hôpital comme raccourci"
    assert f"IC à 95{NBSP}%{NBSP}: 0,855–0,866" in zech["source"]
