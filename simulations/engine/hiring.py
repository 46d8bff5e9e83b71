"""Automated hiring: a gender-blind model trained on biased past decisions, through proxies."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.reductions import DemographicParity, ExponentiatedGradient
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import StandardScaler

from ._stats import compress, distinct_pcts, two_proportion_z
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed
from .charts import bar_chart
from .text import N_, Int, Msg, Num, Pct, Seq

FOUR_FIFTHS = 0.8
EG_MAX_HISTORY = 5000  # keeps an ExponentiatedGradient run within the 10 s budget
UGESP = N_(
    "Uniform Guidelines on Employee Selection Procedures (1978), 29 CFR §1607.4(D): a selection "
    "rate below four-fifths of the highest group's rate is generally regarded as evidence of "
    "adverse impact"
)
REUTERS = N_(
    'Reuters (Jeffrey Dastin), "Amazon scraps secret AI recruiting tool that showed bias '
    'against women", 10 Oct 2018'
)
QUALIFIED_Z = 0.6745  # skill above the 75th percentile of N(0, 1): the top quarter is qualified
GAP_YEARS = 2  # years of experience a career gap costs
Z_REAL = 3.0  # a difference between two sampled rates is called real beyond three standard errors
MODEL = N_("Model (no gender column)")
PAST = N_("Past decisions")
# Group values as shown in tables and chart legends (the arrays keep "women"/"men").
_GROUP = {"women": N_("women"), "men": N_("men")}

# Feature columns: (key, label, the label inside a sentence, is a proxy for gender).
_FEATURES: tuple[tuple[str, str, str, bool], ...] = (
    ("test_score", N_("Skills test score"), N_("skills test score"), False),
    ("experience", N_("Years of experience"), N_("years of experience"), False),
    (
        "womens_club",
        N_("Women's club or society on the CV"),
        N_("women's club or society on the CV"),
        True,
    ),
    ("womens_college", N_("Women's college"), N_("women's college"), True),
    ("career_gap", N_("Career gap"), N_("career gap"), True),
    (
        "verbs",
        N_("'Executed'/'captured'-style verbs"),
        N_("'Executed'/'captured'-style verbs"),
        True,
    ),
)
_IN_SENTENCE = {label: inner for _, label, inner, _ in _FEATURES}
_FEATURE_SETS = {
    "all": ("test_score", "experience", "womens_club", "womens_college", "career_gap", "verbs"),
    "no-gendered-terms": ("test_score", "experience", "career_gap", "verbs"),
    "skills-only": ("test_score", "experience"),
}
_MITIGATIONS = {
    "none": N_("no mitigation"),
    "exponentiated-gradient": N_("Fairlearn's ExponentiatedGradient (demographic parity)"),
    "threshold-optimizer": N_("Fairlearn's ThresholdOptimizer (demographic parity)"),
}


def _applicants(n: int, p: dict[str, Any], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw applicants: equal skill across genders, gendered proxies, a biased past decision.

    Parameters
    ----------
    n : int
        Number of applicants.
    p : dict
        Validated parameters.
    rng : numpy.random.Generator
        The run's Generator.

    Returns
    -------
    dict of numpy.ndarray
        ``woman`` (bool), ``skill``, every feature of :data:`_FEATURES`, ``qualified``
        (skill in the top quarter) and ``past_score`` (the old process's score before its
        cut-off).
    """
    s = p["proxy_strength"]
    woman = rng.random(n) < p["women_share"] / 100
    skill = rng.standard_normal(n)  # the same distribution for everyone, by construction
    career_gap = rng.random(n) < np.where(woman, 0.10 + 0.30 * s, 0.10)
    data = {
        "woman": woman,
        "skill": skill,
        "test_score": skill + 0.7 * rng.standard_normal(n),
        "experience": 6 + 1.5 * skill + 1.5 * rng.standard_normal(n) - GAP_YEARS * career_gap,
        "womens_club": (rng.random(n) < np.where(woman, 0.05 + 0.45 * s, 0.05)).astype(float),
        "womens_college": (rng.random(n) < np.where(woman, 0.25 * s, 0.0)).astype(float),
        "career_gap": career_gap.astype(float),
        "verbs": rng.poisson(np.where(woman, 1.0, 1.0 + 1.5 * s)).astype(float),
        "qualified": skill > QUALIFIED_Z,
    }
    data["past_score"] = skill + 0.5 * rng.standard_normal(n) - p["penalty"] * woman
    return data


def _matrix(data: dict[str, np.ndarray], columns: tuple[str, ...]) -> np.ndarray:
    return np.column_stack([data[c] for c in columns])


def _rate(x: float | None) -> Pct | Msg:
    """A rate for a chart description; a rate over nobody is said to be undefined."""
    return Pct(x) if x is not None else N_("undefined (nobody to count)")


def _ratio(x: float | None) -> Num | Msg:
    return Num(x, 2) if x is not None else N_("undefined")


def _signed(x: float, digits: int) -> Num | Msg:
    """``f"{x:+.{digits}f}"`` as a typed number: a plus sign before a positive value."""
    return Msg("+{number}", number=Num(x, digits)) if math.copysign(1, x) > 0 else Num(x, digits)


