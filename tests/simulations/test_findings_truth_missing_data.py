"""Missing-data findings stay true for their numbers: with nothing missing, or gaps missing
completely at random, no text says the remaining records misrepresent group B; the MNAR check
compares with a closed form, not with the sample's own probabilities."""

import pytest

from simulations.engine.missing_data import SIMULATION

SEEDS = range(20)
SMALL = {"n_people": 1000}
HARM = "not a representative sample"


@pytest.mark.parametrize("mechanism", ["mcar", "mnar", "mar"])
def test_nothing_missing_claims_nothing(mechanism):
    """Cause off: a missing share of 0, whatever the mechanism."""
    for seed in range(5):
        result = SIMULATION.run({**SMALL, "mechanism": mechanism, "missing_share": 0.0}, seed=seed)
        text = " ".join(result.findings)
        assert "No income of group B is missing here" in text
        assert HARM not in text and "moves group B's selection rate" not in text
        assert "nan" not in text.lower()


def test_gaps_missing_completely_at_random_never_claim_a_biased_complete_case_mean():
    """Cause off for the drop bias: MCAR, over 20 seeds."""
    for seed in SEEDS:
        result = SIMULATION.run({**SMALL, "mechanism": "mcar"}, seed=seed)
        assert HARM not in " ".join(result.findings), seed
        assert all(check.passed for check in result.checks if check.kind == "reference")


def test_mnar_claims_the_biased_complete_case_mean_on_most_seeds():
    claimed = sum(HARM in " ".join(SIMULATION.run(SMALL, seed=seed).findings) for seed in SEEDS)
    assert claimed >= 18


def test_mnar_reference_check_is_a_closed_form_that_can_fail():
    """The predicted shift comes from the population model (quadrature), so it does not
    follow the sample: MCAR's unshifted complete-case mean would fail it."""
    result = SIMULATION.run(SMALL, seed=3)
    check = next(c for c in result.checks if c.key == "mnar-drop-biased")
    assert check.kind == "reference" and check.passed
    predicted = float(check.expected.split("shift of ")[1].split(" k€")[0])
    tolerance = float(check.expected.split("within ±")[1])
    assert predicted - tolerance > 0  # an unbiased complete-case mean (shift 0) would fail


def test_variance_identity_is_a_consistency_note():
    result = SIMULATION.run(SMALL, seed=0)
    kinds = {c.key: c.kind for c in result.checks}
    assert kinds["mean-imputation-shrinks-variance"] == "consistency"


def test_model_imputation_under_mar_explains_a_wrong_selection_rate():
    """The review's case: MAR 0.7, strength 4, threshold 20: the mean is recovered, the
    selection rate is not, and the text says why."""
    result = SIMULATION.run(
        {"mechanism": "mar", "missing_share": 0.7, "strength": 4.0, "threshold": 20.0}, seed=0
    )
    text = " ".join(result.findings)
    assert result.metric("rate_b_model").value - result.metric("rate_b_truth").value >= 0.02
    assert "without the spread of real incomes" in text
