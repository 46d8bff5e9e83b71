"""Metric mismatch: a rare positive class, a model chosen by accuracy against models trained with
class weights or a cost-sensitive loss, and the model each metric would pick."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from scipy.stats import norm
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from ._shared import g_pct, sig
from ._stats import binomial_acceptance, two_proportion_z, wilson_interval
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed
from .charts import bar_chart
from .text import N_, Int, Msg, Num, Pct, Seq

N_FEATURES = 3
Z_CLAIM = 3.0  # a difference is called real only beyond 3 standard errors (two-sided ~0.3%)
_MIN_EXPECTED_POSITIVES = 80  # cases × prevalence: below this there is nothing to test
_MIN_POSITIVES = 8  # guaranteed, so the stratified splits all hold positives

# The candidate models, in the order ties are broken (the simplest first).
MODELS = ("always_no", "always_yes", "plain", "threshold", "balanced", "cost")
MODEL_LABELS = {
    "always_no": N_("Always negative (flags nobody)"),
    "always_yes": N_("Flag everyone"),
    "plain": N_("Plain log loss, threshold 50%"),
    "threshold": N_("Plain log loss, threshold 1/(1+c)"),
    "balanced": N_("Balanced class weights"),
    "cost": N_("Cost-weighted loss"),
}
# The metrics a model can be chosen by; True where higher is better.
SELECTORS = {
    "accuracy": (N_("Accuracy"), True),
    "balanced_accuracy": (N_("Balanced accuracy"), True),
    "recall": (N_("Recall (sensitivity)"), True),
    "precision": (N_("Precision (PPV)"), True),
    "cost_per_1000": (N_("Cost per 1,000 decisions"), False),
}
BAYES_COST = N_(
    "Bayes decision rule in closed form: with two Gaussian classes a distance d apart, a share π "
    "of positives and a missed positive costing c false alarms, the least expected cost per "
    "decision is (1−π)·Φ(−k−d/2) + π·c·Φ(k−d/2), with k = ln((1−π)/(π·c))/d. Reweighting the "
    "loss and moving a calibrated model's threshold to 1/(1+c) both aim at it (Elkan, 'The "
    "Foundations of Cost-Sensitive Learning', IJCAI 2001)"
)
ALWAYS_NO_NOTE = N_(
    "Arithmetic: a model that never flags anyone is right on every negative and wrong on every "
    "positive, so its accuracy is the share of negatives; the cases are drawn with this "
    "prevalence."
)
TEACHING_SOURCE = N_(
    "Teaching values, not published figures. The method follows C. Elkan, 'The Foundations of "
    "Cost-Sensitive Learning', Proceedings of IJCAI 2001; the metrics are scikit-learn's."
)


def _g(x: float) -> Int | Num:
    """A cost ratio as typed: 10 → '10', 2.5 → '2.5'."""
    text = f"{x:g}"
    if "." in text:
        return Num(x, len(text.partition(".")[2]))
    return Int(int(x))


def bayes_rates(prevalence: float, cost: float, separation: float) -> tuple[float, float]:
    """Expected false alarms and missed positives per decision of the Bayes decision rule.

    Parameters
    ----------
    prevalence : float
        Share of positives π (0 < π < 1).
    cost : float
        Cost of a missed positive in false alarms (c ≥ 1).
    separation : float
        Distance d between the two classes' means, in noise standard deviations.

    Returns
    -------
    tuple of float
        ``(q_fp, q_fn)``: the shares of all decisions that are false alarms and misses when
        flagging exactly where P(positive | x) > 1/(1+c).
    """
    cut = math.log((1 - prevalence) / (prevalence * cost)) / separation
    q_fp = (1 - prevalence) * norm.cdf(-cut - separation / 2)
    q_fn = prevalence * norm.cdf(cut - separation / 2)
    return float(q_fp), float(q_fn)


def _cases(
    n: int, prevalence: float, separation: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` cases: three noisy features whose means differ by ``separation`` along one
    direction between positives (1) and negatives (0)."""
    y = (rng.random(n) < prevalence).astype(int)
    if y.sum() < _MIN_POSITIVES:
        extra = rng.choice(np.flatnonzero(y == 0), _MIN_POSITIVES - int(y.sum()), replace=False)
        y[extra] = 1
    direction = np.ones(N_FEATURES) / math.sqrt(N_FEATURES)
    centre = np.where(y == 1, separation / 2, -separation / 2)
    x = rng.normal(size=(n, N_FEATURES)) + centre[:, None] * direction
    return x, y