def _distinct(a: float, b: float) -> tuple[Pct, Pct]:
    """:func:`distinct_pcts` as typed percentages, with the decimals it chose."""
    text, _ = distinct_pcts(a, b)
    digits = len(text[:-1].partition(".")[2])
    return Pct(a, digits), Pct(b, digits)


class HiringSimulation(Simulation):
    """A CV screener trained on past hiring decisions that penalised women."""

    slug = "hiring"
    title = N_("Automated hiring: learning past discrimination through proxies")
    question = N_(
        "If a CV screener is trained on past decisions that penalised women, does removing the "
        "gender column stop it from discriminating?"
    )
    version = "4"
    cases = ("automated-hiring",)
    themes = ("proxies", "biased-data", "accountability")
    explanation = N_("""
**The model.** Synthetic applicants have a *skill* drawn from the same distribution for
women and men. The employer sees a skills-test score and years of experience (both noisy
signals of skill; a career gap costs experience), and CV details that say nothing about skill
but are more common in one gender: a women's club or society, a women's college, a career
gap, and assertive verbs ("executed", "captured") that Reuters reported Amazon's model
favoured. Past hiring decisions scored skill but subtracted a *penalty* for being a woman,
and the top quarter were hired. A scikit-learn logistic regression is trained on those past
decisions **without the gender column**, then screens a new pool of applicants.

Everything is measured against the applicants' real qualification (skill in the top quarter),
which the model never sees: selection rates by gender, the impact ratio used by the
four-fifths rule and NYC Local Law 144 audits, the share of *qualified* applicants selected
(true-positive rate: **equal opportunity**, in Hardt, Price & Srebro's 2016 terms, asks that
it be the same for women and men), and the model's weights. Group metrics come from
Fairlearn's `MetricFrame`. A difference between women and men is reported as real only when
it is larger than chance gives with that many applicants.

**What to try.**

- Keep the defaults and read the impact ratio, then the weights table: the proxies carry the
  penalty.
- Set *features* to "no gendered terms" (what Amazon tried): the explicit terms go, the
  verbs and the career gap remain.
- Set *features* to "skills only": every CV detail goes, but the disparity does not vanish.
  Experience looks neutral, yet a career gap costs two years of it, and career gaps are more
  common among women here. A neutral-looking feature carries the past.
- Keep "skills only" and set *penalty* to 0: the past decisions were fair, and the model
  still selects fewer qualified women, because it reads a gap as less experience. With all
  features it could see the gap itself and correct for it.
- Set *proxy strength* to 0 (nothing on the CV tracks gender, career gaps as common among men):
  now the differences between women and men are within chance.
- Try a Fairlearn mitigation. ExponentiatedGradient uses gender only during training;
  ThresholdOptimizer **uses each applicant's gender when deciding** (a different threshold per
  group), which some jurisdictions forbid. Compare the agreement with past decisions (what the
  developers would call accuracy) before and after.
- Load the small-sample preset: with 10 applicants per group one hire changes the verdict.

**What to look for.** A model that never saw gender still selecting fewer women; qualified
women selected less often than qualified men; large negative weights on CV details that
track gender; the accuracy–disparity trade-off when a mitigation is on. "Accuracy" here is
agreement with biased past decisions: a high value means the model copied them well.

**Limits.** Invented features and effect sizes; one job, two genders; a mitigation that
equalises selection rates does not make the past labels right, and demographic parity is one
criterion among several that can conflict. The four-fifths rule is a rule of thumb, not
proof of discrimination, and unreliable with small samples.
""")
    params = (
        Param(
            name="n_history",
            type="int",
            default=4000,
            min=500,
            max=20_000,
            step=100,
            label=N_("Past applicants (training data)"),
            help=N_("CVs with a past hiring decision the model learns from."),
            unit=N_("people"),
        ),
        Param(
            name="n_applicants",
            type="int",
            default=2000,
            min=20,
            max=20_000,
            step=10,
            label=N_("New applicants screened"),
            help=N_("The new pool the trained model screens and that the audit measures."),
            unit=N_("people"),
        ),
        Param(
            name="women_share",
            type="float",
            default=50.0,
            min=10.0,
            max=90.0,
            step=1,
            label=N_("Women among applicants"),
            help=N_("Share of applicants (past and new) who are women."),
            unit="%",
        ),
        Param(
            name="penalty",
            type="float",
            default=1.0,
            min=0.0,
            max=3.0,
            step=0.1,
            label=N_("Past penalty on women"),
            help=N_("How much past decisions marked women down, in standard deviations of skill."),
            unit=N_("SD"),
        ),
        Param(
            name="proxy_strength",
            type="float",
            default=1.0,
            min=0.0,
            max=1.0,
            step=0.1,
            label=N_("Proxy strength"),
            help=N_("How strongly the CV details track gender (0 = not at all)."),
        ),
        Param(
            name="features",
            type="choice",
            default="all",
            choices=(
                ("all", N_("All CV features")),
                ("no-gendered-terms", N_("No gendered terms (club, college removed)")),
                ("skills-only", N_("Skills only (test score, experience)")),
            ),
            label=N_("Features the model sees"),
            help=N_("The gender column is never used; this removes proxies as well."),
        ),
        Param(
            name="mitigation",
            type="choice",
            default="none",
            choices=tuple(_MITIGATIONS.items()),
            label=N_("Fairlearn mitigation"),
            help=N_(
                "Optional mitigation for demographic parity; ThresholdOptimizer uses gender "
                "at decision time."
            ),
        ),
    )
    presets = (
        Preset(
            slug="amazon-screener",
            title=N_("Amazon's screener: gendered terms and assertive verbs"),
            description=N_(
                "A model trained on past decisions that penalised women, reading CVs "
                "with a women's club, a women's college and assertive verbs. Reuters reported that "
                "Amazon's model penalised the word \"women's\", downgraded graduates of "
                'all-women\'s colleges and favoured verbs like "executed" and "captured". Every '
                "numeric value (penalty, proxy rates, pool sizes) is a teaching value, not Amazon's."
            ),
            params={"features": "all", "penalty": 1.0, "proxy_strength": 1.0},
            case="automated-hiring",
            source=Msg(
                "{reuters}. No numbers from Amazon are used: the effect sizes are teaching "
                "values on invented data.",
                reuters=REUTERS,
            ),
        ),
        Preset(
            slug="amazon-terms-removed",
            title=N_("Amazon's fix: gendered terms removed, other proxies remain"),
            description=N_(
                "Amazon edited the model to be neutral to the gendered terms but could "
                "not guarantee it would find no other proxies. Here the club and college go; the "
                "verbs and the career gap stay. Numbers are teaching values."
            ),
            params={"features": "no-gendered-terms", "penalty": 1.0, "proxy_strength": 1.0},
            case="automated-hiring",
            source=Msg(
                "{reuters} (via NYSSCPA summary): edited to be neutral to those terms, no "
                "guarantee against other proxies. Effect sizes: teaching values.",
                reuters=REUTERS,
            ),
        ),
        Preset(
            slug="four-fifths-small-sample",
            title=N_("Four-fifths audit with 10 applicants per group"),
            description=N_(
                "Only 20 new applicants, half of them women: one hire more or less "
                "changes the impact ratio, and with it the four-fifths verdict."
            ),
            params={"n_applicants": 20, "women_share": 50.0},
            case="automated-hiring",
            source=Msg(
                "Arithmetic: with 10 applicants per group one hire changes the verdict; {ugesp}.",
                ugesp=UGESP,
            ),
        ),
        Preset(
            slug="threshold-optimizer",
            title=N_("Mitigated with ThresholdOptimizer (uses gender at decision time)"),
            description=N_(
                "The default screener post-processed by Fairlearn's ThresholdOptimizer "
                "for demographic parity: selection rates equalise, agreement with past decisions "
                "drops. Numbers are teaching values."
            ),
            params={"mitigation": "threshold-optimizer"},
            case="automated-hiring",
            source=Msg(
                "Fairlearn 0.15 ThresholdOptimizer (Hardt, Price & Srebro 2016 "
                "post-processing); impact ratio per {ugesp}.",
                ugesp=UGESP,
            ),
        ),
    )

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """ExponentiatedGradient refits the model about 25 times: cap its training set.

        Parameters
        ----------
        p : dict
            Parameters, each already valid on its own.

        Returns
        -------
        dict
            ``{"n_history": [message]}`` when the combination would be too slow.
        """
        if p["mitigation"] == "exponentiated-gradient" and p["n_history"] > EG_MAX_HISTORY:
            return {
                "n_history": [
                    Msg(
                        "With ExponentiatedGradient, use at most {n} past "
                        "applicants: it retrains the model many times.",
                        n=Int(EG_MAX_HISTORY),
                    )
                ]
            }
        return {}

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Train on past decisions, screen a new pool, audit by gender.

        Parameters
        ----------
        p : dict
            Validated parameters (see :attr:`params`).
        rng : numpy.random.Generator
            The run's only source of randomness; scikit-learn and Fairlearn get seeds
            derived from it.

        Returns
        -------
        Result
        """
        history = _applicants(p["n_history"], p, rng)
        pool = _applicants(p["n_applicants"], p, rng)
        # The old process hired the top quarter of its (penalised) score.
        cutoff = float(np.quantile(history["past_score"], 0.75))
        y_hist = (history["past_score"] > cutoff).astype(int)
        past_pool = (pool["past_score"] > cutoff).astype(int)

        columns = _FEATURE_SETS[p["features"]]
        scaler = StandardScaler().fit(_matrix(history, columns))
        x_hist = scaler.transform(_matrix(history, columns))
        x_pool = scaler.transform(_matrix(pool, columns))
        model = LogisticRegression(max_iter=1000).fit(x_hist, y_hist)
        decisions = {MODEL: model.predict(x_pool)}

        gender_hist = np.where(history["woman"], "women", "men")
        gender_pool = np.where(pool["woman"], "women", "men")
        mitigation = p["mitigation"]
        training_dp: float | None = None
        if mitigation == "exponentiated-gradient":
            mitigator = ExponentiatedGradient(
                LogisticRegression(max_iter=1000), constraints=DemographicParity()
            )
            with warnings.catch_warnings():
                # Fairlearn 0.15's reductions use pandas idioms that pandas 3 flags as
                # deprecated; the warnings are about fairlearn's code, not this run.
                warnings.filterwarnings("ignore", module=r"fairlearn\.")
                mitigator.fit(x_hist, y_hist, sensitive_features=gender_hist)
            seed_hist, seed_pool = derive_seed(rng), derive_seed(rng)
            train_pred = mitigator.predict(x_hist, random_state=seed_hist)
            decisions["ExponentiatedGradient"] = mitigator.predict(x_pool, random_state=seed_pool)
        elif mitigation == "threshold-optimizer":
            mitigator = ThresholdOptimizer(
                estimator=model,
                constraints="demographic_parity",
                prefit=True,
                predict_method="predict_proba",
            )
            mitigator.fit(x_hist, y_hist, sensitive_features=gender_hist)
            seed_hist, seed_pool = derive_seed(rng), derive_seed(rng)
            train_pred = mitigator.predict(
                x_hist, sensitive_features=gender_hist, random_state=seed_hist
            )
            decisions["ThresholdOptimizer"] = mitigator.predict(
                x_pool, sensitive_features=gender_pool, random_state=seed_pool
            )
        if mitigation != "none":
            (yt, yp, g), w = compress(y_hist, np.asarray(train_pred).astype(int), gender_hist)
            training_dp = float(
                demographic_parity_difference(yt, yp, sensitive_features=g, sample_weight=w)
            )

        audits = self._audits({PAST: past_pool, **decisions}, past_pool, pool, gender_pool)
        main = audits[MODEL]
        final_name = list(audits)[-1]
        final = audits[final_name]

        coef_rows = sorted(
            (
                {
                    "feature": next(label for key, label, _, _ in _FEATURES if key == col),
                    "weight": float(weight),
                    "proxy": next(proxy for key, _, _, proxy in _FEATURES if key == col),
                }
                for col, weight in zip(columns, model.coef_[0], strict=True)
            ),
            key=lambda r: -abs(r["weight"]),
        )

        metrics = [
            Metric(
                key="selection_rate_women",
                label=N_("Women selected by the model"),
                value=main["rate_women"],
                unit="share",
            ),
            Metric(
                key="selection_rate_men",
                label=N_("Men selected by the model"),
                value=main["rate_men"],
                unit="share",
            ),
            Metric(
                key="impact_ratio",
                label=N_("Impact ratio (lower ÷ higher selection rate)"),
                value=main["impact_ratio"],
                unit=N_("ratio"),
                help=N_("Below 0.80 the four-fifths rule flags adverse impact."),
            ),
            Metric(
                key="tpr_women",
                label=N_("Qualified women selected (TPR)"),
                value=main["tpr_women"],
                unit="share",
            ),
            Metric(
                key="tpr_men",
                label=N_("Qualified men selected (TPR)"),
                value=main["tpr_men"],
                unit="share",
            ),
            Metric(
                key="agreement_with_past",
                label=N_("Agreement with past decisions ('accuracy')"),
                value=main["agreement"],
                unit="share",
            ),
            Metric(
                key="accuracy_vs_qualified",
                label=N_("Accuracy against real qualification"),
                value=main["accuracy_qualified"],
                unit="share",
            ),
            Metric(
                key="past_impact_ratio",
                label=N_("Impact ratio of past decisions"),
                value=audits[PAST]["impact_ratio"],
                unit=N_("ratio"),
            ),
        ]
        if mitigation != "none":
            metrics += [
                Metric(
                    key="mitigated_impact_ratio",
                    label=Msg("Impact ratio with {method}", method=final_name),
                    value=final["impact_ratio"],
                    unit=N_("ratio"),
                ),
                Metric(
                    key="mitigated_agreement_with_past",
                    label=Msg("Agreement with past decisions with {method}", method=final_name),
                    value=final["agreement"],
                    unit="share",
                ),
            ]

        audit_columns = [
            ("decider", N_("Decisions by")),
            ("n_women", N_("Women in the pool")),
            ("n_men", N_("Men in the pool")),
            ("rate_women", N_("Women selected")),
            ("rate_men", N_("Men selected")),
            ("impact_ratio", N_("Impact ratio")),
            ("tpr_women", N_("Qualified women selected")),
            ("tpr_men", N_("Qualified men selected")),
            ("eop_difference", N_("Equal-opportunity difference (TPR gap)")),
            ("eo_difference", N_("Equalized-odds difference")),
            ("agreement", N_("Agreement with past decisions")),
            ("accuracy_qualified", N_("Accuracy vs qualification")),
        ]
        shown = [key for key, _ in audit_columns]
        audit_rows = [
            {key: value for key, value in {"decider": name, **values}.items() if key in shown}
            for name, values in audits.items()
        ]
        audit_table = Table(
            key="audit",
            title=N_("Audit of the new applicant pool by gender"),
            columns=audit_columns,
            rows=audit_rows,
        )
        rate_rows = [
            {"decider": name, "group": _GROUP[group], "rate": values[f"rate_{group}"]}
            for name, values in audits.items()
            for group in ("women", "men")
        ]
        rates = Table(
            key="selection_rates",
            title=N_("Selection rate by gender"),
            columns=[
                ("decider", N_("Decisions by")),
                ("group", N_("Gender")),
                ("rate", N_("Selected")),
            ],
            rows=rate_rows,
        )
        tpr_rows = [
            {"decider": name, "group": _GROUP[group], "tpr": values[f"tpr_{group}"]}
            for name, values in audits.items()
            for group in ("women", "men")
        ]
        tprs = Table(
            key="qualified_selected",
            title=N_("Qualified applicants selected, by gender"),
            columns=[
                ("decider", N_("Decisions by")),
                ("group", N_("Gender")),
                ("tpr", N_("Selected")),
            ],
            rows=tpr_rows,
        )
        coef_table = Table(
            key="weights",
            title=N_("What the model learned: weights on standardised features"),
            columns=[
                ("feature", N_("Feature")),
                ("weight", N_("Weight")),
                ("proxy", N_("Proxy for gender")),
            ],
            rows=coef_rows,
        )
        trade_rows = [
            {"decider": name, "measure": measure, "value": values[key]}
            for name, values in audits.items()
            for measure, key in (
                (N_("Impact ratio"), "impact_ratio"),
                (N_("Agreement with past decisions"), "agreement"),
                (N_("Accuracy vs qualification"), "accuracy_qualified"),
            )
        ]
        trade = Table(
            key="trade_off",
            title=N_("Disparity and accuracy, side by side"),
            columns=[
                ("decider", N_("Decisions by")),
                ("measure", N_("Measure")),
                ("value", N_("Value")),
            ],
            rows=trade_rows,
        )
        deciders = list(audits)
        charts = [
            Chart(
                key="selection_rates",
                title=rates.title,
                description=Msg(
                    "Selected by the model: women {women}, men {men}; by past decisions: "
                    "women {past_women}, men {past_men}.",
                    women=_rate(main["rate_women"]),
                    men=_rate(main["rate_men"]),
                    past_women=_rate(audits[PAST]["rate_women"]),
                    past_men=_rate(audits[PAST]["rate_men"]),
                ),
                spec=bar_chart(
                    rates.title,
                    rate_rows,
                    x="decider",
                    y="rate",
                    x_title=N_("Decisions by"),
                    y_title=N_("Share of applicants selected"),
                    color="group",
                    color_title=N_("Gender"),
                    y_format="%",
                    sort=deciders,
                ),
                table=rates.key,
            ),
            Chart(
                key="qualified_selected",
                title=tprs.title,
                description=Msg(
                    "Qualified applicants selected by the model: women {women}, men {men}.",
                    women=_rate(main["tpr_women"]),
                    men=_rate(main["tpr_men"]),
                ),
                spec=bar_chart(
                    tprs.title,
                    tpr_rows,
                    x="decider",
                    y="tpr",
                    x_title=N_("Decisions by"),
                    y_title=N_("Share of qualified applicants selected"),
                    color="group",
                    color_title=N_("Gender"),
                    y_format="%",
                    sort=deciders,
                ),
                table=tprs.key,
            ),
            Chart(
                key="weights",
                title=coef_table.title,
                description=Msg(
                    "The largest weight, {weight}, is on {feature}.",
                    weight=_signed(coef_rows[0]["weight"], 2),
                    feature=_IN_SENTENCE[coef_rows[0]["feature"]],
                ),
                spec=bar_chart(
                    coef_table.title,
                    coef_rows,
                    x="feature",
                    y="weight",
                    x_title=N_("Feature"),
                    y_title=N_("Weight (log-odds per standard deviation)"),
                    horizontal=True,
                    sort=[r["feature"] for r in coef_rows],
                ),
                table=coef_table.key,
            ),
            Chart(
                key="trade_off",
                title=trade.title,
                description=(
                    Msg(
                        "Impact ratio {ratio} and agreement with past decisions {agreement} "
                        "with {method}, against {ratio_before} and {agreement_before} for the "
                        "unmitigated model.",
                        ratio=_ratio(final["impact_ratio"]),
                        agreement=Pct(final["agreement"]),
                        method=final_name,
                        ratio_before=_ratio(main["impact_ratio"]),
                        agreement_before=Pct(main["agreement"]),
                    )
                    if mitigation != "none"
                    else Msg(
                        "The model agrees with {agreement} of past decisions "
                        "with an impact ratio of {ratio}.",
                        agreement=Pct(main["agreement"]),
                        ratio=_ratio(main["impact_ratio"]),
                    )
                ),
                spec=bar_chart(
                    trade.title,
                    trade_rows,
                    x="measure",
                    y="value",
                    x_title=N_("Measure"),
                    y_title=N_("Value (0 to 1)"),
                    color="decider",
                    color_title=N_("Decisions by"),
                ),
                table=trade.key,
            ),
        ]

        checks = self._checks(pool, main, training_dp, mitigation, gender_pool)
        findings = self._findings(p, audits, coef_rows, final_name, pool)
        return Result(
            metrics=metrics,
            tables=[audit_table, rates, tprs, coef_table, trade],
            charts=charts,
            findings=findings,
            checks=checks,
        )

    @staticmethod
    def _audits(
        decisions: dict[str, np.ndarray],
        past: np.ndarray,
        pool: dict[str, np.ndarray],
        gender: np.ndarray,
    ) -> dict[str, dict[str, Any]]:
        """Selection rates, impact ratio and TPR among the qualified, by gender, per decider.

        One Fairlearn ``MetricFrame`` holds every decider: gender is the sensitive feature and
        the decider a control feature, so ``ratio()`` and ``difference()`` are taken within
        each decider. Rows are compressed to distinct combinations with their counts.

        Parameters
        ----------
        decisions : dict of numpy.ndarray of {0, 1}
            Decisions on the new pool, by decider name.
        past : numpy.ndarray of {0, 1}
            What the past process would have decided.
        pool : dict of numpy.ndarray
            The new applicants.
        gender : numpy.ndarray of str
            "women" or "men" for each applicant.

        Returns
        -------
        dict of dict
            For each decider: ``rate_women``, ``rate_men``, ``impact_ratio`` (Fairlearn's
            demographic-parity ratio), ``tpr_women``, ``tpr_men``, ``eop_difference`` (the
            equal-opportunity gap), ``eo_difference`` (Fairlearn's equalized-odds difference
            against real qualification), ``agreement`` (accuracy against past decisions),
            ``accuracy_qualified``, and the counts behind them. A rate over nobody (no women
            in the pool, no qualified men…) and a ratio of two zero rates are None.
        """
        names = list(decisions)
        k = len(names)
        qualified = pool["qualified"].astype(int)
        (yt, yp, g, d, pt), w = compress(
            np.tile(qualified, k),
            np.concatenate([np.asarray(decisions[n]).astype(int) for n in names]),
            np.tile(gender, k),
            np.repeat(np.arange(k), len(gender)),
            np.tile(past, k),
        )
        metrics = {"rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate}
        frame = MetricFrame(
            metrics=metrics,
            y_true=yt,
            y_pred=yp,
            sensitive_features=g,
            control_features=d,
            sample_params={name: {"sample_weight": w} for name in metrics},
        )
        by = frame.by_group
        ratio = frame.ratio()
        diff = frame.difference()
        is_woman = gender == "women"
        qual = pool["qualified"]
        counts = {
            "n_women": int(is_woman.sum()),
            "n_men": int((~is_woman).sum()),
            "qualified_women": int((qual & is_woman).sum()),
            "qualified_men": int((qual & ~is_woman).sum()),
        }
        out: dict[str, dict[str, Any]] = {}
        for i, name in enumerate(names):
            mine = d == i
            chosen = np.asarray(decisions[name]).astype(bool)

            def get(metric: str, group: str, i: int = i) -> float | None:
                # A rate over nobody is undefined: None, shown as "—", never NaN.
                key = (i, group)
                return float(by.loc[key, metric]) if key in by.index else None

            rates = (get("rate", "women"), get("rate", "men"))
            comparable = None not in rates and max(rates) > 0
            tprs = (
                get("tpr", "women") if counts["qualified_women"] else None,
                get("tpr", "men") if counts["qualified_men"] else None,
            )
            out[name] = {
                **counts,
                "selected_women": int((chosen & is_woman).sum()),
                "selected_men": int((chosen & ~is_woman).sum()),
                "qualified_selected_women": int((chosen & qual & is_woman).sum()),
                "qualified_selected_men": int((chosen & qual & ~is_woman).sum()),
                "rate_women": rates[0],
                "rate_men": rates[1],
                "impact_ratio": float(ratio.loc[i, "rate"]) if comparable else None,
                "tpr_women": tprs[0],
                "tpr_men": tprs[1],
                # Equal opportunity: the gap between the groups' true-positive rates.
                "eop_difference": float(diff.loc[i, "tpr"]) if None not in tprs else None,
                # Fairlearn's equalized_odds_difference: the larger of the TPR and FPR gaps.
                "eo_difference": float(max(diff.loc[i, "tpr"], diff.loc[i, "fpr"]))
                if None not in tprs and None not in rates
                else None,
                "agreement": float(accuracy_score(pt[mine], yp[mine], sample_weight=w[mine])),
                "accuracy_qualified": float(
                    accuracy_score(yt[mine], yp[mine], sample_weight=w[mine])
                ),
            }
        return out

    @staticmethod
    def _checks(
        pool: dict[str, np.ndarray],
        main: dict[str, float],
        training_dp: float | None,
        mitigation: str,
        gender: np.ndarray,
    ) -> list[Check]:
        """Four-fifths arithmetic, equal skill by construction, the mitigator's constraint."""
        rates = [main["rate_women"], main["rate_men"]]
        checks = []
        if main["impact_ratio"] is not None:
            by_hand = min(rates) / max(rates)
            numbers = {
                "low": Num(min(rates), 4),
                "high": Num(max(rates), 4),
                "ratio": Num(by_hand, 4),
                "threshold": Num(FOUR_FIFTHS, 1),
            }
            checks.append(
                Check(
                    key="four_fifths_arithmetic",
                    label=N_("Four-fifths rule: impact ratio = lower selection rate ÷ higher"),
                    passed=abs(by_hand - main["impact_ratio"]) < 1e-9,
                    expected=Msg(
                        "{low} ÷ {high} = {ratio} (flagged: the threshold is {threshold})",
                        **numbers,
                    )
                    if by_hand < FOUR_FIFTHS
                    else Msg(
                        "{low} ÷ {high} = {ratio} (not flagged: the threshold is {threshold})",
                        **numbers,
                    ),
                    observed=Msg(
                        "Fairlearn MetricFrame selection-rate ratio: {ratio}",
                        ratio=Num(main["impact_ratio"], 4),
                    ),
                    reference=Msg(
                        "{ugesp}; NYC Local Law 144 audits report the same ratio.", ugesp=UGESP
                    ),
                )
            )
        women, men = pool["skill"][pool["woman"]], pool["skill"][~pool["woman"]]
        if len(women) > 1 and len(men) > 1:
            gap = float(women.mean() - men.mean())
            se = float(np.sqrt(women.var(ddof=1) / len(women) + men.var(ddof=1) / len(men)))
            checks.append(
                Check(
                    key="equal_skill",
                    label=N_("Women's and men's skill is drawn from the same distribution"),
                    passed=abs(gap) <= 4 * se,
                    expected=Msg(
                        "Mean skill gap 0 ± {tolerance} (four standard errors)",
                        tolerance=Num(4 * se, 3),
                    ),
                    observed=Msg("Women − men: {gap}", gap=_signed(gap, 3)),
                    reference=N_("The simulation draws every applicant's skill from N(0, 1)."),
                    kind="consistency",
                )
            )
        if training_dp is not None:
            checks.append(
                Check(
                    key="mitigation_constraint_on_training_data",
                    label=N_("The mitigation equalises selection rates on the training data"),
                    passed=training_dp <= 0.05,
                    expected=N_("Demographic-parity difference close to 0 (at most 0.05)"),
                    observed=Msg(
                        "{difference} on the past applicants", difference=Num(training_dp, 3)
                    ),
                    reference=Msg(
                        "Fairlearn 0.15: {method}",
                        method=(
                            N_("ExponentiatedGradient (Agarwal et al. 2018), eps = 0.01")
                            if mitigation == "exponentiated-gradient"
                            else N_("ThresholdOptimizer (Hardt, Price & Srebro 2016)")
                        ),
                    ),
                )
            )
        return checks

    @staticmethod
    def _findings(
        p: dict[str, Any],
        audits: dict[str, dict[str, Any]],
        coef_rows: list[dict[str, Any]],
        final_name: str,
        pool: dict[str, np.ndarray],
    ) -> list[str]:
        """Two to five sentences built from this run's numbers.

        A difference between women and men (in selection rates, or in the share of qualified
        applicants selected) is called real only beyond three standard errors of a
        two-proportion test; the four-fifths verdict is always given with that context. Empty
        groups are said in words.
        """
        main = audits[MODEL]
        findings = [_selection_sentence(main)]
        findings.append(_equal_opportunity_sentence(main))
        proxies = [r for r in coef_rows if r["proxy"] and r["weight"] < 0]
        if p["features"] == "skills-only":
            findings.append(_skills_only_sentence(p, pool))
        elif proxies and abs(proxies[0]["weight"]) >= 0.1:
            first = _IN_SENTENCE[proxies[0]["feature"]]
            if len(proxies) >= 2:
                findings.append(
                    Msg(
                        "Its strongest negative weights on CV details were on {first} and "
                        "{second} ({weights}), which track gender, not skill.",
                        first=first,
                        second=_IN_SENTENCE[proxies[1]["feature"]],
                        weights=Seq([_signed(r["weight"], 2) for r in proxies[:2]]),
                    )
                )
            else:
                findings.append(
                    Msg(
                        "Its strongest negative weights on CV details were on {first} "
                        "({weights}), which track gender, not skill.",
                        first=first,
                        weights=_signed(proxies[0]["weight"], 2),
                    )
                )
        if final_name != MODEL:
            final = audits[final_name]
            findings.append(
                Msg(
                    "Fairlearn's {method} moved the impact ratio from {before} to {after}, "
                    "while agreement with past decisions went from {agree_before} to "
                    "{agree_after}.",
                    method=final_name,
                    before=_ratio(main["impact_ratio"]),
                    after=_ratio(final["impact_ratio"]),
                    agree_before=Pct(main["agreement"]),
                    agree_after=Pct(final["agreement"]),
                )
            )
        small = _small_pool_sentence(main)
        if small:
            findings.append(small)
        return findings[:5]


