"""Base-rate fallacy: a screening test on many travellers when few of them are lying."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from fairlearn.metrics import false_positive_rate, selection_rate, true_positive_rate
from sklearn.metrics import accuracy_score, confusion_matrix, precision_score

from ._stats import (
    binomial_acceptance,
    compress,
    distinct_pcts,
    group_metrics,
    ppv,
    two_proportion_z,
    wilson_interval,
)
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table
from .charts import bar_chart, line_chart
from .text import N_, Int, Msg, Num, Pct, Seq, plural

# The two wordings ("framing") are written as whole sentences, one per wording, so that each
# language can make its nouns, adjectives and verbs agree (see text.py).
_BORDER = "border"
_GROUP_NAMES = {"Group A": N_("Group A"), "Group B": N_("Group B")}
_Z_REAL = 3.0  # a group difference is called real beyond three standard errors
_BASE_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)


class BaseRateSimulation(Simulation):
    """Confusion counts, PPV and honest people flagged per liar caught, sampled and analytic."""

    slug = "base-rate"
    title = N_("Base-rate fallacy: a lie detector at the border")
    question = N_(
        "When a test is right 76% of the time but only 1 traveller in 100 is lying, how many "
        "of the people it flags are actually lying?"
    )
    version = "4"
    cases = ("iborderctrl", "orientation-from-faces")
    themes = ("base-rate-fallacy", "acceptance-of-errors")
    explanation = N_("""
