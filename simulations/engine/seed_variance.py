"""Seed variance: the same pipeline trained with K random seeds, and what the best run claims."""

from __future__ import annotations

import math
import warnings
from typing import Any, ClassVar

import numpy as np
import sklearn
from scipy.integrate import quad
from scipy.special import ndtr
from scipy.stats import chi2
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed
from .charts import bar_chart, line_chart
from .text import N_, Int, Msg, Num, Pct

MIN_RUNS_FOR_CHECKS = 8
"""Below this many runs a spread or a maximum says too little to check against a formula."""
MODEL_LABELS = {
    "forest": N_("the same random forest of 10 trees"),
    "mlp": N_("the same small neural network (8 hidden units)"),
    "tree": N_("the same decision tree on random feature subsets"),
}
"""The model as the subject of a finding, "the same" included, so that a language whose
adjectives agree with the noun (French: le même arbre, la même forêt) can agree them."""
VARY_LABELS = {
    "both": N_("the train/test split and the model's initialisation"),
    "model": N_("only the model's initialisation, on one fixed split"),
    "split": N_("only the train/test split, with one fixed model seed"),
}


def points(x: float) -> Msg:
    """A difference of proportions as percentage points: 0.0734 → '7.3 points'."""
    return Msg("{value} points", value=Num(100 * abs(x), 1))


def _fit(msg: Msg) -> Msg:
    """``msg`` keeping only the values its template uses (findings share one dict of values)."""
    msg.values = {k: v for k, v in msg.values.items() if "{" + k + "}" in msg.template}
    return msg


def _model(kind: str, seed: int):
    """A fresh, unfitted estimator whose randomness comes from ``seed``."""
    if kind == "forest":
        return RandomForestClassifier(n_estimators=10, random_state=seed, n_jobs=1)
    if kind == "mlp":
        return make_pipeline(
            StandardScaler(),
            MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=100, random_state=seed),
        )
    return DecisionTreeClassifier(max_features="sqrt", min_samples_leaf=3, random_state=seed)


def _expected_max_of_normals(k: int) -> float:
    """E[max of k independent standard normals], by numerical integration.

    E[max] = ∫ x · k φ(x) Φ(x)^(k−1) dx; 1.16 for k = 5, 1.54 for k = 10, 1.87 for k = 20.
    """
    value, _ = quad(lambda x: x * k * _phi(x) * _big_phi(x) ** (k - 1), -12, 12)
    return float(value)


_SQRT_2PI = np.sqrt(2 * np.pi)


def _phi(x: float) -> np.float64:
    """``norm.pdf(x)`` for one number, bit for bit (scipy computes it on a one-element array,
    and so does this), without scipy.stats' argument handling: 30 times faster under ``quad``,
    which calls it a few hundred times."""
    a = np.array([x])
    return (np.exp(-(a**2) / 2.0) / _SQRT_2PI)[0]


def _big_phi(x: float) -> np.float64:
    """``norm.cdf(x)`` for one number, bit for bit (``ndtr`` on a one-element array)."""
    return ndtr(np.array([x]))[0]


def _studentized_best_band(k: int) -> tuple[float, float]:
    """The 0.1% and 99.9% quantiles of (max − mean) / sd for k standard normal draws.

    Monte Carlo with a generator seeded by ``k`` alone: a reference distribution that does not
    depend on the run. (Not cached: each run is computed in a child process forked for it, so
    a cache would never be reused.)
    """
    draws = np.random.default_rng(k).standard_normal((20_000, k))
    stat = (draws.max(axis=1) - draws.mean(axis=1)) / draws.std(axis=1, ddof=1)
    low, high = np.quantile(stat, [0.001, 0.999])
    return float(low), float(high)


