"""Base rate: every finding and check stays true for its numbers, whatever the settings.

Cause off (group B's test as accurate as group A's): no finding says one group gets more false
alarms, over 20 seeds. Cause on (a 10-point drop): the gap is claimed on every seed at the
default size, and called within chance at a small size. Undefined rates are said in words
(review D3, D4); two different shares never print alike (99% … 99%); a reference check
whose band covers every possible count is not shown (tolerance above 1 at tiny n).
"""

import re

import pytest

from simulations.engine import get
from simulations.engine._stats import distinct_pcts

SIM = get("base-rate")
SEEDS = range(20)
GAP_CLAIMED = re.compile(r"times as often|, and none in group")


def _group_rows(result):
    return {r["group"]: r for r in next(t for t in result.tables if t.key == "by_group").rows}


def test_cause_off_no_group_gap_claimed():
    for seed in SEEDS:
        result = SIM.run({"travellers": 5000, "group_b_share": 50, "group_b_drop": 0}, seed=seed)
        text = " ".join(result.findings)
        assert "group B" not in text, (seed, text)
        assert all(c.passed for c in result.checks)


def test_cause_on_group_gap_claimed_at_size_and_within_chance_when_small():
    for seed in SEEDS:
        big = SIM.run({"travellers": 20_000, "group_b_drop": 10}, seed=seed)
        assert GAP_CLAIMED.search(big.findings[-1]), (seed, big.findings)
    small = [
        SIM.run({"travellers": 60, "group_b_drop": 2}, seed=seed).findings[-1] for seed in SEEDS
    ]
    assert sum("not clearly beyond chance" in f for f in small) >= 18


def test_no_infinitely_many_times_and_undefined_rates_in_words():
    """Review D3 and D4: 0% against 0%, and a group with no flags or nobody to flag."""
    params = {"travellers": 10, "specificity": 100, "group_b_drop": 5, "group_b_share": 50}
    for seed in SEEDS:
        result = SIM.run(params, seed=seed)
        text = " ".join(result.findings)
        assert "infinitely" not in text and "nan" not in text
        for row in _group_rows(result).values():
            flags = round(row["flag_rate"] * row["travellers"])
            if flags == 0:
                assert row["ppv"] is None
            if row["honest"] == 0:
                assert row["fpr"] is None
        assert result.to_dict()  # serialises


def test_a_group_with_nobody_honest_says_so():
    params = {"travellers": 10, "base_rate": 50, "group_b_share": 10, "group_b_drop": 5}
    seen = False
    for seed in range(60):
        result = SIM.run(params, seed=seed)
        rows = _group_rows(result)
        if "Group B" in rows and rows["Group B"]["honest"] == 0:
            assert any("no honest travellers in group B" in f for f in result.findings)
            seen = True
            break
    assert seen


def test_rounding_never_prints_a_contrast_as_equal():
    for seed in range(2):
        result = SIM.run(seed=seed, preset="iborderctrl-border-0-1pct")
        sentence = next(f for f in result.findings if "clearing everyone" in f)
        shown = re.findall(r"(\d+(?:\.\d+)?)%", sentence)
        assert len(set(shown)) == len(shown), sentence
        assert "100%" not in sentence
    assert distinct_pcts(0.989, 0.99) == ("98.9%", "99.0%")
    assert distinct_pcts(0.9995, 0.5)[0] != "100%"


def test_interval_is_not_repeated():
    findings = SIM.run(seed=0, preset="iborderctrl-lab-test").findings
    assert sum("95% interval" in f for f in findings) == 1
    assert "With only" not in " ".join(findings)


@pytest.mark.parametrize("travellers", [10, 32])
def test_tiny_samples_show_no_check_that_cannot_fail(travellers):
    for seed in SEEDS:
        result = SIM.run({"travellers": travellers, "base_rate": 50}, seed=seed)
        for check in result.checks:
            if check.key == "ppv_vs_bayes":
                lo, hi = re.search(r"\((\d+) to (\d+) right of (\d+)", check.expected).group(1, 2)
                flags = int(re.search(r"of ([\d,]+) flags", check.expected).group(1))
                assert (int(lo), int(hi)) != (0, flags)
        if (
            "ppv_vs_bayes" not in [c.key for c in result.checks]
            and result.metric("true_positives").value + result.metric("false_positives").value
        ):
            assert result.findings[-1].startswith("Not enough data to check")


def test_ppv_check_can_fail():
    """A sample whose flags are right far more often than Bayes' rule allows fails."""
    checks, _ = SIM._checks(
        n=100_000, base=0.01, sens_all=0.76, spec_all=0.76, tp=5000, fp=5000, e_ppv=0.031
    )
    assert not next(c for c in checks if c.key == "ppv_vs_bayes").passed
    assert next(c for c in checks if c.key == "false_positives_vs_expected").kind == "consistency"


def test_texts_cite_no_internal_documents():
    for preset in SIM.presets:
        for text in (preset.source, preset.description):
            assert "actsheet" not in text and "papers.md" not in text and "§" not in text
    assert "fact sheet" not in SIM.explanation
