"""Hiring: every finding and check stays true for its numbers, whatever the settings.

Cause off (proxy strength 0: nothing on the CV tracks gender): no finding claims that women,
or qualified women, were selected less often beyond chance, over 20 seeds (review D9). Cause
on (the defaults): both are claimed on most seeds. "Skills only" says what actually happens:
experience carries the career gap (D8). Small pools say when a gender is missing instead of
printing nan% or a false verdict (D2); the TPR gap is named as equal opportunity.
"""

import pytest
from threadpoolctl import threadpool_limits

from simulations.engine import get

SIM = get("hiring")
SEEDS = range(20)
FAST = {"n_history": 800, "n_applicants": 1000}
HARM = ("yet it selected", "equal opportunity (the same true-positive rate for both) is not met")


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Many small fits: one BLAS thread each is several times faster on a shared machine."""
    with threadpool_limits(limits=1):
        yield


@pytest.mark.parametrize("features", ["all", "skills-only"])
def test_cause_off_no_disparity_claimed(features):
    for seed in SEEDS:
        result = SIM.run({**FAST, "proxy_strength": 0, "features": features}, seed=seed)
        text = " ".join(result.findings)
        assert not any(phrase in text for phrase in HARM), (seed, text)
        assert "nan" not in text


def test_cause_on_disparity_claimed_on_most_seeds():
    claimed = 0
    for seed in SEEDS:
        findings = SIM.run(FAST, seed=seed).findings
        claimed += HARM[0] in findings[0] and HARM[1] in findings[1]
    assert claimed >= 18


def test_skills_only_never_says_the_model_only_learned_skills():
    for seed in range(10):
        text = " ".join(SIM.run({**FAST, "features": "skills-only"}, seed=seed).findings)
        assert "could only learn from the skills" not in text
        assert "experience is not neutral" in text and "A feature that looks neutral" in text
    assert "watch the disparity vanish" not in SIM.explanation
    assert "neutral-looking feature carries the past" in SIM.explanation


@pytest.mark.parametrize("women_share", [10.0, 90.0])
def test_a_missing_gender_is_said_in_words(women_share):
    seen = 0
    for seed in range(40):
        params = {"n_history": 500, "n_applicants": 20, "women_share": women_share}
        result = SIM.run(params, seed=seed)
        text = " ".join(result.findings)
        assert "nan" not in text and "infinitely" not in text
        if result.metric("impact_ratio").value is None:
            seen += 1
            assert any(w in result.findings[0] for w in ("cannot be applied", "selected nobody"))
            assert "four_fifths_arithmetic" not in [c.key for c in result.checks]
            assert "above the four-fifths" not in text
    assert seen
    result.to_dict()


def test_one_more_hire_says_when_the_less_selected_group_flips():
    for seed in range(20):
        result = SIM.run(seed=seed, preset="four-fifths-small-sample")
        sentence = next((f for f in result.findings if "one more woman hired" in f), "")
        if not sentence:
            continue
        women = result.metric("selection_rate_women").value
        men = result.metric("selection_rate_men").value
        n_women = next(t for t in result.tables if t.key == "audit").rows[1]["n_women"]
        flips = (women * n_women + 1) / n_women > men
        assert ("men then the group selected less often" in sentence) == flips


def test_checks_are_labelled_honestly():
    checks = {c.key: c for c in SIM.run(FAST, seed=0).checks}
    assert checks["equal_skill"].kind == "consistency"
    assert checks["four_fifths_arithmetic"].kind == "reference"
    for check in checks.values():
        assert "actsheet" not in check.reference and "§5" not in check.reference


def test_texts_cite_no_internal_documents():
    for preset in SIM.presets:
        assert "actsheet" not in preset.source and "papers.md" not in preset.source
