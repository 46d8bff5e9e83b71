"""Seed variance: the same pipeline trained with K random seeds, and what the best run claims."""

from __future__ import annotations

import math
import warnings
from typing import Any, ClassVar

import numpy as np
from scipy.integrate import quad
from scipy.stats import chi2, norm
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from ._shared import points
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed, pct
from .charts import bar_chart, line_chart

MIN_RUNS_FOR_CHECKS = 8
"""Below this many runs a spread or a maximum says too little to check against a formula."""
MODEL_LABELS = {
    "forest": "random forest of 10 trees",
    "mlp": "small neural network (8 hidden units)",
    "tree": "decision tree on random feature subsets",
}
VARY_LABELS = {
    "both": "the train/test split and the model's initialisation",
    "model": "only the model's initialisation, on one fixed split",
    "split": "only the train/test split, with one fixed model seed",
}


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
    value, _ = quad(lambda x: x * k * norm.pdf(x) * norm.cdf(x) ** (k - 1), -12, 12)
    return float(value)


def _studentized_best_band(k: int) -> tuple[float, float]:
    """The 0.1% and 99.9% quantiles of (max − mean) / sd for k standard normal draws.

    Monte Carlo with a generator seeded by ``k`` alone: a reference distribution that does not
    depend on the run.
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
        "k": k,
        "vary": VARY_LABELS[p["vary"]],
        "model": MODEL_LABELS[p["model"]],
        "worst": pct(worst, 1),
        "best": pct(best, 1),
        "mean": pct(mean, 1),
        "sd": f"{100 * sd:.1f}",
        "gain": points(best - mean),
        "pairwise": points(pairwise),
        "n_test": n_test,
        "binomial_sd": f"{100 * binomial_sd:.1f}",
    }
    if best - worst < 0.005:
        findings = [
            (
                "Trained {k} times with different seeds (changing {vary}), the same {model} "
                "scored {mean} on its test set every time, to within half a point."
            ).format(**values),
            ("Here the seed does not matter: the best run and the mean tell the same story."),
        ]
    else:
        findings = [
            (
                "Trained {k} times with different seeds (changing {vary}), the same {model} "
                "scored between {worst} and {best} on its test set."
            ).format(**values),
            (
                "Reporting only the best run would claim {best}, {gain} above the honest "
                "summary of {mean} ± {sd} points (mean ± sd)."
            ).format(**values),
            ("Two runs that differ only in their seed differ by {pairwise} on average.").format(
                **values
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
                label="The best run sits where the best of K draws is expected to sit",
                passed=bool(low <= observed <= high),
                expected=(
                    f"(best − mean) ÷ sd ≈ E[max of {k} normals] = {expected_max:.2f}, "
                    f"between {low:.2f} and {high:.2f} for 99.8% of sets of {k} runs"
                ),
                observed=f"{observed:.2f}",
                reference=(
                    "Order statistics of the normal distribution: the expected maximum of K "
                    "independent draws (1.16 standard deviations above the mean for K = 5, "
                    "1.87 for K = 20)"
                ),
            )
        )
    if p["vary"] == "split":
        findings.append(
            (
                "With {n_test} test examples, sampling the test set alone should move the "
                "accuracy by about ±{binomial_sd} points (one sd); the runs moved by ±{sd}."
            ).format(**values)
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
                    label="The spread over splits is what test-set sampling predicts",
                    passed=bool(low <= ratio <= high),
                    expected=(
                        f"sd ≈ √(p(1−p)/n) = √({mean:.3f}×{1 - mean:.3f}/{n_test}) = "
                        f"{100 * binomial_sd:.1f} points; with {k} runs, between {low:.2f} "
                        f"and {high:.2f} times that"
                    ),
                    observed=(
                        f"sd over {k} splits = {100 * sd:.1f} points ({ratio:.2f}× the prediction)"
                    ),
                    reference="Binomial sampling error of a proportion measured on n test examples",
                )
            )
    return findings, checks


class SeedVarianceSimulation(Simulation):
    """Train one pipeline K times, changing only the random seed, and compare the scores."""

    slug: ClassVar[str] = "seed-variance"
    title: ClassVar[str] = "Seed variance: one pipeline, K random seeds, K different scores"
    question: ClassVar[str] = (
        "How much does a model's reported accuracy depend on the random seed alone, and what "
        "would reporting only the best run claim?"
    )
    version: ClassVar[str] = "2"
    cases: ClassVar[tuple[str, ...]] = ()
    themes: ClassVar[tuple[str, ...]] = ("reproducibility", "cost")
    explanation: ClassVar[str] = """
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
"""
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="model",
            type="choice",
            default="tree",
            label="Model",
            help="The pipeline trained with every seed.",
            choices=(
                ("tree", "Decision tree"),
                ("forest", "Random forest"),
                ("mlp", "Small neural network"),
            ),
        ),
        Param(
            name="vary",
            type="choice",
            default="both",
            label="What the seed changes",
            help="Which source of randomness changes from one run to the next.",
            choices=(
                ("both", "Split and initialisation"),
                ("model", "Initialisation only"),
                ("split", "Split only"),
            ),
        ),
        Param(
            name="n_seeds",
            type="int",
            default=20,
            label="Number of seeds",
            help="How many times the pipeline is trained.",
            min=3,
            max=30,
            step=1,
            unit="runs",
        ),
        Param(
            name="n_samples",
            type="int",
            default=400,
            label="Examples",
            help="Size of the whole data set (train + test).",
            min=100,
            max=1000,
            step=50,
            unit="examples",
        ),
        Param(
            name="test_share",
            type="float",
            default=0.25,
            label="Test share",
            help="Share of the examples held out to measure accuracy.",
            min=0.1,
            max=0.5,
            step=0.05,
        ),
        Param(
            name="label_noise",
            type="float",
            default=0.1,
            label="Label noise",
            help="Share of labels flipped at random.",
            min=0.0,
            max=0.4,
            step=0.05,
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="split-and-init",
            title="A typical experiment",
            description="A decision tree, 20 seeds that change both the split and the initialisation.",
            params={"model": "tree", "vary": "both", "n_seeds": 20},
            source="Teaching values (no case).",
        ),
        Preset(
            slug="init-only",
            title="Same data, same split, different initialisation",
            description="A small neural network retrained on one fixed split: only its starting weights change.",
            params={"model": "mlp", "vary": "model", "n_seeds": 15},
            source="Teaching values (no case).",
        ),
        Preset(
            slug="small-test-set",
            title="A small test set",
            description="150 examples with 20% held out: 30 test examples make the score jumpy.",
            params={"n_samples": 150, "test_share": 0.2, "vary": "split"},
            source="Teaching values (no case).",
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
        for _ in range(p["n_seeds"]):
            split_seed = fixed_split if p["vary"] == "model" else derive_seed(rng)
            model_seed = fixed_model if p["vary"] == "split" else derive_seed(rng)
            x_train, x_test, y_train, y_test = train_test_split(
                x, y, test_size=p["test_share"], random_state=split_seed, stratify=y
            )
            n_test = len(y_test)
            with warnings.catch_warnings():
                # A 100-iteration MLP may stop short of full convergence; that is part of the
                # pipeline being measured, not an error to show the student.
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = _model(p["model"], model_seed).fit(x_train, y_train)
            accuracies.append(float(model.score(x_test, y_test)))

        acc = np.array(accuracies)
        k = len(acc)
        mean, sd = float(acc.mean()), float(acc.std(ddof=1))
        best, worst = float(acc.max()), float(acc.min())
        pairwise = float(np.mean(np.abs(acc[:, None] - acc[None, :])[np.triu_indices(k, 1)]))

        runs = [{"run": f"seed {i + 1}", "accuracy": a} for i, a in enumerate(accuracies)]
        order = [r["run"] for r in sorted(runs, key=lambda r: r["accuracy"])]
        runs_table = Table(
            key="runs",
            title="Test accuracy of every run",
            columns=[("run", "Run"), ("accuracy", "Test accuracy")],
            rows=runs,
        )
        running = []
        for i in range(k):
            running.append(
                {"runs": i + 1, "summary": "best so far", "accuracy": float(acc[: i + 1].max())}
            )
            running.append(
                {"runs": i + 1, "summary": "mean so far", "accuracy": float(acc[: i + 1].mean())}
            )
        running_table = Table(
            key="best-so-far",
            title="Best and mean accuracy as more seeds are tried",
            columns=[("runs", "Runs tried"), ("summary", "Summary"), ("accuracy", "Test accuracy")],
            rows=running,
        )
        runs_spec = bar_chart(
            f"Test accuracy of {k} runs of the same pipeline, sorted",
            runs,
            x="run",
            y="accuracy",
            x_title="Run (sorted by accuracy)",
            y_title="Test accuracy",
            y_format=".0%",
            sort=order,
        )
        runs_spec["encoding"]["y"]["scale"] = {"zero": False}
        running_spec = line_chart(
            "What 'the best run' claims as more seeds are tried",
            running,
            x="runs",
            y="accuracy",
            x_title="Runs tried",
            y_title="Test accuracy",
            color="summary",
            color_title="Summary",
            y_format=".0%",
        )
        running_spec["encoding"]["y"]["scale"] = {"zero": False}
        charts = [
            Chart(
                key="runs",
                title="Test accuracy by run",
                description=(
                    f"The {k} runs scored between {pct(worst, 1)} and {pct(best, 1)}, "
                    f"a spread of {points(best - worst)}."
                ),
                spec=runs_spec,
                table="runs",
            ),
            Chart(
                key="best-so-far",
                title="Best so far versus mean so far",
                description=(
                    f"After {k} runs the best run claims {pct(best, 1)} while the mean is "
                    f"{pct(mean, 1)}."
                ),
                spec=running_spec,
                table="best-so-far",
            ),
        ]
        metrics = [
            Metric(key="mean_accuracy", label="Mean test accuracy", value=mean, unit="share"),
            Metric(
                key="sd_accuracy", label="Standard deviation over seeds", value=sd, unit="share"
            ),
            Metric(key="best_accuracy", label="Best run", value=best, unit="share"),
            Metric(key="worst_accuracy", label="Worst run", value=worst, unit="share"),
            Metric(
                key="best_minus_mean",
                label="What reporting only the best run adds",
                value=best - mean,
                unit="share",
            ),
            Metric(
                key="pairwise_gap",
                label="Average gap between two runs",
                value=pairwise,
                unit="share",
            ),
            Metric(key="n_test", label="Test examples per run", value=n_test, unit="examples"),
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
