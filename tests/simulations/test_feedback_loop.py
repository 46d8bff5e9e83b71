"""The feedback-loop simulation: Ensign et al.'s urn, its runaway, lock-in and correction."""

import json

import numpy as np
import pytest

from simulations.engine import ParamError, get

SIM = get("feedback-loop")
SEEDS = range(20)
FAST = {"days": 2500, "cities": 10}


def _dump(result):
    return json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)


def test_defaults_run_and_serialise():
    result = SIM.run(seed=1)
    data = json.loads(_dump(result))
    assert {"metrics", "tables", "charts", "findings", "checks"} <= set(data)
    assert 2 <= len(result.findings) <= 5
    for metric in result.metrics:
        if metric.unit.startswith("share"):
            assert 0 <= metric.value <= 1


def test_same_seed_same_result_other_seed_other_samples():
    assert _dump(SIM.run(FAST, seed=7)) == _dump(SIM.run(FAST, seed=7))
    assert _dump(SIM.run(FAST, seed=7)) != _dump(SIM.run(FAST, seed=8))


def test_city_table_accounts_for_every_record():
    result = SIM.run({**FAST, "report_rate": 0.5}, seed=3)
    cities = next(t for t in result.tables if t.key == "cities").rows
    assert len(cities) == FAST["cities"]
    for row in cities:
        records_a = 1 + row["discovered_a"] + row["reported_a"]
        records_b = 1 + row["discovered_b"] + row["reported_b"]
        assert row["final_share_a"] == pytest.approx(records_a / (records_a + records_b))


def test_runaway_to_higher_rate_region_over_many_seeds():
    means = [SIM.run(FAST, seed=s).metric("mean_final_share_a").value for s in SEEDS]
    assert np.mean(means) > 0.8  # true share is 0.6; papers.md D1 saw 0.87 at 20,000 days


def test_equal_rates_lock_in_at_random_shares_not_half():
    finals = [
        row["final_share_a"]
        for s in SEEDS
        for row in next(
            t for t in SIM.run({**FAST, "rate_b": 0.3}, seed=s).tables if t.key == "cities"
        ).rows
    ]
    assert np.std(finals) > 0.2  # Beta(1, 1) has 0.29; all-at-50% would be ~0
    assert min(finals) < 0.2 and max(finals) > 0.8
    assert abs(np.mean(finals) - 0.5) < 0.08  # a martingale: the mean stays at the start


def test_correction_recovers_true_share():
    means = [
        SIM.run({**FAST, "correction": True}, seed=s).metric("mean_final_share_a").value
        for s in SEEDS
    ]
    assert np.mean(means) == pytest.approx(0.6, abs=0.02)


def test_reported_incidents_attenuate_but_do_not_remove():
    def mean_share(report):
        params = {**FAST, "report_rate": report}
        return np.mean(
            [SIM.run(params, seed=s).metric("mean_final_share_a").value for s in range(10)]
        )

    none, half = mean_share(0.0), mean_share(0.5)
    assert 0.6 + 0.02 < half < none - 0.1


@pytest.mark.parametrize(
    "params, key",
    [
        ({}, "runaway_to_higher_rate"),
        ({"rate_b": 0.3}, "equal_rates_random_limit"),
        ({"rate_b": 0.3, "initial_a": 30, "initial_b": 10}, "equal_rates_random_limit"),
        ({"correction": True}, "mean_field_share"),
        ({"report_rate": 0.5}, "mean_field_share"),
        ({"allocation": "hotspot"}, "hotspot_winner_takes_all"),
    ],
)
def test_reference_checks_pass_over_many_seeds(params, key):
    for seed in SEEDS:
        checks = SIM.run({**FAST, "cities": 20, **params}, seed=seed).checks
        assert [c.key for c in checks] == [key]
        assert checks[0].passed, (seed, checks[0].observed)


def test_presets_pass_their_checks():
    for preset in SIM.presets:
        result = SIM.run({"days": 2500}, seed=0, preset=preset.slug)
        assert all(c.passed for c in result.checks), preset.slug


