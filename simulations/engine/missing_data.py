"""Missing data: MCAR, MAR and MNAR gaps in one group's records, and what each fix does to
estimates and to decision rates by group."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from fairlearn.metrics import false_negative_rate, selection_rate
from scipy.optimize import brentq
from scipy.special import expit
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer

from ._shared import group_metric_frame
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed, pct
from .charts import bar_chart

MECHANISM_LABELS = {
    "mcar": "missing completely at random (MCAR)",
    "mar": "missing at random given education (MAR)",
    "mnar": "missing because the income itself is low (MNAR)",
}
METHOD_LABELS = {
    "truth": "complete records (truth)",
    "drop": "drop incomplete rows",
    "mean": "mean imputation",
    "model": "model imputation",
}
DROP_CLAIM_Z = 3.0
"""A complete-case mean is called biased only beyond 3 standard errors (chance: 1 in 370)."""
LITTLE_RUBIN = (
    "Little & Rubin, Statistical Analysis with Missing Data (Wiley): complete-case analysis is "
    "unbiased under MCAR; under MNAR the complete cases over-represent whatever is less often "
    "missing"
)


def _missing_probabilities(
    driver: np.ndarray | None, share: float, strength: float, n: int
) -> np.ndarray:
    """Per-record probability of a missing income, averaging ``share``.

    Parameters
    ----------
    driver : ndarray or None
        Standardised variable that raises the chance of being missing (None for MCAR).
    share : float
        Average probability of being missing.
    strength : float
        Logistic slope on ``driver``.
    n : int
        Number of records.

    Returns
    -------
    ndarray of shape (n,)
    """
    if driver is None or strength == 0 or share in (0.0, 1.0):
        return np.full(n, share)
    offset = brentq(lambda a: float(np.mean(expit(a + strength * driver))) - share, -50, 50)
    return expit(offset + strength * driver)


def _mnar_shift(share: float, strength: float) -> float:
    """Shift of the complete-case mean, in standard deviations, under this module's MNAR rule.

    With z ~ N(0, 1) the standardised income and P(missing | z) = expit(a − strength·z), where
    a makes the average P equal ``share``, returns E[z (1 − P)] / E[1 − P]. Computed by
    Gauss–Hermite quadrature: an independent check on the sampled complete-case mean.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    if strength == 0:
        return 0.0
    offset = brentq(lambda a: float(np.sum(weights * expit(a - strength * nodes))) - share, -50, 50)
    kept = 1 - expit(offset - strength * nodes)
    return float(np.sum(weights * nodes * kept) / np.sum(weights * kept))


