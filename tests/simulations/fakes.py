"""A small test-only simulation, registered in place of the real ones by the `fake_sim` fixture."""

from __future__ import annotations

import numpy as np
import pytest

from simulations import engine
from simulations.engine.base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table
from simulations.engine.charts import bar_chart

FAKE_SLUG = "fake-coin"
FAKE_CASE = "fake-case"
FAKE_THEME = "fake-theme"


class FakeCoin(Simulation):
    slug = FAKE_SLUG
    title = "Fake coin"
    question = "How often does a biased coin land heads?"
    explanation = "Flip a **biased** coin many times.\n\n<script>alert(1)</script>"
    version = "7"
    cases = (FAKE_CASE,)
    themes = (FAKE_THEME,)
    params = (
        Param(
            name="n",
            type="int",
            default=100,
            min=10,
            max=5000,
            label="Throws",
            unit="flips",
            help="How many times the coin is flipped.",
        ),
        Param(
            name="p",
            type="float",
            default=0.3,
            min=0.0,
            max=1.0,
            step=0.01,
            label="Chance of heads",
            help="Probability of heads on each flip.",
        ),
        Param(
            name="side",
            type="choice",
            default="heads",
            choices=(("heads", "Heads"), ("tails", "Tails")),
            label="Side counted",
            help="Which side the finding counts.",
        ),
        Param(
            name="loud",
            type="bool",
            default=False,
            label="Loud",
            help="Adds an exclamation mark to the finding.",
        ),
    )
    presets = (
        Preset(
            slug="fair-coin",
            title="A fair coin",
            description="Half heads, half tails.",
            params={"p": 0.5},
            case=FAKE_CASE,
            source="Plain arithmetic.",
        ),
        Preset(
            slug="big-run",
            title="Many flips",
            description="Thousands of flips.",
            params={"n": 5000},
        ),
    )

    def simulate(self, p, rng: np.random.Generator) -> Result:
        heads = int(rng.binomial(p["n"], p["p"]))
        counted = heads if p["side"] == "heads" else p["n"] - heads
        share = counted / p["n"]
        rows = [
            {"side": "heads", "count": heads},
            {"side": "tails", "count": p["n"] - heads},
        ]
        expected = p["p"] if p["side"] == "heads" else 1 - p["p"]
        mark = "!" if p["loud"] else "."
        return Result(
            metrics=[
                Metric(key="counted", label="Flips counted", value=counted, unit="flips"),
                Metric(key="share", label="Share counted", value=share, unit="share"),
            ],
            tables=[
                Table(
                    key="counts",
                    title="Counts",
                    columns=[("side", "Side"), ("count", "Flips")],
                    rows=rows,
                ),
                Table(
                    key="extra", title="Extra table", columns=[("x", "X")], rows=[{"x": 1.23456}]
                ),
            ],
            charts=[
                Chart(
                    key="counts",
                    title="Heads and tails",
                    description="Bars of the two counts.",
                    spec=bar_chart(
                        "Heads and tails",
                        rows,
                        x="side",
                        y="count",
                        x_title="Side",
                        y_title="Flips",
                    ),
                    table="counts",
                )
            ],
            findings=[f"{p['side'].capitalize()} came up {counted} times in {p['n']} flips{mark}"],
            checks=[
                Check(
                    key="share",
                    label="Share near the chance",
                    passed=abs(share - expected) < 0.2,
                    expected=f"{expected:.2f}",
                    observed=f"{share:.2f}",
                    reference="Arithmetic",
                )
            ],
        )


@pytest.fixture
def fake_sim(monkeypatch):
    """Replace the registry with the fake simulation only; returns it."""
    simulation = FakeCoin()
    monkeypatch.setattr(engine, "REGISTRY", {simulation.slug: simulation})
    return simulation
