"""Number wording shared by the simulations (engine/_shared.py)."""

from django.utils import translation

from simulations.engine._shared import counted_points, g_pct
from simulations.engine.text import Msg
from simulations.i18n import localize


def test_counted_points_agree_with_the_number_shown():
    # 1.96 points is shown "2.0": French then says "points", not "point".
    with translation.override("fr"):
        assert localize(counted_points(0.0196)) == "2,0 points"
        assert localize(counted_points(0.009)) == "0,9 point"
        assert localize(counted_points(0.0123, 2)) == "1,23 point"
    assert str(counted_points(0.009)) == "0.9 points"
    assert str(counted_points(-0.052)) == "5.2 points"


def test_g_pct_keeps_the_decimals_written():
    for percent, shown in [(0.5, "0.5%"), (12.5, "12.5%"), (20, "20%")]:
        assert str(Msg("{p}", p=g_pct(percent))) == shown


def test_group_metrics_when_every_row_is_alike():
    """Ten honest travellers, none flagged: one distinct row, which Fairlearn alone refuses."""
    from simulations.engine import get

    params = {
        "travellers": 10,
        "base_rate": 1.0,
        "sensitivity": 76.0,
        "specificity": 100.0,
        "group_b_share": 0.0,
        "group_b_drop": 0.0,
    }
    result = get("base-rate").run(params, seed=1)
    metrics = {m.key: m.value for m in result.metrics}
    assert metrics["true_negatives"] == 10 and metrics["false_positives"] == 0
