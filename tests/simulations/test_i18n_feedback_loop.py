"""feedback-loop in French: every text a reader sees is translated and numbers are French."""

import re

import pytest
from django.utils import translation

from simulations.engine import get
from simulations.engine.feedback_loop import ENSIGN
from simulations.i18n import localize

from .i18n_support import NBSP, assert_french, localized

SIM = get("feedback-loop")
# Written alike in both languages: a citation alone keeps its original words.
SAME = {f"{ENSIGN}."}


@pytest.mark.parametrize(
    ("params", "preset"),
    [
        ({"days": 2_000}, None),
        (None, "ensign-correction"),
        ({"rate_a": 0.3, "rate_b": 0.3, "days": 300}, None),  # equal rates: Pólya check
        ({"allocation": "hotspot", "days": 400}, None),  # hot-spot consistency check
        ({"report_rate": 0.5, "days": 1_000}, None),  # residents' reports sentence
        ({"days": 100}, None),  # "not converged yet" note
    ],
)
def test_result_is_french(params, preset):
    stored = SIM.run(params, seed=2, preset=preset).to_dict()
    assert_french(stored, same_in_both=SAME)


def test_numbers_and_series_read_the_french_way():
    stored = SIM.run({"days": 2_000}, seed=0).to_dict()
    fr = localized(stored, "fr")
    assert fr["findings"][0].startswith("Pendant le dernier dixième des jours") or fr["findings"][
        0
    ].startswith("En moyenne")
    assert re.search(rf"\d{NBSP}%", fr["findings"][0])
    charts = {chart["key"]: chart for chart in fr["charts"]}
    series = {row["series"] for row in charts["share_over_time"]["spec"]["data"]["values"]}
    assert {"Ville 1", "Moyenne des 20\u00a0villes", "Part réelle"} <= series
    bins = [row["bin"] for row in charts["final_shares"]["spec"]["data"]["values"]]
    assert bins[0] == f"0–10{NBSP}%"
    # the chart's category order is rendered with the same words as its data
    assert charts["final_shares"]["spec"]["encoding"]["x"]["sort"] == bins
    description = charts["share_over_time"]["description"]
    assert f"2{NBSP}000{NBSP}jours" in description, description
    # the patrols' unit chart: regions, rounds and counts in French
    patrols = charts["patrols_by_round"]
    assert patrols["spec"]["encoding"]["color"]["scale"]["domain"] == [
        "Patrouilles dans la région A",
        "Patrouilles dans la région B",
    ]
    assert f"environ 10{NBSP}patrouilles" in patrols["description"], patrols["description"]


def test_the_description_texts_are_french():
    with translation.override("fr"):
        described = localize(SIM.describe())
    assert described["title"] == "Boucle de rétroaction qui s’emballe dans la police prédictive"
    assert all("{" not in p["source"] for p in described["presets"])
    # The citation keeps its original title.
    assert "Runaway Feedback Loops in Predictive Policing" in described["presets"][0]["source"]
    assert described["presets"][0]["source"].startswith(f"Le modèle{NBSP}:")


def test_english_is_unchanged_by_localizing():
    result = SIM.run({"days": 500}, seed=0)
    en = localized(result.to_dict(), "en")
    assert en["findings"] == [str.__str__(f) for f in result.findings]
