"""Overfitting: a tree-depth sweep on a small noisy study, a learning curve, and how far a
score measured on a few dozen people can move."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import sklearn
from scipy.stats import norm
from sklearn.model_selection import ShuffleSplit, StratifiedKFold
from sklearn.tree import DecisionTreeClassifier

from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed
from .charts import line_chart
from .text import N_, Int, Msg, Num, Pct

N_FRESH = 4000
PANEL_ROWS = 40_000
UNLIMITED = 99
"""Depth shown on charts for a tree grown without a depth limit."""

MAX_REPLICATES = 30
"""More studies of the same size drawn from the same population, to average the selection's
optimism: in a single study of a few dozen people it is buried in noise. Larger studies get
fewer (see :func:`_replicates`): each costs more, and their optimism varies less."""
Z95 = 1.96
BINOMIAL_SD = N_(
    "Binomial sampling: a share measured on n people has standard deviation √(p(1−p)/n); for "
    "iBorderCtrl's reported ~76% on about 32 people (New Scientist; The Telegraph, 2018) that "
    "is a 95% interval of about ±15 points"
)


def points(x: float) -> Msg:
    """A difference of proportions as percentage points: 0.0734 → '7.3 points'."""
    return Msg("{value} points", value=Num(100 * abs(x), 1))


def _people(
    n: int, p: dict[str, Any], rng: np.random.Generator, *, balanced: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` people: features and a lie (1) / truth (0) label.

    Two Gaussian classes with identity covariance whose means differ by D = 2 Φ⁻¹(accuracy),
    spread over the informative features, so the best possible classifier reaches exactly the
    chosen true accuracy.

    Parameters
    ----------
    n : int
    p : dict
        Validated parameters.
    rng : numpy.random.Generator
    balanced : bool
        Exactly half liars (a staged study) rather than a coin flip per person.

    Returns
    -------
    x : ndarray of shape (n, n_features)
    y : ndarray of shape (n,)
    """
    if balanced:
        y = rng.permutation(np.arange(n) % 2)
    else:
        y = (rng.random(n) < 0.5).astype(int)
    distance = 2 * norm.ppf(p["true_accuracy"])
    shift = distance / (2 * math.sqrt(p["informative"]))
    x = rng.normal(size=(n, p["n_features"]))
    x[:, : p["informative"]] += np.where(y == 1, shift, -shift)[:, None]
    return x, y


def _accuracy(model: DecisionTreeClassifier, x: np.ndarray, y: np.ndarray) -> float:
    """Share of ``y`` the fitted model predicts correctly."""
    return float(np.mean(model.predict(x) == y))


def _fit(msg: Msg) -> Msg:
    """``msg`` keeping only the values its template uses (findings share one dict of values)."""
    msg.values = {k: v for k, v in msg.values.items() if "{" + k + "}" in msg.template}
    return msg


def _depth_label(depth: int | None) -> str:
    """A depth for a chart's categorical axis and for sentences: 3 → '3', None → 'no limit'."""
    return N_("no limit") if depth is None else str(depth)