def _findings_and_checks(
    acc: np.ndarray, n_test: int, p: dict[str, Any]
) -> tuple[list[str], list[Check]]:
    """Sentences and checks for ``acc``, the test accuracies of the runs.

    Kept apart from the training so that its branches (including runs that all agree) can be
    tested with chosen accuracies.
    """
    k = len(acc)
    mean, sd = float(acc.mean()), float(acc.std(ddof=1))
    best, worst = float(acc.max()), float(acc.min())
    pairwise = float(np.mean(np.abs(acc[:, None] - acc[None, :])[np.triu_indices(k, 1)]))
    binomial_sd = math.sqrt(mean * (1 - mean) / n_test)
    values = {
        "k": Int(k),
        "vary": VARY_LABELS[p["vary"]],
        "model": MODEL_LABELS[p["model"]],
        "worst": Pct(worst, 1),
        "best": Pct(best, 1),
        "mean": Pct(mean, 1),
        "sd": Num(100 * sd, 1),
        "gain": points(best - mean),
        "pairwise": points(pairwise),
        "n_test": Int(n_test),
        "binomial_sd": Num(100 * binomial_sd, 1),
    }
    if best - worst < 0.005:
        findings = [
            _fit(
                Msg(
                    "Trained {k} times with different seeds (changing {vary}), {model} scored "
                    "{mean} on its test set every time, to within half a point.",
                    **values,
                )
            ),
            N_("Here the seed does not matter: the best run and the mean tell the same story."),
        ]
    else:
        findings = [
            _fit(
                Msg(
                    "Trained {k} times with different seeds (changing {vary}), {model} scored "
                    "between {worst} and {best} on its test set.",
                    **values,
                )
            ),
            _fit(
                Msg(
                    "Reporting only the best run would claim {best}, {gain} above the honest "
                    "summary of {mean} ± {sd} points (mean ± sd).",
                    **values,
                )
            ),
            _fit(
                Msg(
                    "Two runs that differ only in their seed differ by {pairwise} on average.",
                    **values,
                )
            ),
        ]
    checks = []
    if best > worst and k >= MIN_RUNS_FOR_CHECKS:
        expected_max = _expected_max_of_normals(k)
        low, high = _studentized_best_band(k)
        observed = (best - mean) / sd
        checks.append(
            Check(
                key="best-of-k",
                label=N_("The best run sits where the best of K draws is expected to sit"),
                passed=bool(low <= observed <= high),
                expected=Msg(
                    "(best − mean) ÷ sd ≈ E[max of {k} normals] = {expected}, between {low} and "
                    "{high} for 99.8% of sets of {k} runs",
                    k=Int(k),
                    expected=Num(expected_max, 2),
                    low=Num(low, 2),
                    high=Num(high, 2),
                ),
                observed=Num(observed, 2),
                reference=N_(
                    "Order statistics of the normal distribution: the expected maximum of K "
                    "independent draws (1.16 standard deviations above the mean for K = 5, "
                    "1.87 for K = 20)"
                ),
            )
        )
    if p["vary"] == "split":
        findings.append(
            _fit(
                Msg(
                    "With {n_test} test examples, sampling the test set alone should move the "
                    "accuracy by about ±{binomial_sd} points (one sd); the runs moved by ±{sd}.",
                    **values,
                )
            )
        )
        if binomial_sd > 0 and k >= MIN_RUNS_FOR_CHECKS:
            ratio = sd / binomial_sd
            # Where a sample sd of k draws falls 99.9% of the time (chi-square, k − 1 degrees
            # of freedom); retraining on each split adds a little spread above it.
            low = math.sqrt(chi2.ppf(0.0005, k - 1) / (k - 1))
            high = 1.25 * math.sqrt(chi2.ppf(0.9995, k - 1) / (k - 1))
            checks.append(
                Check(
                    key="binomial-spread",
                    label=N_("The spread over splits is what test-set sampling predicts"),
                    passed=bool(low <= ratio <= high),
                    expected=Msg(
                        "sd ≈ √(p(1−p)/n) = √({p}×{q}/{n}) = {sd} points; with {k} runs, "
                        "between {low} and {high} times that",
                        p=Num(mean, 3),
                        q=Num(1 - mean, 3),
                        n=str(n_test),
                        sd=Num(100 * binomial_sd, 1),
                        k=Int(k),
                        low=Num(low, 2),
                        high=Num(high, 2),
                    ),
                    observed=Msg(
                        "sd over {k} splits = {sd} points ({ratio}× the prediction)",
                        k=Int(k),
                        sd=Num(100 * sd, 1),
                        ratio=Num(ratio, 2),
                    ),
                    reference=N_(
                        "Binomial sampling error of a proportion measured on n test examples"
                    ),
                )
            )
    return findings, checks