**The model.** A crowd of travellers passes a screening test (iBorderCtrl's "deception
detector" is the example). A share of them are lying. The test flags a liar with probability
*sensitivity* and clears an honest traveller with probability *specificity*. Each traveller
is drawn at random, so the counts vary from run to run; beside them the simulation shows the
exact expected values from Bayes' rule:

PPV = sensitivity × base rate ÷ (sensitivity × base rate + (1 − specificity) × (1 − base rate)).

Optionally a *group B* of travellers meets a less accurate test (both sensitivity and
specificity lowered by a number of points), as when a face-analysis system was built on
faces unlike theirs.

**What to try.**

- Keep the defaults (76% accuracy, 1% liars): about 3 in 100 flagged travellers are lying.
- Set *travellers* to 32 and *share lying* to 50% (the lab test): accuracy looks like 76%,
  with a wide interval, and most flags are right. The same test fails at the border only
  because liars are rare there.
- Raise sensitivity and specificity to the 85% target; then try 99%.
- Load the Kosinski presets: an AUC of 0.81 or 0.91 read as if it were an accuracy, at a 7%
  prevalence.
- Set *group B accuracy drop* to 10 points and compare false alarms by group.

**What to look for.** The PPV (share of flags that are right) next to the accuracy; the
honest travellers flagged for each liar caught; how the PPV curve rises with the base rate.

**Limits.** Real detectors give a score, not a yes/no, and sensitivity and specificity
need not be equal; iBorderCtrl's 76% came from about 30 people in a staged test, so its
sensitivity and specificity are not known separately and the base rate of liars at a border
is unknown (the presets use teaching values of 0.1%, 1% and 5%). An AUC is not an accuracy:
the Kosinski presets treat the AUC as both sensitivity and specificity only to show the
arithmetic.
""")
    params = (
        Param(
            name="travellers",
            type="int",
            default=100_000,
            min=10,
            max=1_000_000,
            step=1,
            label=N_("Travellers screened"),
            help=N_("How many people pass the test."),
            unit="people",
        ),
        Param(
            name="base_rate",
            type="float",
            default=1.0,
            min=0.01,
            max=50.0,
            step=0.01,
            label=N_("Share lying"),
            help=N_("Base rate: the share of travellers who are actually lying."),
            unit="%",
        ),
        Param(
            name="sensitivity",
            type="float",
            default=76.0,
            min=1.0,
            max=100.0,
            step=0.1,
            label=N_("Sensitivity"),
            help=N_("Share of liars the test flags (true-positive rate)."),
            unit="%",
        ),
        Param(
            name="specificity",
            type="float",
            default=76.0,
            min=1.0,
            max=100.0,
            step=0.1,
            label=N_("Specificity"),
            help=N_("Share of honest travellers the test clears (true-negative rate)."),
            unit="%",
        ),
        Param(
            name="group_b_share",
            type="float",
            default=20.0,
            min=0.0,
            max=90.0,
            step=1,
            label=N_("Group B share"),
            help=N_("Share of travellers who belong to group B."),
            unit="%",
        ),
        Param(
            name="group_b_drop",
            type="float",
            default=0.0,
            min=0.0,
            max=40.0,
            step=1,
            label=N_("Group B accuracy drop"),
            help=N_(
                "Points taken off both sensitivity and specificity for group B "
                "(0 = the test works equally for everyone)."
            ),
            unit="points",
        ),
        Param(
            name="framing",
            type="choice",
            default="border",
            choices=(
                ("border", N_("Travellers and liars (border screening)")),
                ("trait", N_("People with and without a trait (any screening)")),
            ),
            label=N_("Wording"),
            help=N_("Words used in the findings and the chart; the arithmetic is the same."),
        ),
    )
    _IBC_SOURCE = N_(
        "76% accuracy and the 85% target: iBorderCtrl lab test as reported by New Scientist / "
        "CACM news 'An AI lie detector will interrogate travelers' and the Telegraph; "
        "O'Shea et al. 2018. Accuracy is used as both sensitivity and specificity: an "
        "assumption, since the balanced lab test does not separate them."
    )
    presets = (
        Preset(
            slug="iborderctrl-lab-test",
            title=N_("iBorderCtrl's lab test: about 32 people, half lying"),
            description=N_(
                "32 people, half told to lie, 76% accuracy: a small, balanced test in "
                "which most flags are right. The test size is uncertain (30 or 32)."
            ),
            params={"travellers": 32, "base_rate": 50.0, "sensitivity": 76.0, "specificity": 76.0},
            case="iborderctrl",
            source=Msg(
                "{common} Test size: 32 in USA Today and The Intercept, about 30 with "
                "half told to lie in New Scientist; the sources disagree.",
                common=_IBC_SOURCE,
            ),
        ),
        Preset(
            slug="iborderctrl-border-1pct",
            title=N_("iBorderCtrl at the border: 1,000,000 travellers, 1% lying"),
            description=N_(
                "The same 76% test on a million travellers of whom 1% lie (a teaching "
                "value: the real share is unknown). Bayes' rule gives a PPV of 3.1%."
            ),
            params={"travellers": 1_000_000, "base_rate": 1.0},
            case="iborderctrl",
            source=Msg(
                "{common} Base rate 1%: teaching value. Expected counts 7,600 true "
                "and 237,600 false positives follow from Bayes' rule.",
                common=_IBC_SOURCE,
            ),
        ),
        Preset(
            slug="iborderctrl-border-0-1pct",
            title=N_("iBorderCtrl at the border: 0.1% lying"),
            description=N_(
                "76% accuracy, one traveller in 1,000 lying (teaching value): PPV 0.32%."
            ),
            params={"travellers": 1_000_000, "base_rate": 0.1},
            case="iborderctrl",
            source=Msg(
                "{common} Base rate 0.1%: teaching value; PPV 0.32% follows from Bayes' rule.",
                common=_IBC_SOURCE,
            ),
        ),
        Preset(
            slug="iborderctrl-target-85",
            title=N_("The developers' 85% target, 1% lying"),
            description=N_(
                "Even at the hoped-for 85%, with 1% liars (teaching value) about 19 of "
                "every 20 people flagged are honest: PPV 5.4%."
            ),
            params={
                "travellers": 1_000_000,
                "base_rate": 1.0,
                "sensitivity": 85.0,
                "specificity": 85.0,
            },
            case="iborderctrl",
            source=Msg(
                "{common} 85% target: confirmed (several sources); base rate 1%: "
                "teaching value; PPV 5.4% follows from Bayes' rule.",
                common=_IBC_SOURCE,
            ),
        ),
        Preset(
            slug="kosinski-auc-081",
            title=N_("Wang & Kosinski's 0.81 read as an accuracy, 7% prevalence"),
            description=N_(
                "1,000 men, 7% gay, and the single-image AUC of 0.81 treated as "
                "sensitivity and specificity (which an AUC is not): about 57 true and 177 false "
                "positives, so only about 24% of men flagged are gay."
            ),
            params={
                "travellers": 1000,
                "base_rate": 7.0,
                "sensitivity": 81.0,
                "specificity": 81.0,
                "framing": "trait",
            },
            case="orientation-from-faces",
            source=N_(
                "AUC 0.81 (men, one image): Wang & Kosinski, JPSP 114(2):246–257, 2018 "
                "(confirmed). 7% prevalence: as cited by Siegel from the paper (one source). "
                "Treating the AUC as sensitivity = specificity, and the ≈24% that follows from "
                "Bayes' rule, is an illustration."
            ),
        ),
        Preset(
            slug="kosinski-auc-091",
            title=N_("Wang & Kosinski's 0.91 (five images) read as an accuracy, 7% prevalence"),
            description=N_(
                "The five-image AUC of 0.91 treated as sensitivity and specificity at "
                "7% prevalence: only about 43% of men flagged are gay."
            ),
            params={
                "travellers": 1000,
                "base_rate": 7.0,
                "sensitivity": 91.0,
                "specificity": 91.0,
                "framing": "trait",
            },
            case="orientation-from-faces",
            source=N_(
                "AUC 0.91 (men, five images): Wang & Kosinski 2018 (confirmed); 7% "
                "prevalence as cited by Siegel (one source); ≈43% follows from Bayes' rule, an "
                "illustration."
            ),
        ),
    )

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Screen the travellers and compare sampled counts with Bayes' rule.

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
        n = p["travellers"]
        base = p["base_rate"] / 100
        sens_a, spec_a = p["sensitivity"] / 100, p["specificity"] / 100
        drop = p["group_b_drop"] / 100
        sens_b, spec_b = max(sens_a - drop, 0.0), max(spec_a - drop, 0.0)
        share_b = p["group_b_share"] / 100

        in_b = rng.random(n) < share_b
        lying = rng.random(n) < base
        u = rng.random(n)
        sens = np.where(in_b, sens_b, sens_a)
        spec = np.where(in_b, spec_b, spec_a)
        flagged = np.where(lying, u < sens, u < 1 - spec)
        # Metrics on distinct (truth, flag, group) rows weighted by their counts: exactly the
        # numbers over every traveller, at a fraction of the cost for a million people.
        (y_true, y_pred, group), weight = compress(lying.astype(int), flagged.astype(int), in_b)
        tn, fp, fn, tp = (
            int(round(v))
            for v in confusion_matrix(y_true, y_pred, labels=[0, 1], sample_weight=weight).ravel()
        )
        accuracy = float(accuracy_score(y_true, y_pred, sample_weight=weight))
        acc_lo, acc_hi = wilson_interval(tp + tn, n)

        # Analytic values: group membership is independent of lying, so the population's
        # sensitivity and specificity are the group-weighted means.
        sens_all = (1 - share_b) * sens_a + share_b * sens_b
        spec_all = (1 - share_b) * spec_a + share_b * spec_b
        e_tp = n * base * sens_all
        e_fn = n * base * (1 - sens_all)
        e_fp = n * (1 - base) * (1 - spec_all)
        e_tn = n * (1 - base) * spec_all
        e_ppv = ppv(base, sens_all, spec_all)
        s_ppv = tp / (tp + fp) if tp + fp else float("nan")
        e_per_liar = e_fp / e_tp if e_tp else float("nan")
        s_per_liar = fp / tp if tp else float("nan")

        metrics = [
            Metric(key="travellers", label=N_("Travellers screened"), value=n, unit="people"),
            Metric(key="liars", label=N_("Travellers lying"), value=tp + fn, unit="people"),
            Metric(key="true_positives", label=N_("Liars flagged"), value=tp, unit="people"),
            Metric(
                key="false_positives",
                label=N_("Honest travellers flagged"),
                value=fp,
                unit="people",
            ),
            Metric(key="false_negatives", label=N_("Liars cleared"), value=fn, unit="people"),
            Metric(
                key="true_negatives", label=N_("Honest travellers cleared"), value=tn, unit="people"
            ),
            Metric(
                key="ppv",
                label=N_("Flagged travellers who are lying (PPV, sampled)"),
                value=s_ppv,
                unit="share",
            ),
            Metric(
                key="ppv_analytic",
                label=N_("PPV by Bayes' rule"),
                value=e_ppv,
                unit="share",
                help=N_("sens × base ÷ (sens × base + (1 − spec) × (1 − base))"),
            ),
            Metric(
                key="honest_per_liar",
                label=N_("Honest travellers flagged per liar caught (sampled)"),
                value=s_per_liar,
                unit="people",
            ),
            Metric(
                key="honest_per_liar_analytic",
                label=N_("Honest travellers flagged per liar caught (expected)"),
                value=e_per_liar,
                unit="people",
            ),
            Metric(key="accuracy", label=N_("Accuracy (sampled)"), value=accuracy, unit="share"),
            Metric(
                key="accuracy_low",
                label=N_("Accuracy, 95% interval low"),
                value=acc_lo,
                unit="share",
            ),
            Metric(
                key="accuracy_high",
                label=N_("Accuracy, 95% interval high"),
                value=acc_hi,
                unit="share",
            ),
            Metric(
                key="always_no_accuracy",
                label=N_("Accuracy of clearing everyone (sampled)"),
                value=(tn + fp) / n,
                unit="share",
            ),
        ]

        border = p["framing"] == _BORDER
        counts_rows = [
            {"outcome": N_("Liars flagged"), "sampled": tp, "expected": e_tp},
            {"outcome": N_("Honest travellers flagged"), "sampled": fp, "expected": e_fp},
            {"outcome": N_("Liars cleared"), "sampled": fn, "expected": e_fn},
            {"outcome": N_("Honest travellers cleared"), "sampled": tn, "expected": e_tn},
        ]
        counts = Table(
            key="confusion",
            title=N_("Confusion counts: sampled and expected by Bayes' rule"),
            columns=[
                ("outcome", N_("Outcome")),
                ("sampled", N_("Sampled")),
                ("expected", N_("Expected")),
            ],
            rows=counts_rows,
        )
        positives_label = N_("Liars") if border else N_("People with the trait")
        negatives_label = N_("Honest travellers") if border else N_("People without it")
        flag_rows = [
            {"who": positives_label, "source": source, "people": value}
            for source, value in ((N_("Sampled"), tp), (N_("Expected"), e_tp))
        ] + [
            {"who": negatives_label, "source": source, "people": value}
            for source, value in ((N_("Sampled"), fp), (N_("Expected"), e_fp))
        ]
        flagged_table = Table(
            key="flagged",
            title=N_("Who gets flagged"),
            columns=[
                ("who", N_("Who")),
                ("source", N_("Source")),
                ("people", N_("People flagged")),
            ],
            rows=flag_rows,
        )
        curve_rows = []
        for rate in sorted({*_BASE_RATES, base}):
            curve_rows.append(
                {"base_rate": rate, "ppv": ppv(rate, sens_all, spec_all), "series": N_("This test")}
            )
        curve = Table(
            key="ppv_curve",
            title=N_("Share of flags that are right, by share lying (Bayes' rule)"),
            columns=[
                ("base_rate", N_("Share lying")),
                ("ppv", N_("PPV")),
                ("series", N_("Series")),
            ],
            rows=curve_rows,
        )

        frame = group_metrics(
            {
                "flag_rate": selection_rate,
                "ppv": functools.partial(precision_score, zero_division=0),
                "tpr": true_positive_rate,
                "fpr": false_positive_rate,
            },
            y_true,
            y_pred,
            np.where(group, "Group B", "Group A"),
            weight=weight,
        )
        group_rows = []
        for name, row in frame.by_group.iterrows():
            in_group = np.where(group, "Group B", "Group A") == name
            members = int(weight[in_group].sum())
            honest = int(weight[in_group & (y_true == 0)].sum())
            liars = int(weight[in_group & (y_true == 1)].sum())
            flags = int(weight[in_group & (y_pred == 1)].sum())
            honest_flagged = int(weight[in_group & (y_true == 0) & (y_pred == 1)].sum())
            # A rate with nobody to count is undefined, not 0: shown as "—".
            group_rows.append(
                {
                    "group": _GROUP_NAMES[str(name)],
                    "travellers": members,
                    "flag_rate": float(row["flag_rate"]),
                    "ppv": float(row["ppv"]) if flags else None,
                    "tpr": float(row["tpr"]) if liars else None,
                    "fpr": float(row["fpr"]) if honest else None,
                    "honest": honest,
                    "honest_flagged": honest_flagged,
                }
            )
        groups = Table(
            key="by_group",
            title=N_("Errors by group (Fairlearn MetricFrame)"),
            columns=[
                ("group", N_("Group")),
                ("travellers", N_("Travellers")),
                ("flag_rate", N_("Flagged")),
                ("ppv", N_("PPV")),
                ("tpr", N_("Liars caught (TPR)")),
                ("fpr", N_("Honest flagged (FPR)")),
                ("honest", N_("Honest travellers")),
                ("honest_flagged", N_("Honest travellers flagged")),
            ],
            rows=group_rows,
        )
        fpr_rows = [
            {"group": r["group"], "rate": r["fpr"], "measure": N_("Honest travellers flagged")}
            for r in group_rows
            if r["fpr"] is not None
        ] + [
            {"group": r["group"], "rate": r["tpr"], "measure": N_("Liars caught")}
            for r in group_rows
            if r["tpr"] is not None
        ]
        group_rates = Table(
            key="group_rates",
            title=N_("Liars caught and honest travellers flagged, by group"),
            columns=[("group", N_("Group")), ("measure", N_("Measure")), ("rate", N_("Rate"))],
            rows=fpr_rows,
        )
        counts_values = {
            "fp": Int(fp),
            "tp": Int(tp),
            "e_fp": Int(round(e_fp)),
            "e_tp": Int(round(e_tp)),
        }
        charts = [
            Chart(
                key="flagged",
                title=flagged_table.title,
                description=(
                    Msg(
                        "{fp} honest travellers were flagged against {tp} liars "
                        "(expected {e_fp} and {e_tp}).",
                        **counts_values,
                    )
                    if border
                    else Msg(
                        "{fp} people without it were flagged against {tp} people with the "
                        "trait (expected {e_fp} and {e_tp}).",
                        **counts_values,
                    )
                ),
                spec=bar_chart(
                    flagged_table.title,
                    flag_rows,
                    x="who",
                    y="people",
                    x_title=N_("Travellers flagged") if border else N_("People flagged"),
                    y_title=N_("People"),
                    color="source",
                    color_title=N_("Counts"),
                ),
                table=flagged_table.key,
            ),
            Chart(
                key="ppv_curve",
                title=curve.title,
                description=Msg(
                    "With sensitivity {sens} and specificity {spec}, the share of flags that "
                    "are right rises from {ppv_low} at {base_low} lying to {ppv_high} at "
                    "{base_high}.",
                    sens=Pct(sens_all),
                    spec=Pct(spec_all),
                    ppv_low=Pct(curve_rows[0]["ppv"], 1),
                    base_low=Pct(curve_rows[0]["base_rate"], 1),
                    ppv_high=Pct(curve_rows[-1]["ppv"]),
                    base_high=Pct(curve_rows[-1]["base_rate"]),
                ),
                spec=line_chart(
                    curve.title,
                    curve_rows,
                    x="base_rate",
                    y="ppv",
                    x_title=N_("Share of travellers lying (log scale)"),
                    y_title=N_("Flagged travellers who are lying (PPV)"),
                    y_format="%",
                    y_domain=[0, 1],
                    x_scale={"type": "log"},
                    x_format="%",
                ),
                table=curve.key,
            ),
        ]
        if share_b > 0:
            charts.append(
                Chart(
                    key="group_rates",
                    title=group_rates.title,
                    description=Msg(
                        "Honest travellers flagged: {rates}.",
                        rates=Seq(
                            Msg("{group} {rate}", group=r["group"], rate=Pct(r["fpr"], 1))
                            if r["fpr"] is not None
                            else Msg("{group} none to flag", group=r["group"])
                            for r in group_rows
                        ),
                    ),
                    spec=bar_chart(
                        group_rates.title,
                        fpr_rows,
                        x="measure",
                        y="rate",
                        x_title=N_("Measure"),
                        y_title=N_("Rate"),
                        color="group",
                        color_title=N_("Group"),
                        y_format="%",
                    ),
                    table=group_rates.key,
                )
            )

        checks, check_note = self._checks(n, base, sens_all, spec_all, tp, fp, e_ppv)
        findings = self._findings(
            n, base, tp, fp, fn, tn, s_ppv, e_ppv, s_per_liar, accuracy, acc_lo, acc_hi,
            group_rows, drop, share_b, border,
        )  # fmt: skip
        if check_note:
            findings = [*findings[:4], check_note]
        return Result(
            metrics=metrics,
            tables=[counts, flagged_table, curve, groups, group_rates],
            charts=charts,
            findings=findings,
            checks=checks,
        )

    @staticmethod
    def _checks(
        n: int,
        base: float,
        sens_all: float,
        spec_all: float,
        tp: int,
        fp: int,
        e_ppv: float,
    ) -> tuple[list[Check], Msg | str]:
        """The sampled share of right flags against Bayes' rule, and a consistency note.

        Each check fails outside the exact range a binomial sample falls in 99.99% of the time;
        when that range is everything (too few flags), no check is made and the second value
        is a sentence saying so.
        """
        checks = []
        note: Msg | str = ""
        p_fp = (1 - base) * (1 - spec_all)
        lo, hi = binomial_acceptance(n, p_fp)
        checks.append(
            Check(
                key="false_positives_vs_expected",
                label=N_("Honest travellers flagged: sampled vs the rates they were drawn from"),
                passed=lo <= fp <= hi,
                expected=Msg(
                    "{mean}: between {lo} and {hi} in 99.99% of samples",
                    mean=Num(n * p_fp, 1),
                    lo=Int(lo),
                    hi=Int(hi),
                ),
                observed=Msg("{n}", n=Int(fp)),
                reference=N_("Binomial sampling: n × (1 − base rate) × (1 − specificity)."),
                kind="consistency",
            )
        )
        flagged = tp + fp
        if flagged:
            lo, hi = binomial_acceptance(flagged, e_ppv)
            if lo == 0 and hi == flagged:
                note = Msg(
                    "Not enough data to check the share of right flags against Bayes' rule: "
                    "with {flagged} flags, any number of them being right is plausible.",
                    flagged=Int(flagged),
                )
            else:
                checks.append(
                    Check(
                        key="ppv_vs_bayes",
                        label=N_("Share of flags that are right: sampled vs Bayes' rule"),
                        passed=lo <= tp <= hi,
                        expected=Msg(
                            "{ppv}: between {share_lo} and {share_hi} ({lo} to {hi} right of "
                            "{flagged} flags) in 99.99% of samples",
                            ppv=Num(e_ppv, 4),
                            share_lo=Num(lo / flagged, 4),
                            share_hi=Num(hi / flagged, 4),
                            lo=Int(lo),
                            hi=Int(hi),
                            flagged=Int(flagged),
                        ),
                        observed=Msg(
                            "{share} ({tp} of {flagged})",
                            share=Num(tp / flagged, 4),
                            tp=Int(tp),
                            flagged=Int(flagged),
                        ),
                        reference=N_(
                            "Bayes' rule: PPV = sens·p ÷ (sens·p + (1 − spec)(1 − p)), "
                            "computed from the test's sensitivity and specificity, not from the "
                            "sample."
                        ),
                    )
                )
        else:
            p_flag = base * sens_all + p_fp
            p_none = (1 - p_flag) ** n
            checks.append(
                Check(
                    key="nobody_flagged",
                    label=N_("Nobody flagged: plausible for the rates drawn from"),
                    passed=p_none >= 1e-4,
                    expected=Msg(
                        "{mean} people flagged on average; nobody flagged with probability "
                        "{p_none}",
                        mean=Num(n * p_flag, 1),
                        p_none=_general(p_none),
                    ),
                    observed=N_("0 flagged"),
                    reference=N_("Binomial sampling of the expected flags."),
                    kind="consistency",
                )
            )
        return checks, note

    @staticmethod
    def _findings(
        n: int,
        base: float,
        tp: int,
        fp: int,
        fn: int,
        tn: int,
        s_ppv: float,
        e_ppv: float,
        s_per_liar: float,
        accuracy: float,
        acc_lo: float,
        acc_hi: float,
        group_rows: list[dict[str, Any]],
        drop: float,
        share_b: float,
        border: bool,
    ) -> list[Msg]:
        """Two to five sentences built from this run's numbers, in the run's wording
        (``border``: travellers and liars; otherwise people with and without a trait).

        Percentages get just enough decimals that two different values never print alike
        and nothing short of 100% prints as 100%. A difference between the groups is called
        real only beyond three standard errors; an undefined rate is said in words.
        """
        findings = []
        flagged = tp + fp
        liars = tp + fn
        ppv_s, ppv_e = distinct_pcts(s_ppv if flagged else 0.0, e_ppv, min_digits=1)
        v = {"flagged": Int(flagged), "tp": Int(tp), "ppv_s": ppv_s, "ppv_e": ppv_e}
        if flagged > 1 and tp == 1:
            findings.append(
                Msg(
                    "Of the {flagged} travellers flagged, one was lying: {ppv_s} of flags "
                    "were right (Bayes' rule predicts {ppv_e}).",
                    **v,
                )
                if border
                else Msg(
                    "Of the {flagged} people flagged, one had the trait: {ppv_s} of flags "
                    "were right (Bayes' rule predicts {ppv_e}).",
                    **v,
                )
            )
        elif flagged > 1:
            findings.append(
                plural(
                    "Of the {flagged} travellers flagged, {tp} was lying: {ppv_s} of flags "
                    "were right (Bayes' rule predicts {ppv_e}).",
                    "Of the {flagged} travellers flagged, {tp} were lying: {ppv_s} of flags "
                    "were right (Bayes' rule predicts {ppv_e}).",
                    tp,
                    **v,
                )
                if border
                else plural(
                    "Of the {flagged} people flagged, {tp} had the trait: {ppv_s} of flags "
                    "were right (Bayes' rule predicts {ppv_e}).",
                    "Of the {flagged} people flagged, {tp} had the trait: {ppv_s} of flags "
                    "were right (Bayes' rule predicts {ppv_e}).",
                    tp,
                    **v,
                )
            )
        elif flagged == 1 and tp:
            findings.append(
                Msg(
                    "Only one traveller was flagged, and the flag was right; Bayes' rule "
                    "predicts {ppv_e} of flags right.",
                    ppv_e=ppv_e,
                )
                if border
                else Msg(
                    "Only one person was flagged, and the flag was right; Bayes' rule "
                    "predicts {ppv_e} of flags right.",
                    ppv_e=ppv_e,
                )
            )
        elif flagged == 1:
            findings.append(
                Msg(
                    "Only one traveller was flagged, and the flag was wrong; Bayes' rule "
                    "predicts {ppv_e} of flags right.",
                    ppv_e=ppv_e,
                )
                if border
                else Msg(
                    "Only one person was flagged, and the flag was wrong; Bayes' rule "
                    "predicts {ppv_e} of flags right.",
                    ppv_e=ppv_e,
                )
            )
        else:
            findings.append(
                Msg("Nobody among the {n} travellers was flagged.", n=Int(n))
                if border
                else Msg("Nobody among the {n} people was flagged.", n=Int(n))
            )
        if tp and fp:
            if s_per_liar >= 1.05:
                ratio = Num(s_per_liar, 1)
                findings.append(
                    Msg(
                        "For each liar caught, {ratio} honest travellers were flagged.", ratio=ratio
                    )
                    if border
                    else Msg(
                        "For each person with the trait caught, {ratio} people without it "
                        "were flagged.",
                        ratio=ratio,
                    )
                )
            else:
                findings.append(
                    Msg(
                        "Fewer honest travellers than liars were flagged: {fp} against {tp}.",
                        fp=Int(fp),
                        tp=Int(tp),
                    )
                    if border
                    else Msg(
                        "Fewer people without it than people with the trait were flagged: "
                        "{fp} against {tp}.",
                        fp=Int(fp),
                        tp=Int(tp),
                    )
                )
        elif tp == 0 and liars == 1:
            findings.append(
                N_("The only liar among them was not caught.")
                if border
                else N_("The only person with the trait among them was not caught.")
            )
        elif tp == 0 and liars > 1:
            findings.append(
                Msg("None of the {liars} liars was caught.", liars=Int(liars))
                if border
                else Msg("None of the {liars} people with the trait was caught.", liars=Int(liars))
            )
        always_no = (tn + fp) / n
        acc, no = distinct_pcts(accuracy, always_no)
        lo, hi = distinct_pcts(acc_lo, acc_hi)
        within = acc_lo <= always_no <= acc_hi
        # Below 1,000 people the interval goes into every accuracy sentence: it is the point.
        shown = Msg("{acc} (95% interval {lo}–{hi})", acc=acc, lo=lo, hi=hi) if n < 1000 else acc
        a = {"shown": shown, "no": no, "n": Int(n)}
        if accuracy == always_no:
            findings.append(
                Msg(
                    "The test was right about {shown} of travellers, exactly as often as "
                    "clearing everyone would have been.",
                    **a,
                )
                if border
                else Msg(
                    "The test was right about {shown} of people, exactly as often as clearing "
                    "everyone would have been.",
                    **a,
                )
            )
        elif within:
            findings.append(
                Msg(
                    "The test was right about {shown} of travellers and clearing everyone "
                    "would have been right about {no}: with {n} travellers the difference is "
                    "within chance.",
                    **a,
                )
                if border
                else Msg(
                    "The test was right about {shown} of people and clearing everyone would "
                    "have been right about {no}: with {n} people the difference is within "
                    "chance.",
                    **a,
                )
            )
        elif always_no > accuracy:
            findings.append(
                Msg(
                    "The test was right about {shown} of travellers, yet clearing everyone "
                    "would have been right about {no}.",
                    **a,
                )
                if border
                else Msg(
                    "The test was right about {shown} of people, yet clearing everyone would "
                    "have been right about {no}.",
                    **a,
                )
            )
        else:
            b = {"acc": acc, "lo": lo, "hi": hi, "no": no}
            findings.append(
                Msg(
                    "The test was right about {acc} of travellers (95% interval {lo}–{hi}), "
                    "more than the {no} of clearing everyone.",
                    **b,
                )
                if border
                else Msg(
                    "The test was right about {acc} of people (95% interval {lo}–{hi}), more "
                    "than the {no} of clearing everyone.",
                    **b,
                )
            )
        if drop > 0 and share_b > 0 and len(group_rows) == 2:
            findings.append(_group_sentence(*group_rows, border))
        return findings[:5]


def _general(x: float) -> Num | str:
    """``x`` as ``:.2g`` writes it, typed when it is a plain decimal (so French gets a comma)."""
    text = f"{x:.2g}"
    if "e" in text or "n" in text:
        return text
    return Num(x, len(text.partition(".")[2]))


def _group_sentence(a: dict[str, Any], b: dict[str, Any], border: bool) -> Msg:
    """Group B's false alarms against group A's, in words that stay true for the counts."""
    if a["fpr"] is None or b["fpr"] is None:
        if a["fpr"] is None:
            return (
                N_(
                    "There were no honest travellers in group A, so its false-alarm rate is "
                    "undefined and the groups cannot be compared."
                )
                if border
                else N_(
                    "There were no people without it in group A, so its false-alarm rate is "
                    "undefined and the groups cannot be compared."
                )
            )
        return (
            N_(
                "There were no honest travellers in group B, so its false-alarm rate is "
                "undefined and the groups cannot be compared."
            )
            if border
            else N_(
                "There were no people without it in group B, so its false-alarm rate is "
                "undefined and the groups cannot be compared."
            )
        )
    if a["honest_flagged"] == 0 and b["honest_flagged"] == 0:
        return (
            N_("No honest travellers were flagged in either group.")
            if border
            else N_("No people without it were flagged in either group.")
        )
    fa, fb = distinct_pcts(a["fpr"], b["fpr"], min_digits=1)
    v = {"fa": fa, "fb": fb}
    z = two_proportion_z(a["honest_flagged"], a["honest"], b["honest_flagged"], b["honest"])
    if abs(z) < _Z_REAL:
        v |= {"nb": Int(b["honest"]), "na": Int(a["honest"])}
        return (
            Msg(
                "Honest travellers in group B were flagged at {fb}, against {fa} in group A: "
                "with {nb} and {na} of them, the difference is not clearly beyond chance (less "
                "than three standard errors).",
                **v,
            )
            if border
            else Msg(
                "People without it in group B were flagged at {fb}, against {fa} in group A: "
                "with {nb} and {na} of them, the difference is not clearly beyond chance (less "
                "than three standard errors).",
                **v,
            )
        )
    if a["fpr"] == 0:
        return (
            Msg("Honest travellers in group B were flagged at {fb}, and none in group A.", **v)
            if border
            else Msg("People without it in group B were flagged at {fb}, and none in group A.", **v)
        )
    if b["fpr"] == 0:
        return (
            Msg("Honest travellers in group A were flagged at {fa}, and none in group B.", **v)
            if border
            else Msg("People without it in group A were flagged at {fa}, and none in group B.", **v)
        )
    ratio = b["fpr"] / a["fpr"]
    if ratio >= 1:
        v["ratio"] = Num(ratio, 2 if ratio < 1.1 else 1)
        return (
            Msg(
                "Honest travellers in group B were flagged at {fb}, against {fa} in group A "
                "({ratio} times as often).",
                **v,
            )
            if border
            else Msg(
                "People without it in group B were flagged at {fb}, against {fa} in group A "
                "({ratio} times as often).",
                **v,
            )
        )
    v["ratio"] = Num(1 / ratio, 2 if ratio > 1 / 1.1 else 1)
    return (
        Msg(
            "Honest travellers in group B were flagged at {fb}, against {fa} in group A "
            "(group A {ratio} times as often).",
            **v,
        )
        if border
        else Msg(
            "People without it in group B were flagged at {fb}, against {fa} in group A "
            "(group A {ratio} times as often).",
            **v,
        )
    )


SIMULATION = BaseRateSimulation()
