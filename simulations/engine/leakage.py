"""Information leakage: a feature recorded after the outcome makes a rare-event model look good."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split

from ._shared import g_pct
from ._stats import binomial_tolerance, hanley_mcneil_se
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed
from .charts import bar_chart
from .text import N_, Int, Msg, Num, Pct, plural

NDAS_SOURCE = N_(
    "NDAS 'Most Serious Violence' model: 2.4m (West Midlands) and 1.1m (West Yorkshire) "
    "records, a coding error in how the training data were defined, 'up to 75%' accuracy "
    "claimed, 14–19% / 9–18% after the fix (WIRED, Matt Burgess, 6 Aug 2020; AI Business, "
    "11 Aug 2020)"
)

_MIN_EXPECTED_OFFENDERS = 20  # people × base rate: below this there is no model to test
_MIN_OFFENDERS = 4  # guaranteed, so the stratified split puts offenders in both sets
_MAX_AUC_TOLERANCE = 0.15  # a wider band around the marker's AUC would check nothing
LEAKY_TESTED = N_("Leaky model, tested")
LEAKY_DEPLOYED = N_("Leaky model, deployed")
CLEAN = N_("Model without the marker")
ALWAYS_NO = N_("Always answer 'no'")


def _in_points(value: Num, size: float) -> Msg:
    """``value`` followed by "points"; the count lets French write "0,5 point" (singular
    below 2) while English always says "points"."""
    return plural("{size} points", "{size} points", int(abs(size)), size=value)


class LeakageSimulation(Simulation):
    """A rare outcome, honest predictors, and a marker written after the outcome."""

    slug = "leakage"
    title = N_("Information leakage: predicting what the data already know")
    question = N_(
        "How can a model of a rare outcome look accurate in testing and be useless in use, "
        "when one of its inputs was recorded after the outcome happened?"
    )
    version = "3"
    cases = ("ndas",)
    themes = ("information-leakage", "base-rate-fallacy")
    explanation = N_("""
**The model.** Synthetic people known to police; a small share go on to commit a serious
violent offence (the *base rate*). Three honest predictors (prior offences, offences with
others, age at first offence) differ a little between those who will and will not offend.
A fourth column, the **marker**, is written into the record *after* an offence (say, a flag
added during the investigation): by mistake it is in the training data. A scikit-learn
logistic regression is trained on 70% of the records and tested on the other 30%, once
with the marker and once without. Then the leaky model is used as it would be in practice,
*before* anyone has offended, when the marker is not there yet.

**What to try.**

- Keep the defaults and compare the leaky model's AUC in testing with its AUC at
  deployment.
- Set *leak strength* to 0: testing and deployment agree, and both are modest.
- Lower the *base rate* to 0.1%: always answering "no" is right 99.9% of the time.
- Raise *honest signal* to see what genuinely predictive data would give.

**What to look for.** Accuracy next to the accuracy of always answering "no"; AUC in
testing versus at deployment; how many offenders are caught at a 50% threshold in testing and
at deployment. When the honest signal is strong, the leaky model ranks people at deployment
about as well as a model without the marker: the harm is then in the test score, which
promised more than the model can give, and in the probabilities, which lean on a marker that
is never there in use, so far fewer people are flagged.

