"""Proxy-scoring findings stay true for their numbers (review D1): where no label depends on
dialect (annotator bias 0, or no dialect markers at all) no text says the gap was learned from the
annotators, and a gap inside sampling error is said to be within chance."""

import re

import pytest

from simulations.engine.proxy_scoring import SIMULATION, _bayes_fpr

SEEDS = range(20)
SMALL = {"n_people": 500}
HARM = "learned from the annotators' labels"


@pytest.mark.parametrize(
    "cause_off", [{"annotator_bias": 0.0}, {"marker_rate": 0.0, "annotator_bias": 0.5}]
)
def test_no_finding_blames_the_annotators_when_no_label_depends_on_dialect(cause_off):
    seeds = SEEDS if cause_off.get("annotator_bias") == 0.0 else range(10)
    for seed in seeds:
        result = SIMULATION.run({**SMALL, **cause_off}, seed=seed)
        text = " ".join(result.findings)
        assert HARM not in text, (seed, text)
        assert "nan" not in text.lower()
        # The reference check may fail only beyond 4 standard errors: never on these seeds.
        check = next(c for c in result.checks if c.key == "no-bias-no-gap")
        assert check.kind == "reference" and check.passed, (seed, check)


def test_the_harm_is_claimed_on_most_seeds_at_the_defaults():
    claimed = sum(HARM in " ".join(SIMULATION.run(SMALL, seed=seed).findings) for seed in SEEDS)
    assert claimed >= 18


def test_a_gap_within_chance_is_said_to_be_within_chance():
    """'Within chance' appears exactly when |gap| is inside the printed 95% margin."""
    seen_within = seen_beyond = False
    for seed in range(12):
        params = {**SMALL, "annotator_bias": 0.05 if seed % 2 else 0.0, "flag_score": 2}
        result = SIMULATION.run(params, seed=seed)
        text = result.findings[1]
        within = "within what chance gives" in text
        margin = float(text.split("±")[1].split(" points")[0]) / 100
        gap = abs(result.metric("fpr_gap").value)
        # The margin is printed to 0.1 point: allow that rounding.
        if gap < margin - 0.0006:
            assert within, text
        if gap > margin + 0.0006:
            assert not within, text
        seen_within |= within
        seen_beyond |= not within
    assert seen_within


def test_annotator_arithmetic_is_a_consistency_note():
    result = SIMULATION.run(SMALL, seed=0)
    check = next(c for c in result.checks if c.key == "annotator-arithmetic")
    assert check.kind == "consistency"
    assert all("factsheet" not in c.reference.lower() for c in result.checks)


def test_bayes_optimal_rates_match_an_independent_computation():
    """The review's own large-sample computation (independent code): a learner that knows the
    labelling exactly flags about 6.0% of harmless group B sitters at the defaults and 5.4% at
    bias 0.45, markers 0.05, base rate 0.2, flag at 4; with no biased label, no gap."""
    defaults = SIMULATION.validate({})
    assert _bayes_fpr(defaults)["B"] == pytest.approx(0.060, abs=0.002)
    other = SIMULATION.validate(
        {"annotator_bias": 0.45, "marker_rate": 0.05, "base_rate": 0.2, "flag_score": 4}
    )
    assert _bayes_fpr(other)["B"] == pytest.approx(0.054, abs=0.002)
    for cause_off in ({"annotator_bias": 0.0}, {"marker_rate": 0.0}):
        rates = _bayes_fpr(SIMULATION.validate(cause_off))
        assert rates["B"] == pytest.approx(rates["A"], abs=0.001)


def test_the_split_between_labels_and_model_adds_up_and_is_never_claimed_without_the_cause():
    result = SIMULATION.run(SMALL, seed=0)
    sentence = next(f for f in result.findings if f.startswith("A learner that knew exactly"))
    if "the other" in sentence:
        parts = [float(x) for x in re.findall(r"([\d.]+) points", sentence)]
        gap = round(1000 * result.metric("fpr_gap").value) / 10
        assert parts[0] + parts[1] == pytest.approx(gap, abs=0.05)
    off = SIMULATION.run({**SMALL, "annotator_bias": 0.0}, seed=0)
    assert not any(f.startswith("A learner that knew exactly") for f in off.findings)
