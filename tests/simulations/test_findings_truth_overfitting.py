"""Overfitting findings stay true for their numbers: cross-validation is said to flatter (or to
be pessimistic) only beyond the sampling error of a score on the study's size, the average over
more studies is claimed only beyond its own margin, the chart's depth axis is categorical, and no
internal reference reaches the page."""

import re

from simulations.engine.overfitting import SIMULATION

SEEDS = range(20)
CHEAP = {"n_people": 40, "n_features": 10, "informative": 2, "max_depth": 2}


def _margin(sentence):
    return float(re.search(r"±([\d.]+) points", sentence).group(1)) / 100


def _assert_true_to_numbers(result):
    single, average = result.findings[1], result.findings[2]
    optimism = result.metric("optimism").value
    margin = _margin(single)
    if "flatters it by" in single:
        assert optimism > margin - 0.0006
    elif "pessimistic by" in single:
        assert optimism < -margin + 0.0006
    else:
        assert "less than chance moves a score" in single
        assert abs(optimism) <= margin + 0.0006
    fresh = result.metric("fresh_best").value
    assert ("within 3 points of a coin toss" in single) == (fresh - 0.5 < 0.03)
    mean, mean_margin = result.metric("mean_optimism").value, _margin(average)
    if "flatters the winner" in average:
        assert mean > mean_margin - 0.0006
    else:
        assert "lost in the noise" in average and mean <= mean_margin + 0.0006
    text = " ".join(result.findings)
    assert "factsheet" not in text.lower() and "§" not in text and "nan" not in text


def test_no_flattery_is_claimed_when_cross_validation_was_not_optimistic():
    """Over 20 seeds of a small study (and of a study with no signal at all), every sentence
    about cross-validation agrees with its numbers and margins."""
    for seed in SEEDS:
        _assert_true_to_numbers(SIMULATION.run(CHEAP, seed=seed))
    for seed in range(5):
        _assert_true_to_numbers(SIMULATION.run({**CHEAP, "true_accuracy": 0.5}, seed=seed))


def test_a_strong_signal_on_many_people_never_claims_single_study_flattery_beyond_chance():
    """Cause off: 200 people, every feature informative, 95% true accuracy. Cross-validation
    then agrees with new people within chance on nearly every seed, and the text says so."""
    claims = 0
    for seed in range(10):
        result = SIMULATION.run(
            {
                "n_people": 200,
                "n_features": 3,
                "informative": 3,
                "true_accuracy": 0.95,
                "max_depth": 2,
            },
            seed=seed,
        )
        _assert_true_to_numbers(result)
        claims += "flatters it by" in result.findings[1]
    assert claims <= 2


def test_memorisation_is_claimed_at_the_defaults_on_every_seed():
    for seed in range(3):
        result = SIMULATION.run(seed=seed)
        assert result.metric("train_unlimited").value == 1.0
        assert "scores 100% on the 60 people it learned from" in result.findings[0]
        _assert_true_to_numbers(result)


def test_small_studies_compare_with_iborderctrl_in_words_not_an_internal_reference():
    small = SIMULATION.run({**CHEAP, "n_people": 20}, seed=4).findings[-1]
    assert "±15 points for iBorderCtrl's reported ~76% on about 32 people" in small
    large = SIMULATION.run({**CHEAP, "n_people": 60}, seed=4).findings[-1]
    assert "iBorderCtrl" not in large
    for check in SIMULATION.run(CHEAP, seed=4).checks:
        assert "factsheet" not in check.reference.lower()


def test_depth_axis_is_categorical_so_small_depths_are_readable():
    result = SIMULATION.run(CHEAP, seed=0)
    chart = next(c for c in result.charts if c.key == "depth-sweep")
    x = chart.spec["encoding"]["x"]
    assert x["type"] == "ordinal"
    assert x["sort"] == ["1", "2", "no limit"]
    assert {row["depth"] for row in chart.spec["data"]["values"]} == {"1", "2", "no limit"}


def test_checks_are_classified_honestly():
    kinds = {c.key: c.kind for c in SIMULATION.run(CHEAP, seed=0).checks}
    assert kinds == {
        "unlimited-tree-memorises": "consistency",
        "binomial-interval": "consistency",
        "no-model-beats-bayes": "reference",
    }
