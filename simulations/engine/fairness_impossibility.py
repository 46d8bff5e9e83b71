"""Fairness impossibility: a calibrated risk score gives unequal error rates when base rates
differ, and equal error rates break predictive parity (COMPAS, ProPublica, Chouldechova)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.stats import beta as beta_dist

from ._shared import points
from ._stats import binomial_tolerance, two_proportion_z
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table
from .charts import bar_chart, line_chart
from .text import N_, Int, Msg, Num, Pct, plural

GROUP_A = N_("Group A")
GROUP_B = N_("Group B")
# Inside a sentence (French adds its own article: « au groupe A », « dans le groupe B »).
IN_A = N_("group A")
IN_B = N_("group B")
FPR_LABEL = N_("False-positive rate")
FNR_LABEL = N_("False-negative rate")
PPV_LABEL = N_("Positive predictive value")

PROPUBLICA_SOURCE = N_(
    "Julia Angwin, Jeff Larson, Surya Mattu, Lauren Kirchner, 'Machine Bias', ProPublica, "
    "23 May 2016; Jeff Larson, Surya Mattu, Lauren Kirchner, Julia Angwin, 'How We Analyzed "
    "the COMPAS Recidivism Algorithm', ProPublica, 23 May 2016; the confusion matrices by race "
    "(decile score 5 or more = high risk) printed in ProPublica's notebook 'Compas "
    "Analysis.ipynb' (https://github.com/propublica/compas-analysis)"
)
CHOULDECHOVA_SOURCE = N_(
    "Alexandra Chouldechova, 'Fair Prediction with Disparate Impact: A Study of Bias in "
    "Recidivism Prediction Instruments', Big Data 5(2):153–163, 2017"
)
KLEINBERG_SOURCE = N_(
    "Jon Kleinberg, Sendhil Mullainathan, Manish Raghavan, 'Inherent Trade-Offs in the Fair "
    "Determination of Risk Scores', ITCS 2017"
)

# ProPublica's notebook, two-year general recidivism, decile score >= 5 = "high":
# Black defendants TN 990, FP 805, FN 532, TP 1369 (n 3,696);
# white defendants TN 1139, FP 349, FN 461, TP 505 (n 2,454). Printed rounded as below.
PUBLISHED = {
    "a": {"n": 3696, "neg": 1795, "pos": 1901, "flagged": 2174, "fpr": 0.4485, "fnr": 0.2799,
          "ppv": 0.63, "base": 0.51},
    "b": {"n": 2454, "neg": 1488, "pos": 966, "flagged": 854, "fpr": 0.2345, "fnr": 0.4772,
          "ppv": 0.59, "base": 0.39},
}  # fmt: skip
# Decimals ProPublica printed: rates in percent to 2 decimals, PPV and prevalence to 2.
_ROUNDING = {"fpr": 0.00005, "fnr": 0.00005, "ppv": 0.005, "base": 0.005}
# The preset: both groups' sizes and base rates from the notebook (1,901 / 3,696 = 51.4%,
# 966 / 2,454 = 39.4%); the spreads of true risk and the threshold fitted once, offline, so
# that a score calibrated by construction comes closest to the four published error rates.
PROPUBLICA_PARAMS = {
    "people": 6150,
    "share_a": 60.1,
    "base_rate_a": 51.4,
    "base_rate_b": 39.4,
    "spread_a": 17.0,
    "spread_b": 17.7,
    "threshold": 46.8,
    "policy": "same",
}
_Z = 3.0  # a gap between two sampled rates is called real beyond |z| = 3
_Z_BANDS = 3.5  # ten score bands compared at once: a stricter bar for "beyond chance"
_MIN_BAND = 30  # people of each group a band needs before its rates are compared
_MIN_EXPECTED = 20  # expected reoffenders and non-reoffenders per group
_MAX_SPREAD_SHARE = 0.9  # of the largest standard deviation a share can have
BANDS = 10


def _beta_params(p: float, sd: float) -> tuple[float, float]:
    kappa = p * (1 - p) / sd**2 - 1
    return p * kappa, (1 - p) * kappa


def _max_spread(p: float) -> float:
    """Largest spread (points, one decimal, rounded down) allowed for base rate ``p``."""
    return math.floor(1000 * _MAX_SPREAD_SHARE * math.sqrt(p * (1 - p))) / 10


def _closed_form(p: float, sd: float, t: float) -> tuple[float, float]:
    """FPR and FNR of "flag when true risk >= t" for risks ~ Beta with mean p and SD sd."""
    a, b = _beta_params(p, sd)
    flagged = float(beta_dist.sf(t, a, b))
    flagged_pos = p * float(beta_dist.sf(t, a + 1, b))  # E[r; r >= t]
    return (flagged - flagged_pos) / (1 - p), (p - flagged_pos) / p


def _rates(y: np.ndarray, flag: np.ndarray) -> dict[str, Any]:
    tp = int(np.sum(flag & y))
    fp = int(np.sum(flag & ~y))
    fn = int(np.sum(~flag & y))
    tn = int(np.sum(~flag & ~y))
    pos, neg = tp + fn, fp + tn
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "pos": pos,
        "neg": neg,
        "n": pos + neg,
        "flagged": tp + fp,
        "base": pos / (pos + neg),
        "fpr": fp / neg if neg else None,
        "fnr": fn / pos if pos else None,
        "ppv": tp / (tp + fp) if tp + fp else None,
    }


def _pct_or_dash(x: float | None, digits: int = 1) -> Msg:
    return Msg("{p}", p=Pct(x, digits)) if x is not None else N_("undefined")


class FairnessImpossibilitySimulation(Simulation):
    """Two groups, one calibrated risk score, one or two thresholds."""

    slug = "fairness-impossibility"
    title = N_("Fairness impossibility: calibration or equal error rates, not both")
    question = N_(
        "When two groups reoffend at different rates, can a risk score be calibrated for both "
        "and make the same share of errors in both?"
    )
    version = "1"
    cases = ("compas",)
    themes = ("acceptance-of-errors", "base-rate-fallacy", "biased-data")
    explanation = N_("""