def _selection_sentence(main: dict[str, Any]) -> Msg:
    """Selection rates and the four-fifths verdict, with whether the gap exceeds chance."""
    n_women, n_men = main["n_women"], main["n_men"]
    if n_women == 0:
        return Msg(
            "There were no women among the {n} new applicants, so selection rates cannot be "
            "compared by gender and the four-fifths rule cannot be applied.",
            n=Int(n_women + n_men),
        )
    if n_men == 0:
        return Msg(
            "There were no men among the {n} new applicants, so selection rates cannot be "
            "compared by gender and the four-fifths rule cannot be applied.",
            n=Int(n_women + n_men),
        )
    ratio = main["impact_ratio"]
    if ratio is None:
        return Msg(
            "The model selected nobody among the {n} new applicants, so "
            "there is no impact ratio to compute.",
            n=Int(n_women + n_men),
        )
    women, men = _distinct(main["rate_women"], main["rate_men"])
    shown = Num(ratio, 2) if f"{ratio:.2f}" != "0.80" else Num(ratio, 3)
    z = two_proportion_z(main["selected_men"], n_men, main["selected_women"], n_women)
    real = abs(z) >= Z_REAL
    values = {"women": women, "men": men, "ratio": shown}
    if ratio < FOUR_FIFTHS and real:
        return Msg(
            "The model never saw the gender column, yet it selected {women} of women and "
            "{men} of men: an impact ratio of {ratio}, below the four-fifths threshold of 0.80.",
            **values,
        )
    if ratio < FOUR_FIFTHS:
        return Msg(
            "The model, which never saw the gender column, selected {women} of women and "
            "{men} of men: an impact ratio of {ratio}, below the four-fifths threshold of "
            "0.80, although with {n_women} female and {n_men} male applicants the difference "
            "is not clearly beyond chance (less than three standard errors).",
            n_women=Int(n_women),
            n_men=Int(n_men),
            **values,
        )
    if real:
        return Msg(
            "The model, which never saw the gender column, selected {women} of women and "
            "{men} of men: an impact ratio of {ratio}, above the four-fifths threshold of "
            "0.80, although the difference is larger than chance gives.",
            **values,
        )
    return Msg(
        "The model, which never saw the gender column, selected {women} of women and {men} "
        "of men: an impact ratio of {ratio}, above the four-fifths threshold of 0.80, and a "
        "difference not clearly beyond chance (less than three standard errors).",
        **values,
    )


