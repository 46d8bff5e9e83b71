"""Interpretability: a glass box (logistic regression, shallow tree) beside a black box (gradient
boosting), explained with permutation importance and partial dependence, on data where a proxy
of a group carries signal and the group itself is not among the features."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import partial_dependence, permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.tree import DecisionTreeClassifier

from ._shared import counted_points, sig
from ._stats import binomial_acceptance, two_proportion_z
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed
from .charts import bar_chart, line_chart
from .text import N_, Int, Msg, Num, Pct, Seq

# -- the world ------------------------------------------------------------------------------
#: True log-odds effects of the two linear factors (per standard deviation).
BETA_A, BETA_B = 1.0, 0.5
#: E|Z| for a standard normal: the V-shaped effect of factor C is centred on it.
MEAN_ABS = math.sqrt(2 / math.pi)
Z = 3.0
"""Standard errors a difference must exceed to be called real (two-sided, about 0.3%)."""
MAX_EXPLAINED = 2000
"""Rows of the scored population used for permutation importance (kept for speed)."""
PD_ROWS = 300
"""Rows averaged over for partial dependence."""
PD_GRID = np.round(np.linspace(-2.5, 2.5, 11), 2)
REPEATS_MAIN, REPEATS_REFIT = 3, 2
MIN_SELECTED = 50
MIN_POSITIVES = 50
MIN_GROUP_TRAIN = 30

FEATURES = ("factor_a", "factor_b", "factor_c", "proxy", "noise")
PROXY, FACTOR_C = 3, 2
MODELS = ("logistic", "tree", "boosting")


def _feature_names() -> dict[str, Msg]:
    return {
        "factor_a": N_("factor A"),
        "factor_b": N_("factor B"),
        "factor_c": N_("factor C"),
        "proxy": N_("proxy"),
        "noise": N_("noise"),
    }


def _model_in_sentence() -> dict[str, Msg]:
    return {
        "logistic": N_("the logistic regression"),
        "tree": N_("the tree"),
        "boosting": N_("gradient boosting"),
    }


def _model_names() -> dict[str, Msg]:
    return {
        "logistic": N_("Logistic regression"),
        "tree": N_("Decision tree"),
        "boosting": N_("Gradient boosting"),
    }


CNAF_SOURCE = N_(
    "Single-parent families: about 16% of the households the CNAF covers but 36% of home "
    "controls (Le Monde, Les Décodeurs, with Lighthouse Reports, « Profilage et "
    "discriminations : enquête sur les dérives de l'algorithme des caisses d'allocations "
    "familiales », 4 December 2023; figures as relayed by Journal du Net, January 2024). "
    "About 166,000 controls chosen by the data-mining score in 2024 (CNAF figures reported by "
    "Moneyvox, January 2026) among 13.8 million households (Sénat, information report no. 491, "
    "2 April 2024): about 1.2%."
)
HIRING_SOURCE = N_(
    "Amazon's experimental recruiting model, trained on ten years of mostly men's résumés, "
    "penalised résumés containing the word “women's” (Jeffrey Dastin, Reuters, 10 October "
    "2018). Amazon's model and data were never published: every number here is a teaching "
    "value."
)

# The published setting of the CNAF preset: the reference check runs there only.
CNAF_GROUP_SHARE, CNAF_TOP_SHARE, CNAF_CONTROLLED_SHARE = 16.0, 1.2, 0.36
CNAF_REPLICATES = 12


def _rank(values: np.ndarray, index: int) -> int:
    """1 + how many values are strictly larger than ``values[index]`` (1 = largest)."""
    return 1 + int(np.sum(values > values[index]))


def _placements(y: np.ndarray, s: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """AUC and DeLong's placement values: for each positive, the share of negatives scored
    below it; for each negative, the share of positives scored above it (ties count half).

    Each count is (strictly below + at most) / 2 from two binary searches in the other class's
    sorted scores: exactly the midrank difference (rank among everyone − rank within its
    class), found with two sorts of the classes instead of three of everyone.
    """
    pos = y == 1
    sp, sn = s[pos], s[~pos]
    m, n = len(sp), len(sn)
    sp_sorted, sn_sorted = np.sort(sp), np.sort(sn)
    below = np.searchsorted(sn_sorted, sp, "left") + np.searchsorted(sn_sorted, sp, "right")
    v10 = (below / 2) / n
    below = np.searchsorted(sp_sorted, sn, "left") + np.searchsorted(sp_sorted, sn, "right")
    v01 = 1 - (below / 2) / m
    return float(v10.mean()), v10, v01


def _diff_se(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
    """Standard error of AUC(a) − AUC(b) on the same people, from placement values."""
    d10, d01 = a[0] - b[0], a[1] - b[1]
    m, n = len(d10), len(d01)
    var = (np.var(d10, ddof=1) if m > 1 else 0.0) / m + (np.var(d01, ddof=1) if n > 1 else 0.0) / n
    return math.sqrt(max(float(var), 0.0))


def delong(y: np.ndarray, s1: np.ndarray, s2: np.ndarray) -> tuple[float, float, float]:
    """AUCs of two scores on the same people and the standard error of their difference.

    DeLong, DeLong & Clarke-Pearson (1988), Biometrics 44:837–845, in the fast form of Sun &
    Xu (2014): the covariance of the two AUCs from each case's placement values.

    Returns
    -------
    tuple of float
        ``(auc1, auc2, se)`` with ``se`` the standard error of ``auc1 - auc2``.
    """
    auc1, *p1 = _placements(y, np.asarray(s1, dtype=float))
    auc2, *p2 = _placements(y, np.asarray(s2, dtype=float))
    return auc1, auc2, _diff_se(p1, p2)


class _RecordingAUC:
    """An AUC scorer for ``permutation_importance`` that keeps each call's placement values,
    so the chance margin of each importance can be computed from the very shuffles it used."""

    def __init__(self) -> None:
        self.calls: list[tuple[np.ndarray, np.ndarray]] = []

    def __call__(self, estimator, x, y) -> float:
        auc, v10, v01 = _placements(np.asarray(y), estimator.predict_proba(x)[:, 1])
        self.calls.append((v10, v01))
        return auc


def _world(n: int, p: dict[str, Any], rng: np.random.Generator):
    """People: group, features (group excluded) and the logit of the outcome without its
    intercept."""
    group = rng.random(n) < p["group_share"] / 100
    x = rng.standard_normal((n, 5))
    follows = rng.random(n) < p["proxy_link"] / 100
    x[:, PROXY] = np.where(follows, group, rng.random(n) < p["group_share"] / 100)
    logit = (
        BETA_A * x[:, 0]
        + BETA_B * x[:, 1]
        + p["nonlinearity"] * (np.abs(x[:, FACTOR_C]) - MEAN_ABS)
        + p["group_effect"] * group
    )
    return group.astype(int), x, logit


def _intercept(logit: np.ndarray, base_rate: float) -> float:
    """The intercept that makes the mean probability equal the base rate (bisection)."""
    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.mean(1 / (1 + np.exp(-(mid + logit)))) < base_rate:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _fit(x: np.ndarray, y: np.ndarray, depth: int, seed: int):
    return {
        "logistic": LogisticRegression(C=1e4, max_iter=2000).fit(x, y),
        "tree": DecisionTreeClassifier(max_depth=depth, min_samples_leaf=20, random_state=seed).fit(
            x, y
        ),
        "boosting": HistGradientBoostingClassifier(
            max_iter=40,
            learning_rate=0.2,
            max_leaf_nodes=8,
            early_stopping=False,
            random_state=seed,
        ).fit(x, y),
    }


def fast_auc(y: np.ndarray, score: np.ndarray) -> float:
    """The AUC from the ranks of the scores (Mann–Whitney), ties counted half; NaN when one
    class is empty. Same value as ``roc_auc_score`` without its input checks."""
    if y.all() or not y.any():
        return math.nan
    return _placements(y, np.asarray(score, dtype=float))[0]


def _importances(
    models: dict, x: np.ndarray, y: np.ndarray, repeats: int, seed: int
) -> tuple[dict, dict]:
    """Permutation importance (fall in AUC when one feature is shuffled) per model, and its
    chance margin: ``Z`` standard errors of the AUC with the intact feature minus the mean AUC
    over the shuffles, on the same people (DeLong's variance of placement values)."""
    importance, margin = {}, {}
    for name, model in models.items():
        scorer = _RecordingAUC()
        result = permutation_importance(
            model, x, y, scoring=scorer, n_repeats=repeats, random_state=seed
        )
        importance[name] = result.importances_mean
        base = scorer.calls[0]
        margins = []
        for j in range(x.shape[1]):
            shuffled = scorer.calls[1 + j * repeats : 1 + (j + 1) * repeats]
            mean = (
                np.mean([c[0] for c in shuffled], axis=0),
                np.mean([c[1] for c in shuffled], axis=0),
            )
            margins.append(Z * _diff_se(base, mean))
        margin[name] = np.array(margins)
    return importance, margin


def _wald_se(model: LogisticRegression, x: np.ndarray) -> np.ndarray:
    """Standard errors of a logistic regression's coefficients (inverse Fisher information)."""
    prob = model.predict_proba(x)[:, 1]
    design = np.column_stack([np.ones(len(x)), x])
    info = design.T @ (design * (prob * (1 - prob))[:, None])
    return np.sqrt(np.clip(np.diag(np.linalg.pinv(info)), 0, None))[1:]


def _rules(tree: DecisionTreeClassifier, names: dict[str, Msg]) -> list[dict[str, Any]]:
    """One row per leaf: the conditions leading to it, its size and its predicted risk."""
    t = tree.tree_
    rows: list[dict[str, Any]] = []

    def walk(node: int, conditions: list[Msg]) -> None:
        if t.children_left[node] == -1:
            value = t.value[node][0]
            risk = float(value[1] / value.sum()) if value.sum() else 0.0
            rows.append(
                {
                    "rule": Seq(conditions) if conditions else N_("everyone"),
                    "people": int(t.n_node_samples[node]),
                    "risk": risk,
                }
            )
            return
        feature = names[FEATURES[t.feature[node]]]
        threshold = float(t.threshold[node])
        if t.feature[node] == PROXY:
            left = Msg("{feature}: no", feature=feature)
            right = Msg("{feature}: yes", feature=feature)
        else:
            left = Msg("{feature} ≤ {value}", feature=feature, value=Num(threshold, 2))
            right = Msg("{feature} > {value}", feature=feature, value=Num(threshold, 2))
        walk(t.children_left[node], [*conditions, left])
        walk(t.children_right[node], [*conditions, right])

    walk(0, [])
    return rows


def _top(scores: np.ndarray, share: float) -> np.ndarray:
    """A 0/1 mask of the ``share`` highest scores (ties broken by position, deterministic)."""
    k = max(1, int(round(share * len(scores))))
    order = np.argsort(-scores, kind="stable")
    chosen = np.zeros(len(scores), dtype=bool)
    chosen[order[:k]] = True
    return chosen


def _list(items: list[Msg]) -> Msg | Seq:
    return Seq(items) if items else N_("no feature")


class InterpretabilitySimulation(Simulation):
    """Glass box beside black box: what each model uses, what the explanations say, what the
    black box buys."""

    slug: ClassVar[str] = "interpretability"
    title: ClassVar[str] = N_("Glass box or black box: what do the explanations show?")
    question: ClassVar[str] = N_(
        "When a proxy of a group carries signal, can you see it in a readable model and in a "
        "black box, do the explanations agree, and what does the black box buy in accuracy?"
    )
    version: ClassVar[str] = "1"
    cases: ClassVar[tuple[str, ...]] = ("cnaf-risk-score", "automated-hiring")
    themes: ClassVar[tuple[str, ...]] = ("opacity", "proxies", "acceptance-of-errors")
    explanation: ClassVar[str] = N_("""
**The model.** Synthetic people, some of them in a group (say single-parent households). The
outcome (an overpayment found at a control, a past hire…) depends on five things: *factor A*
and *factor B* (straight-line effects), *factor C* (a V-shaped effect: both low and high values
raise the risk) and, with the strength you set, membership of the group. The group itself is
**not** among the features the models see; a **proxy** is: a yes/no variable that equals group
membership for the share of people you set and is random for the others. A fifth feature,
*noise*, carries nothing.

Three scikit-learn models learn from the same training set:

- a **logistic regression**: a glass box, one coefficient per feature, read directly;
- a **decision tree** of the depth you set: a glass box read as a few rules;
- **gradient boosting** (`HistGradientBoostingClassifier`): a black box of dozens of trees.

Each is then explained from the outside, the same way, with `sklearn.inspection`:
**permutation importance** (how much the AUC falls when one feature is shuffled) and **partial
dependence** (the average predicted risk as one feature moves, the others left as they are).
To see how stable the explanations are, each model is refitted on resampled training sets, each
with its own random seed, and the proxy's rank among the five features is recorded each time.
Finally each model selects the top-scored share of a scored population (controls, a shortlist),
and the group's share among those selected is compared with its share of the population.

**What to try.** Set the *group effect* to 0, or the proxy's link to 0%: the proxy then carries
nothing and no explanation should point at it. Set the *non-linearity* to 0: the logistic
regression is then the right model and the black box buys nothing. Lower the tree's depth to 1.

**What to look for.** Removing the protected variable does not remove its effect when a proxy
carries it: the selected people are still mostly from the group. A readable model shows it in
one coefficient; a black box shows it only through an explanation computed after the fact, and
that explanation depends on the model and the seed. The coefficient of factor C is near zero
although factor C matters a lot: a coefficient only sees straight lines. The coefficients table
puts each coefficient beside the effect in the model that generated the data: they agree only
when the logistic regression has the right shape (the "A world of straight lines" preset);
otherwise they are pulled towards zero. The black box's gain in
AUC is called real only when it exceeds three standard errors (DeLong's test, the same people
scored by both models).

**Limits.** A toy world of five features with effects we chose; real scores use dozens of
correlated variables, where importance is split among them and explanations disagree even more.
Permutation importance on correlated features is known to mislead. In the CNAF preset the
strength of the single-parent variable is **chosen** so that the simulated share of single
parents among controlled households comes close to the published 36%; it is an assumption, not
a measurement. The published 36% counts all home controls, not only those the score selected,
and the real model is not public in full.
""")
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="train_size",
            type="int",
            default=3000,
            min=1000,
            max=10_000,
            step=500,
            label=N_("Training set"),
            help=N_("People whose outcome is known (past controls, past applicants)."),
            unit=N_("people"),
        ),
        Param(
            name="population",
            type="int",
            default=10_000,
            min=2000,
            max=200_000,
            step=1000,
            label=N_("Scored population"),
            help=N_("New people the models score; the top-scored share is selected."),
            unit=N_("people"),
        ),
        Param(
            name="group_share",
            type="float",
            default=20.0,
            min=2.0,
            max=50.0,
            step=1.0,
            label=N_("Group's share of the population"),
            help=N_("Share of people in the group (single-parent households, women…)."),
            unit="%",
        ),
        Param(
            name="proxy_link",
            type="float",
            default=80.0,
            min=0.0,
            max=100.0,
            step=5.0,
            label=N_("How closely the proxy follows the group"),
            help=N_(
                "Share of people whose proxy equals their group membership; for the others it "
                "is random. 100% means the variable is the group itself."
            ),
            unit="%",
        ),
        Param(
            name="group_effect",
            type="float",
            default=1.5,
            min=-2.0,
            max=3.0,
            step=0.1,
            label=N_("Group effect on the outcome"),
            help=N_(
                "How much group membership raises (or, if negative, lowers) the log-odds of "
                "the outcome; 0 means the group makes no difference."
            ),
            unit=N_("log-odds"),
        ),
        Param(
            name="nonlinearity",
            type="float",
            default=1.5,
            min=0.0,
            max=3.0,
            step=0.1,
            label=N_("Non-linearity of factor C"),
            help=N_(
                "Strength of factor C's V-shaped effect, which a straight line cannot follow; "
                "0 makes the logistic regression the right model."
            ),
            unit=N_("log-odds"),
        ),
        Param(
            name="base_rate",
            type="float",
            default=20.0,
            min=2.0,
            max=40.0,
            step=1.0,
            label=N_("Base rate of the outcome"),
            help=N_("Share of people with the outcome (overpayment, hire) on average."),
            unit="%",
        ),
        Param(
            name="top_share",
            type="float",
            default=5.0,
            min=0.5,
            max=20.0,
            step=0.1,
            label=N_("Share selected"),
            help=N_("The top-scored share of the population each model selects."),
            unit="%",
        ),
        Param(
            name="tree_depth",
            type="int",
            default=3,
            min=1,
            max=4,
            step=1,
            label=N_("Depth of the tree"),
            help=N_("How many questions the decision tree may ask in a row."),
        ),
        Param(
            name="refits",
            type="int",
            default=3,
            min=2,
            max=8,
            step=1,
            label=N_("Fits per model"),
            help=N_(
                "How many times each model is fitted (the first on the training set, the "
                "others on resampled copies with their own seeds) to see how stable the "
                "explanations are."
            ),
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="cnaf-single-parents",
            title=N_("CNAF: single parents among controlled households"),
            description=N_(
                "A logistic risk score for benefit controls in which the single-parent variable "
                "is one of the features (the proxy is the group itself). Single parents are 16% "
                "of households; the top 1.2% of scores are controlled, the ratio of about "
                "166,000 score-chosen controls to 13.8 million households, on a population "
                "scaled down to 100,000, with 10,000 past controls to learn from. The strength "
                "of the single-parent variable (0.5 in log-odds: odds of an overpayment about "
                "1.65 times higher) is chosen so that the share of single parents among the "
                "controlled comes close to the published 36%: an assumption, not a "
                "measurement."
            ),
            params={
                "train_size": 10_000,
                "population": 100_000,
                "group_share": CNAF_GROUP_SHARE,
                "proxy_link": 100.0,
                "group_effect": 0.5,
                "top_share": CNAF_TOP_SHARE,
            },
            case="cnaf-risk-score",
            source=CNAF_SOURCE,
        ),
        Preset(
            slug="hiring-womens-proxy",
            title=N_("Hiring: a word that stands for women"),
            description=N_(
                "Past hiring favoured men; gender is left out, but a word on the résumé "
                "(“women's”, as in a club's name) follows it for 60% of applicants. The score "
                "shortlists the top 10%. All values are teaching values."
            ),
            params={
                "group_share": 40.0,
                "proxy_link": 60.0,
                "group_effect": -1.0,
                "base_rate": 15.0,
                "top_share": 10.0,
            },
            case="automated-hiring",
            source=HIRING_SOURCE,
        ),
        Preset(
            slug="no-proxy-signal",
            title=N_("No signal in the proxy"),
            description=N_(
                "The group makes no difference to the outcome (group effect 0): the proxy "
                "still follows the group, but carries nothing for a model to use."
            ),
            params={"group_effect": 0.0},
            source=N_("Teaching values: the cause switched off."),
        ),
        Preset(
            slug="straight-lines",
            title=N_("A world of straight lines"),
            description=N_(
                "No non-linearity, and the group variable itself among the features: the "
                "logistic regression is exactly the right model, and the black box has nothing "
                "to add."
            ),
            params={"nonlinearity": 0.0, "proxy_link": 100.0},
            source=N_("Teaching values."),
        ),
    )

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """Enough selected people, positives and group members to measure anything."""
        errors: dict[str, list[str]] = {}
        selected = p["population"] * p["top_share"] / 100
        if selected < MIN_SELECTED:
            errors["top_share"] = [
                Msg(
                    "Selecting {share} of {population} people selects about {selected}: too "
                    "few to compare groups. Select a larger share or score more people (at "
                    "least {minimum} selected).",
                    share=Pct(p["top_share"] / 100, 1),
                    population=Int(p["population"]),
                    selected=Int(round(selected)),
                    minimum=Int(MIN_SELECTED),
                )
            ]
        positives = p["train_size"] * p["base_rate"] / 100
        if positives < MIN_POSITIVES:
            errors["base_rate"] = [
                Msg(
                    "With {n} people in training and a base rate of {rate}, only about "
                    "{positives} have the outcome: too few to fit a model. Use a larger "
                    "training set or a higher base rate (at least {minimum}).",
                    n=Int(p["train_size"]),
                    rate=Pct(p["base_rate"] / 100, 0),
                    positives=Int(round(positives)),
                    minimum=Int(MIN_POSITIVES),
                )
            ]
        members = p["train_size"] * p["group_share"] / 100
        if members < MIN_GROUP_TRAIN:
            errors["group_share"] = [
                Msg(
                    "With {n} people in training and a group share of {share}, only about "
                    "{members} are in the group: too few. Use a larger training set or a larger "
                    "group (at least {minimum}).",
                    n=Int(p["train_size"]),
                    share=Pct(p["group_share"] / 100, 0),
                    members=Int(round(members)),
                    minimum=Int(MIN_GROUP_TRAIN),
                )
            ]
        return errors

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Generate, fit three models, explain them, refit, select, compare.

        The data are built here, finite and well formed, and every estimator's parameters are
        fixed in this module: scikit-learn's per-call parameter validation and finiteness checks
        (dozens of predictions in the permutation importances) are skipped. No result changes.
        """
        with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
            return self._simulate(p, rng)

    def _simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Generate, fit three models, explain them, refit, select, compare.

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
        n_train, n_pop = p["train_size"], p["population"]
        g_all, x_all, logit_all = _world(n_train + n_pop, p, rng)
        b0 = _intercept(logit_all, p["base_rate"] / 100)
        prob_all = 1 / (1 + np.exp(-(b0 + logit_all)))
        y_all = (rng.random(n_train + n_pop) < prob_all).astype(int)
        x_tr, y_tr = x_all[:n_train], y_all[:n_train]
        x_te, y_te, g_te = x_all[n_train:], y_all[n_train:], g_all[n_train:]
        n_exp = min(MAX_EXPLAINED, n_pop)
        x_ex, y_ex = x_te[:n_exp], y_te[:n_exp]

        seed = derive_seed(rng)
        models = _fit(x_tr, y_tr, p["tree_depth"], seed)
        names, model_names = _feature_names(), _model_names()
        scores = {name: m.predict_proba(x_te)[:, 1] for name, m in models.items()}
        imp, margin = _importances(models, x_ex, y_ex, REPEATS_MAIN, derive_seed(rng))
        beyond = {name: imp[name] > margin[name] for name in MODELS}

        # Stability: refit on bootstrap resamples, each with its own seed.
        ranks = {name: [_rank(imp[name], PROXY)] for name in MODELS}
        firsts = {name: [int(np.argmax(imp[name]))] for name in MODELS}
        refit_imps = {name: [imp[name]] for name in MODELS}
        for _ in range(p["refits"] - 1):
            refit_seed = derive_seed(rng)
            boot = np.random.default_rng(refit_seed).integers(0, n_train, n_train)
            again = _fit(x_tr[boot], y_tr[boot], p["tree_depth"], refit_seed)
            imp_again, _ = _importances(again, x_ex, y_ex, REPEATS_REFIT, refit_seed)
            for name in MODELS:
                ranks[name].append(_rank(imp_again[name], PROXY))
                firsts[name].append(int(np.argmax(imp_again[name])))
                refit_imps[name].append(imp_again[name])
        spread = {name: np.std(np.array(refit_imps[name]), axis=0) for name in MODELS}

        # Partial dependence on factor C (a curve) and on the proxy (two values).
        x_pd = x_ex[:PD_ROWS]
        pd_c, pd_proxy = {}, {}
        for name, model in models.items():
            pd_c[name] = partial_dependence(
                model,
                x_pd,
                [FACTOR_C],
                custom_values={FACTOR_C: PD_GRID},
                method="brute",
                response_method="predict_proba",
            )["average"][0]
            pd_proxy[name] = partial_dependence(
                model,
                x_pd,
                [PROXY],
                custom_values={PROXY: np.array([0.0, 1.0])},
                method="brute",
                response_method="predict_proba",
            )["average"][0]

        # Performance and what the black box buys.
        perf = {}
        for name in MODELS:
            perf[name] = {
                "auc": fast_auc(y_te, scores[name]),
                "accuracy": float(accuracy_score(y_te, scores[name] >= 0.5)),
            }
        auc_gb, auc_lr, auc_se = delong(y_te, scores["boosting"], scores["logistic"])
        correct_gb = (scores["boosting"] >= 0.5) == y_te
        correct_lr = (scores["logistic"] >= 0.5) == y_te
        diff = correct_gb.astype(float) - correct_lr.astype(float)
        acc_gain = float(diff.mean())
        acc_se = float(diff.std(ddof=1) / math.sqrt(len(diff))) if len(diff) > 1 else 0.0

        # Selection by group.
        share_top = p["top_share"] / 100
        n_g = int(g_te.sum())
        n_o = n_pop - n_g
        selection = {}
        for name in MODELS:
            chosen = _top(scores[name], share_top)
            k_g = int(chosen[g_te == 1].sum())
            k_o = int(chosen[g_te == 0].sum())
            selection[name] = {
                "k_g": k_g,
                "k_o": k_o,
                "rate_g": k_g / n_g if n_g else 0.0,
                "rate_o": k_o / n_o if n_o else 0.0,
                "share_g": k_g / max(k_g + k_o, 1),
                "z": two_proportion_z(k_o, n_o, k_g, n_g),
            }
        pop_share = n_g / n_pop
        proxy_te = x_te[:, PROXY]
        corr = float(np.corrcoef(proxy_te, g_te)[0, 1]) if 0 < n_g < n_pop else 0.0
        if not math.isfinite(corr):
            corr = 0.0

        lr = models["logistic"]
        coef = lr.coef_[0]
        coef_se = _wald_se(lr, x_tr)
        proxy_follows = p["proxy_link"] > 0
        truth = np.array(
            [
                BETA_A,
                BETA_B,
                0.0,
                p["group_effect"] if p["proxy_link"] == 100 else math.nan,
                0.0,
            ]
        )

        # -- tables ---------------------------------------------------------------------------
        coef_rows = [
            {
                "feature": names[f],
                "coefficient": float(coef[j]),
                "se": float(coef_se[j]),
                "truth": None if not math.isfinite(truth[j]) else float(truth[j]),
            }
            for j, f in enumerate(FEATURES)
        ]
        rule_rows = _rules(models["tree"], names)
        imp_rows = [
            {
                "feature": names[f],
                "model": model_names[name],
                "importance": float(imp[name][j]),
                "margin": float(margin[name][j]),
                "spread": float(spread[name][j]),
            }
            for name in MODELS
            for j, f in enumerate(FEATURES)
        ]
        pd_rows = [
            {"value": float(v), "model": model_names[name], "risk": float(pd_c[name][i])}
            for name in MODELS
            for i, v in enumerate(PD_GRID)
        ]
        stability_rows = [
            {
                "model": model_names[name],
                "ranks": Seq([Int(r) for r in ranks[name]]),
                "firsts": Seq(sorted({names[FEATURES[i]] for i in firsts[name]}, key=str)),
                "proxy_pd": float(pd_proxy[name][1] - pd_proxy[name][0]),
            }
            for name in MODELS
        ]
        perf_rows = [
            {
                "model": model_names[name],
                "auc": perf[name]["auc"],
                "accuracy": perf[name]["accuracy"],
            }
            for name in MODELS
        ]
        selection_rows = [
            {
                "model": model_names[name],
                "share_g": selection[name]["share_g"],
                "rate_g": selection[name]["rate_g"],
                "rate_o": selection[name]["rate_o"],
            }
            for name in MODELS
        ]
        selection_chart_rows = [
            {"model": model_names[name], "who": who, "share": value}
            for name in MODELS
            for who, value in (
                (N_("Share of the population"), pop_share),
                (N_("Share of those selected"), selection[name]["share_g"]),
            )
        ]
        tables = [
            Table(
                key="coefficients",
                title=N_("The glass box: the logistic regression's coefficients"),
                columns=[
                    ("feature", N_("Feature")),
                    ("coefficient", N_("Coefficient (log-odds)")),
                    ("se", N_("Standard error")),
                    ("truth", N_("Effect in the model that generated the data")),
                ],
                rows=coef_rows,
            ),
            Table(
                key="rules",
                title=Msg(
                    "The glass box: the tree's rules (depth {depth})", depth=Int(p["tree_depth"])
                ),
                columns=[
                    ("rule", N_("Rule")),
                    ("people", N_("People in training")),
                    ("risk", N_("Predicted risk")),
                ],
                rows=rule_rows,
            ),
            Table(
                key="importance",
                title=N_("Permutation importance: fall in AUC when a feature is shuffled"),
                columns=[
                    ("feature", N_("Feature")),
                    ("model", N_("Model")),
                    ("importance", N_("Fall in AUC")),
                    ("margin", N_("Chance margin (3 standard errors)")),
                    ("spread", N_("Spread over the fits (standard deviation)")),
                ],
                rows=imp_rows,
            ),
            Table(
                key="partial-dependence",
                title=N_("Partial dependence on factor C"),
                columns=[
                    ("value", N_("Factor C (standard deviations)")),
                    ("model", N_("Model")),
                    ("risk", N_("Average predicted risk")),
                ],
                rows=pd_rows,
            ),
            Table(
                key="stability",
                title=N_("The proxy across fits"),
                columns=[
                    ("model", N_("Model")),
                    ("ranks", N_("Proxy's rank in each fit (1 = most important of 5)")),
                    ("firsts", N_("Features ranked first")),
                    ("proxy_pd", N_("Partial dependence: risk with proxy yes − no")),
                ],
                rows=stability_rows,
            ),
            Table(
                key="performance",
                title=N_("Performance on the scored population"),
                columns=[
                    ("model", N_("Model")),
                    ("auc", N_("AUC")),
                    ("accuracy", N_("Accuracy (threshold 50%)")),
                ],
                rows=perf_rows,
            ),
            Table(
                key="selection",
                title=Msg("Who is selected (top {share} of scores)", share=Pct(share_top, 1)),
                columns=[
                    ("model", N_("Model")),
                    ("share_g", N_("Group's share of those selected")),
                    ("rate_g", N_("Selection rate, group")),
                    ("rate_o", N_("Selection rate, others")),
                ],
                rows=selection_rows,
            ),
            Table(
                key="selection-chart",
                title=N_("The group's share: population and selected"),
                columns=[
                    ("model", N_("Model")),
                    ("who", N_("Among")),
                    ("share", N_("Group's share")),
                ],
                rows=selection_chart_rows,
            ),
        ]
        chart_imp_rows = [
            {"feature": r["feature"], "model": r["model"], "importance": r["importance"]}
            for r in imp_rows
        ]
        charts = [
            Chart(
                key="importance",
                title=N_("Permutation importance by feature and model"),
                description=Msg(
                    "Shuffling the proxy lowers the AUC by {lr} for the logistic regression, "
                    "{tree} for the tree and {gb} for gradient boosting.",
                    lr=Num(imp["logistic"][PROXY], 3),
                    tree=Num(imp["tree"][PROXY], 3),
                    gb=Num(imp["boosting"][PROXY], 3),
                ),
                spec=bar_chart(
                    N_("Permutation importance by feature and model"),
                    chart_imp_rows,
                    x="feature",
                    y="importance",
                    x_title=N_("Feature"),
                    y_title=N_("Fall in AUC when shuffled"),
                    color="model",
                    color_title=N_("Model"),
                ),
                table="importance",
            ),
            Chart(
                key="partial-dependence",
                title=N_("Partial dependence on factor C"),
                description=Msg(
                    "As factor C goes from −2.5 to 0 to +2.5, gradient boosting's average "
                    "predicted risk goes {gb_lo}, {gb_mid}, {gb_hi}; the logistic "
                    "regression's {lr_lo}, {lr_mid}, {lr_hi}.",
                    gb_lo=Pct(pd_c["boosting"][0], 1),
                    gb_mid=Pct(pd_c["boosting"][5], 1),
                    gb_hi=Pct(pd_c["boosting"][-1], 1),
                    lr_lo=Pct(pd_c["logistic"][0], 1),
                    lr_mid=Pct(pd_c["logistic"][5], 1),
                    lr_hi=Pct(pd_c["logistic"][-1], 1),
                ),
                spec=line_chart(
                    N_("Partial dependence on factor C"),
                    pd_rows,
                    x="value",
                    y="risk",
                    x_title=N_("Factor C (standard deviations)"),
                    y_title=N_("Average predicted risk"),
                    color="model",
                    color_title=N_("Model"),
                    y_format=".0%",
                ),
                table="partial-dependence",
            ),
            Chart(
                key="selection",
                title=N_("The group's share: population and selected"),
                description=Msg(
                    "The group is {pop} of the scored population and {lr} of those the "
                    "logistic regression selects ({gb} for gradient boosting).",
                    pop=Pct(pop_share, 1),
                    lr=Pct(selection["logistic"]["share_g"], 1),
                    gb=Pct(selection["boosting"]["share_g"], 1),
                ),
                spec=bar_chart(
                    N_("The group's share: population and selected"),
                    selection_chart_rows,
                    x="model",
                    y="share",
                    x_title=N_("Model"),
                    y_title=N_("Group's share"),
                    color="who",
                    color_title=N_("Among"),
                    y_format=".0%",
                ),
                table="selection-chart",
            ),
        ]

        metrics = [
            Metric(
                key="auc_logistic",
                label=N_("AUC, logistic regression"),
                value=perf["logistic"]["auc"],
                unit="AUC",
            ),
            Metric(
                key="auc_tree",
                label=N_("AUC, decision tree"),
                value=perf["tree"]["auc"],
                unit="AUC",
            ),
            Metric(
                key="auc_boosting",
                label=N_("AUC, gradient boosting"),
                value=perf["boosting"]["auc"],
                unit="AUC",
            ),
            Metric(
                key="auc_gain",
                label=N_("AUC gained by the black box (boosting − logistic)"),
                value=auc_gb - auc_lr,
                unit="AUC",
            ),
            Metric(
                key="auc_gain_margin",
                label=N_("Chance margin of that gain (3 standard errors, DeLong)"),
                value=Z * auc_se,
                unit="AUC",
            ),
            Metric(
                key="accuracy_gain",
                label=N_("Accuracy gained by the black box"),
                value=acc_gain,
                unit="share",
            ),
            Metric(
                key="proxy_group_correlation",
                label=N_("Correlation of the proxy with the group"),
                value=corr,
            ),
            Metric(
                key="coef_proxy",
                label=N_("Logistic regression's coefficient of the proxy"),
                value=float(coef[PROXY]),
                unit=N_("log-odds"),
            ),
            Metric(
                key="group_share_population",
                label=N_("Group's share of the scored population"),
                value=pop_share,
                unit="share",
            ),
            Metric(
                key="group_share_selected",
                label=N_("Group's share of those the logistic regression selects"),
                value=selection["logistic"]["share_g"],
                unit="share",
            ),
            Metric(
                key="group_share_selected_boosting",
                label=N_("Group's share of those gradient boosting selects"),
                value=selection["boosting"]["share_g"],
                unit="share",
            ),
            Metric(
                key="proxy_rank_logistic",
                label=N_("Proxy's rank, logistic regression (first fit)"),
                value=ranks["logistic"][0],
            ),
            Metric(
                key="proxy_rank_boosting",
                label=N_("Proxy's rank, gradient boosting (first fit)"),
                value=ranks["boosting"][0],
            ),
        ]

        findings = self._findings(
            p,
            names,
            model_names,
            imp,
            margin,
            beyond,
            ranks,
            firsts,
            selection,
            pop_share,
            corr,
            n_pop,
            coef,
            coef_se,
            perf,
            auc_gb - auc_lr,
            auc_se,
            acc_gain,
            acc_se,
            proxy_follows,
            n_exp,
        )
        cnaf = None
        if p["group_share"] == CNAF_GROUP_SHARE and p["top_share"] == CNAF_TOP_SHARE:
            # The training set's share of the error: the logistic regression refitted on
            # resampled training sets, each selecting from the same population.
            shares = []
            for _ in range(CNAF_REPLICATES):
                boot = np.random.default_rng(derive_seed(rng)).integers(0, n_train, n_train)
                refit = LogisticRegression(C=1e4, max_iter=2000).fit(x_tr[boot], y_tr[boot])
                chosen = _top(refit.predict_proba(x_te)[:, 1], share_top)
                shares.append(float(g_te[chosen].mean()))
            sel = selection["logistic"]
            cnaf = (sel["k_g"], sel["k_g"] + sel["k_o"], float(np.std(shares, ddof=1)), len(shares))
        checks = self._checks(p, coef, coef_se, truth, selection, n_g, n_pop, names, cnaf)
        return Result(
            metrics=metrics, tables=tables, charts=charts, findings=findings, checks=checks
        )

    # -- findings -------------------------------------------------------------------------------
    @staticmethod
    def _findings(
        p,
        names,
        model_names,
        imp,
        margin,
        beyond,
        ranks,
        firsts,
        selection,
        pop_share,
        corr,
        n_pop,
        coef,
        coef_se,
        perf,
        auc_gain,
        auc_se,
        acc_gain,
        acc_se,
        proxy_follows,
        n_explained,
    ) -> list[Msg]:
        findings: list[Msg] = []

        def drivers(name: str) -> Msg | Seq:
            order = [j for j in np.argsort(-imp[name]) if beyond[name][j]]
            return _list([names[FEATURES[j]] for j in order])

        # 1. Which features drive each model.
        findings.append(
            Msg(
                "Permutation importance (the fall in AUC when one feature is shuffled) finds, "
                "most important first and beyond chance: for the logistic regression {lr}; for "
                "the tree {tree}; for gradient boosting {gb}.",
                lr=drivers("logistic"),
                tree=drivers("tree"),
                gb=drivers("boosting"),
            )
        )

        # 2. The proxy, the group and who is selected. A selection gap is called learned
        # only when the logistic regression's weight on the proxy is itself beyond chance:
        # selecting a small top share magnifies even a weight that training noise gave.
        lr_sel, gb_sel = selection["logistic"], selection["boosting"]
        values = {
            "pop": Pct(pop_share, 1),
            "lr": Pct(lr_sel["share_g"], 1),
            "gb": Pct(gb_sel["share_g"], 1),
            "top": Pct(p["top_share"] / 100, 1),
            "corr": Num(corr, 2),
            "coef": Num(coef[PROXY], 2),
            "coef_margin": Num(Z * coef_se[PROXY], 2),
        }
        disparity = abs(lr_sel["z"]) > Z and lr_sel["rate_o"] > 0
        coef_real = abs(coef[PROXY]) > Z * coef_se[PROXY]
        corr_margin = Z / math.sqrt(n_pop)
        if disparity:
            values["ratio"] = sig(lr_sel["rate_g"] / lr_sel["rate_o"])
        if disparity and coef_real and p["proxy_link"] == 100:
            findings.append(
                Msg(
                    "Here the proxy is the group variable itself. The group is {pop} of the "
                    "scored population and {lr} of the top {top} the logistic regression "
                    "selects ({gb} for gradient boosting): its members are selected {ratio} "
                    "times as often as others, beyond chance.",
                    **values,
                )
            )
        elif disparity and coef_real and proxy_follows and abs(corr) > corr_margin:
            findings.append(
                Msg(
                    "The group is not among the features, yet it is {pop} of the scored "
                    "population and {lr} of the top {top} the logistic regression selects "
                    "({gb} for gradient boosting): its members are selected {ratio} times as "
                    "often as others, beyond chance. The proxy carries the group (correlation "
                    "{corr}).",
                    **values,
                )
            )
        elif disparity and coef_real:
            findings.append(
                Msg(
                    "The group is {pop} of the scored population and {lr} of the top {top} "
                    "the logistic regression selects ({gb} for gradient boosting): selected "
                    "{ratio} times as often as others, beyond chance, although the proxy "
                    "hardly follows the group here (correlation {corr}).",
                    **values,
                )
            )
        elif disparity:
            findings.append(
                Msg(
                    "The group is {pop} of the scored population and {lr} of the top {top} "
                    "the logistic regression selects ({gb} for gradient boosting): selected "
                    "{ratio} times as often as others in this population. Yet the logistic "
                    "regression's weight on the proxy ({coef} ± {coef_margin}) is within what "
                    "training noise gives: the data do not show that the proxy carries signal, "
                    "and selecting only the top {top} magnifies even a chance weight.",
                    **values,
                )
            )
        else:
            findings.append(
                Msg(
                    "The group is {pop} of the scored population and {lr} of the top {top} "
                    "the logistic regression selects ({gb} for gradient boosting): no "
                    "difference in selection beyond chance. The proxy's correlation with the "
                    "group is {corr}.",
                    **values,
                )
            )

        # 3. The proxy in the explanations, and across fits.
        proxy_models = [m for m in MODELS if beyond[m][PROXY]]
        rank_values = {
            "lr_ranks": Seq([Int(r) for r in ranks["logistic"]]),
            "tree_ranks": Seq([Int(r) for r in ranks["tree"]]),
            "gb_ranks": Seq([Int(r) for r in ranks["boosting"]]),
            "fits": Int(p["refits"]),
            "coef": Num(coef[PROXY], 2),
            "coef_margin": Num(Z * coef_se[PROXY], 2),
        }
        if coef_real and proxy_models:
            findings.append(
                Msg(
                    "The glass box shows the proxy directly: the logistic regression gives it "
                    "a coefficient of {coef} (±{coef_margin}), beyond chance. Shuffling it "
                    "lowers the AUC beyond chance for {models}. Over {fits} fits its rank among "
                    "the 5 features was {lr_ranks} (logistic), {tree_ranks} (tree), {gb_ranks} "
                    "(boosting).",
                    models=Seq([_model_in_sentence()[m] for m in proxy_models]),
                    **rank_values,
                )
            )
        elif coef_real:
            findings.append(
                Msg(
                    "The glass box shows the proxy directly: the logistic regression gives it "
                    "a coefficient of {coef} (±{coef_margin}), beyond chance; yet the fall in "
                    "AUC when it is shuffled, measured on {n} people, stays within chance for "
                    "every model: permutation importance misses what the coefficient shows. "
                    "Over {fits} fits its rank among the 5 features was {lr_ranks} (logistic), "
                    "{tree_ranks} (tree), {gb_ranks} (boosting).",
                    n=Int(n_explained),
                    **rank_values,
                )
            )
        elif proxy_models:
            findings.append(
                Msg(
                    "Shuffling the proxy lowers the AUC beyond chance for {models}, although "
                    "the logistic regression's coefficient ({coef} ± {coef_margin}) is within "
                    "chance. Over {fits} fits its rank among the 5 features was {lr_ranks} "
                    "(logistic), {tree_ranks} (tree), {gb_ranks} (boosting).",
                    models=Seq([_model_in_sentence()[m] for m in proxy_models]),
                    **rank_values,
                )
            )
        else:
            findings.append(
                Msg(
                    "No explanation shows the proxy being used: its coefficient in the "
                    "logistic regression ({coef} ± {coef_margin}) and the fall in AUC when it "
                    "is shuffled are within chance for every model. Over {fits} fits its rank "
                    "among the 5 features was {lr_ranks} (logistic), {tree_ranks} (tree), "
                    "{gb_ranks} (boosting).",
                    **rank_values,
                )
            )

        # 4. Do the explanations agree across models and fits?
        all_firsts = {i for m in MODELS for i in firsts[m]}
        c_lr, c_gb = beyond["logistic"][FACTOR_C], beyond["boosting"][FACTOR_C]
        if len(all_firsts) == 1:
            agree = Msg(
                "The explanations agree on what matters most: {feature} ranks first for all "
                "three models in every fit.",
                feature=names[FEATURES[next(iter(all_firsts))]],
            )
        else:
            agree = Msg(
                "The explanations disagree on what matters most: across models and fits, the "
                "feature ranked first is one of {features}.",
                features=Seq(sorted((names[FEATURES[i]] for i in all_firsts), key=str)),
            )
        if c_gb and not c_lr:
            findings.append(
                Msg(
                    "{agree} Factor C matters to gradient boosting (AUC falls by {gb_c}) but "
                    "not beyond chance to the logistic regression, whose coefficient is {coef} "
                    "± {margin}: a coefficient sees only straight lines, and the partial "
                    "dependence shows factor C's V shape.",
                    agree=agree,
                    gb_c=Num(imp["boosting"][FACTOR_C], 3),
                    coef=Num(coef[FACTOR_C], 2),
                    margin=Num(Z * coef_se[FACTOR_C], 2),
                )
            )
        else:
            findings.append(agree)

        # 5. What the black box buys.
        gain_values = {
            "gb": Num(perf["boosting"]["auc"], 3),
            "lr": Num(perf["logistic"]["auc"], 3),
            "gain": Num(abs(auc_gain), 3),
            "margin": Num(Z * auc_se, 3),
            "acc_gain": counted_points(acc_gain),
            "acc_margin": counted_points(Z * acc_se),
        }
        if abs(acc_gain) <= Z * acc_se:
            accuracy = Msg(
                "Accuracy at a 50% threshold does not change beyond chance ({acc_gain} ± "
                "{acc_margin}).",
                **gain_values,
            )
        elif acc_gain > 0:
            accuracy = Msg(
                "Accuracy at a 50% threshold rises by {acc_gain} (±{acc_margin}).",
                **gain_values,
            )
        else:
            accuracy = Msg(
                "Accuracy at a 50% threshold falls by {acc_gain} (±{acc_margin}).",
                **gain_values,
            )
        if auc_gain > Z * auc_se:
            gain = Msg(
                "The black box buys a real gain in ranking: AUC {gb} against {lr} for the "
                "logistic regression, {gain} more (chance margin ±{margin}, DeLong).",
                **gain_values,
            )
        elif auc_gain < -Z * auc_se:
            gain = Msg(
                "The black box is worse here: AUC {gb} against {lr} for the logistic "
                "regression, {gain} less (chance margin ±{margin}, DeLong).",
                **gain_values,
            )
        else:
            gain = Msg(
                "The black box buys nothing measurable in ranking: AUC {gb} against {lr} for "
                "the logistic regression, a difference within chance (±{margin}, DeLong), for "
                "a model no one can read.",
                **gain_values,
            )
        findings.append(Msg("{sentence} {addition}", sentence=gain, addition=accuracy))
        return findings

    # -- checks ---------------------------------------------------------------------------------
    @staticmethod
    def _checks(p, coef, coef_se, truth, selection, n_g, n_pop, names, cnaf) -> list[Check]:
        checks: list[Check] = []
        lo, hi = binomial_acceptance(n_pop, p["group_share"] / 100)
        checks.append(
            Check(
                key="group_share",
                label=N_("The group's share of the scored population, sampled vs set"),
                passed=lo <= n_g <= hi,
                expected=Msg(
                    "{lo} to {hi} of {n} (the set share {share})",
                    lo=Int(lo),
                    hi=Int(hi),
                    n=Int(n_pop),
                    share=Pct(p["group_share"] / 100, 0),
                ),
                observed=Msg("{k} in the group", k=Int(n_g)),
                reference=N_(
                    "Each person is drawn into the group with the set probability: a "
                    "binomial count (range holding 99.99% of draws)."
                ),
                kind="consistency",
            )
        )
        well_specified = p["nonlinearity"] == 0 and (
            p["proxy_link"] == 100 or p["group_effect"] == 0
        )
        if well_specified:
            target = truth.copy()
            if not math.isfinite(target[PROXY]):
                target[PROXY] = 0.0
            z = np.abs(coef - target) / np.where(coef_se > 0, coef_se, np.inf)
            worst = int(np.argmax(z))
            checks.append(
                Check(
                    key="coefficients_recover_truth",
                    label=N_("A well-specified logistic regression recovers the true effects"),
                    passed=bool(np.all(z <= 4)),
                    expected=Msg(
                        "every coefficient within 4 standard errors of its true effect ({truth})",
                        truth=Seq([Num(t, 2) for t in target]),
                    ),
                    observed=Msg(
                        "coefficients {coefs}; largest gap {z} standard errors ({feature})",
                        coefs=Seq([Num(c, 2) for c in coef]),
                        z=Num(float(z[worst]), 1),
                        feature=names[FEATURES[worst]],
                    ),
                    reference=N_(
                        "Maximum-likelihood theory: when the model is the one the data come "
                        "from, each fitted coefficient is approximately normal around its true "
                        "value with the standard error from the Fisher information."
                    ),
                )
            )
        if cnaf is not None:
            k_g, k, fit_sd, replicates = cnaf
            share = k_g / k
            binomial_sd = math.sqrt(CNAF_CONTROLLED_SHARE * (1 - CNAF_CONTROLLED_SHARE) / k)
            tolerance = 4 * math.sqrt(binomial_sd**2 + fit_sd**2)
            checks.append(
                Check(
                    key="cnaf_controlled_share",
                    label=N_("Single parents among the controlled: simulated vs Le Monde's 36%"),
                    passed=abs(share - CNAF_CONTROLLED_SHARE) <= tolerance,
                    expected=Msg(
                        "36% ± {tolerance} (4 standard errors: sampling of the {k} controlled, "
                        "{binomial}, and of the training set, {fit}, from {replicates} "
                        "resampled fits)",
                        tolerance=counted_points(tolerance),
                        k=Int(k),
                        binomial=counted_points(binomial_sd),
                        fit=counted_points(fit_sd),
                        replicates=Int(replicates),
                    ),
                    observed=Msg("{n} of {k} ({share})", n=Int(k_g), k=Int(k), share=Pct(share, 1)),
                    reference=Msg(
                        "{source} The strength of the single-parent variable is chosen to come "
                        "close to 36%, not measured: the check shows that such a strength "
                        "exists and that the run holds it within sampling error.",
                        source=CNAF_SOURCE,
                    ),
                )
            )
        return checks


SIMULATION = InterpretabilitySimulation()