**The model.** Synthetic defendants in two groups, A and B. Each person has a true risk of
reoffending within two years, drawn from a distribution whose average is the group's *base
rate* and whose *spread* you set; whether they reoffend is then a coin toss with that risk. The
score is that true risk itself, so it is **calibrated** by construction: a given score means the
same chance of reoffending in both groups. The chart of reoffence rates by score band shows it.
People whose score reaches the **threshold** are labelled high risk.

**Two policies.** With *one threshold for everyone*, compare the false-positive rates (the
share of people who did not reoffend but were labelled high risk) and the false-negative rates
(the share of reoffenders labelled low risk). With *thresholds that equalise false-positive
rates*, each group gets its own threshold, chosen on the same records so that both groups'
false-positive rates equal the overall one (the post-processing idea behind Fairlearn's
ThresholdOptimizer); then compare the positive predictive values (the share of people labelled
high risk who did reoffend).

**Why both cannot hold.** For each group, with base rate p, Chouldechova (2017) showed that
FPR = p/(1−p) × (1−PPV)/PPV × (1−FNR), where FPR is the false-positive rate, FNR the
false-negative rate and PPV the positive predictive value. If two groups have the same PPV and the same
false-negative rate but different base rates, their false-positive rates must differ, by the
ratio of their odds p/(1−p). Kleinberg, Mullainathan and Raghavan (2016) proved the same kind
of result for calibrated scores: only a perfect score or equal base rates escape it.

**What to try.**

- Load *ProPublica's Broward County numbers*: the run compares its error rates with those
  ProPublica published for Black and white defendants.
- Load *equal base rates*: the gap in false-positive rates disappears.
- Load *equalised false-positive rates*: the gap moves to the positive predictive values.