def _equal_opportunity_sentence(main: dict[str, Any]) -> Msg:
    """Qualified applicants selected by gender (equal opportunity), with sampling error."""
    q_women, q_men = main["qualified_women"], main["qualified_men"]
    if q_women == 0:
        return N_(
            "There were no qualified women among the new applicants, so equal opportunity "
            "(selecting qualified applicants at the same rate whatever their gender) cannot be "
            "checked."
        )
    if q_men == 0:
        return N_(
            "There were no qualified men among the new applicants, so equal opportunity "
            "(selecting qualified applicants at the same rate whatever their gender) cannot be "
            "checked."
        )
    women, men = _distinct(main["tpr_women"], main["tpr_men"])
    z = two_proportion_z(
        main["qualified_selected_men"], q_men, main["qualified_selected_women"], q_women
    )
    if z <= -Z_REAL:
        return Msg(
            "Skill is drawn from the same distribution for women and men, yet among qualified "
            "applicants it selected {men} of men and only {women} of women: equal opportunity "
            "(the same true-positive rate for both) is not met.",
            women=women,
            men=men,
        )
    if z >= Z_REAL:
        return Msg(
            "Skill is drawn from the same distribution for women and men, yet among qualified "
            "applicants it selected {women} of women and only {men} of men: equal opportunity "
            "(the same true-positive rate for both) is not met.",
            women=women,
            men=men,
        )
    return Msg(
        "Among qualified applicants it selected {women} of women and {men} of men: with "
        "{q_women} qualified female and {q_men} qualified male applicants, the "
        "equal-opportunity gap is not clearly beyond chance (less than three standard errors).",
        women=women,
        men=men,
        q_women=Int(q_women),
        q_men=Int(q_men),
    )