class SeedVarianceSimulation(Simulation):
    """Train one pipeline K times, changing only the random seed, and compare the scores."""

    slug: ClassVar[str] = "seed-variance"
    title: ClassVar[str] = N_("Seed variance: one pipeline, K random seeds, K different scores")
    question: ClassVar[str] = N_(
        "How much does a model's reported accuracy depend on the random seed alone, and what "
        "would reporting only the best run claim?"
    )
    version: ClassVar[str] = "3"
    cases: ClassVar[tuple[str, ...]] = ()
    themes: ClassVar[tuple[str, ...]] = ("reproducibility", "cost")
    explanation: ClassVar[str] = N_("""
**The model.** One synthetic, noisy classification task (scikit-learn's `make_classification`:
20 features, of which 5 carry signal, 2 are combinations of those 5 and 13 are pure noise; a
share of labels flipped at random). The same pipeline —
a decision tree, a small random forest or a small neural network — is trained K times. Nothing changes
between runs except the random seed, which decides the train/test split, the model's
initialisation, or both.

**What to try.** Raise the number of seeds; make the data set smaller or the test set smaller;
vary only the split, then only the initialisation.

**What to look for.** The spread of the test accuracies, and how far the best run sits above the
mean. A paper or a vendor that trains many times and reports the best run reports the luckiest
seed, not the pipeline. The honest summary is the mean ± the standard deviation over seeds (and
the slides' point on cost: every extra run costs compute).

**Limits.** One synthetic task; real pipelines have more sources of randomness (data order,
GPU non-determinism, hyper-parameter search), which usually widen the spread.
""")
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="model",
            type="choice",
            default="tree",
            label=N_("Model"),
            help=N_("The pipeline trained with every seed."),
            choices=(
                ("tree", N_("Decision tree")),
                ("forest", N_("Random forest")),
                ("mlp", N_("Small neural network")),
            ),
        ),
        Param(
            name="vary",
            type="choice",
            default="both",
            label=N_("What the seed changes"),
            help=N_("Which source of randomness changes from one run to the next."),
            choices=(
                ("both", N_("Split and initialisation")),
                ("model", N_("Initialisation only")),
                ("split", N_("Split only")),
            ),
        ),
        Param(
            name="n_seeds",
            type="int",
            default=20,
            label=N_("Number of seeds"),
            help=N_("How many times the pipeline is trained."),
            min=3,
            max=30,
            step=1,
            unit=N_("runs"),
        ),
        Param(
            name="n_samples",
            type="int",
            default=400,
            label=N_("Examples"),
            help=N_("Size of the whole data set (train + test)."),
            min=100,
            max=1000,
            step=50,
            unit=N_("examples"),
        ),
        Param(
            name="test_share",
            type="float",
            default=0.25,
            label=N_("Test share"),
            help=N_("Share of the examples held out to measure accuracy."),
            min=0.1,
            max=0.5,
            step=0.05,
        ),
        Param(
            name="label_noise",
            type="float",
            default=0.1,
            label=N_("Label noise"),
            help=N_("Share of labels flipped at random."),
            min=0.0,
            max=0.4,
            step=0.05,
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="split-and-init",
            title=N_("A typical experiment"),
            description=N_(
                "A decision tree, 20 seeds that change both the split and the initialisation."
            ),
            params={"model": "tree", "vary": "both", "n_seeds": 20},
            source=N_("Teaching values (no case)."),
        ),
        Preset(
            slug="init-only",
            title=N_("Same data, same split, different initialisation"),
            description=N_(
                "A small neural network retrained on one fixed split: only its starting weights change."
            ),
            params={"model": "mlp", "vary": "model", "n_seeds": 15},
            source=N_("Teaching values (no case)."),
        ),
        Preset(
            slug="small-test-set",
            title=N_("A small test set"),
            description=N_(
                "150 examples with 20% held out: 30 test examples make the score jumpy."
            ),
            params={"n_samples": 150, "test_share": 0.2, "vary": "split"},
            source=N_("Teaching values (no case)."),
        ),
    )

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Train the pipeline ``n_seeds`` times and summarise the test accuracies.

        Parameters
        ----------
        p : dict
            Validated parameters (see :attr:`params`).
        rng : numpy.random.Generator
            The run's only source of randomness; every scikit-learn seed is drawn from it.

        Returns
        -------
        Result
        """
        x, y = make_classification(
            n_samples=p["n_samples"],
            n_features=20,
            n_informative=5,
            n_redundant=2,
            flip_y=p["label_noise"],
            class_sep=1.0,
            random_state=derive_seed(rng),
        )
        fixed_split, fixed_model = derive_seed(rng), derive_seed(rng)
        accuracies: list[float] = []
        n_test = 0
        # The data are built here, finite and well formed, and the estimators' parameters are
        # fixed in _model: skipping scikit-learn's per-call parameter validation and finiteness
        # checks changes no result and saves most of the overhead of these small fits.
        with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
            for _ in range(p["n_seeds"]):
                split_seed = fixed_split if p["vary"] == "model" else derive_seed(rng)
                model_seed = fixed_model if p["vary"] == "split" else derive_seed(rng)
                x_train, x_test, y_train, y_test = train_test_split(
                    x, y, test_size=p["test_share"], random_state=split_seed, stratify=y
                )
                n_test = len(y_test)
                with warnings.catch_warnings():
                    # A 100-iteration MLP may stop short of full convergence; that is part of
                    # the pipeline being measured, not an error to show the student.
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    model = _model(p["model"], model_seed).fit(x_train, y_train)
                accuracies.append(float(model.score(x_test, y_test)))

        acc = np.array(accuracies)
        k = len(acc)
        mean, sd = float(acc.mean()), float(acc.std(ddof=1))
        best, worst = float(acc.max()), float(acc.min())
        pairwise = float(np.mean(np.abs(acc[:, None] - acc[None, :])[np.triu_indices(k, 1)]))

        runs = [
            {"run": Msg("seed {number}", number=Int(i + 1)), "accuracy": a}
            for i, a in enumerate(accuracies)
        ]
        order = [r["run"] for r in sorted(runs, key=lambda r: r["accuracy"])]
        runs_table = Table(
            key="runs",
            title=N_("Test accuracy of every run"),
            columns=[("run", N_("Run")), ("accuracy", N_("Test accuracy"))],
            rows=runs,
        )
        running = []
        for i in range(k):
            running.append(
                {"runs": i + 1, "summary": N_("best so far"), "accuracy": float(acc[: i + 1].max())}
            )
            running.append(
                {
                    "runs": i + 1,
                    "summary": N_("mean so far"),
                    "accuracy": float(acc[: i + 1].mean()),
                }
            )
        running_table = Table(
            key="best-so-far",
            title=N_("Best and mean accuracy as more seeds are tried"),
            columns=[
                ("runs", N_("Runs tried")),
                ("summary", N_("Summary")),
                ("accuracy", N_("Test accuracy")),
            ],
            rows=running,
        )
        runs_spec = bar_chart(
            Msg("Test accuracy of {k} runs of the same pipeline, sorted", k=Int(k)),
            runs,
            x="run",
            y="accuracy",
            x_title=N_("Run (sorted by accuracy)"),
            y_title=N_("Test accuracy"),
            y_format=".0%",
            sort=order,
        )
        runs_spec["encoding"]["y"]["scale"] = {"zero": False}
        running_spec = line_chart(
            N_("What 'the best run' claims as more seeds are tried"),
            running,
            x="runs",
            y="accuracy",
            x_title=N_("Runs tried"),
            y_title=N_("Test accuracy"),
            color="summary",
            color_title=N_("Summary"),
            y_format=".0%",
        )
        running_spec["encoding"]["y"]["scale"] = {"zero": False}
        charts = [
            Chart(
                key="runs",
                title=N_("Test accuracy by run"),
                description=Msg(
                    "The {k} runs scored between {worst} and {best}, a spread of {spread}.",
                    k=Int(k),
                    worst=Pct(worst, 1),
                    best=Pct(best, 1),
                    spread=points(best - worst),
                ),
                spec=runs_spec,
                table="runs",
            ),
            Chart(
                key="best-so-far",
                title=N_("Best so far versus mean so far"),
                description=Msg(
                    "After {k} runs the best run claims {best} while the mean is {mean}.",
                    k=Int(k),
                    best=Pct(best, 1),
                    mean=Pct(mean, 1),
                ),
                spec=running_spec,
                table="best-so-far",
            ),
        ]
        metrics = [
            Metric(key="mean_accuracy", label=N_("Mean test accuracy"), value=mean, unit="share"),
            Metric(
                key="sd_accuracy", label=N_("Standard deviation over seeds"), value=sd, unit="share"
            ),
            Metric(key="best_accuracy", label=N_("Best run"), value=best, unit="share"),
            Metric(key="worst_accuracy", label=N_("Worst run"), value=worst, unit="share"),
            Metric(
                key="best_minus_mean",
                label=N_("What reporting only the best run adds"),
                value=best - mean,
                unit="share",
            ),
            Metric(
                key="pairwise_gap",
                label=N_("Average gap between two runs"),
                value=pairwise,
                unit="share",
            ),
            Metric(
                key="n_test", label=N_("Test examples per run"), value=n_test, unit=N_("examples")
            ),
        ]
        findings, checks = _findings_and_checks(acc, n_test, p)
        return Result(
            metrics=metrics,
            tables=[runs_table, running_table],
            charts=charts,
            findings=findings,
            checks=checks,
        )


SIMULATION = SeedVarianceSimulation()