**Limits.** The data are synthetic. ProPublica's records are not shipped with this site (their
repository states no licence); the preset sets both groups' sizes and base rates from
ProPublica's published confusion matrices, and the spreads of true risk and the threshold were
fitted once so that a score that is calibrated by construction comes closest to ProPublica's
four error rates. That the run then matches them, within sampling error, shows that a
calibrated score is enough to produce ProPublica's disparity; it does not show that COMPAS is
calibrated, nor that re-arrest measures reoffending equally well in both groups.
""")
    params = (
        Param(
            name="people",
            type="int",
            default=6000,
            min=1000,
            max=200_000,
            step=500,
            label=N_("Defendants"),
            help=N_("Number of synthetic defendants in both groups together."),
            unit=N_("people"),
        ),
        Param(
            name="share_a",
            type="float",
            default=60.0,
            min=10.0,
            max=90.0,
            step=0.1,
            label=N_("Share in group A"),
            help=N_("Share of the defendants who belong to group A."),
            unit="%",
        ),
        Param(
            name="base_rate_a",
            type="float",
            default=51.0,
            min=5.0,
            max=95.0,
            step=0.1,
            label=N_("Base rate in group A"),
            help=N_("Average true risk of reoffending in group A."),
            unit="%",
        ),
        Param(
            name="base_rate_b",
            type="float",
            default=39.0,
            min=5.0,
            max=95.0,
            step=0.1,
            label=N_("Base rate in group B"),
            help=N_("Average true risk of reoffending in group B."),
            unit="%",
        ),
        Param(
            name="spread_a",
            type="float",
            default=18.0,
            min=2.0,
            max=40.0,
            step=0.1,
            label=N_("Spread of risk in group A"),
            help=N_(
                "Standard deviation of true risk in group A, in percentage points: the wider, "
                "the better the score separates who will and will not reoffend."
            ),
            unit=N_("points"),
        ),
        Param(
            name="spread_b",
            type="float",
            default=18.0,
            min=2.0,
            max=40.0,
            step=0.1,
            label=N_("Spread of risk in group B"),
            help=N_("Standard deviation of true risk in group B, in percentage points."),
            unit=N_("points"),
        ),
        Param(
            name="threshold",
            type="float",
            default=50.0,
            min=5.0,
            max=95.0,
            step=0.1,
            label=N_("High-risk threshold"),
            help=N_("People whose score (true risk) reaches this value are labelled high risk."),
            unit="%",
        ),
        Param(
            name="policy",
            type="choice",
            default="same",
            choices=(
                ("same", N_("One threshold for everyone")),
                ("equal-fpr", N_("Group thresholds that equalise false-positive rates")),
            ),
            label=N_("Decision policy"),
            help=N_(
                "One threshold for both groups, or one per group chosen so that both groups' "
                "false-positive rates equal the overall rate at the threshold."
            ),
        ),
    )
    presets = (
        Preset(
            slug="propublica-broward",
            title=N_("ProPublica's Broward County numbers"),
            description=N_(
                "Group A stands for the 3,696 Black defendants and group B for the 2,454 white "
                "defendants in ProPublica's analysis (base rates 51.4% and 39.4%), labelled high "
                "risk at a decile score of 5 or more. The run's false-positive rates, "
                "false-negative rates and positive predictive values are checked against the "
                "published ones: 44.85%, 27.99% and 0.63 for Black defendants; 23.45%, 47.72% "
                "and 0.59 for white defendants."
            ),
            params=dict(PROPUBLICA_PARAMS),
            case="compas",
            source=Msg(
                "{source}. Group sizes and base rates from the published confusion matrices; "
                "the spreads of risk (17.0 and 17.7 points) and the threshold (46.8%) fitted by "
                "us to the four published error rates; the records themselves are synthetic.",
                source=PROPUBLICA_SOURCE,
            ),
        ),
        Preset(
            slug="equal-base-rates",
            title=N_("Equal base rates: no forced gap"),
            description=N_(
                "Both groups reoffend at 45% on average, with the same spread of risk: one "
                "threshold gives both the same error rates, within chance, and the score stays "
                "calibrated."
            ),
            params={
                "base_rate_a": 45.0,
                "base_rate_b": 45.0,
                "spread_a": 18.0,
                "spread_b": 18.0,
            },
            case="compas",
            source=Msg(
                "{k}; {c}: with equal base rates, calibration and equal error rates can hold "
                "together. The values are teaching values.",
                k=KLEINBERG_SOURCE,
                c=CHOULDECHOVA_SOURCE,
            ),
        ),
        Preset(
            slug="equalise-fpr",
            title=N_("ProPublica's numbers, false-positive rates equalised"),
            description=N_(
                "The Broward County setting with one threshold per group, chosen so that both "
                "groups' false-positive rates are equal: a high-risk label then means a "
                "different chance of reoffending in each group."
            ),
            params={**PROPUBLICA_PARAMS, "policy": "equal-fpr"},
            case="compas",
            source=Msg(
                "{source}; {c}. The group thresholds are computed by the simulation.",
                source=PROPUBLICA_SOURCE,
                c=CHOULDECHOVA_SOURCE,
            ),
        ),
    )

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """Spreads a distribution of risks can have; enough people of each outcome per group."""
        errors: dict[str, list[str]] = {}
        for g in ("a", "b"):
            base = p[f"base_rate_{g}"] / 100
            largest = _max_spread(base)
            if p[f"spread_{g}"] > largest:
                errors.setdefault(f"spread_{g}", []).append(
                    Msg(
                        "Risks that average {base} cannot spread that widely: with this base "
                        "rate the spread can be at most {largest} points.",
                        base=Pct(base, 1),
                        largest=Num(largest, 1),
                    )
                )
        n_a = round(p["people"] * p["share_a"] / 100)
        sizes = {"a": n_a, "b": p["people"] - n_a}
        for g, name in (("a", IN_A), ("b", IN_B)):
            base = p[f"base_rate_{g}"] / 100
            fewest = sizes[g] * min(base, 1 - base)
            if fewest < _MIN_EXPECTED:
                errors.setdefault("people", []).append(
                    Msg(
                        "With these settings, {group} would have about {fewest} people who "
                        "reoffend or who do not: too few to measure error rates. Use more "
                        "defendants, a larger share for this group or a base rate nearer 50% "
                        "(at least {minimum} of each expected).",
                        group=name,
                        fewest=Num(fewest, 0),
                        minimum=Int(_MIN_EXPECTED),
                    )
                )
        return errors

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Draw risks and outcomes per group, apply the policy, measure and check.

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
        n_a = round(p["people"] * p["share_a"] / 100)
        sizes = {"a": n_a, "b": p["people"] - n_a}
        base = {g: p[f"base_rate_{g}"] / 100 for g in "ab"}
        spread = {g: p[f"spread_{g}"] / 100 for g in "ab"}
        t = p["threshold"] / 100
        risk, outcome = {}, {}
        for g in "ab":
            a, b = _beta_params(base[g], spread[g])
            r = rng.beta(a, b, size=sizes[g])
            y = rng.random(sizes[g]) < r
            # Both outcomes must occur for the rates to exist (check_params makes a miss
            # astronomically unlikely; this keeps the run defined if it happens).
            if not y.any():
                y[int(np.argmax(r))] = True
            if y.all():
                y[int(np.argmin(r))] = False
            risk[g], outcome[g] = r, y

        thresholds = {"a": t, "b": t}
        target_fpr = None
        if p["policy"] == "equal-fpr":
            fp_all = sum(int(np.sum((risk[g] >= t) & ~outcome[g])) for g in "ab")
            neg_all = sum(int(np.sum(~outcome[g])) for g in "ab")
            target_fpr = fp_all / neg_all
            for g in "ab":
                negatives = np.sort(risk[g][~outcome[g]])[::-1]
                k = round(target_fpr * len(negatives))
                thresholds[g] = (
                    float(negatives[k - 1]) if k >= 1 else float(np.nextafter(negatives[0], 2.0))
                )
        stats = {g: _rates(outcome[g], risk[g] >= thresholds[g]) for g in "ab"}

        bands = self._bands(risk, outcome)
        names = {"a": GROUP_A, "b": GROUP_B}
        metrics = self._metrics(stats, thresholds, bands)
        rows = [
            {
                "group": names[g],
                "people": stats[g]["n"],
                "threshold": thresholds[g],
                "base_rate": stats[g]["base"],
                "flagged": stats[g]["flagged"] / stats[g]["n"],
                "fpr": stats[g]["fpr"],
                "fnr": stats[g]["fnr"],
                "ppv": stats[g]["ppv"],
            }
            for g in "ab"
        ]
        table = Table(
            key="groups",
            title=N_("Error rates and predictive value by group"),
            columns=[
                ("group", N_("Group")),
                ("people", N_("People")),
                ("threshold", N_("Threshold")),
                ("base_rate", N_("Base rate")),
                ("flagged", N_("Labelled high risk")),
                ("fpr", FPR_LABEL),
                ("fnr", FNR_LABEL),
                ("ppv", PPV_LABEL),
            ],
            rows=rows,
        )
        long_rows = [
            {"group": names[g], "measure": label, "value": stats[g][key]}
            for g in "ab"
            for label, key in ((FPR_LABEL, "fpr"), (FNR_LABEL, "fnr"), (PPV_LABEL, "ppv"))
            if stats[g][key] is not None
        ]
        rates_table = Table(
            key="rates_long",
            title=N_("False-positive rate, false-negative rate and positive predictive value"),
            columns=[("group", N_("Group")), ("measure", N_("Measure")), ("value", N_("Value"))],
            rows=long_rows,
        )
        cal_rows = [
            {
                "band": row["band"],
                "group": names[row["g"]],
                "people": row["n"],
                "mean_risk": row["mean_risk"],
                "reoffended": row["rate"],
            }
            for row in bands["rows"]
        ]
        cal_table = Table(
            key="calibration",
            title=N_("Reoffence rate by score band and group"),
            columns=[
                ("band", N_("Score band (1 = risk under 10%)")),
                ("group", N_("Group")),
                ("people", N_("People")),
                ("mean_risk", N_("Average score")),
                ("reoffended", N_("Reoffended")),
            ],
            rows=cal_rows,
        )
        chart_cal = [r for r in cal_rows if r["people"] >= _MIN_BAND]
        ppv_text = {g: _pct_or_dash(stats[g]["ppv"]) for g in "ab"}
        charts = [
            Chart(
                key="calibration",
                title=cal_table.title,
                description=Msg(
                    "Share of people who reoffended in each score band (bands holding at least "
                    "{minimum} people of a group); a calibrated score gives both groups the same "
                    "curve. The largest gap between the groups is {gap}.",
                    minimum=Int(_MIN_BAND),
                    gap=points(bands["max_gap"]) if bands["compared"] else N_("undefined"),
                ),
                spec=line_chart(
                    cal_table.title,
                    chart_cal,
                    x="band",
                    y="reoffended",
                    x_title=N_("Score band (1 = risk under 10%)"),
                    y_title=N_("Share who reoffended"),
                    color="group",
                    color_title=N_("Group"),
                    y_format="%",
                    y_domain=[0, 1],
                ),
                table=cal_table.key,
            ),
            Chart(
                key="rates_long",
                title=rates_table.title,
                description=Msg(
                    "False-positive rates {fa} (group A) and {fb} (group B); positive predictive "
                    "values {pa} and {pb}.",
                    fa=_pct_or_dash(stats["a"]["fpr"]),
                    fb=_pct_or_dash(stats["b"]["fpr"]),
                    pa=ppv_text["a"],
                    pb=ppv_text["b"],
                ),
                spec=bar_chart(
                    rates_table.title,
                    long_rows,
                    x="measure",
                    y="value",
                    x_title=N_("Measure"),
                    y_title=N_("Share"),
                    color="group",
                    color_title=N_("Group"),
                    y_format="%",
                ),
                table=rates_table.key,
            ),
        ]
        checks = self._checks(p, stats, base, spread, thresholds)
        findings = self._findings(p, stats, thresholds, bands, target_fpr)
        return Result(
            metrics=metrics,
            tables=[table, rates_table, cal_table],
            charts=charts,
            findings=findings,
            checks=checks,
        )

    @staticmethod
    def _bands(risk: dict[str, np.ndarray], outcome: dict[str, np.ndarray]) -> dict[str, Any]:
        """Reoffence rate per score band and group; the largest between-group gap."""
        rows, counts = [], {}
        for g in "ab":
            band = np.minimum((risk[g] * BANDS).astype(int), BANDS - 1)
            n = np.bincount(band, minlength=BANDS)
            k = np.bincount(band, weights=outcome[g], minlength=BANDS)
            s = np.bincount(band, weights=risk[g], minlength=BANDS)
            counts[g] = (n, k)
            for i in range(BANDS):
                if n[i]:
                    rows.append(
                        {
                            "band": i + 1,
                            "g": g,
                            "n": int(n[i]),
                            "mean_risk": float(s[i] / n[i]),
                            "rate": float(k[i] / n[i]),
                        }
                    )
        compared, max_gap, max_band, worst = 0, 0.0, None, None
        (na, ka), (nb, kb) = counts["a"], counts["b"]
        for i in range(BANDS):
            if na[i] >= _MIN_BAND and nb[i] >= _MIN_BAND:
                compared += 1
                gap = abs(ka[i] / na[i] - kb[i] / nb[i])
                z = two_proportion_z(int(ka[i]), int(na[i]), int(kb[i]), int(nb[i]))
                if gap >= max_gap:
                    max_gap, max_band = gap, i + 1
                if abs(z) > _Z_BANDS and (worst is None or abs(z) > abs(worst[1])):
                    worst = (i + 1, z, ka[i] / na[i], kb[i] / nb[i])
        return {
            "rows": rows,
            "compared": compared,
            "max_gap": max_gap,
            "max_band": max_band,
            "worst": worst,
        }

    @staticmethod
    def _metrics(stats, thresholds, bands) -> list[Metric]:
        out = []
        for g, name in (("a", "A"), ("b", "B")):
            s = stats[g]
            out += [
                Metric(
                    key=f"base_rate_{g}",
                    label=Msg("Base rate, group {g}", g=name),
                    value=s["base"],
                    unit="share",
                ),
                Metric(
                    key=f"fpr_{g}",
                    label=Msg("False-positive rate, group {g}", g=name),
                    value=s["fpr"],
                    unit="share",
                ),
                Metric(
                    key=f"fnr_{g}",
                    label=Msg("False-negative rate, group {g}", g=name),
                    value=s["fnr"],
                    unit="share",
                ),
                Metric(
                    key=f"ppv_{g}",
                    label=Msg("Positive predictive value, group {g}", g=name),
                    value=s["ppv"],
                    unit="share",
                ),
                Metric(
                    key=f"threshold_{g}",
                    label=Msg("Threshold, group {g}", g=name),
                    value=thresholds[g],
                    unit="share",
                ),
            ]
        out.append(
            Metric(
                key="calibration_gap",
                label=N_("Largest gap in reoffence rate between the groups within a score band"),
                value=bands["max_gap"] if bands["compared"] else None,
                unit="share",
                help=Msg(
                    "Over the score bands holding at least {minimum} people of each group.",
                    minimum=Int(_MIN_BAND),
                ),
            )
        )
        return out

    @staticmethod
    def _checks(p, stats, base, spread, thresholds) -> list[Check]:
        checks = []
        for g, name in (("a", GROUP_A), ("b", GROUP_B)):
            s = stats[g]
            fpr_cf, fnr_cf = _closed_form(base[g], spread[g], thresholds[g])
            tol_fpr = binomial_tolerance(fpr_cf, s["neg"])
            tol_fnr = binomial_tolerance(fnr_cf, s["pos"])
            checks.append(
                Check(
                    key=f"closed_form_{g}",
                    label=Msg(
                        "{group}: error rates against the risk model's closed form",
                        group=name,
                    ),
                    passed=abs(s["fpr"] - fpr_cf) <= tol_fpr and abs(s["fnr"] - fnr_cf) <= tol_fnr,
                    expected=Msg(
                        "false-positive rate {fpr} ± {tf}, false-negative rate {fnr} ± {tn}",
                        fpr=Pct(fpr_cf, 1),
                        tf=Pct(tol_fpr, 1),
                        fnr=Pct(fnr_cf, 1),
                        tn=Pct(tol_fnr, 1),
                    ),
                    observed=Msg(
                        "false-positive rate {fpr}, false-negative rate {fnr}",
                        fpr=Pct(s["fpr"], 1),
                        fnr=Pct(s["fnr"], 1),
                    ),
                    reference=N_(
                        "Integrals of the Beta distribution of true risk: FPR = (P(r ≥ t) − "
                        "E[r; r ≥ t]) ÷ (1 − p) and FNR = (p − E[r; r ≥ t]) ÷ p; the tolerance is "
                        "four binomial standard errors."
                    ),
                )
            )
        if all(p[k] == v for k, v in PROPUBLICA_PARAMS.items()):
            for g, name in (
                ("a", N_("Black defendants (group A)")),
                ("b", N_("White defendants (group B)")),
            ):
                checks.append(FairnessImpossibilitySimulation._propublica_check(g, name, stats[g]))
        for g, name in (("a", GROUP_A), ("b", GROUP_B)):
            s = stats[g]
            if s["ppv"] is None or s["ppv"] == 0:
                continue
            identity = s["base"] / (1 - s["base"]) * (1 - s["ppv"]) / s["ppv"] * (1 - s["fnr"])
            checks.append(
                Check(
                    key=f"identity_{g}",
                    label=Msg(
                        "{group}: Chouldechova's identity FPR = p/(1−p) × (1−PPV)/PPV × (1−FNR)",
                        group=name,
                    ),
                    passed=abs(identity - s["fpr"]) <= 1e-9,
                    expected=Msg("{v}", v=Pct(identity, 2)),
                    observed=Msg("{v}", v=Pct(s["fpr"], 2)),
                    reference=Msg(
                        "{c}. An identity of the confusion matrix: it holds for any threshold "
                        "and any score, so it checks the arithmetic, not the world.",
                        c=CHOULDECHOVA_SOURCE,
                    ),
                    kind="consistency",
                )
            )
        return checks

    @staticmethod
    def _propublica_check(g: str, name: str, s: dict[str, Any]) -> Check:
        pub = PUBLISHED[g]
        ok, parts_exp = True, {}
        # Both the run and ProPublica's records are samples of the same size: the tolerance
        # is three standard errors of the difference of two proportions, plus the rounding
        # of the published figure and one count.
        for key, n in (("fpr", pub["neg"]), ("fnr", pub["pos"]), ("ppv", pub["flagged"]),
                       ("base", pub["n"])):  # fmt: skip
            q = pub[key]
            tol = _Z * math.sqrt(2 * q * (1 - q) / n) + _ROUNDING[key] + 1 / n
            parts_exp[key] = tol
            if s[key] is None or abs(s[key] - q) > tol:
                ok = False
        return Check(
            key=f"propublica_{g}",
            label=Msg("{group}: ProPublica's published rates (decile score 5 or more)", group=name),
            passed=ok,
            expected=Msg(
                "FPR {fpr} ± {tf}, FNR {fnr} ± {tn}, PPV {ppv} ± {tp}, base rate {base} ± {tb}",
                fpr=Pct(pub["fpr"], 2),
                tf=Pct(parts_exp["fpr"], 1),
                fnr=Pct(pub["fnr"], 2),
                tn=Pct(parts_exp["fnr"], 1),
                ppv=Num(pub["ppv"], 2),
                tp=Num(parts_exp["ppv"], 2),
                base=Num(pub["base"], 2),
                tb=Num(parts_exp["base"], 2),
            ),
            observed=Msg(
                "FPR {fpr}, FNR {fnr}, PPV {ppv}, base rate {base}",
                fpr=Pct(s["fpr"], 2),
                fnr=Pct(s["fnr"], 2),
                ppv=Num(s["ppv"] if s["ppv"] is not None else math.nan, 2),
                base=Num(s["base"], 2),
            ),
            reference=Msg(
                "{source}. Tolerance: three standard errors of the difference between two "
                "samples of ProPublica's size, plus the published rounding.",
                source=PROPUBLICA_SOURCE,
            ),
        )

    @staticmethod
    def _findings(p, stats, thresholds, bands, target_fpr) -> list[str]:
        findings: list[Msg] = []
        a, b = stats["a"], stats["b"]
        # 1. Calibration of the score.
        if not bands["compared"]:
            findings.append(
                Msg(
                    "No score band holds at least {minimum} people of each group, so the "
                    "groups' reoffence rates cannot be compared score by score in this run.",
                    minimum=Int(_MIN_BAND),
                )
            )
        elif bands["worst"] is None:
            findings.append(
                plural(
                    "The score is calibrated in this run: in the one score band holding at "
                    "least {minimum} people of each group, the two groups reoffended at rates "
                    "that differ by no more than chance ({gap}).",
                    "The score is calibrated in this run: in each of the {k} score bands "
                    "holding at least {minimum} people of each group, the two groups reoffended "
                    "at rates that differ by no more than chance (largest gap {gap}, band "
                    "{band}).",
                    bands["compared"],
                    k=Int(bands["compared"]),
                    minimum=Int(_MIN_BAND),
                    gap=points(bands["max_gap"]),
                    band=Int(bands["max_band"]),
                )
            )
        else:
            band, _, ra, rb = bands["worst"]
            findings.append(
                Msg(
                    "The score is not calibrated in this run: in score band {band}, {ra} of "
                    "group A reoffended against {rb} of group B, a gap beyond chance.",
                    band=Int(band),
                    ra=Pct(ra, 1),
                    rb=Pct(rb, 1),
                )
            )
        z_fpr = two_proportion_z(b["fp"], b["neg"], a["fp"], a["neg"])
        z_ppv = (
            two_proportion_z(b["tp"], b["flagged"], a["tp"], a["flagged"])
            if a["flagged"] and b["flagged"]
            else 0.0
        )
        rates = {
            "fa": Pct(a["fpr"], 1),
            "fb": Pct(b["fpr"], 1),
            "ma": Pct(a["fnr"], 1),
            "mb": Pct(b["fnr"], 1),
        }
        # 2. Error rates (one threshold) or what equalising them did (group thresholds).
        if p["policy"] == "same":
            if abs(z_fpr) > _Z:
                findings.append(
                    Msg(
                        "With one threshold for everyone, the false-positive rates differ "
                        "beyond chance: {fa} of group A's non-reoffenders were labelled high "
                        "risk against {fb} of group B's. Of the reoffenders, {ma} in group A "
                        "and {mb} in group B were labelled low risk (false-negative rates).",
                        **rates,
                    )
                )
            else:
                findings.append(
                    Msg(
                        "With one threshold for everyone, the false-positive rates do not "
                        "differ beyond chance: {fa} of group A's non-reoffenders were labelled "
                        "high risk against {fb} of group B's. Of the reoffenders, {ma} in group "
                        "A and {mb} in group B were labelled low risk (false-negative rates).",
                        **rates,
                    )
                )
        else:
            findings.append(
                Msg(
                    "With thresholds of {ta} for group A and {tb} for group B, both groups' "
                    "false-positive rates are brought to the overall {target} ({fa} and {fb}); "
                    "the false-negative rates are {ma} and {mb}.",
                    ta=Pct(thresholds["a"], 1),
                    tb=Pct(thresholds["b"], 1),
                    target=Pct(target_fpr, 1),
                    **rates,
                )
            )
        # 3. What a high-risk label means in each group (predictive parity).
        if not a["flagged"] or not b["flagged"]:
            nobody = IN_A if not a["flagged"] else IN_B
            findings.append(
                Msg(
                    "Nobody in {group} was labelled high risk, so the share of high-risk labels "
                    "that were right is undefined there.",
                    group=nobody,
                )
            )
        else:
            ppv = {"pa": Pct(a["ppv"], 1), "pb": Pct(b["ppv"], 1)}
            if abs(z_ppv) > _Z:
                findings.append(
                    Msg(
                        "A high-risk label does not mean the same thing in both groups: "
                        "{pa} of the people labelled high risk in group A reoffended against "
                        "{pb} in group B (positive predictive values), a gap beyond chance.",
                        **ppv,
                    )
                )
            else:
                findings.append(
                    Msg(
                        "A high-risk label means about the same in both groups: {pa} of the "
                        "people labelled high risk in group A reoffended and {pb} in group B "
                        "(positive predictive values; the gap is within chance).",
                        **ppv,
                    )
                )
            if p["policy"] == "equal-fpr" and abs(thresholds["a"] - thresholds["b"]) >= 0.001:
                high, low = ("a", "b") if thresholds["a"] > thresholds["b"] else ("b", "a")
                findings.append(
                    Msg(
                        "Two people with the same risk, between {low_t} and {high_t}, are "
                        "treated differently: the one in {low_group} is labelled high risk, the "
                        "one in {high_group} is not.",
                        low_t=Pct(thresholds[low], 1),
                        high_t=Pct(thresholds[high], 1),
                        low_group=IN_A if low == "a" else IN_B,
                        high_group=IN_A if high == "a" else IN_B,
                    )
                )
        # 4. What Chouldechova's identity forces.
        z_base = two_proportion_z(b["pos"], b["n"], a["pos"], a["n"])
        odds = {g: s["base"] / (1 - s["base"]) for g, s in stats.items()}
        if abs(z_base) > _Z:
            high, low = ("a", "b") if odds["a"] > odds["b"] else ("b", "a")
            findings.append(
                Msg(
                    "The base rates differ ({ba} in group A, {bb} in group B), so by "
                    "Chouldechova's identity FPR = p/(1−p) × (1−PPV)/PPV × (1−FNR), a score "
                    "with the same positive predictive value and the same false-negative rate "
                    "in both groups must give {high_group} a false-positive rate {ratio} times "
                    "that of {low_group} (the ratio of their odds p/(1−p)): equal error rates "
                    "and equal predictive values cannot all hold.",
                    ba=Pct(a["base"], 1),
                    bb=Pct(b["base"], 1),
                    high_group=IN_A if high == "a" else IN_B,
                    low_group=IN_A if low == "a" else IN_B,
                    ratio=Num(odds[high] / odds[low], 2),
                )
            )
        else:
            findings.append(
                Msg(
                    "The base rates do not differ beyond chance ({ba} in group A, {bb} in group "
                    "B), so Chouldechova's identity FPR = p/(1−p) × (1−PPV)/PPV × (1−FNR) forces "
                    "no gap: the same positive predictive value and false-negative rate would "
                    "give the same false-positive rate.",
                    ba=Pct(a["base"], 1),
                    bb=Pct(b["base"], 1),
                )
            )
        return findings[:5]


SIMULATION = FairnessImpossibilitySimulation()