def _skills_only_sentence(p: dict[str, Any], pool: dict[str, np.ndarray]) -> Msg:
    """What 'skills only' leaves in: experience, which a career gap lowers."""
    woman, gap = pool["woman"], pool["career_gap"] > 0
    if p["proxy_strength"] == 0:
        return N_(
            "The model saw only the test score and experience, and with proxy strength 0 "
            "career gaps are as common among men as among women, so neither feature tracks "
            "gender."
        )
    women_gap = Pct(gap[woman].mean()) if woman.any() else N_("none (no women in the pool)")
    men_gap = Pct(gap[~woman].mean()) if (~woman).any() else N_("none (no men in the pool)")
    return Msg(
        "The model saw only the test score and experience, but experience is not neutral: a "
        "career gap costs {years} years of it, and {women} of women against {men} "
        "of men in this pool had one. A feature that looks neutral can carry the past.",
        years=Int(GAP_YEARS),
        women=women_gap,
        men=men_gap,
    )


def _small_pool_sentence(main: dict[str, Any]) -> Msg | str:
    """How much one hire moves the impact ratio in a small pool ("" for large pools)."""
    n_women, n_men = main["n_women"], main["n_men"]
    ratio = main["impact_ratio"]
    if not (0 < n_women < 30 and n_men > 0) or ratio is None or not main["rate_men"]:
        return ""
    hired = main["selected_women"]
    if hired >= n_women:
        return ""
    new_women = (hired + 1) / n_women
    new_ratio = min(new_women, main["rate_men"]) / max(new_women, main["rate_men"])
    values = {
        "n_women": Int(n_women),
        "n_men": Int(n_men),
        "ratio": Num(ratio, 2),
        "new_ratio": Num(new_ratio, 2),
    }
    if new_women > main["rate_men"]:
        return Msg(
            "With only {n_women} female and {n_men} male applicants in the pool, one more "
            "woman hired would move the impact ratio from {ratio} to {new_ratio}, with "
            "men then the group selected less often.",
            **values,
        )
    return Msg(
        "With only {n_women} female and {n_men} male applicants in the pool, one more woman "
        "hired would move the impact ratio from {ratio} to {new_ratio}.",
        **values,
    )


SIMULATION = HiringSimulation()