**Limits.** NDAS's actual error was reported as a coding error in how the training data
were defined; its details are not public, so the marker here is a stand-in for that kind of
mistake, not a reconstruction. The predictors, the effect sizes and the marker rates are
teaching values. Press reports of NDAS's "accuracy" did not define the metric.
""")
    params = (
        Param(
            name="people",
            type="int",
            default=20_000,
            min=2_000,
            max=200_000,
            step=1000,
            label=N_("People in the records"),
            help=N_("Size of the synthetic police records (70% train, 30% test)."),
            unit=N_("people"),
        ),
        Param(
            name="base_rate",
            type="float",
            default=1.0,
            min=0.1,
            max=10.0,
            step=0.1,
            label=N_("Base rate"),
            help=N_("Share of people who go on to commit the offence."),
            unit="%",
        ),
        Param(
            name="leak_strength",
            type="float",
            default=80.0,
            min=0.0,
            max=100.0,
            step=5,
            label=N_("Leak strength"),
            help=N_("Share of offenders whose record carries the after-the-fact marker."),
            unit="%",
        ),
        Param(
            name="marker_false_rate",
            type="float",
            default=0.5,
            min=0.0,
            max=20.0,
            step=0.1,
            label=N_("Marker on non-offenders"),
            help=N_("Share of non-offenders whose record carries the marker anyway."),
            unit="%",
        ),
        Param(
            name="signal",
            type="float",
            default=0.6,
            min=0.0,
            max=2.0,
            step=0.1,
            label=N_("Honest signal"),
            help=N_(
                "How far offenders' honest predictors differ from others', in standard deviations."
            ),
            unit=N_("SD"),
        ),
    )
    presets = (
        Preset(
            slug="ndas-1pct",
            title=N_("NDAS-like records, 1% base rate"),
            description=N_(
                "West Midlands' 2.4 million records scaled down 100 times to 24,000; "
                "1% go on to a first serious violent offence (the upper end of the teaching "
                "range). The leak strength and predictors are teaching values."
            ),
            params={"people": 24_000, "base_rate": 1.0},
            case="ndas",
            source=Msg(
                "{source}. 24,000 = 2.4m ÷ 100 (scaled for speed); the base rate of "
                "1% and the leak are teaching values, not published figures.",
                source=NDAS_SOURCE,
            ),
        ),
        Preset(
            slug="ndas-0-1pct",
            title=N_("NDAS-like records, 0.1% base rate"),
            description=N_(
                "The same records with a 0.1% base rate (the lower end of the teaching "
                "range): about 24 offenders among 24,000 people."
            ),
            params={"people": 24_000, "base_rate": 0.1},
            case="ndas",
            source=Msg(
                "{source}. The base rate of 0.1% is a teaching value, not a published figure.",
                source=NDAS_SOURCE,
            ),
        ),
        Preset(
            slug="ndas-after-fix",
            title=N_("After the fix: no leak"),
            description=N_(
                "The marker removed from the records (leak strength 0): what is left is "
                "the honest, modest signal. NDAS's reported accuracy fell from 'up to 75%' to "
                "14–19% once its error was fixed; this run does not reproduce those figures."
            ),
            params={"people": 24_000, "base_rate": 1.0, "leak_strength": 0.0},
            case="ndas",
            source=Msg(
                "{source}. The figures are quoted for context only; the run's values "
                "are teaching values.",
                source=NDAS_SOURCE,
            ),
        ),
    )

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """Enough expected offenders to train and test a model."""
        expected = p["people"] * p["base_rate"] / 100
        if expected < _MIN_EXPECTED_OFFENDERS:
            return {
                "base_rate": [
                    Msg(
                        "With {people} people and a base rate of {base_rate}, only about "
                        "{expected} would offend: too few to train and test a model. Use more "
                        "people or a higher base rate (at least {minimum} expected offenders).",
                        people=Int(p["people"]),
                        base_rate=g_pct(p["base_rate"]),
                        expected=Num(expected, 0),
                        minimum=Int(_MIN_EXPECTED_OFFENDERS),
                    )
                ]
            }
        return {}

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Train with and without the leaked marker; test, then deploy without it.

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
        n = p["people"]
        base = p["base_rate"] / 100
        leak, false_mark = p["leak_strength"] / 100, p["marker_false_rate"] / 100
        d = p["signal"]
        y = (rng.random(n) < base).astype(int)
        if y.sum() < _MIN_OFFENDERS:
            # So rare that even check_params' expected 20 gave fewer than four: make up the
            # difference, so both the training and the test set hold offenders.
            extra = rng.choice(np.flatnonzero(y == 0), _MIN_OFFENDERS - int(y.sum()), False)
            y[extra] = 1
        honest = np.column_stack(
            [
                rng.standard_normal(n) + d * y,  # prior offences (standardised)
                rng.standard_normal(n) + 0.5 * d * y,  # offences committed with others
                rng.standard_normal(n) - 0.5 * d * y,  # age at first offence
            ]
        )
        marker = (rng.random(n) < np.where(y == 1, leak, false_mark)).astype(float)
        x_all = np.column_stack([honest, marker])
        idx_train, idx_test = train_test_split(
            np.arange(n), test_size=0.3, stratify=y, random_state=derive_seed(rng)
        )
        y_train, y_test = y[idx_train], y[idx_test]
        leaky = LogisticRegression(max_iter=1000).fit(x_all[idx_train], y_train)
        clean = LogisticRegression(max_iter=1000).fit(honest[idx_train], y_train)
        deployed = x_all[idx_test].copy()
        deployed[:, 3] = 0.0  # before the offence, the marker has not been written yet

        scenarios = {
            LEAKY_TESTED: leaky.predict_proba(x_all[idx_test])[:, 1],
            LEAKY_DEPLOYED: leaky.predict_proba(deployed)[:, 1],
            CLEAN: clean.predict_proba(honest[idx_test])[:, 1],
        }
        rows = []
        for name, score in scenarios.items():
            flag = (score >= 0.5).astype(int)
            rows.append(
                {
                    "model": name,
                    "auc": float(roc_auc_score(y_test, score)),
                    "accuracy": float(accuracy_score(y_test, flag)),
                    "recall": float(recall_score(y_test, flag, zero_division=0)),
                    "precision": float(precision_score(y_test, flag, zero_division=0))
                    if flag.any()
                    else None,
                    "flagged": int(flag.sum()),
                }
            )
        always_no = float(accuracy_score(y_test, np.zeros_like(y_test)))
        rows.append(
            {
                "model": ALWAYS_NO,
                "auc": 0.5,
                "accuracy": always_no,
                "recall": 0.0,
                "precision": None,
                "flagged": 0,
            }
        )
        by = {r["model"]: r for r in rows}
        tested, deployed_row, honest_row = (
            by[LEAKY_TESTED],
            by[LEAKY_DEPLOYED],
            by[CLEAN],
        )
        n_pos = int(y_test.sum())
        n_neg = len(y_test) - n_pos

        metrics = [
            Metric(
                key="offenders_test",
                label=N_("Offenders in the test set"),
                value=n_pos,
                unit=N_("people"),
            ),
            Metric(
                key="test_size",
                label=N_("People in the test set"),
                value=len(y_test),
                unit=N_("people"),
            ),
            Metric(
                key="auc_tested",
                label=N_("AUC with the leak, in testing"),
                value=tested["auc"],
                unit="AUC",
            ),
            Metric(
                key="auc_deployed",
                label=N_("AUC with the leak, at deployment"),
                value=deployed_row["auc"],
                unit="AUC",
            ),
            Metric(
                key="auc_clean",
                label=N_("AUC without the marker"),
                value=honest_row["auc"],
                unit="AUC",
            ),
            Metric(
                key="accuracy_tested",
                label=N_("Accuracy with the leak, in testing"),
                value=tested["accuracy"],
                unit="share",
            ),
            Metric(
                key="recall_tested",
                label=N_("Offenders caught with the leak, in testing"),
                value=tested["recall"],
                unit="share",
            ),
            Metric(
                key="recall_deployed",
                label=N_("Offenders caught at deployment"),
                value=deployed_row["recall"],
                unit="share",
            ),
            Metric(
                key="always_no_accuracy",
                label=N_("Accuracy of always answering 'no'"),
                value=always_no,
                unit="share",
            ),
            Metric(
                key="weight_marker",
                label=N_("Weight the leaky model put on the marker"),
                value=float(leaky.coef_[0][3]),
                unit=N_("log-odds"),
            ),
        ]
        table = Table(
            key="models",
            title=N_("Testing versus deployment (threshold 50%)"),
            columns=[
                ("model", N_("Model")),
                ("auc", "AUC"),
                ("accuracy", N_("Accuracy")),
                ("recall", N_("Offenders caught")),
                ("precision", N_("Flags that are right")),
                ("flagged", N_("People flagged")),
            ],
            rows=rows,
        )
        chart_rows = [
            {"model": r["model"], "measure": measure, "value": r[key]}
            for r in rows
            for measure, key in (
                ("AUC", "auc"),
                (N_("Accuracy"), "accuracy"),
                (N_("Offenders caught"), "recall"),
            )
        ]
        chart_table = Table(
            key="models_long",
            title=N_("AUC, accuracy and offenders caught, by model"),
            columns=[("model", N_("Model")), ("measure", N_("Measure")), ("value", N_("Value"))],
            rows=chart_rows,
        )
        charts = [
            Chart(
                key="models_long",
                title=chart_table.title,
                description=Msg(
                    "The leaky model's AUC is {tested} in testing and {deployed} at deployment; "
                    "always answering 'no' is {always_no} accurate.",
                    tested=Num(tested["auc"], 2),
                    deployed=Num(deployed_row["auc"], 2),
                    always_no=Pct(always_no, 1),
                ),
                spec=bar_chart(
                    chart_table.title,
                    chart_rows,
                    x="measure",
                    y="value",
                    x_title=N_("Measure"),
                    y_title=N_("Value (0 to 1)"),
                    color="model",
                    color_title=N_("Model"),
                ),
                table=chart_table.key,
            )
        ]

        checks = []
        tol = binomial_tolerance(1 - base, len(y_test))
        checks.append(
            Check(
                key="always_no_accuracy",
                label=N_("Always answering 'no' is right 1 − base rate of the time"),
                passed=abs(always_no - (1 - base)) <= tol,
                expected=Msg(
                    "{value} ± {tolerance}", value=Num(1 - base, 4), tolerance=Num(tol, 4)
                ),
                observed=Msg(
                    "{accuracy} on {n} test records",
                    accuracy=Num(always_no, 4),
                    n=Int(len(y_test)),
                ),
                reference=N_(
                    "Arithmetic: accuracy of a constant 'no' = share of negatives; the "
                    "test set is drawn at this base rate."
                ),
                kind="consistency",
            )
        )
        expected = 0.5 * (1 + leak - false_mark)
        # A binary score's AUC is (1 + TPR − FPR) / 2 exactly, so its sampling error is that of
        # two binomial proportions (plus half a count for discreteness).
        auc_tol = (
            4 * 0.5 * math.sqrt(leak * (1 - leak) / n_pos + false_mark * (1 - false_mark) / n_neg)
            + 0.5 / n_pos
        )
        marker_note: Msg | str = ""
        if auc_tol <= _MAX_AUC_TOLERANCE:
            auc_marker = float(roc_auc_score(y_test, marker[idx_test]))
            checks.append(
                Check(
                    key="marker_auc",
                    label=N_(
                        "The marker alone: AUC = (1 + share of offenders marked − share of "
                        "others marked) ÷ 2"
                    ),
                    passed=abs(auc_marker - expected) <= auc_tol + 1e-9,
                    expected=Msg(
                        "{value} ± {tolerance} (four binomial standard errors of the two shares)",
                        value=Num(expected, 3),
                        tolerance=Num(auc_tol, 3),
                    ),
                    observed=Msg("{auc}", auc=Num(auc_marker, 3)),
                    reference=N_(
                        "The area under the ROC curve of a yes/no score is "
                        "(1 + true-positive rate − false-positive rate) / 2: the ROC curve is two "
                        "straight segments through that one point."
                    ),
                )
            )
        else:
            marker_note = Msg(
                "Not enough data to check the marker's AUC against its formula: with {n_pos} "
                "offenders in the test set, chance alone could move it by ±{tolerance}.",
                n_pos=str(n_pos),
                tolerance=Num(auc_tol, 2),
            )
        findings = self._findings(
            base, leak, false_mark, tested, deployed_row, honest_row, always_no, n_pos, n_neg
        )
        if marker_note:
            findings = [*findings[:4], marker_note]
        return Result(
            metrics=metrics,
            tables=[table, chart_table],
            charts=charts,
            findings=findings,
            checks=checks,
        )

    @staticmethod
    def _findings(
        base: float,
        leak: float,
        false_mark: float,
        tested: dict[str, Any],
        deployed: dict[str, Any],
        honest: dict[str, Any],
        always_no: float,
        n_pos: int,
        n_neg: int,
    ) -> list[str]:
        """Two to five sentences built from this run's numbers.

        The AUC is said to fall at deployment only when the fall exceeds both 0.05 and two
        Hanley–McNeil standard errors; when the marker carries no information (marked as often
        among offenders as among others) the text says so; when the ranking barely changes but
        the flags do, the text says what the marker did to the flags.
        """
        findings: list[Msg] = []
        t_auc, d_auc = Num(tested["auc"], 2), Num(deployed["auc"], 2)
        h_auc = Num(honest["auc"], 2)
        caught_t, caught_d = Pct(tested["recall"]), Pct(deployed["recall"])
        drop = tested["auc"] - deployed["auc"]
        noise = 2 * hanley_mcneil_se(deployed["auc"], n_pos, n_neg)
        flags_changed = tested["recall"] > deployed["recall"] + 0.05
        if drop >= max(0.05, noise) and leak != false_mark:
            findings.append(
                Msg(
                    "With the after-the-fact marker, the model scored an AUC of {t_auc} in "
                    "testing but {d_auc} when used before anyone had offended.",
                    t_auc=t_auc,
                    d_auc=d_auc,
                )
            )
        elif leak == false_mark:
            findings.append(
                Msg(
                    "Testing and deployment agree (AUC {t_auc} and {d_auc}): the marker is on "
                    "{leak} of offenders' records and of other people's alike, so it says "
                    "nothing about who offends.",
                    t_auc=t_auc,
                    d_auc=d_auc,
                    leak=Pct(leak),
                )
            )
        elif flags_changed:
            findings.append(
                Msg(
                    "The marker barely changed how the model ranks people (AUC {t_auc} in "
                    "testing, {d_auc} at deployment; {h_auc} without the marker), but it changed "
                    "who is flagged: at a 50% threshold the leaky model caught {caught_t} of the "
                    "{n_pos} offenders in testing but {caught_d} at deployment, when nobody "
                    "carries the marker yet.",
                    t_auc=t_auc,
                    d_auc=d_auc,
                    h_auc=h_auc,
                    caught_t=caught_t,
                    caught_d=caught_d,
                    n_pos=Int(n_pos),
                )
            )
        elif drop < 0.05:
            findings.append(
                Msg(
                    "Testing and deployment agree (AUC {t_auc} and {d_auc}): the marker, on "
                    "{leak} of offenders' records and {false_mark} of other people's, "
                    "changed little in this run.",
                    t_auc=t_auc,
                    d_auc=d_auc,
                    leak=Pct(leak),
                    false_mark=Pct(false_mark, 1),
                )
            )
        else:
            findings.append(
                Msg(
                    "Testing and deployment differ (AUC {t_auc} and {d_auc}) by no more than "
                    "chance gives with {n_pos} offenders in the test set.",
                    t_auc=t_auc,
                    d_auc=d_auc,
                    n_pos=Int(n_pos),
                )
            )
        gain = honest["accuracy"] - always_no
        accuracy = {
            "no_acc": Pct(always_no, 1),
            "honest_acc": Pct(honest["accuracy"], 1),
            "base_pct": Pct(base, 1),
        }
        if abs(gain) < 0.0005:
            findings.append(
                Msg(
                    "Always answering 'no' was right {no_acc} of the time, because only about "
                    "{base_pct} of people go on to offend; the model without the marker reached "
                    "{honest_acc}, no better.",
                    **accuracy,
                )
            )
        elif gain > 0:
            findings.append(
                Msg(
                    "Always answering 'no' was right {no_acc} of the time, because only about "
                    "{base_pct} of people go on to offend; the model without the marker reached "
                    "{honest_acc}, better by {points}.",
                    points=_in_points(Num(100 * gain, 2), 100 * gain),
                    **accuracy,
                )
            )
        else:
            findings.append(
                Msg(
                    "Always answering 'no' was right {no_acc} of the time, because only about "
                    "{base_pct} of people go on to offend; the model without the marker reached "
                    "{honest_acc}, worse by {points}.",
                    points=_in_points(Num(-100 * gain, 2), 100 * gain),
                    **accuracy,
                )
            )
        if flags_changed and findings[0].startswith("With the after-the-fact marker"):
            findings.append(
                Msg(
                    "In testing the leaky model caught {caught_t} of the {n_pos} offenders; at "
                    "deployment it caught {caught_d}.",
                    caught_t=caught_t,
                    caught_d=caught_d,
                    n_pos=Int(n_pos),
                )
            )
        if honest["flagged"] == 0:
            findings.append(
                N_(
                    "Without the marker the model flagged nobody in the test set at a 50% "
                    "threshold: for no one did the honest predictors make an offence more likely "
                    "than not."
                )
            )
        elif honest["flagged"] == 1 and honest["precision"]:
            findings.append(
                N_(
                    "Without the marker the model flagged one person in the test set, who went "
                    "on to offend."
                )
            )
        elif honest["flagged"] == 1:
            findings.append(
                N_(
                    "Without the marker the model flagged one person in the test set, who did not "
                    "go on to offend."
                )
            )
        else:
            findings.append(
                Msg(
                    "Without the marker, {precision} of the {flagged} people flagged went on to "
                    "offend.",
                    precision=Pct(honest["precision"]),
                    flagged=Int(honest["flagged"]),
                )
            )
        return findings[:5]


SIMULATION = LeakageSimulation()
