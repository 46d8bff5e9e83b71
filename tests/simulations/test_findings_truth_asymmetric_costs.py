"""Asymmetric-costs findings stay true for their numbers: a field like the lab never reads as
"N times the lab figure", an undefined share (nothing engaged) is said in words, and the checks
are classified honestly (the prior-shift note is true by construction)."""

from simulations.engine.asymmetric_costs import SIMULATION

SEEDS = range(20)
SMALL = {"n_lab": 1000, "n_field": 4000}
HARM = "times the lab figure"


def test_a_field_like_the_lab_never_claims_more_civilians_than_the_lab():
    """Cause off: half targets and no look-alikes in the field, as in the lab."""
    for seed in SEEDS:
        result = SIMULATION.run(SMALL, seed=seed, preset="field-like-lab")
        text = " ".join(result.findings)
        assert HARM not in text, (seed, text)
        assert "engaged none in the lab" not in text
        assert all(check.passed for check in result.checks), (seed, result.checks)


def test_the_defaults_claim_more_civilians_in_the_field_on_most_seeds():
    claimed = sum(HARM in SIMULATION.run(SMALL, seed=seed).findings[1] for seed in SEEDS)
    assert claimed >= 18


def test_nothing_engaged_is_said_in_words_not_as_zero_percent():
    """c = 100 with poorly separated classes: the threshold 0.99 is never reached, so the
    civilian share of engagements is undefined (a dash in the table, words in the text)."""
    for seed in range(3):
        result = SIMULATION.run(
            {**SMALL, "cost_ratio": 100.0, "separation": 1.0, "field_target_share": 0.01},
            seed=seed,
        )
        shares = {
            (row["setting"], row["policy"]): row["civilian_share_of_engagements"]
            for row in result.tables[0].rows
        }
        assert shares[("lab", "tuned for expected harm")] is None
        assert shares[("field", "tuned for expected harm")] is None
        text = " ".join(result.findings)
        assert "it engaged nothing, in the lab or in the field" in text
        assert "of its engagements hit civilians" not in text and "nan" not in text.lower()


def test_prior_shift_is_a_consistency_note_and_bayes_harm_a_reference_check():
    result = SIMULATION.run(SMALL, seed=1)
    kinds = {check.key: check.kind for check in result.checks}
    assert kinds == {"prior-shift": "consistency", "bayes-harm": "reference"}


def test_the_bayes_harm_check_can_fail():
    """The closed form is independent of the run: the same model at the accuracy threshold
    (a system that ignored the cost ratio) lies outside the check's tolerance."""
    result = SIMULATION.run(seed=0)
    check = next(c for c in result.checks if c.key == "bayes-harm")
    expected = float(check.expected.split(" per 1,000")[0])
    tolerance = float(check.expected.split("±")[1])
    assert check.passed
    accuracy_harm = next(
        row["harm_per_1000"]
        for row in result.tables[0].rows
        if row["setting"] == "lab" and row["policy"] == "tuned for accuracy"
    )
    assert abs(accuracy_harm - expected) > tolerance
