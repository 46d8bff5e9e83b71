"""Preprocessing leakage: feature selection (or scaling) fitted on all the data before
cross-validation makes pure noise look predictable; inside a Pipeline it does not."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_selection import SelectKBest
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ._stats import binomial_acceptance
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed
from .charts import bar_chart, line_chart
from .text import N_, Int, Msg, Num, Pct

ESL_SOURCE = N_(
    "Trevor Hastie, Robert Tibshirani, Jerome Friedman, The Elements of Statistical Learning, "
    "2nd edition, Springer, 2009, section 7.10.2 'The Wrong and Right Way to Do "
    "Cross-validation'"
)
ROBERTS_SOURCE = N_(
    "Michael Roberts et al., 'Common pitfalls and recommendations for using machine learning "
    "to detect and prognosticate for COVID-19 using chest radiographs and CT scans', Nature "
    "Machine Intelligence 3:199–217, 2021"
)
ESL_PARAMS = {
    "samples": 50,
    "features": 5000,
    "selected": 100,
    "folds": 5,
    "repeats": 25,
    "preprocessing": "select",
}
LEAKY = N_("Fitted on all samples, then cross-validated")
HONEST = N_("Inside a pipeline, refitted on each training fold")
_ALPHA = 1e-4  # share of pure-noise runs whose accuracy falls outside the chance range
_BUDGET = 40_000_000  # data sets × samples × features × (folds + 1): bounds the run time


class PreprocessingLeakageSimulation(Simulation):
    """Pure-noise features, random labels, and a preprocessing step fitted in two places."""

    slug = "preprocessing-leakage"
    title = N_("Preprocessing leakage: cross-validating after choosing features on all the data")
    question = N_(
        "How can cross-validation report a high accuracy on features that are pure noise, and "
        "what does fitting the preprocessing inside a pipeline change?"
    )
    version = "1"
    cases = ("covid-chest-imaging",)
    themes = ("information-leakage", "overfitting", "reproducibility")
    explanation = N_("""
**The model.** Each simulated data set has a few dozen samples in two equal classes and
thousands of features drawn from a standard normal distribution, independently of the class:
the features say nothing about the label, so the true accuracy of any classifier is 50%.
A 1-nearest-neighbour classifier is evaluated by stratified *k*-fold cross-validation in two
ways.

- **The wrong way**: the preprocessing (scikit-learn's `SelectKBest`, which keeps the features
  most correlated with the labels, and/or `StandardScaler`) is fitted once on all the samples,
  then the classifier is cross-validated on what it kept. The samples each fold leaves out
  have already helped choose the features: information has leaked from the test folds.
- **The right way**: the same steps and the classifier sit in one `Pipeline`, refitted on the
  training folds only, so the left-out samples play no part in any choice.

This is the experiment of Hastie, Tibshirani and Friedman's *The Elements of Statistical
Learning*, section 7.10.2. The [information leakage](/en/simulations/leakage/) simulation shows another
way information leaks: a feature recorded after the outcome.

**What to try.**

- Keep the defaults: the wrong way scores far above chance on pure noise, the right way does
  not.
- Set *features kept* equal to *features*: selecting everything selects nothing, and nothing
  leaks.
- Choose *scaling only*: scaling uses no labels, so fitting it on all the samples changes
  nothing that chance does not.
- Raise the number of features: the more noise there is to choose from, the better the chosen
  noise fits the labels.

**What to look for.** Each accuracy next to the range chance gives for that many predictions;
the correlation of the chosen features with the labels on the left-out samples (near zero the
right way, clearly positive the wrong way).

