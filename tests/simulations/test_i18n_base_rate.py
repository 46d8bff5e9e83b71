"""base-rate in French: every text a reader sees is translated and numbers are French."""

import re

import pytest
from django.utils import translation

from simulations.engine import get
from simulations.i18n import localize

from .i18n_support import NBSP, assert_french, localized, texts

SIM = get("base-rate")


@pytest.mark.parametrize(
    ("params", "preset"),
    [
        ({}, None),
        (None, "kosinski-auc-081"),  # the "trait" wording
        ({"group_b_drop": 10.0, "travellers": 20_000}, None),  # the group sentence
        (None, "iborderctrl-lab-test"),  # the 95% interval in the accuracy sentence
    ],
)
def test_result_is_french(params, preset):
    stored = SIM.run(params, seed=3, preset=preset).to_dict()
    assert_french(stored, same_in_both={"Source", "{group} {rate}"})


def test_numbers_read_the_french_way():
    stored = SIM.run({}, seed=0).to_dict()
    fr = localized(stored, "fr")
    first = fr["findings"][0]
    # "Sur les 24 669 voyageurs signalés, 793 mentaient : 3,2 % des signalements…"
    assert re.search(r"\d\u00a0\d{3}\u00a0voyageurs signalés", first), first
    assert re.search(r"\d,\d\u00a0%", first), first
    assert f"{NBSP}:" in first
    assert first.startswith("Sur les ")


def test_the_description_texts_are_french():
    with translation.override("fr"):
        described = localize(SIM.describe())
    assert described["title"].startswith("Oubli du taux de base")
    labels = [p["label"] for p in described["params"]]
    assert "Voyageurs contrôlés" in labels and "Sensibilité" in labels
    choices = dict(next(p for p in described["params"] if p["name"] == "framing")["choices"])
    assert choices["border"].startswith("Voyageurs et menteurs")
    for preset in described["presets"]:
        assert preset["title"] and preset["description"] and preset["source"]
        assert "{" not in preset["source"]
    english = {p.slug: p for p in SIM.presets}
    for preset in described["presets"]:
        assert preset["description"] != english[preset["slug"]].description
    # Source titles stay in their original language.
    lab = next(p for p in described["presets"] if p["slug"] == "iborderctrl-lab-test")
    assert "An AI lie detector will interrogate travelers" in lab["source"]


def test_english_is_unchanged_by_localizing():
    result = SIM.run({}, seed=0)
    en = localized(result.to_dict(), "en")
    assert en["findings"] == [str.__str__(f) for f in result.findings]


def test_plural_follows_french_rules():
    # 0 and 1 are singular in French: "0 mentait" is right where English says "0 were lying".
    stored = SIM.run({"travellers": 10, "base_rate": 0.01, "specificity": 60.0}, seed=1).to_dict()
    fr = localized(stored, "fr")["findings"][0]
    en = localized(stored, "en")["findings"][0]
    if " 0 were lying" in en:
        assert " 0 mentait" in fr, fr


def test_every_text_has_a_french_counterpart_listed():
    stored = SIM.run({}, seed=0).to_dict()
    assert len(texts(localized(stored, "fr"))) == len(texts(localized(stored, "en")))