def _scores(y: np.ndarray, flag: np.ndarray, cost: float) -> dict[str, Any]:
    """Counts and the five metrics of one model's decisions."""
    # scikit-learn's confusion_matrix, by one bincount (its input checks cost more than the
    # count itself at 50,000 rows): cells in its order, tn, fp, fn, tp.
    tn, fp, fn, tp = (int(v) for v in np.bincount(2 * y + flag, minlength=4))
    n, pos, neg = len(y), tp + fn, tn + fp
    recall = tp / pos if pos else 0.0
    specificity = tn / neg if neg else 0.0
    return {
        "accuracy": (tp + tn) / n,
        "balanced_accuracy": (recall + specificity) / 2,
        "recall": recall,
        # Undefined (None, a dash in the table) when the model flags nobody.
        "precision": tp / (tp + fp) if tp + fp else None,
        "cost_per_1000": 1000 * (cost * fn + fp) / n,
        "false_alarms_per_1000": 1000 * fp / n,
        "flagged_share": (tp + fp) / n,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "n": n,
        "positives": pos,
        "negatives": neg,
    }


def _pick(scores: dict[str, dict[str, Any]], metric: str, higher: bool) -> str:
    """The model a metric ranks first (ties to the simplest model; undefined values skipped)."""
    best, best_value = "", None
    for model in MODELS:
        value = scores[model][metric]
        if value is None:
            continue
        if (
            best_value is None
            or (higher and value > best_value + 1e-12)
            or (not higher and value < best_value - 1e-12)
        ):
            best, best_value = model, value
    return best


def _paired_z(a: np.ndarray, b: np.ndarray) -> float:
    """z of the mean of the per-decision differences ``b − a`` (0 when they never differ)."""
    diff = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    sd = float(diff.std(ddof=1)) if len(diff) > 1 else 0.0
    if sd == 0:
        return 0.0
    return float(diff.mean() / (sd / math.sqrt(len(diff))))