**Limits.** Pure noise makes the leak easy to see: with real signal the wrong way still
overstates accuracy, by less. Only the two classes, one classifier and univariate selection are
simulated.
""")
    params = (
        Param(
            name="samples",
            type="int",
            default=50,
            min=20,
            max=200,
            step=2,
            label=N_("Samples per data set"),
            help=N_("Number of samples in each simulated data set, split into two equal classes."),
            unit=N_("samples"),
        ),
        Param(
            name="features",
            type="int",
            default=2000,
            min=10,
            max=10_000,
            step=10,
            label=N_("Features"),
            help=N_("Number of pure-noise features per sample."),
            unit=N_("features"),
        ),
        Param(
            name="selected",
            type="int",
            default=100,
            min=1,
            max=10_000,
            step=1,
            label=N_("Features kept"),
            help=N_(
                "How many features the selection keeps: those most correlated with the labels. "
                "Equal to the number of features, it keeps them all."
            ),
            unit=N_("features"),
        ),
        Param(
            name="folds",
            type="int",
            default=5,
            min=2,
            max=10,
            step=1,
            label=N_("Cross-validation folds"),
            help=N_("Number of folds of the stratified cross-validation."),
        ),
        Param(
            name="repeats",
            type="int",
            default=5,
            min=1,
            max=50,
            step=1,
            label=N_("Simulated data sets"),
            help=N_(
                "How many independent data sets are drawn and cross-validated; the accuracies "
                "pool their predictions."
            ),
            unit=N_("data sets"),
        ),
        Param(
            name="preprocessing",
            type="choice",
            default="select",
            choices=(
                ("select", N_("Feature selection")),
                ("scale", N_("Scaling only")),
                ("both", N_("Scaling, then feature selection")),
            ),
            label=N_("Preprocessing"),
            help=N_(
                "The step fitted before cross-validation (wrong way) or inside it (right way)."
            ),
        ),
    )
    presets = (
        Preset(
            slug="esl-wrong-and-right-way",
            title=N_("The Elements of Statistical Learning, section 7.10.2"),
            description=N_(
                "The book's setting: 50 samples in two equal classes, 5,000 standard Gaussian "
                "predictors independent of the labels, the 100 most correlated with the labels "
                "kept, a 1-nearest-neighbour classifier, 5-fold cross-validation; 25 simulated "
                "data sets here, where the book averaged 50, to keep the run short. The book "
                "reports an average cross-validated error of 3% the wrong way, against a true "
                "error of 50%."
            ),
            params=dict(ESL_PARAMS),
            source=Msg(
                "{source}: 50 samples, 5,000 predictors, 100 selected, 1-nearest neighbour, "
                "average cross-validated error 3% over 50 simulations, true error 50%.",
                source=ESL_SOURCE,
            ),
        ),
        Preset(
            slug="small-imaging-study",
            title=N_("A small imaging study: many features, few patients"),
            description=N_(
                "100 scans, 2,000 image features, the 20 most correlated with the diagnosis "
                "kept before cross-validation: a related mechanism to the leaks in the COVID-19 "
                "imaging literature, where test information reached training. The numbers are "
                "teaching values, not taken from a study."
            ),
            params={
                "samples": 100,
                "features": 2000,
                "selected": 20,
                "folds": 5,
                "repeats": 10,
                "preprocessing": "both",
            },
            case="covid-chest-imaging",
            source=Msg(
                "{source}: of 2,212 studies screened, 62 passed the quality screening, and "
                "none of their models was found to be of potential clinical use. The settings "
                "here are teaching values; the mechanism is related, not one the review "
                "documents study by study.",
                source=ROBERTS_SOURCE,
            ),
        ),
        Preset(
            slug="scaling-only",
            title=N_("Scaling only: no labels, no leak"),
            description=N_(
                "The book's setting with scaling (StandardScaler) instead of feature selection: "
                "scaling uses no labels, so fitting it on all the samples leaks nothing about "
                "them, and both ways stay at chance."
            ),
            params={**ESL_PARAMS, "repeats": 10, "preprocessing": "scale"},
            source=Msg(
                "{source}: unsupervised screening steps (steps that do not use the labels) can "
                "be done before samples are left out.",
                source=ESL_SOURCE,
            ),
        ),
    )

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """Selection within the features; folds within a class; the work within budget."""
        errors: dict[str, list[str]] = {}
        if p["selected"] > p["features"]:
            errors["selected"] = [
                Msg(
                    "Cannot keep {selected} features out of {features}: keep at most {features}.",
                    selected=Int(p["selected"]),
                    features=Int(p["features"]),
                )
            ]
        smaller_class = p["samples"] // 2
        if p["folds"] > smaller_class:
            errors["folds"] = [
                Msg(
                    "Each class has {per_class} samples: stratified cross-validation can use at "
                    "most {per_class} folds.",
                    per_class=Int(smaller_class),
                )
            ]
        work = p["repeats"] * p["samples"] * p["features"] * (p["folds"] + 1)
        if work > _BUDGET:
            errors["repeats"] = [
                Msg(
                    "Too much work for one run: data sets × samples × features × (folds + 1) "
                    "is {work}, above {budget}. Use fewer data sets, samples or features.",
                    work=Int(work),
                    budget=Int(_BUDGET),
                )
            ]
        return errors

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Draw noise, cross-validate the two ways, compare with the chance range.

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
        n = p["samples"]
        select = p["preprocessing"] in ("select", "both")
        scale = p["preprocessing"] in ("scale", "both")
        per_set, corr_leaky, corr_honest = [], [], []
        correct = {"leaky": 0, "honest": 0}
        # The inputs are finite arrays built here: skip scikit-learn's per-call checks, which
        # cost more than the fits at this size (the results are identical).
        with config_context(assume_finite=True, skip_parameter_validation=True):
            for repeat in range(p["repeats"]):
                self._one_data_set(
                    p, rng, select, scale, repeat, per_set, correct, corr_leaky, corr_honest
                )

        total = n * p["repeats"]
        lo, hi = binomial_acceptance(total, 0.5, _ALPHA)
        acc = {key: correct[key] / total for key in correct}
        corr = (
            {"leaky": float(np.mean(corr_leaky)), "honest": float(np.mean(corr_honest))}
            if corr_leaky
            else None
        )
        metrics = [
            Metric(
                key="accuracy_leaky",
                label=N_("Cross-validated accuracy, preprocessing fitted on all samples"),
                value=acc["leaky"],
                unit="share",
            ),
            Metric(
                key="accuracy_honest",
                label=N_("Cross-validated accuracy, preprocessing inside the pipeline"),
                value=acc["honest"],
                unit="share",
            ),
            Metric(
                key="chance_low",
                label=N_("Lowest accuracy chance gives"),
                value=lo / total,
                unit="share",
                help=N_("The exact binomial range that holds 99.99% of pure-noise runs."),
            ),
            Metric(
                key="chance_high",
                label=N_("Highest accuracy chance gives"),
                value=hi / total,
                unit="share",
            ),
            Metric(
                key="predictions",
                label=N_("Cross-validated predictions"),
                value=total,
                unit=N_("predictions"),
            ),
            Metric(
                key="corr_leaky",
                label=N_(
                    "Correlation of the kept features with the labels on left-out samples, "
                    "selected on all samples"
                ),
                value=corr["leaky"] if corr else None,
                unit=N_("correlation"),
            ),
            Metric(
                key="corr_honest",
                label=N_(
                    "Correlation of the kept features with the labels on left-out samples, "
                    "selected inside the pipeline"
                ),
                value=corr["honest"] if corr else None,
                unit=N_("correlation"),
            ),
        ]
        summary = Table(
            key="procedures",
            title=N_("Cross-validated accuracy on pure noise"),
            columns=[
                ("procedure", N_("Procedure")),
                ("correct", N_("Correct predictions")),
                ("predictions", N_("Predictions")),
                ("accuracy", N_("Accuracy")),
                ("error", N_("Error rate")),
            ],
            rows=[
                {
                    "procedure": name,
                    "correct": correct[key],
                    "predictions": total,
                    "accuracy": acc[key],
                    "error": 1 - acc[key],
                }
                for key, name in (("leaky", LEAKY), ("honest", HONEST))
            ],
        )
        long_rows = [
            {"repeat": row["repeat"], "procedure": name, "accuracy": row[key]}
            for row in per_set
            for key, name in (("leaky", LEAKY), ("honest", HONEST))
        ]
        per_set_table = Table(
            key="per_data_set",
            title=N_("Cross-validated accuracy of each simulated data set"),
            columns=[
                ("repeat", N_("Data set")),
                ("procedure", N_("Procedure")),
                ("accuracy", N_("Accuracy")),
            ],
            rows=long_rows,
        )
        chance_text = {"lo": Pct(lo / total), "hi": Pct(hi / total)}
        charts = [
            Chart(
                key="per_data_set",
                title=per_set_table.title,
                description=Msg(
                    "Pooled over the data sets: {leaky} the wrong way, {honest} the right way; "
                    "chance gives {lo} to {hi}.",
                    leaky=Pct(acc["leaky"], 1),
                    honest=Pct(acc["honest"], 1),
                    **chance_text,
                ),
                spec=line_chart(
                    per_set_table.title,
                    long_rows,
                    x="repeat",
                    y="accuracy",
                    x_title=N_("Simulated data set"),
                    y_title=N_("Cross-validated accuracy"),
                    color="procedure",
                    color_title=N_("Procedure"),
                    y_format="%",
                    y_domain=[0, 1],
                ),
                table=per_set_table.key,
            )
        ]
        tables = [summary, per_set_table]
        if corr:
            corr_rows = [
                {"procedure": name, "correlation": corr[key]}
                for key, name in (("leaky", LEAKY), ("honest", HONEST))
            ]
            corr_table = Table(
                key="held_out_correlation",
                title=N_("Correlation of the kept features with the labels on left-out samples"),
                columns=[("procedure", N_("Procedure")), ("correlation", N_("Correlation"))],
                rows=corr_rows,
            )
            tables.append(corr_table)
            charts.append(
                Chart(
                    key="held_out_correlation",
                    title=corr_table.title,
                    description=Msg(
                        "Average correlation, signed as on the samples that chose the features: "
                        "{leaky} the wrong way, {honest} the right way.",
                        leaky=Num(corr["leaky"], 2),
                        honest=Num(corr["honest"], 2),
                    ),
                    spec=bar_chart(
                        corr_table.title,
                        corr_rows,
                        x="procedure",
                        y="correlation",
                        x_title=N_("Procedure"),
                        y_title=N_("Average correlation"),
                    ),
                    table=corr_table.key,
                )
            )
        checks = [
            Check(
                key="honest_at_chance",
                label=N_("The right way scores within chance of 50% on pure noise"),
                passed=lo <= correct["honest"] <= hi,
                expected=Msg(
                    "{lo} to {hi} correct out of {total} ({lo_pct} to {hi_pct})",
                    lo=Int(lo),
                    hi=Int(hi),
                    total=Int(total),
                    lo_pct=Pct(lo / total, 1),
                    hi_pct=Pct(hi / total, 1),
                ),
                observed=Msg(
                    "{correct} correct ({accuracy})",
                    correct=Int(correct["honest"]),
                    accuracy=Pct(acc["honest"], 1),
                ),
                reference=N_(
                    "The labels are drawn independently of the features, so each prediction is "
                    "right with probability 1/2: the exact binomial range holding 99.99% of "
                    "outcomes."
                ),
            )
        ]
        findings = self._findings(p, correct, total, lo, hi, corr)
        return Result(
            metrics=metrics, tables=tables, charts=charts, findings=findings, checks=checks
        )

    @staticmethod
    def _one_data_set(p, rng, select, scale, repeat, per_set, correct, corr_leaky, corr_honest):
        """Draw one pure-noise data set and cross-validate it the wrong and the right way."""
        n, n_features, k = p["samples"], p["features"], p["selected"]
        x = rng.standard_normal((n, n_features))
        y = np.zeros(n, dtype=int)
        y[: n - n // 2] = 1
        rng.shuffle(y)
        folds = StratifiedKFold(p["folds"], shuffle=True, random_state=derive_seed(rng))
        splits = list(folds.split(x, y))
        # The wrong way: the preprocessing sees every sample, once.
        pre = _preprocessing(select, scale, k).fit(x, y)
        x_seen = pre.transform(x)
        kept_all = _kept(pre, n_features)
        pred_leaky = np.empty(n, dtype=int)
        pred_honest = np.empty(n, dtype=int)
        for train, test in splits:
            model = NearestNeighbour().fit(x_seen[train], y[train])
            pred_leaky[test] = model.predict(x_seen[test])
            # The right way: one pipeline, fitted on the training fold only.
            pipe = Pipeline(
                [
                    *_preprocessing(select, scale, k).steps,
                    ("nn", NearestNeighbour()),
                ]
            ).fit(x[train], y[train])
            pred_honest[test] = pipe.predict(x[test])
            if select and k < n_features:
                kept_fold = _kept(pipe, n_features)
                corr_leaky.append(_held_out_corr(x, y, kept_all, np.arange(n), test))
                corr_honest.append(_held_out_corr(x, y, kept_fold, train, test))
        hits_l, hits_h = int(np.sum(pred_leaky == y)), int(np.sum(pred_honest == y))
        correct["leaky"] += hits_l
        correct["honest"] += hits_h
        per_set.append({"repeat": repeat + 1, "leaky": hits_l / n, "honest": hits_h / n})

    @staticmethod
    def _findings(p, correct, total, lo, hi, corr) -> list[str]:
        k, n_features = p["selected"], p["features"]
        select = p["preprocessing"] in ("select", "both")
        acc_l, acc_h = correct["leaky"] / total, correct["honest"] / total
        rng_text = {
            "lo": Pct(lo / total, 1),
            "hi": Pct(hi / total, 1),
            "total": Int(total),
        }
        findings: list[Msg] = []
        above = correct["leaky"] > hi
        if select and k < n_features:
            if above:
                findings.append(
                    Msg(
                        "Keeping the {k} of {features} features most correlated with the labels, "
                        "chosen on all {n} samples before cross-validation, gave a "
                        "cross-validated accuracy of {acc} on pure noise: above the {lo} to {hi} "
                        "that chance gives over {total} predictions.",
                        k=Int(k),
                        features=Int(n_features),
                        n=Int(p["samples"]),
                        acc=Pct(acc_l, 1),
                        **rng_text,
                    )
                )
            else:
                findings.append(
                    Msg(
                        "Keeping the {k} of {features} features most correlated with the labels, "
                        "chosen on all {n} samples before cross-validation, gave a "
                        "cross-validated accuracy of {acc}: within the {lo} to {hi} that chance "
                        "gives over {total} predictions, so no leak shows in this run.",
                        k=Int(k),
                        features=Int(n_features),
                        n=Int(p["samples"]),
                        acc=Pct(acc_l, 1),
                        **rng_text,
                    )
                )
        elif select:
            findings.append(
                Msg(
                    "Keeping all {features} features selects nothing: the selection is the same "
                    "whether it sees the left-out samples or not, so it cannot leak their labels. "
                    "Cross-validated accuracy: {acc}, against {lo} to {hi} from chance over "
                    "{total} predictions.",
                    features=Int(n_features),
                    acc=Pct(acc_l, 1),
                    **rng_text,
                )
            )
        elif above:
            findings.append(
                Msg(
                    "Scaling fitted on all {n} samples before cross-validation gave a "
                    "cross-validated accuracy of {acc}: above the {lo} to {hi} that chance gives "
                    "over {total} predictions.",
                    n=Int(p["samples"]),
                    acc=Pct(acc_l, 1),
                    **rng_text,
                )
            )
        else:
            findings.append(
                Msg(
                    "Scaling fitted on all {n} samples before cross-validation gave a "
                    "cross-validated accuracy of {acc}, within the {lo} to {hi} that chance "
                    "gives over {total} predictions: scaling uses no labels, and no leak shows.",
                    n=Int(p["samples"]),
                    acc=Pct(acc_l, 1),
                    **rng_text,
                )
            )
        if lo <= correct["honest"] <= hi:
            findings.append(
                Msg(
                    "Inside a pipeline refitted on each training fold, the same steps gave "
                    "{acc}: within chance, as any classifier must on features that say nothing "
                    "about the labels.",
                    acc=Pct(acc_h, 1),
                )
            )
        else:
            findings.append(
                Msg(
                    "Inside a pipeline refitted on each training fold, the same steps gave "
                    "{acc}: outside the {lo} to {hi} that chance gives, which happens to about "
                    "one pure-noise run in 10,000.",
                    acc=Pct(acc_h, 1),
                    **rng_text,
                )
            )
        if corr:
            findings.append(
                Msg(
                    "On the left-out samples, the kept features' correlation with the labels "
                    "averaged {leaky} when they were chosen on all the samples, and {honest} "
                    "when chosen on the training folds only.",
                    leaky=Num(corr["leaky"], 2),
                    honest=Num(corr["honest"], 2),
                )
            )
        if all(p[key] == value for key, value in ESL_PARAMS.items()):
            findings.append(
                Msg(
                    "In this setting Hastie, Tibshirani and Friedman report an average "
                    "cross-validated error of 3% the wrong way, when the true error is 50%; "
                    "here the wrong way erred on {err_l} of predictions and the right way on "
                    "{err_h}.",
                    err_l=Pct(1 - acc_l, 1),
                    err_h=Pct(1 - acc_h, 1),
                )
            )
        return findings[:5]


class NearestNeighbour(ClassifierMixin, BaseEstimator):
    """The 1-nearest-neighbour classifier (Euclidean distance), as a scikit-learn estimator.

    It predicts what scikit-learn's ``KNeighborsClassifier(n_neighbors=1)`` predicts (the tests
    compare them) without that class's per-call machinery, which costs more than the arithmetic
    on a few dozen samples.
    """

    def fit(self, x: np.ndarray, y: np.ndarray) -> NearestNeighbour:
        self.x_ = np.asarray(x, dtype=float)
        self.y_ = np.asarray(y)
        self.classes_ = np.unique(self.y_)
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        # Squared distances up to a per-row constant: |a|² is the same for every neighbour.
        d = (self.x_**2).sum(axis=1)[None, :] - 2 * x @ self.x_.T
        return self.y_[np.argmin(d, axis=1)]


def _preprocessing(select: bool, scale: bool, k: int) -> Pipeline:
    steps = []
    if scale:
        steps.append(("scale", StandardScaler()))
    if select:
        steps.append(("select", SelectKBest(_abs_correlation, k=k)))
    return Pipeline(steps)


def _abs_correlation(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Absolute correlation of each feature with the labels: the book's screening criterion.

    For two classes it ranks features exactly as scikit-learn's ``f_classif`` (the F statistic
    is a monotone function of the squared correlation), at a third of the cost.
    """
    xc = x - x.mean(axis=0)
    yc = y - y.mean()
    norms = np.sqrt((xc**2).sum(axis=0) * (yc**2).sum())
    return np.divide(np.abs(yc @ xc), norms, out=np.zeros(x.shape[1]), where=norms > 0)


def _kept(pipe: Pipeline, n_features: int) -> np.ndarray:
    """Indices of the features a fitted pipeline keeps."""
    if "select" in pipe.named_steps:
        return np.flatnonzero(pipe.named_steps["select"].get_support())
    return np.arange(n_features)


def _held_out_corr(
    x: np.ndarray, y: np.ndarray, kept: np.ndarray, chosen_on: np.ndarray, test: np.ndarray
) -> float:
    """Mean correlation of the kept features with the labels on ``test``, each signed as on
    the samples that chose them (Figure 7.10 of The Elements of Statistical Learning)."""

    def corr(rows: np.ndarray) -> np.ndarray:
        xs = x[np.ix_(rows, kept)]
        ys = y[rows] - y[rows].mean()
        xs = xs - xs.mean(axis=0)
        denom = np.sqrt((xs**2).sum(axis=0) * (ys**2).sum())
        return np.divide(xs.T @ ys, denom, out=np.zeros(len(kept)), where=denom > 0)

    sign = np.sign(corr(chosen_on))
    return float(np.mean(sign * corr(test)))


SIMULATION = PreprocessingLeakageSimulation()
