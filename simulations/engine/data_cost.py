"""The cost of data: a learning curve priced in euros, and cheap noisy labels against dear clean
ones (the slides' « les données coûtent cher » and « l'apprentissage prend beaucoup de temps »).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.stats import norm
from scipy.stats import t as student_t

from ._shared import counted_points, g_pct
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table
from .charts import SCHEMA, line_chart
from .text import N_, Int, Msg, Num, Pct

ALPHA = 0.001
"""Two-sided level of every "beyond chance" claim (a paired t test over the repeats): with
five claims a run, a false claim shows up in about one run in two hundred."""
MAX_STEPS = 20
"""Most label counts on the curve (max_labels ÷ batch): bounds the work."""
EXPERTS = N_("Expert labels")
CROWD = N_("Crowd labels")
PAYS = N_("pays")
DOES_NOT_PAY = N_("does not pay")
UNSURE = N_("cannot tell")

_IBC_SOURCE = N_(
    "Test size: 32 people in USA Today (2 Nov 2018) and The Intercept (26 Jul 2019), about 30 "
    "with half told to lie in New Scientist (2018); the sources disagree. The prices per label "
    "and per training run, the features and the separation are assumptions (teaching values): "
    "no price per label was published."
)
_TEACHING_SOURCE = N_(
    "Teaching values. The prices per label and per training run and the value of a point of "
    "accuracy are assumptions, not published figures."
)


def _eur(x: float) -> Msg:
    """An amount in euros: '€1,234' / '1 234 €'; cents kept below 100 euros when not whole."""
    if abs(x) >= 100 or float(x).is_integer():
        return Msg("€{amount}", amount=Int(int(round(x))))
    return Msg("€{amount}", amount=Num(x, 2))


def _points(x: float, digits: int | None = None) -> Msg:
    """A difference of accuracies as percentage points ('1.2 points'; French '1,2 point'),
    with two decimals below one point unless ``digits`` says otherwise."""
    if digits is None:
        digits = 2 if 100 * abs(x) < 1 else 1
    return counted_points(x, digits)


def _crit(repeats: int) -> float:
    """The t value a paired mean over ``repeats`` must exceed, in standard errors."""
    return float(student_t.ppf(1 - ALPHA / 2, repeats - 1))


def _paired(diff: np.ndarray) -> tuple[float, float]:
    """Mean and standard error of paired differences over the repeats."""
    return float(diff.mean()), float(diff.std(ddof=1) / math.sqrt(len(diff)))


def _beyond(mean: float, se: float, crit: float) -> int:
    """+1 / −1 when ``mean`` is beyond chance above / below 0, else 0."""
    if se == 0:
        return 0 if mean == 0 else (1 if mean > 0 else -1)
    if mean > crit * se:
        return 1
    if mean < -crit * se:
        return -1
    return 0


def _fit(sum1, sum0, n1, n0, sxx, n):
    """Fisher's linear discriminant from sufficient statistics (class sums, Σxxᵀ).

    Returns ``(w, b, gap)``: the rule ``w·x + b > 0`` (class priors estimated from the labels,
    as scikit-learn's ``LinearDiscriminantAnalysis`` does) and the difference of the class
    means; or ``(None, constant, None)`` when one class is absent (the rule then always answers
    the class present).
    """
    if n1 == 0 or n0 == 0:
        return None, (1 if n1 else 0), None
    m1, m0 = sum1 / n1, sum0 / n0
    scatter = sxx - n1 * np.outer(m1, m1) - n0 * np.outer(m0, m0)
    cov = scatter / max(n - 2, 1)
    gap = m1 - m0
    try:
        w = np.linalg.solve(cov, gap)
    except np.linalg.LinAlgError:
        w = np.linalg.pinv(cov) @ gap
    b = -0.5 * float((m1 + m0) @ w) + math.log(n1 / n0)
    return w, b, gap


def _accuracies(models, xt: np.ndarray, yt: np.ndarray) -> np.ndarray:
    """Test accuracy of each rule in ``models`` on (xt, yt), in one matrix product."""
    out = np.empty(len(models))
    fitted = [i for i, (w, _, _) in enumerate(models) if w is not None]
    if fitted:
        weights = np.column_stack([models[i][0] for i in fitted])
        biases = np.array([models[i][1] for i in fitted])
        correct = ((xt @ weights + biases) > 0) == (yt == 1)[:, None]
        out[fitted] = correct.mean(axis=0)
    for i, (w, constant, _) in enumerate(models):
        if w is None:
            out[i] = float(np.mean(yt == constant))
    return out


def _exact(model, separation: float) -> float:
    """Accuracy of a linear rule on the whole population: classes N(±δ/2·e₁, I), half each.

    The score w·x + b of a class is normal with mean w₁·(±δ/2) + b and sd ‖w‖, so
    accuracy = ½[Φ((w₁δ/2 + b)/‖w‖) + Φ((w₁δ/2 − b)/‖w‖)].
    """
    w, b, _ = model
    if w is None:
        return 0.5
    norm_w = float(np.linalg.norm(w))
    if norm_w == 0:
        return 0.5
    half = float(w[0]) * separation / 2
    return 0.5 * (norm.cdf((half + b) / norm_w) + norm.cdf((half - b) / norm_w))


class DataCostSimulation(Simulation):
    """Buy labels batch by batch, retrain, and price what each batch adds."""

    slug = "data-cost"
    title = N_("The cost of data: what the next labels buy")
    question = N_(
        "How much accuracy does each batch of labelled examples buy, when do more labels stop "
        "paying, and are cheap noisy labels a better buy than expensive clean ones?"
    )
    version = "1"
    cases = ("iborderctrl",)
    themes = ("cost", "biased-data", "reproducibility")
    explanation = N_("""
**The model.** A synthetic yes/no task with two equally common classes: each example has a few
dozen numeric features, and the classes differ along one hidden direction by the
*separation* (in standard deviations; the best accuracy any model can reach is then
Φ(separation ÷ 2)). A team buys labels in batches and retrains after each batch: the model is
Fisher's linear discriminant, the textbook model for such data. Labels come from **experts**
(always right, expensive) or from a **crowd** (cheap, but a share of them wrong at random, the
"random classification noise" of Angluin and Laird, 1988). Every model is tested on fresh
examples with correct labels. The whole curve is redone several times (the *repeats*), each with
its own examples and random seed, so that a gain can be told from chance.

**Costs.** Each label costs its price; each training run costs the price of a run (computing
time, the engineer's time); each point of accuracy is worth a value you set. A batch pays when
the value of what it adds exceeds its cost; it surely pays (or surely does not) only when the
whole uncertainty band of its gain is on one side of the cost.

**What to try.**

- Keep the defaults: the first batches buy several points, the later ones a fraction of a point.
  Where do the next labels stop paying?
- Compare crowd and experts at the same money: the crowd buys ten times more labels.
- Raise the crowd's error rate to 40%: its labels then carry little signal.
- Set the prices to 0 (*free labels*), or the crowd's error rate to 0 (*no noise*).
- Lower the repeats to 3: fewer claims survive chance.

**What to look for.** The learning curve rises fast, then flattens: past some point the next
labels buy less than they cost. A wrong label is not just a lost label: at 20% of wrong labels
the class means the model sees are only 60% as far apart, so many more labels are needed for the
same accuracy. Whether cheap labels win depends on their price *and* their error rate. Each
point of the curve takes several training runs to trust: one run per size cannot tell a gain
from chance.

**Limits.** One synthetic task, one linear model, labelling errors at random (real annotators err
more on hard cases and on some groups: errors that are not random can bias a model, not just
slow it down). Cleaning, storage and the time spent writing labelling guidelines are not
priced. The prices and the value of a point of accuracy are assumptions you set: no published
price per label underlies them. Sheng, Provost and Ipeirotis (KDD 2008) and Snow et al.
(EMNLP 2008) studied real cheap, noisy labels; this model only illustrates their question.
""")
    params = (
        Param(
            name="features",
            type="int",
            default=50,
            min=1,
            max=50,
            step=1,
            label=N_("Features per example"),
            help=N_(
                "How many numbers describe an example; only one direction separates the "
                "classes, so more features means more to estimate."
            ),
        ),
        Param(
            name="separation",
            type="float",
            default=1.5,
            min=0.0,
            max=4.0,
            step=0.1,
            label=N_("Separation between the classes"),
            help=N_(
                "How far apart the two classes are, in standard deviations (0: nothing to learn)."
            ),
            unit=N_("SD"),
        ),
        Param(
            name="batch",
            type="int",
            default=250,
            min=4,
            max=5000,
            step=1,
            label=N_("Labels per batch"),
            help=N_("How many labels are bought before each retraining."),
            unit=N_("labels"),
        ),
        Param(
            name="max_labels",
            type="int",
            default=5000,
            min=8,
            max=20_000,
            step=1,
            label=N_("Most labels bought"),
            help=N_("Where the learning curve stops (a whole number of batches)."),
            unit=N_("labels"),
        ),
        Param(
            name="repeats",
            type="int",
            default=10,
            min=3,
            max=30,
            step=1,
            label=N_("Repeats"),
            help=N_(
                "How many times the whole curve is redone with fresh examples and seeds, to "
                "tell a gain from chance."
            ),
        ),
        Param(
            name="test_size",
            type="int",
            default=5000,
            min=500,
            max=10_000,
            step=100,
            label=N_("Test examples per repeat"),
            help=N_("Fresh examples, correctly labelled, on which every model is tested."),
        ),
        Param(
            name="expert_price",
            type="float",
            default=1.0,
            min=0.0,
            max=1000.0,
            step=0.01,
            label=N_("Price of an expert label"),
            help=N_("Euros per example labelled by an expert (always right)."),
            unit=N_("€"),
        ),
        Param(
            name="crowd_price",
            type="float",
            default=0.1,
            min=0.0,
            max=1000.0,
            step=0.01,
            label=N_("Price of a crowd label"),
            help=N_("Euros per example labelled by the crowd."),
            unit=N_("€"),
        ),
        Param(
            name="crowd_noise",
            type="float",
            default=20.0,
            min=0.0,
            max=45.0,
            step=1,
            label=N_("Crowd labels that are wrong"),
            help=N_("Share of crowd labels flipped at random (0: as good as the experts)."),
            unit="%",
        ),
        Param(
            name="run_cost",
            type="float",
            default=20.0,
            min=0.0,
            max=100_000.0,
            step=1,
            label=N_("Cost of a training run"),
            help=N_("Euros of computing and staff time each time the model is retrained."),
            unit=N_("€"),
        ),
        Param(
            name="value_per_point",
            type="float",
            default=500.0,
            min=0.0,
            max=10_000_000.0,
            step=10,
            label=N_("Value of one point of accuracy"),
            help=N_("Euros that one more percentage point of accuracy is worth to you."),
            unit=N_("€"),
        ),
    )
    presets = (
        Preset(
            slug="crowd-vs-experts",
            title=N_("Crowd or experts? (teaching values)"),
            description=N_(
                "Experts at €1 a label, always right; a crowd at €0.10 a label, wrong one time "
                "in five; €20 a training run; a point of accuracy worth €500. All assumed."
            ),
            params={},
            source=_TEACHING_SOURCE,
        ),
        Preset(
            slug="iborderctrl-32",
            title=N_("iBorderCtrl's test size: 32 labelled people"),
            description=N_(
                "iBorderCtrl's deception detector was reported as tested on about 32 people. "
                "Here labels are bought 8 at a time up to 32, with a few features: at that size "
                "the curve is still climbing and the repeats disagree widely. The prices are "
                "assumptions."
            ),
            params={
                "features": 3,
                "batch": 8,
                "max_labels": 32,
                "repeats": 30,
                "expert_price": 50.0,
                "crowd_price": 5.0,
            },
            case="iborderctrl",
            source=_IBC_SOURCE,
        ),
        Preset(
            slug="noisy-crowd",
            title=N_("A crowd wrong 40% of the time"),
            description=N_(
                "The same prices, but 40% of crowd labels are wrong: what is left of their "
                "signal is too little for their low price."
            ),
            params={"crowd_noise": 40.0},
            source=_TEACHING_SOURCE,
        ),
        Preset(
            slug="free-labels",
            title=N_("Free labels: only training runs cost"),
            description=N_(
                "Both kinds of label cost nothing; each training run still costs €20. The cost "
                "of data is switched off."
            ),
            params={"expert_price": 0.0, "crowd_price": 0.0},
            source=_TEACHING_SOURCE,
        ),
        Preset(
            slug="no-noise",
            title=N_("A crowd that never errs"),
            description=N_(
                "The crowd's labels are as good as the experts' (0% wrong) and ten times "
                "cheaper. Label noise is switched off."
            ),
            params={"crowd_noise": 0.0},
            source=_TEACHING_SOURCE,
        ),
    )

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """The curve needs 2 to 20 batches, each large enough to estimate the features."""
        errors: dict[str, list[str]] = {}
        steps = p["max_labels"] // p["batch"]
        if p["max_labels"] % p["batch"]:
            errors["max_labels"] = [
                Msg(
                    "The most labels bought ({max_labels}) must be a whole number of batches of "
                    "{batch}.",
                    max_labels=Int(p["max_labels"]),
                    batch=Int(p["batch"]),
                )
            ]
        elif not 2 <= steps <= MAX_STEPS:
            errors["max_labels"] = [
                Msg(
                    "The curve needs from 2 to {most} batches; {max_labels} labels in batches of "
                    "{batch} make {steps}.",
                    most=Int(MAX_STEPS),
                    max_labels=Int(p["max_labels"]),
                    batch=Int(p["batch"]),
                    steps=Int(steps),
                )
            ]
        if p["batch"] < 2 * p["features"]:
            errors["batch"] = [
                Msg(
                    "With {features} features, a batch needs at least {minimum} labels for the "
                    "first model to be estimated; use bigger batches or fewer features.",
                    features=Int(p["features"]),
                    minimum=Int(2 * p["features"]),
                )
            ]
        return errors

    # -- the experiment ---------------------------------------------------------------------
    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Buy labels batch by batch, retrain, test; redo it ``repeats`` times.

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
        d, delta = p["features"], p["separation"]
        batch, n_max, reps = p["batch"], p["max_labels"], p["repeats"]
        eta = p["crowd_noise"] / 100
        prices = {"expert": p["expert_price"], "crowd": p["crowd_price"]}
        sizes = np.arange(batch, n_max + 1, batch)
        k_steps = len(sizes)
        # At equal money: the cheaper option buys n_max labels, the dearer what that sum buys.
        budget = n_max * min(prices.values())
        matched = {
            name: n_max if price <= min(prices.values()) else int(budget // price)
            for name, price in prices.items()
        }
        acc = {name: np.zeros((reps, k_steps)) for name in prices}
        exact = {name: np.zeros((reps, k_steps)) for name in prices}
        acc_matched = {name: np.full(reps, np.nan) for name in prices}
        gaps = np.zeros(reps)  # crowd models' class-mean gap along the true direction, at n_max
        gap_var = np.zeros(reps)
        flipped = 0
        for r in range(reps):
            y = (rng.random(n_max) < 0.5).astype(int)
            x = rng.standard_normal((n_max, d))
            x[:, 0] += (y - 0.5) * delta
            wrong = rng.random(n_max) < eta
            labels = {"expert": y, "crowd": np.where(wrong, 1 - y, y)}
            flipped += int(wrong.sum())
            yt = (rng.random(p["test_size"]) < 0.5).astype(int)
            xt = rng.standard_normal((p["test_size"], d))
            xt[:, 0] += (yt - 0.5) * delta
            blocks = x.reshape(k_steps, batch, d)
            sxx = np.cumsum(blocks.transpose(0, 2, 1) @ blocks, axis=0)  # Σxxᵀ of each prefix
            total = np.cumsum(blocks.sum(axis=1), axis=0)
            for name, lab in labels.items():
                lab_blocks = lab.reshape(k_steps, 1, batch).astype(float)
                sum1 = np.cumsum((lab_blocks @ blocks)[:, 0, :], axis=0)
                n1 = np.cumsum(lab_blocks.sum(axis=(1, 2))).astype(int)
                models = [
                    _fit(sum1[k], total[k] - sum1[k], n1[k], n - n1[k], sxx[k], n)
                    for k, n in enumerate(sizes.tolist())
                ]
                acc[name][r] = _accuracies(models, xt, yt)
                exact[name][r] = [_exact(model, delta) for model in models]
                if name == "crowd":
                    gap, ones = models[-1][2], int(n1[-1])
                    if gap is not None:
                        gaps[r] = gap[0]
                        gap_var[r] = (1 + eta * (1 - eta) * delta**2) * (
                            1 / ones + 1 / (n_max - ones)
                        )
                    else:
                        gaps[r], gap_var[r] = np.nan, np.nan
            for name, n in matched.items():
                if n == n_max:
                    acc_matched[name][r] = acc[name][r, -1]
                elif n >= 2 * d:
                    block = x[:n]
                    ones = labels[name][:n] == 1
                    model = _fit(
                        block[ones].sum(axis=0),
                        block[~ones].sum(axis=0),
                        int(ones.sum()),
                        int(n - ones.sum()),
                        block.T @ block,
                        n,
                    )
                    acc_matched[name][r] = _accuracies([model], xt, yt)[0]
        return self._result(
            p, sizes, acc, exact, acc_matched, matched, budget, gaps, gap_var, flipped
        )

    # -- the report -------------------------------------------------------------------------
    def _result(self, p, sizes, acc, exact, acc_matched, matched, budget, gaps, gap_var, flipped):
        d, delta, batch = p["features"], p["separation"], p["batch"]
        reps, n_max = p["repeats"], p["max_labels"]
        run_cost, value = p["run_cost"], p["value_per_point"]
        prices = {"expert": p["expert_price"], "crowd": p["crowd_price"]}
        names = {"expert": EXPERTS, "crowd": CROWD}
        crit = _crit(reps)
        bayes = float(norm.cdf(delta / 2))
        k_steps = len(sizes)

        curve_rows, money_rows = [], []
        for key, name in names.items():
            mean, sd = acc[key].mean(axis=0), acc[key].std(axis=0, ddof=1)
            for k, n in enumerate(sizes):
                spent = n * prices[key] + (k + 1) * run_cost
                curve_rows.append(
                    {
                        "labels_from": name,
                        "labels": int(n),
                        "accuracy": float(mean[k]),
                        "low": float(mean[k] - sd[k]),
                        "high": float(mean[k] + sd[k]),
                        "sd_points": float(100 * sd[k]),
                        "exact": float(exact[key][:, k].mean()),
                        "spent": float(spent),
                    }
                )
                money_rows.append(
                    {"labels_from": name, "spent": float(spent), "accuracy": float(mean[k])}
                )

        # Marginal analysis, batch by batch (paired within a repeat: same examples, same test).
        step_cost = {key: batch * prices[key] + run_cost for key in names}
        marginal_rows, verdicts = [], {}
        for key, name in names.items():
            verdicts[key] = []
            for k in range(1, k_steps):
                gain, se = _paired(acc[key][:, k] - acc[key][:, k - 1])
                low, high = gain - crit * se, gain + crit * se
                cost = step_cost[key]
                if cost == 0:
                    verdict = PAYS if low > 0 else (DOES_NOT_PAY if high < 0 else UNSURE)
                elif value * 100 * low > cost:
                    verdict = PAYS
                elif value * 100 * high < cost:
                    verdict = DOES_NOT_PAY
                else:
                    verdict = UNSURE
                verdicts[key].append((verdict, gain, se))
                marginal_rows.append(
                    {
                        "labels_from": name,
                        "labels": int(sizes[k]),
                        "gain_points": 100 * gain,
                        "gain_low": 100 * low,
                        "gain_high": 100 * high,
                        "value": value * 100 * gain,
                        "cost": cost,
                        "verdict": verdict,
                    }
                )

        # Plateau (experts): the first size from which no remaining gain is beyond chance.
        expert = acc["expert"]
        remaining = [_paired(expert[:, -1] - expert[:, k]) for k in range(k_steps - 1)]
        flat_from = k_steps - 1
        while flat_from > 0 and _beyond(*remaining[flat_from - 1], crit) == 0:
            flat_from -= 1
        last_step = _beyond(*remaining[-1], crit)

        # Noise at equal labels, and accuracy per euro.
        noise_gap = _paired(acc["expert"][:, -1] - acc["crowd"][:, -1])
        can_train = {key: matched[key] >= 2 * d for key in names}
        if all(can_train.values()):
            per_euro = _paired(acc_matched["crowd"] - acc_matched["expert"])
        else:
            per_euro = (math.nan, math.nan)

        findings = [
            self._curve_finding(p, sizes, expert, flat_from, remaining, last_step, crit, bayes),
            self._paying_finding(p, sizes, verdicts["expert"], step_cost["expert"]),
            self._noise_finding(p, acc, noise_gap, crit),
            self._euro_finding(p, matched, budget, acc_matched, per_euro, can_train, crit),
            self._runs_finding(p, k_steps, matched),
        ]

        runs = 2 * k_steps * reps + sum(
            reps for key in names if matched[key] != n_max and can_train[key]
        )
        stop = _stop_index(verdicts["expert"])
        metrics = [
            Metric(
                key="best_possible",
                label=N_("Best accuracy any model can reach"),
                value=bayes,
                unit="share",
            ),
            Metric(
                key="expert_accuracy",
                label=N_("Accuracy with the most expert labels"),
                value=float(acc["expert"][:, -1].mean()),
                unit="share",
            ),
            Metric(
                key="crowd_accuracy",
                label=N_("Accuracy with the most crowd labels"),
                value=float(acc["crowd"][:, -1].mean()),
                unit="share",
            ),
            Metric(
                key="noise_cost_points",
                label=N_("Accuracy lost to crowd errors at the most labels"),
                value=100 * noise_gap[0],
                unit=N_("points"),
            ),
            Metric(
                key="plateau_labels",
                label=N_("Expert labels from which no further gain shows"),
                value=int(sizes[flat_from]) if flat_from < k_steps - 1 else None,
                unit=N_("labels"),
            ),
            Metric(
                key="stop_paying_labels",
                label=N_("Expert labels from which every further batch surely does not pay"),
                value=int(sizes[stop]) if stop is not None else None,
                unit=N_("labels"),
            ),
            Metric(
                key="expert_batch_cost",
                label=N_("Cost of one batch of expert labels and its training run"),
                value=step_cost["expert"],
                unit=N_("€"),
            ),
            Metric(
                key="budget",
                label=N_("Budget compared per euro"),
                value=budget,
                unit=N_("€"),
            ),
            Metric(
                key="crowd_minus_expert_per_euro",
                label=N_("Crowd minus experts at the same budget"),
                value=100 * per_euro[0] if math.isfinite(per_euro[0]) else None,
                unit=N_("points"),
            ),
            Metric(
                key="training_runs",
                label=N_("Training runs in this experiment"),
                value=runs,
            ),
            Metric(
                key="training_cost",
                label=N_("Cost of those training runs"),
                value=runs * run_cost,
                unit=N_("€"),
            ),
        ]
        tables, charts = self._tables_and_charts(curve_rows, money_rows, marginal_rows, p, bayes)
        checks = self._checks(p, sizes, acc, exact, gaps, gap_var, flipped)
        return Result(
            metrics=metrics, tables=tables, charts=charts, findings=findings, checks=checks
        )

    # -- findings ----------------------------------------------------------------------------
    @staticmethod
    def _curve_finding(p, sizes, expert, flat_from, remaining, last_step, crit, bayes) -> Msg:
        reps = p["repeats"]
        mean = expert.mean(axis=0)
        values = {
            "first": Pct(float(mean[0]), 1),
            "n_first": Int(int(sizes[0])),
            "last": Pct(float(mean[-1]), 1),
            "n_last": Int(int(sizes[-1])),
            "sd": _points(float(expert[:, -1].std(ddof=1))),
            "repeats": Int(reps),
            "best": Pct(bayes, 1),
        }
        opening = Msg(
            "With expert labels, accuracy went from {first} with {n_first} labels to {last} with "
            "{n_last} (mean of {repeats} repeats, which spread by ±{sd} at the end; the "
            "best possible here is {best}).",
            **values,
        )
        if flat_from == len(sizes) - 1:
            gain, _ = remaining[-1]
            if last_step > 0:
                rest = Msg(
                    "The curve has not flattened: the last batch of {batch} labels still added "
                    "{gain}, beyond chance.",
                    batch=Int(p["batch"]),
                    gain=_points(gain),
                )
            else:
                rest = Msg(
                    "The last batch of {batch} labels lowered accuracy by {gain}, beyond chance.",
                    batch=Int(p["batch"]),
                    gain=_points(gain),
                )
        else:
            gain, se = remaining[flat_from]
            rest = Msg(
                "From {n_flat} labels on, what further labels added up to {n_last} ({gain}) is "
                "within what chance moves with {repeats} repeats (±{band}): no gain shows "
                "beyond that point.",
                n_flat=Int(int(sizes[flat_from])),
                n_last=Int(int(sizes[-1])),
                gain=Msg("{sign}{size}", sign="−" if gain < 0 else "+", size=_points(gain, 2)),
                repeats=Int(reps),
                band=_points(crit * se, 2),
            )
        return Msg("{sentence} {addition}", sentence=opening, addition=rest)

    @staticmethod
    def _paying_finding(p, sizes, verdicts, cost) -> Msg:
        value, reps = p["value_per_point"], p["repeats"]
        if cost == 0:
            return N_(
                "Expert labels and training runs cost nothing here, so any real gain pays: the "
                "only question is whether a gain is real."
            )
        if value == 0:
            return Msg(
                "Each batch of {batch} expert labels costs {cost}, and a point of accuracy is "
                "worth nothing here: no batch can pay for itself.",
                batch=Int(p["batch"]),
                cost=_eur(cost),
            )
        stop = _stop_index(verdicts)
        paid = [k for k, (verdict, _, _) in enumerate(verdicts, start=1) if verdict == PAYS]
        head = Msg(
            "Each batch of {batch} expert labels costs {cost} ({labels} for the labels, {run} "
            "for one more training run), worth {worth} of accuracy at {value} a point.",
            batch=Int(p["batch"]),
            cost=_eur(cost),
            labels=_eur(p["batch"] * p["expert_price"]),
            run=_eur(p["run_cost"]),
            worth=_points(cost / value / 100),
            value=_eur(value),
        )
        if stop is not None and paid:
            k = paid[-1]
            gain = verdicts[k - 1][1]
            rest = Msg(
                "The batch up to {n_paid} labels was the last that surely paid (+{gain}); from "
                "{n_stop} labels on, even the optimistic bound of each batch's gain is worth less "
                "than its cost: the next labels stop paying there.",
                n_paid=Int(int(sizes[k])),
                gain=_points(gain),
                n_stop=Int(int(sizes[stop])),
            )
        elif stop is not None:
            rest = Msg(
                "From {n_stop} labels on, even the optimistic bound of each batch's gain is worth "
                "less than its cost: the next labels stop paying there.",
                n_stop=Int(int(sizes[stop])),
            )
        elif all(verdict == PAYS for verdict, _, _ in verdicts):
            rest = Msg(
                "Every batch up to {n_last} labels surely paid: within this range the labels "
                "have not stopped paying.",
                n_last=Int(int(sizes[-1])),
            )
        elif verdicts[-1][0] == PAYS:
            rest = Msg(
                "The last batch, up to {n_last} labels, still surely paid (+{gain}): within this "
                "range the labels have not stopped paying.",
                n_last=Int(int(sizes[-1])),
                gain=_points(verdicts[-1][1]),
            )
        else:
            _, gain, se = verdicts[-1]
            rest = Msg(
                "With {repeats} repeats it cannot be told whether the last batch pays: it added "
                "{gain} (± {band}), against a cost worth {worth}.",
                repeats=Int(reps),
                gain=Msg("{sign}{size}", sign="−" if gain < 0 else "+", size=_points(gain)),
                band=_points(_crit(reps) * se),
                worth=_points(cost / value / 100),
            )
        return Msg("{sentence} {addition}", sentence=head, addition=rest)

    @staticmethod
    def _noise_finding(p, acc, noise_gap, crit) -> Msg:
        n_max, reps = p["max_labels"], p["repeats"]
        a_e, a_c = float(acc["expert"][:, -1].mean()), float(acc["crowd"][:, -1].mean())
        values = {
            "n": Int(n_max),
            "eta": g_pct(p["crowd_noise"]),
            "crowd": Pct(a_c, 1),
            "expert": Pct(a_e, 1),
            "gap": _points(noise_gap[0]),
            "repeats": Int(reps),
        }
        if p["crowd_noise"] == 0:
            return Msg(
                "With no wrong crowd labels, the crowd's labels are the experts': at {n} labels "
                "both models are the same ({expert}).",
                n=values["n"],
                expert=values["expert"],
            )
        side = _beyond(*noise_gap, crit)
        if side > 0:
            return Msg(
                "At {n} labels, the crowd's {eta} of wrong labels cost {gap} of accuracy "
                "({crowd} against {expert} with expert labels), beyond chance.",
                **values,
            )
        if side < 0:
            return Msg(
                "At {n} labels, the model trained on crowd labels did better than the experts' "
                "by {gap} ({crowd} against {expert}), beyond chance.",
                **{k: v for k, v in values.items() if k != "eta" and k != "repeats"},
            )
        return Msg(
            "At {n} labels, the models trained on crowd labels ({eta} wrong) and on expert "
            "labels differ by {gap} ({crowd} against {expert}), within what chance moves with "
            "{repeats} repeats.",
            **values,
        )

    @staticmethod
    def _euro_finding(p, matched, budget, acc_matched, per_euro, can_train, crit) -> Msg:
        n_max, d = p["max_labels"], p["features"]
        pe, pc = p["expert_price"], p["crowd_price"]
        if pe == pc:
            return Msg(
                "Crowd and experts charge the same here ({price} a label): the same money buys "
                "as many labels of each, so per euro the comparison is the one at {n} labels.",
                price=_eur(pe),
                n=Int(n_max),
            )
        cheap, dear = ("crowd", "expert") if pc < pe else ("expert", "crowd")
        if budget == 0:
            if cheap == "crowd":
                return Msg(
                    "Crowd labels are free here: {n} of them cost nothing, while experts would "
                    "charge {cost} for as many.",
                    n=Int(n_max),
                    cost=_eur(n_max * pe),
                )
            return Msg(
                "Expert labels are free here: {n} of them cost nothing, while the crowd would "
                "charge {cost} for as many.",
                n=Int(n_max),
                cost=_eur(n_max * pc),
            )
        if not can_train[dear]:
            values = {
                "budget": _eur(budget),
                "n": Int(n_max),
                "n_dear": Int(matched[dear]),
                "d": Int(d),
                "minimum": Int(2 * d),
            }
            if cheap == "crowd":
                return Msg(
                    "For the {budget} that {n} crowd labels cost, experts would label only "
                    "{n_dear} examples: too few to estimate a model with {d} features (at least "
                    "{minimum}), so per euro the crowd wins by default.",
                    **values,
                )
            return Msg(
                "For the {budget} that {n} expert labels cost, the crowd would label only "
                "{n_dear} examples: too few to estimate a model with {d} features (at least "
                "{minimum}), so per euro the experts win by default.",
                **values,
            )
        diff, se = per_euro
        values = {
            "budget": _eur(budget),
            "n_crowd": Int(matched["crowd"]),
            "n_expert": Int(matched["expert"]),
            "crowd": Pct(float(np.mean(acc_matched["crowd"])), 1),
            "expert": Pct(float(np.mean(acc_matched["expert"])), 1),
            "gap": _points(diff),
            "repeats": Int(p["repeats"]),
        }
        opening = Msg(
            "With the same {budget}, the crowd labels {n_crowd} examples and the experts "
            "{n_expert}: the model reached {crowd} with the crowd's labels and {expert} with the "
            "experts'.",
            **values,
        )
        side = _beyond(diff, se, crit)
        if side > 0:
            verdict = Msg("Per euro, crowd labels win by {gap}, beyond chance.", gap=values["gap"])
        elif side < 0:
            verdict = Msg("Per euro, expert labels win by {gap}, beyond chance.", gap=values["gap"])
        else:
            verdict = Msg(
                "Per euro, neither wins beyond chance with {repeats} repeats (a difference of "
                "{gap}).",
                repeats=values["repeats"],
                gap=values["gap"],
            )
        return Msg("{sentence} {addition}", sentence=opening, addition=verdict)

    @staticmethod
    def _runs_finding(p, k_steps, matched) -> Msg:
        reps, run_cost = p["repeats"], p["run_cost"]
        runs = 2 * k_steps * reps
        if run_cost == 0:
            return Msg(
                "Training runs are free here ({runs} for the two curves); in practice each one "
                "costs computing and staff time, and one run per size gives no spread to judge "
                "a gain against.",
                runs=Int(runs),
            )
        return Msg(
            "Each extra training run costs {run}: the two curves took {runs} runs ({sizes} "
            "sizes × {repeats} repeats × 2 kinds of label), {total}; one run per size would cost "
            "{single} per curve but gives no spread to judge a gain against.",
            run=_eur(run_cost),
            runs=Int(runs),
            sizes=Int(k_steps),
            repeats=Int(reps),
            total=_eur(runs * run_cost),
            single=_eur(k_steps * run_cost),
        )

    # -- checks ------------------------------------------------------------------------------
    @staticmethod
    def _checks(p, sizes, acc, exact, gaps, gap_var, flipped) -> list[Check]:
        reps, n_test, delta = p["repeats"], p["test_size"], p["separation"]
        eta, n_max = p["crowd_noise"] / 100, p["max_labels"]
        checks = []
        # 1. The test set measures the fitted rule's exact accuracy, up to binomial sampling.
        measured = float(acc["expert"][:, -1].mean())
        truth = exact["expert"][:, -1]
        tol = 4 * math.sqrt(float(np.sum(truth * (1 - truth))) / n_test) / reps + 1 / n_test
        checks.append(
            Check(
                key="test_vs_exact",
                label=N_(
                    "Tested on fresh examples, the expert models score their exact accuracy on "
                    "the whole population"
                ),
                passed=abs(measured - float(truth.mean())) <= tol,
                expected=Msg(
                    "{value} ± {tolerance} (exact accuracy of the {repeats} fitted models, four "
                    "binomial standard errors of the test sets)",
                    value=Num(float(truth.mean()), 4),
                    tolerance=Num(tol, 4),
                    repeats=Int(reps),
                ),
                observed=Msg(
                    "{value} on {n} test examples per repeat",
                    value=Num(measured, 4),
                    n=Int(n_test),
                ),
                reference=N_(
                    "A linear rule w·x + b on two normal classes N(±δ/2, I) has accuracy "
                    "½[Φ((w₁δ/2 + b)/‖w‖) + Φ((w₁δ/2 − b)/‖w‖)]; the best rule reaches Φ(δ/2) "
                    "(Duda, Hart and Stork, Pattern Classification, 2nd ed., Wiley, 2001, ch. 2)."
                ),
            )
        )
        # 2. Symmetric label noise shrinks the class-mean gap the model sees by (1 − 2η).
        ok = np.isfinite(gaps)
        if ok.sum() >= 2:
            mean_gap = float(gaps[ok].mean())
            gap_tol = 4 * math.sqrt(float(gap_var[ok].sum())) / int(ok.sum())
            expected = (1 - 2 * eta) * delta
            checks.append(
                Check(
                    key="noisy_mean_gap",
                    label=N_(
                        "With a share η of crowd labels wrong at random, the class means the "
                        "model sees are (1 − 2η) times as far apart"
                    ),
                    passed=abs(mean_gap - expected) <= gap_tol,
                    expected=Msg(
                        "(1 − 2 × {eta}) × {delta} = {value} ± {tolerance} (four standard errors)",
                        eta=Num(eta, 2),
                        delta=Num(delta, 2),
                        value=Num(expected, 3),
                        tolerance=Num(gap_tol, 3),
                    ),
                    observed=Msg(
                        "{value}, mean over {repeats} repeats of {n} crowd labels",
                        value=Num(mean_gap, 3),
                        repeats=Int(int(ok.sum())),
                        n=Int(n_max),
                    ),
                    reference=N_(
                        "Random classification noise (Angluin and Laird, 'Learning From Noisy "
                        "Examples', Machine Learning 2, 1988): with two equally common classes "
                        "and each label flipped with probability η, an example labelled 1 is of "
                        "class 1 with probability 1 − η, so its expected position is "
                        "(1 − η)·δ/2 − η·δ/2."
                    ),
                )
            )
        # 3. Consistency: the share of crowd labels that came out wrong.
        total = reps * n_max
        tol_flip = 4 * math.sqrt(eta * (1 - eta) / total) + 1 / total
        checks.append(
            Check(
                key="crowd_error_rate",
                label=N_("Share of crowd labels that came out wrong"),
                passed=abs(flipped / total - eta) <= tol_flip,
                expected=Msg(
                    "{value} ± {tolerance}", value=Num(eta, 4), tolerance=Num(tol_flip, 4)
                ),
                observed=Msg(
                    "{value} of {n} crowd labels", value=Num(flipped / total, 4), n=Int(total)
                ),
                reference=N_(
                    "Each crowd label is flipped with the probability set: the sample agrees "
                    "with it up to binomial sampling."
                ),
                kind="consistency",
            )
        )
        return checks

    # -- tables and charts -------------------------------------------------------------------
    @staticmethod
    def _tables_and_charts(curve_rows, money_rows, marginal_rows, p, bayes):
        curve = Table(
            key="curve",
            title=N_("Learning curves: accuracy by number of labels"),
            columns=[
                ("labels_from", N_("Labels from")),
                ("labels", N_("Labels")),
                ("accuracy", N_("Accuracy (mean of the repeats)")),
                ("low", N_("Mean − 1 sd")),
                ("high", N_("Mean + 1 sd")),
                ("sd_points", N_("Spread over repeats (sd, points)")),
                ("exact", N_("Exact accuracy (mean)")),
                ("spent", N_("Spent so far (labels and runs, €)")),
            ],
            rows=curve_rows,
        )
        money = Table(
            key="money",
            title=N_("Accuracy against money spent"),
            columns=[
                ("labels_from", N_("Labels from")),
                ("spent", N_("Spent so far (labels and runs, €)")),
                ("accuracy", N_("Accuracy (mean of the repeats)")),
            ],
            rows=money_rows,
        )
        marginal = Table(
            key="marginal",
            title=N_("What each batch adds, and what it costs"),
            columns=[
                ("labels_from", N_("Labels from")),
                ("labels", N_("Labels after the batch")),
                ("gain_points", N_("Gain (points)")),
                ("gain_low", N_("Gain, pessimistic bound")),
                ("gain_high", N_("Gain, optimistic bound")),
                ("value", N_("Value of the gain (€)")),
                ("cost", N_("Cost of the batch and its run (€)")),
                ("verdict", N_("The batch…")),
            ],
            rows=marginal_rows,
        )
        value_rows = [
            {"labels": r["labels"], "series": series, "euros": r[key]}
            for r in marginal_rows
            for series, key in (
                (
                    N_("Value of the gain, experts")
                    if r["labels_from"] == EXPERTS
                    else N_("Value of the gain, crowd"),
                    "value",
                ),
                (
                    N_("Cost of a batch, experts")
                    if r["labels_from"] == EXPERTS
                    else N_("Cost of a batch, crowd"),
                    "cost",
                ),
            )
        ]
        value_table = Table(
            key="value_vs_cost",
            title=N_("Value of each batch's gain against its cost"),
            columns=[
                ("labels", N_("Labels after the batch")),
                ("series", N_("Series")),
                ("euros", N_("Euros")),
            ],
            rows=value_rows,
        )
        last_e = next(r for r in reversed(curve_rows) if r["labels_from"] == EXPERTS)
        last_c = next(r for r in reversed(curve_rows) if r["labels_from"] == CROWD)
        labels_title, acc_title = N_("Labels bought"), N_("Accuracy on fresh test examples")
        curve_spec = {
            "$schema": SCHEMA,
            "title": curve.title,
            "width": "container",
            "height": 260,
            "data": {"values": curve_rows},
            "config": {
                "axis": {"labelFontSize": 12, "titleFontSize": 13},
                "legend": {"orient": "bottom"},
            },
            "encoding": {
                "x": {"field": "labels", "type": "quantitative", "title": labels_title},
            },
            "layer": [
                {
                    "mark": {"type": "area", "opacity": 0.2},
                    "encoding": {
                        "y": {
                            "field": "low",
                            "type": "quantitative",
                            "title": acc_title,
                            "axis": {"format": ".0%"},
                            "scale": {"zero": False},
                        },
                        "y2": {"field": "high"},
                        # The band and the line share one colour scale, hence one legend.
                        "color": {
                            "field": "labels_from",
                            "type": "nominal",
                            "title": N_("Labels from"),
                        },
                    },
                },
                {
                    "mark": {"type": "line", "point": True, "tooltip": True},
                    "encoding": {
                        "y": {
                            "field": "accuracy",
                            "type": "quantitative",
                            "title": acc_title,
                            "axis": {"format": ".0%"},
                            "scale": {"zero": False},
                        },
                        "color": {
                            "field": "labels_from",
                            "type": "nominal",
                            "title": N_("Labels from"),
                        },
                    },
                },
            ],
        }
        money_spec = line_chart(
            money.title,
            money_rows,
            x="spent",
            y="accuracy",
            x_title=N_("Euros spent (labels and training runs)"),
            y_title=acc_title,
            color="labels_from",
            color_title=N_("Labels from"),
            y_format=".0%",
            # A log scale shows the cheap curve beside the dear one; it needs amounts above 0.
            x_scale={"type": "log"} if min(r["spent"] for r in money_rows) > 0 else None,
        )
        money_spec["encoding"]["y"]["scale"] = {"zero": False}
        charts = [
            Chart(
                key="curve",
                title=curve.title,
                description=Msg(
                    "Mean accuracy over the repeats, with a band of one standard deviation: "
                    "{expert} with {n} expert labels, {crowd} with as many crowd labels; the best "
                    "possible is {best}.",
                    expert=Pct(last_e["accuracy"], 1),
                    crowd=Pct(last_c["accuracy"], 1),
                    n=Int(last_e["labels"]),
                    best=Pct(bayes, 1),
                ),
                spec=curve_spec,
                table=curve.key,
            ),
            Chart(
                key="money",
                title=money.title,
                description=Msg(
                    "The same curves against euros spent on labels and training runs: the "
                    "expert curve ends at {expert_cost}, the crowd curve at {crowd_cost}.",
                    expert_cost=_eur(last_e["spent"]),
                    crowd_cost=_eur(last_c["spent"]),
                ),
                spec=money_spec,
                table=money.key,
            ),
            Chart(
                key="value_vs_cost",
                title=value_table.title,
                description=Msg(
                    "For each batch, the value of the accuracy it added (at {value} a point) "
                    "against what the batch and its training run cost.",
                    value=_eur(p["value_per_point"]),
                ),
                spec=line_chart(
                    value_table.title,
                    value_rows,
                    x="labels",
                    y="euros",
                    x_title=N_("Labels after the batch"),
                    y_title=N_("Euros"),
                    color="series",
                    color_title=N_("Series"),
                ),
                table=value_table.key,
            ),
        ]
        return [curve, money, marginal, value_table], charts


def _stop_index(verdicts) -> int | None:
    """Index in the sizes of the first label count from which every later batch surely does
    not pay (the batch ending at ``sizes[k]`` is ``verdicts[k - 1]``); None if there is none."""
    k = len(verdicts)
    while k > 0 and verdicts[k - 1][0] == DOES_NOT_PAY:
        k -= 1
    if k == len(verdicts):
        return None
    return k  # verdicts[k] (the batch from sizes[k] to sizes[k + 1]) is the first of them


SIMULATION = DataCostSimulation()