@pytest.mark.parametrize(
    "params, field",
    [
        ({"rate_a": 0}, "rate_a"),
        ({"rate_b": 1.5}, "rate_b"),
        ({"days": 20_001}, "days"),
        ({"cities": 2.5}, "cities"),
        ({"initial_a": "many"}, "initial_a"),
        ({"allocation": "random"}, "allocation"),
        ({"correction": "perhaps"}, "correction"),
        ({"budget": 3}, "budget"),
    ],
)
def test_bad_parameters_rejected_by_name(params, field):
    with pytest.raises(ParamError) as info:
        SIM.run(params, seed=0)
    assert field in info.value.errors


def test_findings_follow_the_numbers():
    runaway = SIM.run({**FAST, "cities": 20}, seed=2).findings
    corrected = SIM.run({**FAST, "correction": True}, seed=2).findings
    equal = SIM.run({**FAST, "rate_b": 0.3}, seed=2).findings
    assert "more than its true share of incidents (60%)" in runaway[0]
    assert "close to its true share" in corrected[0]
    assert any(
        phrase in equal[0] for phrase in ("same incident rate", "cancel out", "luck of the draw")
    )
    assert runaway != corrected


# --- the patrols' unit chart -------------------------------------------------------------------
def _patrols(result):
    table = next(t for t in result.tables if t.key == "patrols_by_round")
    chart = next(c for c in result.charts if c.key == "patrols_by_round")
    return table.rows, chart


def test_unit_chart_counts_every_patrol_of_city_one_round_by_round():
    params = {**FAST, "report_rate": 0.3}
    result = SIM.run(params, seed=5)
    rows, chart = _patrols(result)
    assert result.charts[0] is chart and chart.table == "patrols_by_round"
    assert [r["round"] for r in rows] == list(range(1, 11))
    assert [r["patrols_a"] + r["patrols_b"] for r in rows] == [FAST["days"] // 10] * 10
    # The last round is the last tenth of the days: the city table counts it on its own.
    city_1 = next(t for t in result.tables if t.key == "cities").rows[0]
    assert rows[-1]["patrols_a"] / (FAST["days"] // 10) == pytest.approx(city_1["late_patrols_a"])
    # The chart draws each round's marks, scaled to 20 and rounded by the largest remainder.
    values = chart.spec["data"]["values"]
    groups = chart.spec["encoding"]["color"]["scale"]["domain"]
    for row in rows:
        exact = 20 * row["patrols_a"] / (row["patrols_a"] + row["patrols_b"])
        assert row["marks_a"] in (int(exact), int(exact) + 1)
        assert abs(row["marks_a"] - exact) <= 0.5
        assert row["marks_a"] + row["marks_b"] == 20
        for group, marks in zip(groups, (row["marks_a"], row["marks_b"]), strict=True):
            drawn = sorted(
                v["mark"] for v in values if v["x"] == row["round"] and v["group"] == group
            )
            assert drawn == list(range(marks))


def test_unit_chart_hot_spot_sends_every_patrol_to_the_larger_record():
    # Hot spot, no reports: the region ahead gets every patrol and only it gains records.
    for initial_a, initial_b, in_a in ((5, 1, 250), (1, 5, 0)):
        params = {"days": 2500, "cities": 5, "allocation": "hotspot"}
        result = SIM.run({**params, "initial_a": initial_a, "initial_b": initial_b}, seed=1)
        rows, chart = _patrols(result)
        assert [r["patrols_a"] for r in rows] == [in_a] * 10
        assert "Each mark stands for about 12.5 patrols" in chart.description


def test_unit_chart_one_mark_per_patrol_on_short_runs():
    result = SIM.run({"days": 100, "cities": 5}, seed=2)
    rows, chart = _patrols(result)
    assert all(r["marks_a"] == r["patrols_a"] and r["marks_b"] == r["patrols_b"] for r in rows)
    assert len(chart.spec["data"]["values"]) == 100
    assert "Each mark is one patrol." in chart.description
