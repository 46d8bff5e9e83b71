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
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed
from .charts import bar_chart
from .text import N_, Int, Msg, Num, Pct

MECHANISM_LABELS = {
    "mcar": N_("missing completely at random (MCAR)"),
    "mar": N_("missing at random given education (MAR)"),
    "mnar": N_("missing because the income itself is low (MNAR)"),
}
"""How the incomes went missing; always said of the incomes ("… incomes {mechanism}")."""
METHOD_LABELS = {
    "truth": N_("complete records (truth)"),
    "drop": N_("drop incomplete rows"),
    "mean": N_("mean imputation"),
    "model": N_("model imputation"),
}
DROP_CLAIM_Z = 3.0
"""A complete-case mean is called biased only beyond 3 standard errors (chance: 1 in 370)."""
LITTLE_RUBIN = N_(
    "Little & Rubin, Statistical Analysis with Missing Data (Wiley): complete-case analysis is "
    "unbiased under MCAR; under MNAR the complete cases over-represent whatever is less often "
    "missing"
)


def _fit(msg: Msg) -> Msg:
    """``msg`` keeping only the values its template uses (findings share one dict of values)."""
    msg.values = {k: v for k, v in msg.values.items() if "{" + k + "}" in msg.template}
    return msg


def _signed(x: float, digits: int = 2) -> Msg | Num:
    """A number with its sign, as ``f"{x:+.2f}"`` writes it: '+1.25', '-0.40'."""
    if f"{x:+.{digits}f}".startswith("+"):
        return Msg("+{value}", value=Num(x, digits))
    return Num(x, digits)


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
    title: ClassVar[str] = N_("Missing data: holes in one group's records")
    question: ClassVar[str] = N_(
        "When one group's records have gaps, do dropping rows, filling in the mean or a model-based "
        "imputer give the right picture of that group, and the right decisions?"
    )
    version: ClassVar[str] = "3"
    cases: ClassVar[tuple[str, ...]] = ()
    themes: ClassVar[tuple[str, ...]] = ("biased-data",)
    explanation: ClassVar[str] = N_("""
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
""")
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="mechanism",
            type="choice",
            default="mnar",
            label=N_("Why incomes go missing"),
            help=N_("The mechanism that removes group B's incomes."),
            choices=(("mcar", N_("MCAR")), ("mar", N_("MAR")), ("mnar", N_("MNAR"))),
        ),
        Param(
            name="missing_share",
            type="float",
            default=0.4,
            label=N_("Share of group B's incomes missing"),
            help=N_("Average share of group B's records whose income is missing."),
            min=0.0,
            max=0.8,
            step=0.05,
        ),
        Param(
            name="strength",
            type="float",
            default=2.0,
            label=N_("Strength of the mechanism"),
            help=N_(
                "How strongly low education (MAR) or low income (MNAR) raises the chance of a gap."
            ),
            min=0.0,
            max=4.0,
            step=0.5,
        ),
        Param(
            name="imputer",
            type="choice",
            default="iterative",
            label=N_("Model-based imputer"),
            help=N_(
                "The scikit-learn imputer that predicts missing incomes from the other columns."
            ),
            choices=(
                ("iterative", N_("IterativeImputer")),
                ("knn", N_("KNNImputer (5 neighbours)")),
            ),
        ),
        Param(
            name="n_people",
            type="int",
            default=3000,
            label=N_("Applicants"),
            help=N_("Size of the population."),
            min=500,
            max=5000,
            step=500,
            unit=N_("people"),
        ),
        Param(
            name="group_b_share",
            type="float",
            default=0.3,
            label=N_("Share in group B"),
            help=N_("Share of applicants who belong to group B."),
            min=0.1,
            max=0.5,
            step=0.05,
        ),
        Param(
            name="threshold",
            type="float",
            default=32.0,
            label=N_("Income threshold"),
            help=N_("Applicants with at least this income are selected."),
            min=20.0,
            max=50.0,
            step=1.0,
            unit=N_("k€"),
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="mcar",
            title=N_("Lost pages (MCAR)"),
            description=N_("40% of group B's incomes missing at random."),
            params={"mechanism": "mcar", "missing_share": 0.4},
            source=N_("Teaching values (no case)."),
        ),
        Preset(
            slug="mar",
            title=N_("Less education, more gaps (MAR)"),
            description=N_("Gaps depend on education, which is recorded."),
            params={"mechanism": "mar", "missing_share": 0.4, "strength": 2.0},
            source=N_("Teaching values (no case)."),
        ),
        Preset(
            slug="mnar",
            title=N_("Low incomes go unreported (MNAR)"),
            description=N_("Gaps depend on the income itself."),
            params={"mechanism": "mnar", "missing_share": 0.4, "strength": 2.0},
            source=N_("Teaching values (no case)."),
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
                        "group": Msg("group {name}", name=g),
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
            title=N_("Group B's mean income, by way of handling the gaps"),
            columns=[
                ("method", N_("Method")),
                ("mean_income", N_("Mean income of group B (k€)")),
                ("bias", N_("Error against the truth (k€)")),
                ("records", N_("Group B records used")),
            ],
            rows=estimate_rows,
        )
        rate_table = Table(
            key="selection-rates",
            title=N_("Selection rate by group, by way of handling the gaps"),
            columns=[
                ("method", N_("Method")),
                ("group", N_("Group")),
                ("selection_rate", N_("Selection rate")),
                ("fnr", N_("Qualified but not selected (false-negative rate)")),
            ],
            rows=rate_rows,
        )
        charts = [
            Chart(
                key="estimates",
                title=N_("Group B's mean income by method"),
                description=Msg(
                    "Group B's true mean income is {truth} k€; the estimates range from {low} "
                    "to {high} k€.",
                    truth=Num(true_mean_b, 1),
                    low=Num(min(estimates.values()), 1),
                    high=Num(max(estimates.values()), 1),
                ),
                spec=bar_chart(
                    N_("Group B's mean income, by way of handling the gaps"),
                    estimate_rows,
                    x="method",
                    y="mean_income",
                    x_title=N_("Method"),
                    y_title=N_("Mean income of group B (k€)"),
                    sort=order,
                ),
                table="estimates",
            ),
            Chart(
                key="selection-rates",
                title=N_("Selection rate by group and method"),
                description=Msg(
                    "Group B's selection rate is {truth} on complete records and {mean} after "
                    "mean imputation.",
                    truth=Pct(rate_b["truth"]),
                    mean=Pct(rate_b["mean"]),
                ),
                spec=bar_chart(
                    N_("Selection rate by group, by way of handling the gaps"),
                    rate_rows,
                    x="method",
                    y="selection_rate",
                    x_title=N_("Method"),
                    y_title=N_("Selection rate"),
                    color="group",
                    color_title=N_("Group"),
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
                    label=N_("Group B's true mean income"),
                    value=true_mean_b,
                    unit=N_("k€"),
                ),
                Metric(
                    key="bias_drop",
                    label=N_("Error when dropping rows"),
                    value=bias["drop"],
                    unit=N_("k€"),
                ),
                Metric(
                    key="bias_mean",
                    label=N_("Error with mean imputation"),
                    value=bias["mean"],
                    unit=N_("k€"),
                ),
                Metric(
                    key="bias_model",
                    label=N_("Error with the model imputer"),
                    value=bias["model"],
                    unit=N_("k€"),
                ),
                Metric(
                    key="se_drop",
                    label=N_("Sampling error of the complete-case mean (1 sd)"),
                    value=se_drop,
                    unit=N_("k€"),
                ),
                Metric(
                    key="missing_b",
                    label=N_("Group B records with a gap"),
                    value=n_b - m_b,
                    unit=N_("records"),
                ),
            ]
            + [
                Metric(
                    key=f"rate_b_{m}",
                    label=Msg("Group B's selection rate: {method}", method=METHOD_LABELS[m]),
                    value=rate_b[m],
                    unit="share",
                )
                for m in estimates
            ]
            + [
                Metric(
                    key=f"parity_gap_{m}",
                    label=Msg(
                        "Selection-rate gap between groups: {method}", method=METHOD_LABELS[m]
                    ),
                    value=gap[m],
                    unit="share",
                )
                for m in estimates
            ]
        )

        share_a = float(np.sum(~in_b & ~missing) / max(int((~missing).sum()), 1))
        values = {
            "missing": Int(n_b - m_b),
            "n_b": Int(n_b),
            "mechanism": MECHANISM_LABELS[p["mechanism"]],
            "truth": Num(true_mean_b, 1),
            "drop": Num(estimates["drop"], 1),
            "mean": Num(estimates["mean"], 1),
            "model": Num(estimates["model"], 1),
            "bias_drop": Num(abs(bias["drop"]), 2),
            "bias_model": Num(abs(bias["model"]), 1),
            "se": Num(se_drop, 2),
            "times": Num(abs(bias["drop"]) / se_drop, 0) if se_drop > 0 else "",
            "rate_truth": Pct(rate_b["truth"]),
            "rate_mean": Pct(rate_b["mean"]),
            "rate_model": Pct(rate_b["model"]),
            "share_a": Pct(share_a),
        }
        if m_b == n_b:
            findings = [
                _fit(Msg("No income of group B is missing here ({n_b} records).", **values)),
                _fit(
                    Msg(
                        "Dropping rows, mean imputation and the model imputer all give group B's "
                        "true mean income of {truth} k€ and its true selection rate of "
                        "{rate_truth}.",
                        **values,
                    )
                ),
            ]
        elif m_b == 0:
            findings = [
                _fit(
                    Msg(
                        "All {n_b} of group B's incomes are missing ({mechanism}): dropping rows "
                        "leaves no one from group B to estimate from, mean imputation gives "
                        "{mean} k€ and the model imputer {model} k€, against a true {truth} k€.",
                        **values,
                    )
                )
            ]
        else:
            findings = [
                _fit(
                    Msg(
                        "With {missing} of group B's {n_b} incomes {mechanism}, group B's true "
                        "mean income of {truth} k€ is estimated at {drop} by dropping rows, "
                        "{mean} by mean imputation and {model} by the model imputer.",
                        **values,
                    )
                )
            ]
            if abs(bias["drop"]) <= DROP_CLAIM_Z * se_drop:
                drop_sentence = Msg(
                    "Dropping rows is off by {bias_drop} k€, within what sampling alone gives "
                    "(one standard error is {se}): nothing shows that the records that remain "
                    "misrepresent group B.",
                    **values,
                )
            elif bias["drop"] > 0:
                drop_sentence = Msg(
                    "Dropping rows overstates group B's income by {bias_drop} k€, {times} times "
                    "its sampling error: the records that remain are not a representative "
                    "sample of group B.",
                    **values,
                )
            else:
                drop_sentence = Msg(
                    "Dropping rows understates group B's income by {bias_drop} k€, {times} "
                    "times its sampling error: the records that remain are not a representative "
                    "sample of group B.",
                    **values,
                )
            findings.append(_fit(drop_sentence))
        if m_b < n_b:
            moved = rate_b["mean"] - rate_b["truth"]
            if abs(moved) >= 0.01:
                mean_sentence = Msg(
                    "Mean imputation fills group B's gaps with a mean computed mostly from group "
                    "A's records ({share_a} of the recorded incomes) and moves group B's "
                    "selection rate from {rate_truth} to {rate_mean}.",
                    **values,
                )
            else:
                mean_sentence = Msg(
                    "Mean imputation leaves group B's selection rate close to the truth "
                    "({rate_mean} against {rate_truth}).",
                    **values,
                )
            findings.append(_fit(mean_sentence))
            model_sentence = _fit(
                Msg(
                    "The model imputer's estimate is off by {bias_model} k€ and gives group B a "
                    "selection rate of {rate_model}, against a true {rate_truth}.",
                    **values,
                )
            )
            if (
                p["mechanism"] == "mar"
                and abs(bias["model"]) <= 2 * se_drop
                and abs(rate_b["model"] - rate_b["truth"]) >= 0.02
            ):
                model_sentence = Msg(
                    "{sentence} {addition}",
                    sentence=model_sentence,
                    addition=N_(
                        "Its mean is about right but its selection rate is not: it fills every "
                        "gap with a predicted average, without the spread of real incomes, so "
                        "people near the threshold land on the wrong side of it."
                    ),
                )
            findings.append(model_sentence)

        var_obs = float(np.nanvar(observed))
        var_after = float(np.var(mean_filled))
        n_obs = int((~missing).sum())
        checks = [
            Check(
                key="mean-imputation-shrinks-variance",
                label=N_(
                    "Mean imputation shrinks the spread by exactly the share of values recorded"
                ),
                passed=math.isclose(var_after, var_obs * n_obs / n, rel_tol=1e-9),
                expected=Msg(
                    "variance after = variance of recorded values × {recorded}/{n} = {variance}",
                    recorded=str(n_obs),
                    n=str(n),
                    variance=Num(var_obs * n_obs / n, 3),
                ),
                observed=Num(var_after, 3),
                reference=N_(
                    "Arithmetic: each imputed value adds zero squared deviation from the mean"
                ),
                kind="consistency",
            )
        ]
        if p["mechanism"] == "mcar" and m_b > 1:
            checks.append(
                Check(
                    key="mcar-drop-unbiased",
                    label=N_("Under MCAR, dropping rows leaves the mean where it was"),
                    passed=abs(bias["drop"]) <= 4 * se_drop,
                    expected=Msg(
                        "error within 4 sampling errors (±{margin} k€)", margin=Num(4 * se_drop, 2)
                    ),
                    observed=Msg("error {error} k€", error=_signed(bias["drop"])),
                    reference=LITTLE_RUBIN,
                )
            )
        if p["mechanism"] == "mar" and p["imputer"] == "iterative" and m_b > 1:
            checks.append(
                Check(
                    key="mar-model-recovers",
                    label=N_("Under MAR, a regression on the recorded variables recovers the mean"),
                    passed=abs(bias["model"]) <= 4 * se_drop,
                    expected=Msg(
                        "error of the IterativeImputer estimate within 4 sampling errors "
                        "(±{margin} k€), since income is linear in education and group",
                        margin=Num(4 * se_drop, 2),
                    ),
                    observed=Msg("error {error} k€", error=_signed(bias["model"])),
                    reference=N_(
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
                    label=N_(
                        "Under MNAR, dropping rows shifts the mean as the closed form predicts"
                    ),
                    passed=bool(abs(bias["drop"] - predicted_shift) <= 4 * se_drop),
                    expected=Msg(
                        "a shift of {shift} k€ (group B's sd {sd} × {factor}), within ±{margin}",
                        shift=_signed(predicted_shift),
                        sd=Num(sd_b, 2),
                        factor=Num(shift_factor, 3),
                        margin=Num(4 * se_drop, 2),
                    ),
                    observed=Msg("shift {shift} k€", shift=_signed(bias["drop"])),
                    reference=N_(
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