class MetricMismatchSimulation(Simulation):
    """Pick a model by accuracy, by balanced accuracy, by recall, by precision or by cost."""

    slug: ClassVar[str] = "metric-mismatch"
    title: ClassVar[str] = N_("Metric mismatch: when accuracy picks the wrong model")
    question: ClassVar[str] = N_(
        "When positives are rare and a missed positive costs more than a false alarm, which "
        "model does accuracy choose, and what does a loss weighted by the real costs change?"
    )
    version: ClassVar[str] = "1"
    cases: ClassVar[tuple[str, ...]] = ("iborderctrl", "cnaf-risk-score")
    themes: ClassVar[tuple[str, ...]] = (
        "loss-function",
        "base-rate-fallacy",
        "acceptance-of-errors",
    )
    explanation: ClassVar[str] = N_("""
**The model.** Synthetic cases, a share of which are *positives* (a fraud, a liar, a
disease): the *prevalence*. Three noisy features differ a little between positives and
negatives. The cases are split into a training set (50%), a validation set (25%) on which each
metric chooses a model, and a test set (25%) on which everything is measured. Six candidates:

- two trivial baselines, scikit-learn's `DummyClassifier`: **always negative** (flags nobody)
  and **flag everyone**;
- a logistic regression trained with the **plain log loss**, each error counting the same,
  flagging when its probability exceeds 50%;
- the same model with its **threshold moved** to 1/(1+c), as in the simulation
  [*Asymmetric costs*](../asymmetric-costs/), which moves a threshold without retraining;
- a logistic regression trained with **`class_weight='balanced'`**: each class weighs as much
  as the other in the loss, whatever its size;
- a logistic regression trained with a **cost-weighted loss**: each positive counts c times,
  where c is what a missed positive costs in false alarms (the need).

For each model: accuracy, balanced accuracy (the mean of sensitivity and specificity), recall
(sensitivity), precision (positive predictive value) and the **cost per 1,000 decisions** (a
false alarm costs 1, a missed positive c).

**What to try.** Lower the prevalence to 0.5%: the trivial baseline is right 99.5% of the time
and accuracy can hardly tell it from a model. Set the cost ratio to 1: cost and accuracy agree,
and class weights become the mismatch. Set the prevalence to 50%: class weights do nothing.

**What to look for.** The table "which model each metric picks": the same data, the same
candidates, and each metric chooses another model. Accuracy rewards flagging almost nobody;
recall alone rewards flagging everyone; only the cost says what the errors are worth.

**Limits.** Every number is synthetic, and c is a value judgement that no loss function
settles: what is one wrongly controlled household worth against one overpayment missed? The
model here is well specified (the classes are Gaussian), so the plain model's probabilities are
calibrated and moving its threshold works as well as reweighting; with a misspecified or
uncalibrated model the two routes part.
""")
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="prevalence",
            type="float",
            default=2.0,
            min=0.5,
            max=50.0,
            step=0.5,
            label=N_("Prevalence"),
            help=N_("Share of positives among the cases (the base rate)."),
            unit="%",
        ),
        Param(
            name="cost_ratio",
            type="float",
            default=10.0,
            min=1.0,
            max=100.0,
            step=1.0,
            label=N_("Cost of a missed positive"),
            help=N_("How many false alarms one missed positive costs (c); 1 means equal costs."),
            unit="×",
        ),
        Param(
            name="separation",
            type="float",
            default=2.0,
            min=0.5,
            max=4.0,
            step=0.1,
            label=N_("Separation"),
            help=N_(
                "Distance between positives' and negatives' features, in noise standard "
                "deviations: how much signal the data carry."
            ),
            unit=N_("SD"),
        ),
        Param(
            name="cases",
            type="int",
            default=40_000,
            min=2_000,
            max=200_000,
            step=1_000,
            label=N_("Cases"),
            help=N_("Number of cases (50% to train, 25% to choose the model, 25% to test)."),
            unit=N_("cases"),
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="rare-positives",
            title=N_("Rare positives, costly misses"),
            description=N_(
                "100,000 cases, 1% positives, a missed positive worth 20 false alarms: compare "
                "the models that accuracy and cost choose."
            ),
            params={"prevalence": 1.0, "cost_ratio": 20.0, "cases": 100_000},
            source=TEACHING_SOURCE,
        ),
        Preset(
            slug="iborderctrl-staged-test",
            title=N_("iBorderCtrl: the staged test, half of them lying"),
            description=N_(
                "About 30 people, half told to lie: 50% prevalence. The separation 1.4 puts the "
                "best possible accuracy at 76%, the figure reported for the detector; with "
                "balanced classes and equal costs, accuracy measures what matters."
            ),
            params={"prevalence": 50.0, "cost_ratio": 1.0, "separation": 1.4},
            case="iborderctrl",
            source=N_(
                "76% in a staged test of about 30 people, half told to lie: Douglas Heaven, "
                "'An AI lie detector will interrogate travellers at some EU borders', New "
                "Scientist, 2018; The Intercept, 26 July 2019, gives 32 people. The separation "
                "is derived from the 76%; the costs are teaching values."
            ),
        ),
        Preset(
            slug="iborderctrl-at-the-border",
            title=N_("iBorderCtrl: the same detector at a border, 1% liars"),
            description=N_(
                "The detector of the staged test, used on 200,000 travellers of whom 1% lie (an "
                "assumption: no share of lying travellers is published), a missed liar counted "
                "as 10 false alarms (an assumption too)."
            ),
            params={"prevalence": 1.0, "cost_ratio": 10.0, "separation": 1.4, "cases": 200_000},
            case="iborderctrl",
            source=N_(
                "Detector quality from the 76% reported by New Scientist (Douglas Heaven, 'An AI "
                "lie detector will interrogate travellers at some EU borders', 2018); the 1% "
                "prevalence and the cost ratio are assumptions, not published figures."
            ),
        ),
        Preset(
            slug="cnaf-controls",
            title=N_("CNAF: choosing whom to control"),
            description=N_(
                "13,800 households, 13.8 million scaled down 1,000 times; 14.2% positives, the "
                "share of fraud cases found among the 10,560 accounts analysed for the 2012 "
                "learning base (today's share is not published). In 2024 the score triggered "
                "about 166,000 controls, some 12 for every 1,000 households (166,000 ÷ 13.8 "
                "million, our arithmetic). The separation and the cost ratio are assumptions."
            ),
            params={"prevalence": 14.2, "cost_ratio": 5.0, "separation": 1.5, "cases": 13_800},
            case="cnaf-risk-score",
            source=N_(
                "13.8 million households scored: Sénat, rapport d'information n° 491 "
                "(2023-2024), 'IA, impôts, prestations sociales et lutte contre la fraude', "
                "2 April 2024. 1,500 fraud cases among 10,560 accounts in the 2012 learning "
                "base: Réseaux & Télécoms, 'Data Mining : 500 000 allocataires de la CNAF "
                "présenteraient un risque de fraude', 29 May 2012 (one press source). About "
                "166,000 controls selected by the score in 2024: CNAF figures reported by "
                "Moneyvox, 'Aides de la CAF : ce qui change avec le nouvel algorithme de "
                "contrôle', January 2026. The separation and the cost ratio are assumptions."
            ),
        ),
        Preset(
            slug="balanced-classes",
            title=N_("Balanced classes, equal costs"),
            description=N_(
                "50% positives and a missed positive costing one false alarm: the cause is "
                "switched off, and accuracy is the right metric."
            ),
            params={"prevalence": 50.0, "cost_ratio": 1.0},
            source=TEACHING_SOURCE,
        ),
    )

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """Enough expected positives to train, choose and test."""
        expected = p["cases"] * p["prevalence"] / 100
        if expected < _MIN_EXPECTED_POSITIVES:
            return {
                "prevalence": [
                    Msg(
                        "With {cases} cases and a prevalence of {prevalence}, only about "
                        "{expected} would be positive: too few to train, choose and test a "
                        "model. Use more cases or a higher prevalence (at least {minimum} "
                        "expected positives).",
                        cases=Int(p["cases"]),
                        prevalence=g_pct(p["prevalence"]),
                        expected=Num(expected, 0),
                        minimum=Int(_MIN_EXPECTED_POSITIVES),
                    )
                ]
            }
        return {}

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Train the candidates, let each metric choose on the validation set, test them all.

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
        prevalence, c, d = p["prevalence"] / 100, p["cost_ratio"], p["separation"]
        x, y = _cases(p["cases"], prevalence, d, rng)
        idx = np.arange(len(y))
        idx_train, idx_rest = train_test_split(
            idx, test_size=0.5, stratify=y, random_state=derive_seed(rng)
        )
        idx_val, idx_test = train_test_split(
            idx_rest, test_size=0.5, stratify=y[idx_rest], random_state=derive_seed(rng)
        )
        x_train, y_train = x[idx_train], y[idx_train]
        fitted = {
            "always_no": DummyClassifier(strategy="constant", constant=0).fit(x_train, y_train),
            "always_yes": DummyClassifier(strategy="constant", constant=1).fit(x_train, y_train),
            "plain": LogisticRegression().fit(x_train, y_train),
            "balanced": LogisticRegression(class_weight="balanced").fit(x_train, y_train),
            "cost": LogisticRegression(class_weight={0: 1.0, 1: c}).fit(x_train, y_train),
        }
        threshold = 1 / (1 + c)

        def decide(model: str, rows: np.ndarray) -> np.ndarray:
            if model == "threshold":
                return (fitted["plain"].predict_proba(x[rows])[:, 1] > threshold).astype(int)
            return fitted[model].predict(x[rows]).astype(int)

        flags = {
            split: {model: decide(model, rows) for model in MODELS}
            for split, rows in (("validation", idx_val), ("test", idx_test))
        }
        y_val, y_test = y[idx_val], y[idx_test]
        val = {m: _scores(y_val, flags["validation"][m], c) for m in MODELS}
        test = {m: _scores(y_test, flags["test"][m], c) for m in MODELS}
        picks = {key: _pick(val, key, higher) for key, (_, higher) in SELECTORS.items()}
        errors = {m: (flags["test"][m] != y_test).astype(float) for m in MODELS}
        per_decision = {m: errors[m] * np.where(y_test == 1, c, 1.0) for m in MODELS}

        rows = [
            {
                "model": MODEL_LABELS[m],
                "accuracy": test[m]["accuracy"],
                "balanced_accuracy": test[m]["balanced_accuracy"],
                "recall": test[m]["recall"],
                "precision": test[m]["precision"],
                "cost_per_1000": test[m]["cost_per_1000"],
                "false_alarms_per_1000": test[m]["false_alarms_per_1000"],
                "caught": test[m]["tp"],
            }
            for m in MODELS
        ]
        table = Table(
            key="models",
            title=N_("Six models on the test set"),
            columns=[
                ("model", N_("Model")),
                ("accuracy", N_("Accuracy")),
                ("balanced_accuracy", N_("Balanced accuracy")),
                ("recall", N_("Recall (sensitivity)")),
                ("precision", N_("Precision (PPV)")),
                ("cost_per_1000", N_("Cost per 1,000 decisions")),
                ("false_alarms_per_1000", N_("False alarms per 1,000 decisions")),
                ("caught", N_("Positives caught")),
            ],
            rows=rows,
        )
        pick_rows = [
            {
                "metric": label,
                "model": MODEL_LABELS[picks[key]],
                "accuracy": test[picks[key]]["accuracy"],
                "recall": test[picks[key]]["recall"],
                "false_alarms_per_1000": test[picks[key]]["false_alarms_per_1000"],
                "cost_per_1000": test[picks[key]]["cost_per_1000"],
            }
            for key, (label, _) in SELECTORS.items()
        ]
        pick_table = Table(
            key="picks",
            title=N_("The model each metric picks (chosen on the validation set, tested)"),
            columns=[
                ("metric", N_("Chosen by")),
                ("model", N_("Model picked")),
                ("accuracy", N_("Accuracy")),
                ("recall", N_("Recall (sensitivity)")),
                ("false_alarms_per_1000", N_("False alarms per 1,000 decisions")),
                ("cost_per_1000", N_("Cost per 1,000 decisions")),
            ],
            rows=pick_rows,
        )
        measure_rows = [
            {"model": MODEL_LABELS[m], "measure": label, "value": test[m][key]}
            for m in MODELS
            for key, label in (
                ("accuracy", N_("Accuracy")),
                ("balanced_accuracy", N_("Balanced accuracy")),
                ("recall", N_("Recall (sensitivity)")),
                ("precision", N_("Precision (PPV)")),
            )
            if test[m][key] is not None
        ]
        measure_table = Table(
            key="measures",
            title=N_("Four metrics, six models (test set)"),
            columns=[("model", N_("Model")), ("measure", N_("Metric")), ("value", N_("Value"))],
            rows=measure_rows,
        )
        cost_rows = [
            {"model": MODEL_LABELS[m], "cost_per_1000": test[m]["cost_per_1000"]} for m in MODELS
        ]
        cost_table = Table(
            key="costs",
            title=N_("Cost per 1,000 decisions (test set)"),
            columns=[("model", N_("Model")), ("cost_per_1000", N_("Cost per 1,000 decisions"))],
            rows=cost_rows,
        )
        acc_pick, cost_pick = picks["accuracy"], picks["cost_per_1000"]
        charts = [
            Chart(
                key="measures",
                title=measure_table.title,
                description=Msg(
                    "Flagging nobody reaches an accuracy of {always_no} and a recall of 0; the "
                    "cost-weighted model reaches an accuracy of {cost_acc} and a recall of "
                    "{cost_recall}.",
                    always_no=Pct(test["always_no"]["accuracy"], 1),
                    cost_acc=Pct(test["cost"]["accuracy"], 1),
                    cost_recall=Pct(test["cost"]["recall"]),
                ),
                spec=bar_chart(
                    measure_table.title,
                    measure_rows,
                    x="measure",
                    y="value",
                    x_title=N_("Metric"),
                    y_title=N_("Value (0 to 1)"),
                    color="model",
                    color_title=N_("Model"),
                ),
                table=measure_table.key,
            ),
            Chart(
                key="costs",
                title=cost_table.title,
                description=Msg(
                    "With a missed positive worth {c} false alarms, the model that accuracy picks "
                    "costs {acc_cost} per 1,000 decisions and the cost-weighted model {cost_cost}.",
                    c=_g(c),
                    acc_cost=Num(test[acc_pick]["cost_per_1000"], 1),
                    cost_cost=Num(test["cost"]["cost_per_1000"], 1),
                ),
                spec=bar_chart(
                    cost_table.title,
                    cost_rows,
                    x="model",
                    y="cost_per_1000",
                    x_title=N_("Model"),
                    y_title=N_("Cost per 1,000 decisions"),
                    horizontal=True,
                ),
                table=cost_table.key,
            ),
        ]

        metrics = [
            Metric(
                key="positives_test",
                label=N_("Positives in the test set"),
                value=test["plain"]["positives"],
                unit=N_("cases"),
            ),
            Metric(
                key="test_size",
                label=N_("Cases in the test set"),
                value=test["plain"]["n"],
                unit=N_("cases"),
            ),
            Metric(
                key="always_no_accuracy",
                label=N_("Accuracy of flagging nobody"),
                value=test["always_no"]["accuracy"],
                unit="share",
            ),
            Metric(
                key="accuracy_pick_recall",
                label=N_("Recall of the model that accuracy picks"),
                value=test[acc_pick]["recall"],
                unit="share",
            ),
            Metric(
                key="cost_recall",
                label=N_("Recall of the cost-weighted model"),
                value=test["cost"]["recall"],
                unit="share",
            ),
            Metric(
                key="accuracy_pick_cost",
                label=N_("Cost per 1,000 decisions, model that accuracy picks"),
                value=test[acc_pick]["cost_per_1000"],
                unit=N_("per 1,000"),
            ),
            Metric(
                key="cost_pick_cost",
                label=N_("Cost per 1,000 decisions, model that cost picks"),
                value=test[cost_pick]["cost_per_1000"],
                unit=N_("per 1,000"),
            ),
            Metric(
                key="threshold",
                label=N_("Bayes threshold 1/(1+c) on a calibrated probability"),
                value=threshold,
                unit=N_("probability"),
            ),
        ]
        findings = self._findings(prevalence, c, test, picks, errors, per_decision)
        checks = self._checks(prevalence, c, d, test)
        return Result(
            metrics=metrics,
            tables=[table, pick_table, measure_table, cost_table],
            charts=charts,
            findings=findings,
            checks=checks,
        )

    @staticmethod
    def _findings(
        prevalence: float,
        c: float,
        test: dict[str, dict[str, Any]],
        picks: dict[str, str],
        errors: dict[str, np.ndarray],
        per_decision: dict[str, np.ndarray],
    ) -> list[str]:
        """Four sentences built from the test set's counts; every comparison is claimed only
        beyond three standard errors, and said to be within chance otherwise."""
        findings: list[Msg] = []
        acc_pick, cost_pick = picks["accuracy"], picks["cost_per_1000"]
        a = test[acc_pick]
        pos = a["positives"]
        # 1. What accuracy chooses, and whether it catches anyone.
        base = {
            "model": MODEL_LABELS[acc_pick],
            "accuracy": Pct(a["accuracy"], 1),
            "always_no": Pct(test["always_no"]["accuracy"], 1),
            "positives": Int(pos),
        }
        z_trivial = _paired_z(errors["always_no"], errors[acc_pick])
        if acc_pick == "always_no":
            findings.append(
                Msg(
                    "Chosen by accuracy: the model that flags nobody, right {accuracy} of the time "
                    "on the test set because only {prevalence} of the cases are positive; it "
                    "catches none of the {positives} positives.",
                    prevalence=Pct(prevalence, 1),
                    **base,
                )
            )
        elif a["tp"] == 0:
            findings.append(
                Msg(
                    "Chosen by accuracy: '{model}', right {accuracy} of the time on the test set "
                    "(flagging nobody: {always_no}); it catches none of the {positives} "
                    "positives.",
                    **base,
                )
            )
        else:
            lo, hi = wilson_interval(a["tp"], pos)
            values = {
                "caught": Int(a["tp"]),
                "recall": Pct(a["recall"]),
                "lo": Pct(lo),
                "hi": Pct(hi),
                **base,
            }
            if z_trivial < -Z_CLAIM:  # fewer errors than flagging nobody, beyond chance
                findings.append(
                    Msg(
                        "Chosen by accuracy: '{model}', right {accuracy} of the time on the test "
                        "set against {always_no} for flagging nobody; it catches {caught} of the "
                        "{positives} positives ({recall}, 95% interval {lo} to {hi}).",
                        **values,
                    )
                )
            else:
                findings.append(
                    Msg(
                        "Chosen by accuracy: '{model}', right {accuracy} of the time on the test "
                        "set, no better beyond chance than flagging nobody ({always_no}); it "
                        "catches {caught} of the {positives} positives ({recall}, 95% interval "
                        "{lo} to {hi}).",
                        **values,
                    )
                )
        # 2. What the weighted model pays in false alarms for the positives it catches.
        w = test["cost"]
        z_recall = two_proportion_z(a["tp"], pos, w["tp"], pos)
        z_alarms = two_proportion_z(a["fp"], a["negatives"], w["fp"], w["negatives"])
        values = {
            "c": _g(c),
            "recall": Pct(w["recall"]),
            "acc_recall": Pct(a["recall"]),
            "alarms": Num(w["false_alarms_per_1000"], 1),
            "acc_alarms": Num(a["false_alarms_per_1000"], 1),
        }
        if c == 1:
            findings.append(
                Msg(
                    "With a missed positive costing one false alarm, the cost-weighted loss is "
                    "the plain log loss; that model catches {recall} of the positives and raises "
                    "{alarms} false alarms per 1,000 decisions.",
                    **values,
                )
            )
        elif acc_pick == "cost" or (abs(z_recall) <= Z_CLAIM and abs(z_alarms) <= Z_CLAIM):
            findings.append(
                Msg(
                    "Trained with each positive weighing {c}, the model catches {recall} of the "
                    "positives and raises {alarms} false alarms per 1,000 decisions: no "
                    "different, beyond chance, from the model that accuracy picks ({acc_recall} and "
                    "{acc_alarms}).",
                    **values,
                )
            )
        elif z_recall > Z_CLAIM and z_alarms > Z_CLAIM:
            per_catch = (w["fp"] - a["fp"]) / (w["tp"] - a["tp"])
            findings.append(
                Msg(
                    "Trained with each positive weighing {c}, the model catches {recall} of the "
                    "positives instead of {acc_recall}, at the price of {alarms} false alarms "
                    "per 1,000 decisions instead of {acc_alarms}: about {per_catch} extra false "
                    "alarms for each extra positive caught.",
                    per_catch=sig(per_catch),
                    **values,
                )
            )
        else:
            findings.append(
                Msg(
                    "Trained with each positive weighing {c}, the model catches {recall} of the "
                    "positives (against {acc_recall} for the model that accuracy picks) and raises "
                    "{alarms} false alarms per 1,000 decisions (against {acc_alarms}); only "
                    "differences beyond three standard errors count as real here.",
                    **values,
                )
            )
        # 3. Which model the stated cost prefers, and whether accuracy's choice costs more.
        z_cost = _paired_z(per_decision[cost_pick], per_decision[acc_pick])
        costs = {
            "c": _g(c),
            "model": MODEL_LABELS[cost_pick],
            "cost": Num(test[cost_pick]["cost_per_1000"], 1),
            "acc_cost": Num(a["cost_per_1000"], 1),
        }
        if c == 1:
            findings.append(
                Msg(
                    "With a missed positive costing one false alarm, the cost is the error rate: "
                    "accuracy and cost choose the same model ('{model}', {cost} per 1,000 "
                    "decisions). No mismatch between the metric and the need here.",
                    **costs,
                )
            )
        elif cost_pick == acc_pick:
            findings.append(
                Msg(
                    "With a missed positive worth {c} false alarms, cost and accuracy choose the "
                    "same model ('{model}', {cost} per 1,000 decisions): no mismatch in this run.",
                    **costs,
                )
            )
        elif z_cost > Z_CLAIM:
            findings.append(
                Msg(
                    "With a missed positive worth {c} false alarms, the cheapest model is "
                    "'{model}': {cost} per 1,000 decisions against {acc_cost} for the model "
                    "that accuracy picks, {ratio}, beyond chance.",
                    ratio=_times_less(test[cost_pick]["cost_per_1000"], a["cost_per_1000"]),
                    **costs,
                )
            )
        else:
            findings.append(
                Msg(
                    "With a missed positive worth {c} false alarms, cost picks '{model}' ({cost} "
                    "per 1,000 decisions) and accuracy another model ({acc_cost}); on the test "
                    "set the difference is within chance.",
                    **costs,
                )
            )
        # 4. The metric decides the model.
        # Each part carries its own semicolon, so that French puts its no-break space before it.
        keys = list(SELECTORS)
        chosen = Seq(
            [
                Msg(
                    "{metric}: '{model}';", metric=SELECTORS[key][0], model=MODEL_LABELS[picks[key]]
                )
                for key in keys[:-1]
            ]
            + [
                Msg(
                    "{metric}: '{model}'",
                    metric=SELECTORS[keys[-1]][0],
                    model=MODEL_LABELS[picks[keys[-1]]],
                )
            ],
            sep=" ",
        )
        distinct = sorted({picks[key] for key in SELECTORS if key != "recall"})
        differ = any(
            _differ(test, per_decision, first, second)
            for i, first in enumerate(distinct)
            for second in distinct[i + 1 :]
        )
        if differ:
            findings.append(
                Msg(
                    "Same data, same candidates, five metrics and {k} different choices "
                    "({chosen}): the metric decides the model.",
                    k=Int(len({picks[key] for key in SELECTORS})),
                    chosen=chosen,
                )
            )
        else:
            findings.append(
                Msg(
                    "Accuracy, balanced accuracy, precision and cost choose models that behave "
                    "alike on the test set, within chance ({chosen}); recall alone still rewards "
                    "flagging everyone.",
                    chosen=chosen,
                )
            )
        return findings

    @staticmethod
    def _checks(
        prevalence: float, c: float, d: float, test: dict[str, dict[str, Any]]
    ) -> list[Check]:
        """The trivial baseline's accuracy (a consistency note) and the Bayes cost in closed
        form against the cost-weighted and the moved-threshold models (reference checks)."""
        n = test["always_no"]["n"]
        negatives = test["always_no"]["tn"]
        lo, hi = binomial_acceptance(n, 1 - prevalence)
        checks = [
            Check(
                key="always-no-accuracy",
                label=N_("Flagging nobody is right 1 − prevalence of the time"),
                passed=bool(lo <= negatives <= hi),
                expected=Msg(
                    "{value}, between {lo} and {hi} of {n} test cases (exact binomial range)",
                    value=Pct(1 - prevalence, 1),
                    lo=Int(lo),
                    hi=Int(hi),
                    n=Int(n),
                ),
                observed=Msg(
                    "{accuracy} ({k} of {n})",
                    accuracy=Pct(test["always_no"]["accuracy"], 1),
                    k=Int(negatives),
                    n=Int(n),
                ),
                reference=ALWAYS_NO_NOTE,
                kind="consistency",
            )
        ]
        q_fp, q_fn = bayes_rates(prevalence, c, d)
        bayes = 1000 * (q_fp + c * q_fn)
        variance = q_fp + c * c * q_fn - (q_fp + c * q_fn) ** 2
        tolerance = 4000 * math.sqrt(max(variance, 0.0) / n) + 1000 * c / n
        for model, label in (
            ("cost", N_("Cost-weighted loss: close to the least cost any rule can reach")),
            ("threshold", N_("Threshold 1/(1+c): close to the least cost any rule can reach")),
        ):
            observed = test[model]["cost_per_1000"]
            checks.append(
                Check(
                    key=f"bayes-cost-{model}",
                    label=label,
                    passed=bool(abs(observed - bayes) <= tolerance),
                    expected=Msg(
                        "{cost} per 1,000 decisions (closed form, prevalence {prevalence}, "
                        "separation {d}, c = {c}) within sampling error ±{tolerance}",
                        cost=Num(bayes, 1),
                        prevalence=Pct(prevalence, 1),
                        d=Num(d, 1),
                        c=_g(c),
                        tolerance=Num(tolerance, 1),
                    ),
                    observed=Msg(
                        "{cost} per 1,000 decisions on the test set", cost=Num(observed, 1)
                    ),
                    reference=BAYES_COST,
                )
            )
        return checks


def _differ(
    test: dict[str, dict[str, Any]], per_decision: dict[str, np.ndarray], a: str, b: str
) -> bool:
    """Whether two models' test decisions differ beyond chance: in cost (paired), in the
    positives they catch or in the false alarms they raise (|z| > 3)."""
    ta, tb = test[a], test[b]
    return (
        abs(_paired_z(per_decision[a], per_decision[b])) > Z_CLAIM
        or abs(two_proportion_z(ta["tp"], ta["positives"], tb["tp"], tb["positives"])) > Z_CLAIM
        or abs(two_proportion_z(ta["fp"], ta["negatives"], tb["fp"], tb["negatives"])) > Z_CLAIM
    )


def _times_less(low: float, high: float) -> Msg:
    """'3.2 times less' or, for a small gap, 'N% less'."""
    if low <= 0:
        return N_("incomparably less")
    ratio = high / low
    if ratio >= 1.5:
        return Msg("{n} times less", n=sig(ratio))
    return Msg("{p} less", p=Pct(1 - low / high))


SIMULATION = MetricMismatchSimulation()