class MissingDataSimulation(Simulation):
    """Remove group B's incomes by one of three mechanisms and compare three ways to cope."""

    slug: ClassVar[str] = "missing-data"
    title: ClassVar[str] = "Missing data: holes in one group's records"
    question: ClassVar[str] = (
        "When one group's records have gaps, do dropping rows, filling in the mean or a model-based "
        "imputer give the right picture of that group, and the right decisions?"
    )
    version: ClassVar[str] = "2"
    cases: ClassVar[tuple[str, ...]] = ()
    themes: ClassVar[tuple[str, ...]] = ("biased-data",)
    explanation: ClassVar[str] = """
**The model.** A synthetic population of applicants in two groups. Each person has years of
education (always recorded) and an income that depends on it; group B earns less on average. A
decision rule selects everyone whose income reaches a threshold. Then some of group B's incomes
go missing, in one of three ways:

- **MCAR** — missing completely at random, like a lost page;
- **MAR** — more often missing for people with less education, a variable we do see;
- **MNAR** — more often missing when the income itself is low, the variable we do not see.

Three ways to cope: **drop** the incomplete rows, fill in the column's **mean** (scikit-learn's
`SimpleImputer`), or predict the missing income from education and group (scikit-learn's
`IterativeImputer` or `KNNImputer`). Group metrics come from Fairlearn's `MetricFrame`.

**What to try.** Switch between the three mechanisms; raise the missing share and the strength;
compare the two imputers.

**What to look for.** Under MCAR dropping rows loses data but not accuracy. Mean imputation fills
group B's holes with a mean dominated by group A, which moves group B's selection rate. Under MAR
a model that uses education recovers most of the gap. Under MNAR nothing built from the recorded
variables can: the records that remain are the better-off ones.

**Limits.** One synthetic population with a linear relation between education and income; real
data have several variables missing together, and the mechanism is rarely known.
"""
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="mechanism",
            type="choice",
            default="mnar",
            label="Why incomes go missing",
            help="The mechanism that removes group B's incomes.",
            choices=(("mcar", "MCAR"), ("mar", "MAR"), ("mnar", "MNAR")),
        ),
        Param(
            name="missing_share",
            type="float",
            default=0.4,
            label="Share of group B's incomes missing",
            help="Average share of group B's records whose income is missing.",
            min=0.0,
            max=0.8,
            step=0.05,
        ),
        Param(
            name="strength",
            type="float",
            default=2.0,
            label="Strength of the mechanism",
            help="How strongly low education (MAR) or low income (MNAR) raises the chance of a gap.",
            min=0.0,
            max=4.0,
            step=0.5,
        ),
        Param(
            name="imputer",
            type="choice",
            default="iterative",
            label="Model-based imputer",
            help="The scikit-learn imputer that predicts missing incomes from the other columns.",
            choices=(("iterative", "IterativeImputer"), ("knn", "KNNImputer (5 neighbours)")),
        ),
        Param(
            name="n_people",
            type="int",
            default=3000,
            label="Applicants",
            help="Size of the population.",
            min=500,
            max=5000,
            step=500,
            unit="people",
        ),
        Param(
            name="group_b_share",
            type="float",
            default=0.3,
            label="Share in group B",
            help="Share of applicants who belong to group B.",
            min=0.1,
            max=0.5,
            step=0.05,
        ),
        Param(
            name="threshold",
            type="float",
            default=32.0,
            label="Income threshold",
            help="Applicants with at least this income are selected.",
            min=20.0,
            max=50.0,
            step=1.0,
            unit="k€",
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="mcar",
            title="Lost pages (MCAR)",
            description="40% of group B's incomes missing at random.",
            params={"mechanism": "mcar", "missing_share": 0.4},
            source="Teaching values (no case).",
        ),
        Preset(
            slug="mar",
            title="Less education, more gaps (MAR)",
            description="Gaps depend on education, which is recorded.",
            params={"mechanism": "mar", "missing_share": 0.4, "strength": 2.0},
            source="Teaching values (no case).",
        ),
        Preset(
            slug="mnar",
            title="Low incomes go unreported (MNAR)",
            description="Gaps depend on the income itself.",
            params={"mechanism": "mnar", "missing_share": 0.4, "strength": 2.0},
            source="Teaching values (no case).",
        ),
    )

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Generate the population, remove incomes, apply each fix and compare with the truth.

        Parameters
        ----------
        p : dict
            Validated parameters (see :attr:`params`).
        rng : numpy.random.Generator
            The run's only source of randomness.

        Returns
        -------
        Result
        """
        n = p["n_people"]
        in_b = rng.random(n) < p["group_b_share"]
        group = np.where(in_b, "B", "A")
        education = rng.normal(0.0, 1.0, n) - 0.3 * in_b
        income = 36.0 - 4.0 * in_b + 6.0 * education + rng.normal(0.0, 5.0, n)
        b_idx = np.flatnonzero(in_b)
        driver = None
        if p["mechanism"] == "mar":
            driver = -(education[b_idx] - education[b_idx].mean()) / education[b_idx].std()
        elif p["mechanism"] == "mnar":
            driver = -(income[b_idx] - income[b_idx].mean()) / income[b_idx].std()
        prob = _missing_probabilities(driver, p["missing_share"], p["strength"], len(b_idx))
        missing = np.zeros(n, dtype=bool)
        missing[b_idx] = rng.random(len(b_idx)) < prob
        observed = np.where(missing, np.nan, income)

        table_x = np.column_stack([in_b.astype(float), education, observed])
        mean_filled = SimpleImputer(strategy="mean").fit_transform(observed[:, None])[:, 0]
        if p["imputer"] == "iterative":
            imputer = IterativeImputer(random_state=derive_seed(rng), max_iter=10)
        else:
            imputer = KNNImputer(n_neighbors=5)
        model_filled = imputer.fit_transform(table_x)[:, 2]

        true_mean_b = float(income[in_b].mean())
        kept_b = in_b & ~missing
        estimates = {
            "truth": true_mean_b,
            "drop": float(income[kept_b].mean()) if kept_b.any() else float("nan"),
            "mean": float(mean_filled[in_b].mean()),
            "model": float(model_filled[in_b].mean()),
        }
        selected_true = (income >= p["threshold"]).astype(int)
        kept = ~missing
        decisions = {
            "truth": (selected_true, np.ones(n, dtype=bool)),
            "drop": (selected_true, kept),
            "mean": ((mean_filled >= p["threshold"]).astype(int), np.ones(n, dtype=bool)),
            "model": ((model_filled >= p["threshold"]).astype(int), np.ones(n, dtype=bool)),
        }
        rate_rows, frames = [], {}
        for method, (pred, mask) in decisions.items():
            frame = group_metric_frame(
                {"selection_rate": selection_rate, "fnr": false_negative_rate},
                selected_true[mask],
                pred[mask],
                group[mask],
            )
            frames[method] = frame
            for g in ("A", "B"):
                rate_rows.append(
                    {
                        "method": METHOD_LABELS[method],
                        "group": f"group {g}",
                        "selection_rate": float(frame.by_group.loc[g, "selection_rate"]),
                        "fnr": float(frame.by_group.loc[g, "fnr"]),
                    }
                )
        rate_b = {m: float(f.by_group.loc["B", "selection_rate"]) for m, f in frames.items()}
        gap = {
            m: float(f.by_group["selection_rate"].max() - f.by_group["selection_rate"].min())
            for m, f in frames.items()
        }

        n_b, m_b = int(in_b.sum()), int(kept_b.sum())
        sd_b = float(income[in_b].std(ddof=1))
        se_drop = sd_b * math.sqrt(max(1 / m_b - 1 / n_b, 0.0)) if m_b else float("nan")
        bias = {m: estimates[m] - true_mean_b for m in estimates}

        estimate_rows = [
            {
                "method": METHOD_LABELS[m],
                "mean_income": estimates[m],
                "bias": bias[m],
                "records": m_b if m == "drop" else n_b,
            }
            for m in estimates
        ]
        order = [METHOD_LABELS[m] for m in estimates]
        estimate_table = Table(
            key="estimates",
            title="Group B's mean income, by way of handling the gaps",
            columns=[
                ("method", "Method"),
                ("mean_income", "Mean income of group B (k€)"),
                ("bias", "Error against the truth (k€)"),
                ("records", "Group B records used"),
            ],
            rows=estimate_rows,
        )
        rate_table = Table(
            key="selection-rates",
            title="Selection rate by group, by way of handling the gaps",
            columns=[
                ("method", "Method"),
                ("group", "Group"),
                ("selection_rate", "Selection rate"),
                ("fnr", "Qualified but not selected (false-negative rate)"),
            ],
            rows=rate_rows,
        )
        charts = [
            Chart(
                key="estimates",
                title="Group B's mean income by method",
                description=(
                    f"Group B's true mean income is {true_mean_b:.1f} k€; the estimates range "
                    f"from {min(estimates.values()):.1f} to {max(estimates.values()):.1f} k€."
                ),
                spec=bar_chart(
                    "Group B's mean income, by way of handling the gaps",
                    estimate_rows,
                    x="method",
                    y="mean_income",
                    x_title="Method",
                    y_title="Mean income of group B (k€)",
                    sort=order,
                ),
                table="estimates",
            ),
            Chart(
                key="selection-rates",
                title="Selection rate by group and method",
                description=(
                    f"Group B's selection rate is {pct(rate_b['truth'])} on complete records and "
                    f"{pct(rate_b['mean'])} after mean imputation."
                ),
                spec=bar_chart(
                    "Selection rate by group, by way of handling the gaps",
                    rate_rows,
                    x="method",
                    y="selection_rate",
                    x_title="Method",
                    y_title="Selection rate",
                    color="group",
                    color_title="Group",
                    y_format=".0%",
                    sort=order,
                ),
                table="selection-rates",
            ),
        ]
        metrics = (
            [
                Metric(
                    key="true_mean_b",
                    label="Group B's true mean income",
                    value=true_mean_b,
                    unit="k€",
                ),
                Metric(
                    key="bias_drop", label="Error when dropping rows", value=bias["drop"], unit="k€"
                ),
                Metric(
                    key="bias_mean",
                    label="Error with mean imputation",
                    value=bias["mean"],
                    unit="k€",
                ),
                Metric(
                    key="bias_model",
                    label="Error with the model imputer",
                    value=bias["model"],
                    unit="k€",
                ),
                Metric(
                    key="se_drop",
                    label="Sampling error of the complete-case mean (1 sd)",
                    value=se_drop,
                    unit="k€",
                ),
                Metric(
                    key="missing_b",
                    label="Group B records with a gap",
                    value=n_b - m_b,
                    unit="records",
                ),
            ]
            + [
                Metric(
                    key=f"rate_b_{m}",
                    label=f"Group B's selection rate: {METHOD_LABELS[m]}",
                    value=rate_b[m],
                    unit="share",
                )
                for m in estimates
            ]
            + [
                Metric(
                    key=f"parity_gap_{m}",
                    label=f"Selection-rate gap between groups: {METHOD_LABELS[m]}",
                    value=gap[m],
                    unit="share",
                )
                for m in estimates
            ]
        )

        share_a = float(np.sum(~in_b & ~missing) / max(int((~missing).sum()), 1))
        values = {
            "missing": f"{n_b - m_b:,}",
            "n_b": f"{n_b:,}",
            "mechanism": MECHANISM_LABELS[p["mechanism"]],
            "truth": f"{true_mean_b:.1f}",
            "drop": f"{estimates['drop']:.1f}",
            "mean": f"{estimates['mean']:.1f}",
            "model": f"{estimates['model']:.1f}",
            "bias_drop": f"{abs(bias['drop']):.2f}",
            "bias_model": f"{abs(bias['model']):.1f}",
            "se": f"{se_drop:.2f}",
            "times": f"{abs(bias['drop']) / se_drop:.0f}" if se_drop > 0 else "",
            "rate_truth": pct(rate_b["truth"]),
            "rate_mean": pct(rate_b["mean"]),
            "rate_model": pct(rate_b["model"]),
            "share_a": pct(share_a),
        }
        if m_b == n_b:
            findings = [
                "No income of group B is missing here ({n_b} records).".format(**values),
                (
                    "Dropping rows, mean imputation and the model imputer all give group B's "
                    "true mean income of {truth} k€ and its true selection rate of {rate_truth}."
                ).format(**values),
            ]
        elif m_b == 0:
            findings = [
                (
                    "All {n_b} of group B's incomes are missing ({mechanism}): dropping rows "
                    "leaves no one from group B to estimate from, mean imputation gives {mean} "
                    "k€ and the model imputer {model} k€, against a true {truth} k€."
                ).format(**values)
            ]
        else:
            findings = [
                (
                    "With {missing} of group B's {n_b} incomes {mechanism}, group B's true mean "
                    "income of {truth} k€ is estimated at {drop} by dropping rows, {mean} by "
                    "mean imputation and {model} by the model imputer."
                ).format(**values)
            ]
            if abs(bias["drop"]) <= DROP_CLAIM_Z * se_drop:
                drop_sentence = (
                    "Dropping rows is off by {bias_drop} k€, within what sampling alone gives "
                    "(one standard error is {se}): nothing shows that the records that remain "
                    "misrepresent group B."
                )
            elif bias["drop"] > 0:
                drop_sentence = (
                    "Dropping rows overstates group B's income by {bias_drop} k€, {times} times "
                    "its sampling error: the records that remain are not a representative "
                    "sample of group B."
                )
            else:
                drop_sentence = (
                    "Dropping rows understates group B's income by {bias_drop} k€, {times} "
                    "times its sampling error: the records that remain are not a representative "
                    "sample of group B."
                )
            findings.append(drop_sentence.format(**values))
        if m_b < n_b:
            moved = rate_b["mean"] - rate_b["truth"]
            if abs(moved) >= 0.01:
                mean_sentence = (
                    "Mean imputation fills group B's gaps with a mean computed mostly from group "
                    "A's records ({share_a} of the recorded incomes) and moves group B's "
                    "selection rate from {rate_truth} to {rate_mean}."
                )
            else:
                mean_sentence = (
                    "Mean imputation leaves group B's selection rate close to the truth "
                    "({rate_mean} against {rate_truth})."
                )
            findings.append(mean_sentence.format(**values))
            model_sentence = (
                "The model imputer's estimate is off by {bias_model} k€ and gives group B a "
                "selection rate of {rate_model}, against a true {rate_truth}."
            )
            if (
                p["mechanism"] == "mar"
                and abs(bias["model"]) <= 2 * se_drop
                and abs(rate_b["model"] - rate_b["truth"]) >= 0.02
            ):
                model_sentence += " " + (
                    "Its mean is about right but its selection rate is not: it fills every gap "
                    "with a predicted average, without the spread of real incomes, so people "
                    "near the threshold land on the wrong side of it."
                )
            findings.append(model_sentence.format(**values))

        var_obs = float(np.nanvar(observed))
        var_after = float(np.var(mean_filled))
        n_obs = int((~missing).sum())
        checks = [
            Check(
                key="mean-imputation-shrinks-variance",
                label="Mean imputation shrinks the spread by exactly the share of values recorded",
                passed=math.isclose(var_after, var_obs * n_obs / n, rel_tol=1e-9),
                expected=f"variance after = variance of recorded values × {n_obs}/{n} = {var_obs * n_obs / n:.3f}",
                observed=f"{var_after:.3f}",
                reference="Arithmetic: each imputed value adds zero squared deviation from the mean",
                kind="consistency",
            )
        ]
        if p["mechanism"] == "mcar" and m_b > 1:
            checks.append(
                Check(
                    key="mcar-drop-unbiased",
                    label="Under MCAR, dropping rows leaves the mean where it was",
                    passed=abs(bias["drop"]) <= 4 * se_drop,
                    expected=f"error within 4 sampling errors (±{4 * se_drop:.2f} k€)",
                    observed=f"error {bias['drop']:+.2f} k€",
                    reference=LITTLE_RUBIN,
                )
            )
        if p["mechanism"] == "mar" and p["imputer"] == "iterative" and m_b > 1:
            checks.append(
                Check(
                    key="mar-model-recovers",
                    label="Under MAR, a regression on the recorded variables recovers the mean",
                    passed=abs(bias["model"]) <= 4 * se_drop,
                    expected=(
                        "error of the IterativeImputer estimate within 4 sampling errors "
                        f"(±{4 * se_drop:.2f} k€), since income is linear in education and group"
                    ),
                    observed=f"error {bias['model']:+.2f} k€",
                    reference=(
                        "Little & Rubin, Statistical Analysis with Missing Data (Wiley): under MAR "
                        "the missing values can be predicted from the observed ones"
                    ),
                )
            )
        if p["mechanism"] == "mnar" and m_b > 1 and 0 < p["missing_share"]:
            # Closed form, from the population model rather than this sample's probabilities:
            # group B's income is normal, so with z its standardised value and
            # P(missing | z) = expit(a − s·z), the complete cases' mean sits
            # sd × E[z (1 − P)] / E[1 − P] above the full mean (Gauss–Hermite quadrature).
            shift_factor = _mnar_shift(p["missing_share"], p["strength"])
            predicted_shift = sd_b * shift_factor
            checks.append(
                Check(
                    key="mnar-drop-biased",
                    label="Under MNAR, dropping rows shifts the mean as the closed form predicts",
                    passed=bool(abs(bias["drop"] - predicted_shift) <= 4 * se_drop),
                    expected=(
                        f"a shift of {predicted_shift:+.2f} k€ (group B's sd {sd_b:.2f} × "
                        f"{shift_factor:.3f}), within ±{4 * se_drop:.2f}"
                    ),
                    observed=f"shift {bias['drop']:+.2f} k€",
                    reference=(
                        "Selection on the outcome: with a normal income and a logistic chance of "
                        "being missing, the complete-case mean shifts by sd × E[z(1−P)]/E[1−P] "
                        "(Little & Rubin, Statistical Analysis with Missing Data, Wiley)"
                    ),
                )
            )
        return Result(
            metrics=metrics,
            tables=[estimate_table, rate_table],
            charts=charts,
            findings=findings,
            checks=checks,
        )


SIMULATION = MissingDataSimulation()