def _replicates(n: int) -> int:
    """How many more studies of ``n`` people to average over: 30 up to 60 people, 8 at 225+."""
    return min(MAX_REPLICATES, max(8, 1800 // n))


def _selection_optimism(
    p: dict[str, Any],
    depths: list[int | None],
    x_fresh: np.ndarray,
    y_fresh: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Optimism of choosing the depth by 3-fold cross-validation, in more studies of the same size.

    Each study draws ``n_people`` new people from the same population, picks the depth with the
    best cross-validated accuracy, refits it on the whole study and scores it on ``x_fresh``.

    Returns
    -------
    ndarray of shape (_replicates(n_people),)
        Cross-validated accuracy of the chosen depth minus its accuracy on new people.
    """
    optimism = np.empty(_replicates(p["n_people"]))
    # The trees work in float32 whatever they are given; converting once and skipping
    # scikit-learn's per-call input checks (the data are built here, finite and well formed)
    # makes these hundreds of tiny fits several times faster, with identical trees.
    fresh32 = np.ascontiguousarray(x_fresh, dtype=np.float32)
    with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
        for r in range(len(optimism)):
            x, y = _people(p["n_people"], p, rng, balanced=True)
            x = np.ascontiguousarray(x, dtype=np.float32)
            folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=derive_seed(rng))
            tree_seed = derive_seed(rng)
            cv = np.zeros(len(depths))
            for tr, va in folds.split(x, y):
                for i, depth in enumerate(depths):
                    model = DecisionTreeClassifier(max_depth=depth, random_state=tree_seed)
                    model.fit(x[tr], y[tr], check_input=False)
                    cv[i] += np.mean(model.predict(x[va], check_input=False) == y[va]) / 3
            best = int(np.argmax(cv))
            chosen = DecisionTreeClassifier(max_depth=depths[best], random_state=tree_seed)
            chosen.fit(x, y, check_input=False)
            optimism[r] = cv[best] - np.mean(chosen.predict(fresh32, check_input=False) == y_fresh)
    return optimism


class OverfittingSimulation(Simulation):
    """Sweep tree depth on a small study; compare training, cross-validated and real accuracy."""

    slug: ClassVar[str] = "overfitting"
    title: ClassVar[str] = N_("Overfitting: a perfect score on the people it has already seen")
    question: ClassVar[str] = N_(
        "How much does a model's score on a small study tell us about its accuracy on new people?"
    )
    version: ClassVar[str] = "3"
    cases: ClassVar[tuple[str, ...]] = ("iborderctrl",)
    themes: ClassVar[tuple[str, ...]] = ("overfitting", "reproducibility")
    explanation: ClassVar[str] = N_("""
**The model.** A staged "deception" study: a few dozen people, half told to lie, each described
by many measured features (think micro-expressions), of which only a few carry any signal. The
best possible rule for this population reaches the *true accuracy* you set, and no better.
Decision trees of growing depth (scikit-learn) learn from the study; we measure their accuracy on
the people they learned from, by 3-fold cross-validation (the loop of scikit-learn's `validation_curve`), and on 4,000 new
people from the same population. A learning curve shows what more data does.

**What to try.** The iBorderCtrl preset (32 people, 38 features). Then raise the number of people;
set the true accuracy to 50% (no signal at all); add features that carry nothing.

**What to look for.** Training accuracy climbs to 100% as the tree deepens — it memorises. The
cross-validated score peaks and falls. Picking the best of many depths on 32 people flatters the
winner: on new people it scores less, on average. In any one study that flattery can be hidden
by chance (cross-validation on a few dozen people can also err the other way), so the run repeats
the whole study up to 30 more times and reports the average. And a score measured on 32 people can move by about ±15
points from one group of 32 to the next, so "76% on 32 people" says little.

**Limits.** Synthetic Gaussian data and one model family. iBorderCtrl's real features, model and
data were not published; the preset only borrows the study's size and feature count.
""")
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="n_people",
            type="int",
            default=60,
            label=N_("People in the study"),
            help=N_("Size of the study the model learns from and is scored on."),
            min=20,
            max=500,
            step=1,
            unit=N_("people"),
        ),
        Param(
            name="n_features",
            type="int",
            default=20,
            label=N_("Measured features"),
            help=N_("Features recorded per person, most of them pure noise."),
            min=1,
            max=40,
            step=1,
            unit=N_("features"),
        ),
        Param(
            name="informative",
            type="int",
            default=3,
            label=N_("Features that carry signal"),
            help=N_("How many of the features actually differ between liars and truth-tellers."),
            min=1,
            max=10,
            step=1,
            unit=N_("features"),
        ),
        Param(
            name="true_accuracy",
            type="float",
            default=0.7,
            label=N_("True accuracy (best possible)"),
            help=N_("Accuracy of the best possible rule on this population; 0.5 means no signal."),
            min=0.5,
            max=0.95,
            step=0.01,
        ),
        Param(
            name="max_depth",
            type="int",
            default=6,
            label=N_("Deepest tree in the sweep"),
            help=N_("The sweep tries depths 1 to this value, then a tree with no depth limit."),
            min=2,
            max=12,
            step=1,
            unit=N_("levels"),
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="iborderctrl-32",
            title=N_("iBorderCtrl's small study"),
            description=N_(
                "32 people, half told to lie, 38 measured features; compare the cross-validated "
                "score and its ±15-point uncertainty with the reported ~76%."
            ),
            params={"n_people": 32, "n_features": 38, "informative": 3, "true_accuracy": 0.6},
            case="iborderctrl",
            source=N_(
                "A staged test of about 30 people, half told to lie, 38 micro-expressions and "
                "about 76% accuracy: New Scientist, “An AI lie detector will interrogate "
                "travellers at some EU borders” (2018); USA Today and The Intercept give 32 "
                "participants. "
                "The ±15-point 95% interval at n≈32 is binomial arithmetic, "
                "1.96·√(0.76·0.24/32). The 3 informative features and the 60% "
                "true accuracy are teaching values, not published: the real accuracy is unknown."
            ),
        ),
        Preset(
            slug="pure-noise",
            title=N_("No signal at all"),
            description=N_(
                "The features carry nothing: any score above 50% is overfitting or luck."
            ),
            params={"n_people": 32, "n_features": 38, "true_accuracy": 0.5},
            case="iborderctrl",
            source=N_(
                "Teaching values; study size and feature count as in the iBorderCtrl preset."
            ),
        ),
        Preset(
            slug="large-study",
            title=N_("A study fifteen times larger"),
            description=N_("500 people: the cross-validated score and the real one agree."),
            params={"n_people": 500, "n_features": 38, "true_accuracy": 0.6},
            source=N_("Teaching values (no case)."),
        ),
    )

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """The informative features are some of the measured ones."""
        if p["informative"] > p["n_features"]:
            return {
                "informative": [
                    Msg(
                        "Cannot exceed the number of measured features ({count}).",
                        count=Int(p["n_features"]),
                    )
                ]
            }
        return {}

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Run the depth sweep, the fresh-population test, the panels and the learning curve.

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
        x, y = _people(n, p, rng, balanced=True)
        x_fresh, y_fresh = _people(N_FRESH, p, rng, balanced=False)
        tree_seed = derive_seed(rng)
        depths: list[int | None] = [*range(1, p["max_depth"] + 1), None]
        folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=derive_seed(rng))
        # The loops below are what sklearn's validation_curve and learning_curve do; written
        # out, with accuracy counted in NumPy, they run several times faster on data this small.
        train_scores = np.zeros((len(depths), folds.get_n_splits()))
        cv_scores = np.zeros_like(train_scores)
        for f, (tr, va) in enumerate(folds.split(x, y)):
            for i, depth in enumerate(depths):
                model = DecisionTreeClassifier(max_depth=depth, random_state=tree_seed)
                model.fit(x[tr], y[tr])
                train_scores[i, f] = _accuracy(model, x[tr], y[tr])
                cv_scores[i, f] = _accuracy(model, x[va], y[va])
        cv_mean = cv_scores.mean(axis=1)
        fitted, train_full, fresh = [], [], []
        for depth in depths:
            model = DecisionTreeClassifier(max_depth=depth, random_state=tree_seed).fit(x, y)
            fitted.append(model)
            train_full.append(_accuracy(model, x, y))
            fresh.append(_accuracy(model, x_fresh, y_fresh))
        best = int(np.argmax(cv_mean))
        best_depth = depths[best]
        best_label = _depth_label(best_depth)

        # Another group of n people, many times over: how far the chosen model's score moves.
        n_panels = min(400, PANEL_ROWS // n)
        x_panels, y_panels = _people(n_panels * n, p, rng, balanced=False)
        correct = fitted[best].predict(x_panels) == y_panels
        panel_scores = correct.reshape(n_panels, n).mean(axis=1)
        p_bar = float(correct.mean())
        panel_sd = float(panel_scores.std(ddof=1))
        binomial_sd = math.sqrt(p_bar * (1 - p_bar) / n)
        half_width = 1.96 * binomial_sd

        pool_x, pool_y = _people(600, p, rng, balanced=False)
        sizes = np.array([20, 50, 100, 200, 400])
        splitter = ShuffleSplit(n_splits=2, test_size=200, random_state=derive_seed(rng))
        lc_train = np.zeros((len(sizes), 2))
        lc_valid = np.zeros_like(lc_train)
        for f, (tr, va) in enumerate(splitter.split(pool_x)):
            for i, size in enumerate(sizes):
                part = tr[:size]
                model = DecisionTreeClassifier(max_depth=best_depth, random_state=tree_seed)
                model.fit(pool_x[part], pool_y[part])
                lc_train[i, f] = _accuracy(model, pool_x[part], pool_y[part])
                lc_valid[i, f] = _accuracy(model, pool_x[va], pool_y[va])

        # Drawn after everything above, so the other numbers do not depend on it.
        replicate_optimism = _selection_optimism(p, depths, x_fresh, y_fresh, rng)
        mean_optimism = float(replicate_optimism.mean())
        optimism_margin = (
            Z95 * float(replicate_optimism.std(ddof=1)) / math.sqrt(len(replicate_optimism))
        )

        sweep_rows = []
        for i, depth in enumerate(depths):
            label = _depth_label(depth)
            for kind, value in (
                (N_("training (people it learned from)"), float(train_scores[i].mean())),
                (N_("cross-validated (3 folds of the study)"), float(cv_mean[i])),
                (Msg("new people ({count})", count=Int(N_FRESH)), fresh[i]),
            ):
                sweep_rows.append({"depth": label, "measured_on": kind, "accuracy": value})
        curve_rows = []
        for size, tr, va in zip(sizes, lc_train.mean(axis=1), lc_valid.mean(axis=1), strict=True):
            curve_rows.append(
                {"size": int(size), "measured_on": N_("training"), "accuracy": float(tr)}
            )
            curve_rows.append(
                {"size": int(size), "measured_on": N_("validation"), "accuracy": float(va)}
            )
        curve_title = Msg("Learning curve of the depth-{depth} tree", depth=best_label)
        tables = [
            Table(
                key="depth-sweep",
                title=N_("Accuracy by tree depth"),
                columns=[
                    ("depth", N_("Tree depth")),
                    ("measured_on", N_("Measured on")),
                    ("accuracy", N_("Accuracy")),
                ],
                rows=sweep_rows,
            ),
            Table(
                key="learning-curve",
                title=curve_title,
                columns=[
                    ("size", N_("People to learn from")),
                    ("measured_on", N_("Measured on")),
                    ("accuracy", N_("Accuracy")),
                ],
                rows=curve_rows,
            ),
        ]
        sweep_spec = line_chart(
            Msg("Accuracy by tree depth, {n} people", n=Int(n)),
            sweep_rows,
            x="depth",
            y="accuracy",
            x_title=N_("Tree depth"),
            y_title=N_("Accuracy"),
            color="measured_on",
            color_title=N_("Measured on"),
            y_format=".0%",
            y_domain=[0.3, 1.0],
        )
        # Depths 1, 2, … and "no limit" are categories in order, evenly spaced, so the small
        # depths stay readable (on a numeric axis "no limit" would sit far to the right).
        sweep_spec["encoding"]["x"].update(
            type="ordinal",
            sort=[_depth_label(depth) for depth in depths],
            axis={"labelAngle": 0},
        )
        curve_spec = line_chart(
            curve_title,
            curve_rows,
            x="size",
            y="accuracy",
            x_title=N_("People to learn from"),
            y_title=N_("Accuracy"),
            color="measured_on",
            color_title=N_("Measured on"),
            y_format=".0%",
            y_domain=[0.3, 1.0],
        )
        charts = [
            Chart(
                key="depth-sweep",
                title=N_("Training, cross-validated and real accuracy by depth"),
                description=Msg(
                    "The unlimited tree scores {train} on the {n} people it learned from and "
                    "{fresh} on new people.",
                    train=Pct(train_full[-1]),
                    n=Int(n),
                    fresh=Pct(fresh[-1]),
                ),
                spec=sweep_spec,
                table="depth-sweep",
            ),
            Chart(
                key="learning-curve",
                title=N_("Learning curve"),
                description=Msg(
                    "Validation accuracy goes from {first} with {first_n} people to {last} "
                    "with {last_n}.",
                    first=Pct(float(lc_valid[0].mean())),
                    first_n=Int(int(sizes[0])),
                    last=Pct(float(lc_valid[-1].mean())),
                    last_n=Int(int(sizes[-1])),
                ),
                spec=curve_spec,
                table="learning-curve",
            ),
        ]
        optimism = float(cv_mean[best]) - fresh[best]
        metrics = [
            Metric(
                key="train_unlimited",
                label=N_("Training accuracy, no depth limit"),
                value=train_full[-1],
                unit="share",
            ),
            Metric(
                key="fresh_unlimited",
                label=N_("Accuracy on new people, no depth limit"),
                value=fresh[-1],
                unit="share",
            ),
            Metric(
                key="best_cv",
                label=N_("Best cross-validated accuracy"),
                value=float(cv_mean[best]),
                unit="share",
            ),
            Metric(
                key="best_depth",
                label=Msg(
                    "Depth chosen by cross-validation ({unlimited} = no limit)",
                    unlimited=Int(UNLIMITED),
                ),
                value=UNLIMITED if best_depth is None else best_depth,
            ),
            Metric(
                key="fresh_best",
                label=N_("Chosen tree's accuracy on new people"),
                value=fresh[best],
                unit="share",
            ),
            Metric(
                key="optimism",
                label=N_("Cross-validated score minus real accuracy"),
                value=optimism,
                unit="share",
            ),
            Metric(
                key="mean_optimism",
                label=N_("Average optimism of the chosen depth over more studies of the same size"),
                value=mean_optimism,
                unit="share",
                help=N_(
                    "Cross-validated score minus accuracy on new people, averaged over studies "
                    "of the same size."
                ),
            ),
            Metric(
                key="panel_half_width",
                label=Msg("95% range of the score over groups of {n} people", n=Int(n)),
                value=half_width,
                unit="± share",
            ),
            Metric(
                key="true_accuracy",
                label=N_("Best possible accuracy"),
                value=p["true_accuracy"],
                unit="share",
            ),
        ]
        cv_margin = Z95 * math.sqrt(
            max(float(cv_mean[best]) * (1 - float(cv_mean[best])), 0.01) / n + 0.25 / N_FRESH
        )
        values = {
            "n": Int(n),
            "fresh_n": Int(N_FRESH),
            "train": Pct(train_full[-1]),
            "fresh_unlimited": Pct(fresh[-1]),
            "bayes": Pct(p["true_accuracy"]),
            "depth": best_label,
            "cv": Pct(float(cv_mean[best])),
            "fresh": Pct(fresh[best]),
            "count": Int(len(depths)),
            "optimism": points(optimism),
            "margin": points(cv_margin),
            "replicates": Int(len(replicate_optimism)),
            "mean_optimism": points(mean_optimism),
            "optimism_margin": points(optimism_margin),
            "half_width": Num(100 * half_width, 0),
            "p_bar": Pct(p_bar),
        }
        findings = [
            _fit(
                Msg(
                    "The tree grown without a depth limit scores {train} on the {n} people it "
                    "learned from but {fresh_unlimited} on {fresh_n} new people; the best "
                    "possible is {bayes}.",
                    **values,
                )
            )
        ]
        if optimism > cv_margin:
            choice = Msg(
                "Cross-validation picks depth {depth} with {cv}; on new people that tree scores "
                "{fresh}: choosing the best of {count} depths on {n} people flatters it by "
                "{optimism}, more than chance moves a score on {n} people (±{margin} at 95%).",
                **values,
            )
        elif optimism < -cv_margin:
            choice = Msg(
                "Cross-validation picks depth {depth} with {cv}, and on new people that tree "
                "scores {fresh}: here cross-validation was pessimistic by {optimism}, because a "
                "score on {n} people moves by ±{margin} (95%) either way.",
                **values,
            )
        else:
            choice = Msg(
                "Cross-validation picks depth {depth} with {cv}, and on new people that tree "
                "scores {fresh}: the two differ by less than chance moves a score on {n} people "
                "(±{margin} at 95%).",
                **values,
            )
        choice = _fit(choice)
        if fresh[best] - 0.5 < 0.03:
            choice = Msg(
                "{sentence} {addition}",
                sentence=choice,
                addition=N_("That is within 3 points of a coin toss (50%)."),
            )
        findings.append(choice)
        if mean_optimism > optimism_margin:
            average = Msg(
                "Over {replicates} more studies of {n} people from the same population, the "
                "depth chosen by cross-validation scored on average {mean_optimism} less on new "
                "people than cross-validation said (±{optimism_margin} at 95%): picking the "
                "best of {count} depths on {n} people flatters the winner.",
                **values,
            )
        else:
            average = Msg(
                "Over {replicates} more studies of {n} people from the same population, the "
                "depth chosen by cross-validation scored on new people within "
                "±{optimism_margin} (95%) of what cross-validation said, on average: at this "
                "setting the flattery of picking the best depth is lost in the noise.",
                **values,
            )
        findings.append(_fit(average))
        interval = _fit(
            Msg(
                "Tested on another {n} people, the chosen tree's score would land within "
                "±{half_width} points of {p_bar} 95% of the time.",
                **values,
            )
        )
        if n <= 40:
            interval = Msg(
                "{sentence} {addition}",
                sentence=interval,
                addition=N_(
                    "The same arithmetic gives about ±15 points for iBorderCtrl's reported "
                    "~76% on about 32 people."
                ),
            )
        findings.append(interval)

        checks = [
            Check(
                key="unlimited-tree-memorises",
                label=N_("A tree grown without a depth limit memorises its training data"),
                passed=train_full[-1] == 1.0,
                expected=N_(
                    "training accuracy 100% (every person with distinct features gets a leaf)"
                ),
                observed=Pct(train_full[-1], 1),
                reference=N_(
                    "How the algorithm works: an unpruned decision tree splits until every leaf "
                    "is pure"
                ),
                kind="consistency",
            ),
            Check(
                key="binomial-interval",
                label=Msg("A score on {n} people moves as binomial sampling predicts", n=Int(n)),
                passed=0.75 <= panel_sd / binomial_sd <= 1.3 if binomial_sd > 0 else panel_sd == 0,
                expected=Msg(
                    "sd over groups of {n} = √(p(1−p)/n) = {sd} points, a 95% range of "
                    "±{half_width} (at p = 0.76, n = 32: ±14.8)",
                    n=Int(n),
                    sd=Num(100 * binomial_sd, 1),
                    half_width=Num(100 * half_width, 1),
                ),
                observed=Msg(
                    "sd over {groups} groups of {n} people = {sd} points",
                    groups=Int(n_panels),
                    n=Int(n),
                    sd=Num(100 * panel_sd, 1),
                ),
                reference=BINOMIAL_SD,
                kind="consistency",
            ),
            Check(
                key="no-model-beats-bayes",
                label=N_("No tree beats the best possible accuracy on new people"),
                passed=max(fresh) <= p["true_accuracy"] + 4 * math.sqrt(0.25 / N_FRESH),
                expected=Msg(
                    "every depth ≤ {bayes} + sampling error ({error})",
                    bayes=Pct(p["true_accuracy"]),
                    error=points(4 * math.sqrt(0.25 / N_FRESH)),
                ),
                observed=Msg("best on new people {best}", best=Pct(max(fresh), 1)),
                reference=N_(
                    "Bayes error: two Gaussian classes whose means are 2Φ⁻¹(accuracy) apart"
                ),
            ),
        ]
        return Result(
            metrics=metrics, tables=tables, charts=charts, findings=findings, checks=checks
        )


SIMULATION = OverfittingSimulation()
