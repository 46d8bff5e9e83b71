"""Proxy-scoring findings stay true for their numbers (review D1): where no label depends on
dialect (annotator bias 0, or no dialect markers at all) no text says the gap was learned from the
annotators, and a gap inside sampling error is said to be within chance."""

import pytest

from simulations.engine.proxy_scoring import SIMULATION

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
