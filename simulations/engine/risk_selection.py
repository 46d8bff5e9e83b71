"""Risk selection and recovery: a risk score with a small weight on nationality and on a proxy
of it picks files for manual checks; the checks find small irregularities everywhere; an
all-or-nothing rule turns each find into a demand for the whole year's benefit."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from scipy.stats import norm

from ._stats import binomial_acceptance, two_proportion_z
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table
from .charts import bar_chart
from .text import N_, Int, Msg, Num, Pct

# A difference between the groups is called real only beyond this many standard errors
# (two-sided, about 0.3%), as in the other simulations.
Z_CLAIM = 3.0
MIN_GROUP = 100

GROUP_LABELS = {0: N_("Dutch nationality"), 1: N_("Other nationality")}
RULE_LABELS = {"all_or_nothing": N_("all-or-nothing"), "proportional": N_("proportional")}
MEASURE_LABELS = {
    "selected": N_("Sent to a manual check"),
    "demand": N_("Asked to repay"),
}

SELECTION_REFERENCE = N_(
    "Closed form: within a group the score is normal given true irregularity, so the share of "
    "the group above the run's threshold t is (1 − r)·Φ̄((t − μ₀)/σ) + r·Φ̄((t − μ₁)/σ)"
)
DEMAND_REFERENCE = N_(
    "Closed form: given who was checked, the total demanded is benefit × (irregular files "
    "checked × their part + other files checked × chance of a paperwork find × its part), "
    "with binomial spread from the paperwork finds"
)
RATES_REFERENCE = N_(
    "The applicants are drawn with the true irregularity rates set for each group, so the "
    "sampled rates match them up to sampling noise"
)

GROUP_COLUMNS = [
    ("group", N_("Group")),
    ("applicants", N_("Applicants")),
    ("irregular_rate", N_("True irregularity rate")),
    ("selected_share", N_("Share sent to a manual check")),
    ("demand_share", N_("Share asked to repay")),
    ("innocent_share_of_demands", N_("Demands on files with no real irregularity (share)")),
    ("total_demanded", N_("Total demanded (€)")),
    ("mean_demanded", N_("Mean demanded per applicant (€)")),
]
RULE_COLUMNS = [
    ("rule", N_("Recovery rule")),
    ("group", N_("Group")),
    ("total_demanded", N_("Total demanded (€)")),
    ("mean_demanded", N_("Mean demanded per applicant (€)")),
]
SHARE_COLUMNS = [
    ("group", N_("Group")),
    ("measure", N_("Measure")),
    ("share", N_("Share of the group")),
]


def euros(x: float) -> Msg:
    """An amount in whole euros for a sentence: '€12,346' / '12 346 €'."""
    return Msg("€{amount}", amount=Int(round(x)))


def mean_difference_z(a: np.ndarray, b: np.ndarray) -> float:
    """Welch's z statistic of mean(b) − mean(a); 0 when both samples have no spread."""
    if len(a) < 2 or len(b) < 2:
        return 0.0
    var = a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)
    if var <= 0:
        return 0.0
    return float((b.mean() - a.mean()) / math.sqrt(var))


def _ratio(b: float, a: float) -> float:
    if a > 0:
        return b / a
    return math.inf if b > 0 else math.nan


class RiskSelectionSimulation(Simulation):
    """Score, select the top share for checks, find irregularities, demand repayment."""

    slug: ClassVar[str] = "risk-selection"
    title: ClassVar[str] = N_(
        "A small score gap, a large harm: risk selection and all-or-nothing recovery"
    )
    question: ClassVar[str] = N_(
        "When a benefits agency checks the files with the highest risk scores, how does a small "
        "weight on nationality in the score become a large gap in the money demanded from each "
        "group, and what does an all-or-nothing recovery rule add?"
    )
    version: ClassVar[str] = "1"
    cases: ClassVar[tuple[str, ...]] = ("toeslagenaffaire", "cnaf-risk-score")
    themes: ClassVar[tuple[str, ...]] = ("proxies", "acceptance-of-errors", "accountability")
    explanation: ClassVar[str] = N_("""
**What this shows: a mechanism, not a reconstruction.** No published figure about a real system
can be reproduced here from published inputs. The Dutch tax administration's risk-classification
model weighted its indicators together and was constantly adjusted; the state secretary for
Finance wrote that the effect of a single indicator on the risk score could not be stated. Every
number in this simulation is illustrative, not an estimate. It shows how a mechanism of the kind
described for the Dutch childcare-benefit scandal turns a small weight into a large harm; it does
not estimate what happened.

**The model.** Synthetic applicants for a yearly benefit belong to two groups: with Dutch
nationality or without. Some applications are truly irregular (a real error in income or hours),
at a rate you set per group; by default the rates are **equal**, so any gap between the groups
comes from the score, not from behaviour. Each application gets a risk score: a weight on true
irregularity (the score is not useless), a weight on the nationality indicator, a weight on a
*proxy* that is higher on average for applicants without Dutch nationality (like the age of a
citizen-service number, which tells who arrived recently), and noise. The files with the highest
scores, a share you set, are sent to a manual check.

**The check and the rule.** A check finds the real irregularities, and it also finds a *small
irregularity* (a missing form, a late change, a rounding error) in a share of all files, innocent
or not. Then the recovery rule: **proportional** recovery asks back the irregular part of the
benefit; **all-or-nothing** asks back the whole year's benefit for any irregularity found. The
run computes both rules on the same checks, so you can compare them.

**What to look for.** The share of each group sent to a check; the share asked to repay; the mean
amount demanded per applicant, and the ratio between the groups. Selecting only the top of a
score magnifies a small shift of the score into a large gap in who is checked; the all-or-nothing
rule then turns every paperwork slip into a debt of a whole year's benefit.

**What to try.** Set both weights on nationality and the proxy to 0 (no gap should show beyond
chance); set only the nationality weight to 0 (the proxy carries the gap alone); switch to
proportional recovery; make the true rates differ.

**Limits.** A linear score with normal noise, two groups, one benefit amount, a check that never
misses a real irregularity and one yearly demand per family: the real system was more complex
and was constantly adjusted. A gap is called real only when it is beyond chance (more than three
standard errors).
""")
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="n_applicants",
            type="int",
            default=20000,
            label=N_("Applicants"),
            help=N_("Number of synthetic applications scored."),
            min=2000,
            max=200000,
            step=1000,
            unit="people",
        ),
        Param(
            name="share_non_dutch",
            type="float",
            default=0.15,
            label=N_("Share without Dutch nationality"),
            help=N_("Share of the applicants who do not have Dutch nationality."),
            min=0.02,
            max=0.5,
            step=0.01,
        ),
        Param(
            name="irregular_rate_dutch",
            type="float",
            default=0.05,
            label=N_("True irregularity rate, Dutch nationality"),
            help=N_("Share of the applications of Dutch nationals that are really irregular."),
            min=0.0,
            max=0.5,
            step=0.01,
        ),
        Param(
            name="irregular_rate_non_dutch",
            type="float",
            default=0.05,
            label=N_("True irregularity rate, other nationality"),
            help=N_(
                "Share of the applications of other nationals that are really irregular "
                "(equal by default: the groups behave alike)."
            ),
            min=0.0,
            max=0.5,
            step=0.01,
        ),
        Param(
            name="weight_signal",
            type="float",
            default=1.0,
            label=N_("Weight on true irregularity"),
            help=N_(
                "How much a really irregular application raises the score, in standard "
                "deviations of the noise (0: the score knows nothing of irregularity)."
            ),
            min=0.0,
            max=3.0,
            step=0.1,
        ),
        Param(
            name="weight_nationality",
            type="float",
            default=0.3,
            label=N_("Weight on the nationality indicator"),
            help=N_(
                "How much not having Dutch nationality raises the score, in standard deviations "
                "of the noise."
            ),
            min=0.0,
            max=3.0,
            step=0.1,
        ),
        Param(
            name="weight_proxy",
            type="float",
            default=0.3,
            label=N_("Weight on the proxy"),
            help=N_(
                "How much the proxy (such as the age of the citizen-service number) raises the "
                "score per standard deviation of the proxy."
            ),
            min=0.0,
            max=3.0,
            step=0.1,
        ),
        Param(
            name="proxy_gap",
            type="float",
            default=1.0,
            label=N_("Proxy gap between the groups"),
            help=N_(
                "How much higher the proxy is on average without Dutch nationality, in standard "
                "deviations (0: the proxy says nothing about nationality)."
            ),
            min=0.0,
            max=3.0,
            step=0.1,
        ),
        Param(
            name="selected_share",
            type="float",
            default=0.1,
            label=N_("Share of files checked"),
            help=N_("The files with the highest scores, as a share of all, get a manual check."),
            min=0.01,
            max=0.5,
            step=0.01,
        ),
        Param(
            name="paperwork_rate",
            type="float",
            default=0.3,
            label=N_("Chance a check finds a small irregularity"),
            help=N_(
                "Chance that a manual check finds a paperwork slip in a file, innocent or not "
                "(a missing form, a late change)."
            ),
            min=0.0,
            max=1.0,
            step=0.05,
        ),
        Param(
            name="rule",
            type="choice",
            default="all_or_nothing",
            label=N_("Recovery rule"),
            help=N_(
                "All-or-nothing: repay the whole year's benefit for any irregularity found; "
                "proportional: repay the irregular part."
            ),
            choices=(
                ("all_or_nothing", N_("all-or-nothing")),
                ("proportional", N_("proportional")),
            ),
        ),
        Param(
            name="benefit",
            type="float",
            default=8000.0,
            label=N_("Yearly benefit"),
            help=N_("The benefit each family receives for the year (an illustrative amount)."),
            min=500.0,
            max=30000.0,
            step=500.0,
            unit="€",
        ),
        Param(
            name="irregular_part",
            type="float",
            default=0.25,
            label=N_("Part of the benefit a real irregularity stands for"),
            help=N_("What proportional recovery asks back from a really irregular application."),
            min=0.01,
            max=1.0,
            step=0.01,
        ),
        Param(
            name="slip_part",
            type="float",
            default=0.02,
            label=N_("Part of the benefit a paperwork slip stands for"),
            help=N_("What proportional recovery asks back for a small irregularity."),
            min=0.0,
            max=1.0,
            step=0.01,
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="toeslagenaffaire-mechanism",
            title=N_("The mechanism of the Dutch childcare-benefit scandal"),
            description=N_(
                "A nationality indicator and a proxy of it in the risk score, the top of the "
                "score checked by hand, and all-or-nothing recovery. The parameters are "
                "illustrative, not estimates of the real model's weights, rates or amounts."
            ),
            params={
                "weight_nationality": 0.3,
                "weight_proxy": 0.3,
                "proxy_gap": 1.0,
                "rule": "all_or_nothing",
            },
            case="toeslagenaffaire",
            source=N_(
                'Illustrative parameters. The indicators ("Nederlanderschap Ja/Nee", '
                '"Leeftijd bsn") are described in "Analyse van het risicoclassificatiemodel '
                'Toeslagen (Kamerstuk 31 066, nr. 1008)", letter of the state secretary for '
                "Finance to the Tweede Kamer, 21 April 2022, and the use of nationality in "
                '"Belastingdienst/Toeslagen: De verwerking van de nationaliteit van aanvragers '
                'van kinderopvangtoeslag", Autoriteit Persoonsgegevens, 17 July 2020; the '
                'all-or-nothing approach in "Ongekend onrecht. Verslag Parlementaire '
                'ondervragingscommissie Kinderopvangtoeslag (Kamerstuk 35 510, nr. 2)", '
                "Tweede Kamer, 17 December 2020."
            ),
        ),
        Preset(
            slug="no-nationality-weight",
            title=N_("No weight on nationality or its proxy"),
            description=N_(
                "The same score, checks and rule, with both weights at 0: no gap between the "
                "groups should show beyond chance. Illustrative parameters."
            ),
            params={"weight_nationality": 0.0, "weight_proxy": 0.0},
            case="toeslagenaffaire",
            source=N_("Illustrative parameters, not estimates: the cause switched off."),
        ),
        Preset(
            slug="proportional-recovery",
            title=N_("Proportional recovery"),
            description=N_(
                "The same biased score and checks, but each family repays only the irregular "
                "part of its benefit. Illustrative parameters."
            ),
            params={"rule": "proportional"},
            case="toeslagenaffaire",
            source=N_(
                "Illustrative parameters, not estimates: the all-or-nothing rule described in "
                '"Ongekend onrecht" (Tweede Kamer, 17 December 2020) replaced by proportional '
                "recovery."
            ),
        ),
        Preset(
            slug="proxy-without-nationality",
            title=N_("Nationality removed, a proxy left in"),
            description=N_(
                "The nationality indicator is dropped but a correlated proxy stays in the score, "
                "and only the irregular part is asked back. Illustrative parameters, not "
                "estimates of the CNAF model."
            ),
            params={
                "weight_nationality": 0.0,
                "weight_proxy": 0.6,
                "proxy_gap": 1.0,
                "rule": "proportional",
            },
            case="cnaf-risk-score",
            source=N_(
                "Illustrative parameters. When it published its 2026 model, CNAF said it had "
                "excluded the most sensitive variables, such as nationality, as reported in "
                '"Aides de la CAF : ce qui change avec le nouvel algorithme de contrôle" '
                '(Moneyvox, January 2026) and "Oui, la CAF a ouvert son algorithme, mais la '
                "transparence s'arrête là\" (Clubic, 27 February 2026)."
            ),
        ),
    )

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        n = p["n_applicants"]
        smaller = min(p["share_non_dutch"], 1 - p["share_non_dutch"])
        if round(n * smaller) < MIN_GROUP:
            errors["share_non_dutch"] = [
                Msg(
                    "With {n} applicants this share leaves fewer than {min} people in a group: "
                    "too few to compare the groups. Raise the number of applicants or the share.",
                    n=Int(n),
                    min=Int(MIN_GROUP),
                )
            ]
        if p["slip_part"] > p["irregular_part"]:
            errors["slip_part"] = [
                N_(
                    "A paperwork slip cannot stand for a larger part of the benefit than a real "
                    "irregularity."
                )
            ]
        return errors

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Draw applicants, score them, check the top, find irregularities, demand repayment.

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
        n = p["n_applicants"]
        group = (rng.random(n) < p["share_non_dutch"]).astype(np.int8)
        rates = np.array([p["irregular_rate_dutch"], p["irregular_rate_non_dutch"]])
        irregular = rng.random(n) < rates[group]
        proxy = p["proxy_gap"] * group + rng.standard_normal(n)
        score = (
            p["weight_signal"] * irregular
            + p["weight_nationality"] * group
            + p["weight_proxy"] * proxy
            + rng.standard_normal(n)
        )
        k = int(round(n * p["selected_share"]))
        order = np.argpartition(-score, k - 1)
        selected = np.zeros(n, dtype=bool)
        selected[order[:k]] = True
        threshold = float(score[order[:k]].min())
        slip = rng.random(n) < p["paperwork_rate"]
        found = selected & (irregular | slip)
        benefit = p["benefit"]
        rule = p["rule"]
        amounts = {
            "all_or_nothing": np.where(found, benefit, 0.0),
            "proportional": np.where(
                selected & irregular,
                p["irregular_part"] * benefit,
                np.where(found, p["slip_part"] * benefit, 0.0),
            ),
        }
        stats: dict[int, dict[str, Any]] = {}
        for g in (0, 1):
            mask = group == g
            size = int(mask.sum())
            # A demand is a positive amount under the chosen rule (a slip worth 0% is no debt).
            demanded = amounts[rule] > 0
            demands = int(demanded[mask].sum())
            innocent_demands = int((demanded & ~irregular)[mask].sum())
            stats[g] = {
                "size": size,
                "irregular": int(irregular[mask].sum()),
                "selected": int(selected[mask].sum()),
                "selected_irregular": int((selected & irregular)[mask].sum()),
                "demands": demands,
                "innocent_demands": innocent_demands,
                "amounts": {r: a[mask] for r, a in amounts.items()},
            }
        a, b = stats[0], stats[1]

        def share(s: dict[str, Any], key: str) -> float:
            return s[key] / s["size"] if s["size"] else math.nan

        def mean(s: dict[str, Any], r: str) -> float:
            return float(s["amounts"][r].mean()) if s["size"] else math.nan

        def total(s: dict[str, Any], r: str) -> float:
            return float(s["amounts"][r].sum())

        z_selected = two_proportion_z(a["selected"], a["size"], b["selected"], b["size"])
        z_money = {r: mean_difference_z(a["amounts"][r], b["amounts"][r]) for r in amounts}

        # -- tables and charts -------------------------------------------------------------
        group_rows = []
        for g, s in stats.items():
            group_rows.append(
                {
                    "group": GROUP_LABELS[g],
                    "applicants": s["size"],
                    "irregular_rate": share(s, "irregular"),
                    "selected_share": share(s, "selected"),
                    "demand_share": share(s, "demands"),
                    "innocent_share_of_demands": (
                        s["innocent_demands"] / s["demands"] if s["demands"] else None
                    ),
                    "total_demanded": total(s, rule),
                    "mean_demanded": mean(s, rule),
                }
            )
        rule_rows = [
            {
                "rule": RULE_LABELS[r],
                "group": GROUP_LABELS[g],
                "total_demanded": total(stats[g], r),
                "mean_demanded": mean(stats[g], r),
            }
            for r in ("all_or_nothing", "proportional")
            for g in (0, 1)
        ]
        share_rows = [
            {"group": GROUP_LABELS[g], "measure": MEASURE_LABELS[m], "share": share(stats[g], key)}
            for g in (0, 1)
            for m, key in (("selected", "selected"), ("demand", "demands"))
        ]
        tables = [
            Table(
                key="groups",
                title=Msg("Each group under the {rule} rule", rule=RULE_LABELS[rule]),
                columns=GROUP_COLUMNS,
                rows=group_rows,
            ),
            Table(
                key="rules",
                title=N_("Money demanded under each rule, same checks"),
                columns=RULE_COLUMNS,
                rows=rule_rows,
            ),
            Table(
                key="shares",
                title=N_("Checked and asked to repay, per group"),
                columns=SHARE_COLUMNS,
                rows=share_rows,
            ),
        ]
        group_order = [GROUP_LABELS[0], GROUP_LABELS[1]]
        charts = [
            Chart(
                key="money",
                title=N_("Mean amount demanded per applicant"),
                description=Msg(
                    "Under all-or-nothing recovery an applicant without Dutch nationality is "
                    "asked on average {aon_b}, a Dutch applicant {aon_a}; under proportional "
                    "recovery, {prop_b} and {prop_a}.",
                    aon_b=euros(mean(b, "all_or_nothing")),
                    aon_a=euros(mean(a, "all_or_nothing")),
                    prop_b=euros(mean(b, "proportional")),
                    prop_a=euros(mean(a, "proportional")),
                ),
                spec=bar_chart(
                    N_("Mean amount demanded per applicant"),
                    [
                        {"group": r["group"], "rule": r["rule"], "mean": r["mean_demanded"]}
                        for r in rule_rows
                    ],
                    x="group",
                    y="mean",
                    x_title=N_("Group"),
                    y_title=N_("Mean demanded per applicant (€)"),
                    color="rule",
                    color_title=N_("Recovery rule"),
                    sort=group_order,
                ),
                table="rules",
            ),
            Chart(
                key="shares",
                title=N_("Share of each group checked and asked to repay"),
                description=Msg(
                    "{sel_b} of applicants without Dutch nationality are checked and {dem_b} "
                    "asked to repay; {sel_a} and {dem_a} of Dutch applicants.",
                    sel_b=Pct(share(b, "selected"), 1),
                    dem_b=Pct(share(b, "demands"), 1),
                    sel_a=Pct(share(a, "selected"), 1),
                    dem_a=Pct(share(a, "demands"), 1),
                ),
                spec=bar_chart(
                    N_("Share of each group checked and asked to repay"),
                    share_rows,
                    x="group",
                    y="share",
                    x_title=N_("Group"),
                    y_title=N_("Share of the group"),
                    color="measure",
                    color_title=N_("Measure"),
                    y_format="%",
                    sort=group_order,
                ),
                table="shares",
            ),
        ]

        # -- metrics -----------------------------------------------------------------------
        all_demands = a["demands"] + b["demands"]
        innocent_all = a["innocent_demands"] + b["innocent_demands"]
        money_ratio = _ratio(mean(b, rule), mean(a, rule))
        metrics = [
            Metric(
                key="selected_share_dutch",
                label=N_("Checked, Dutch nationality"),
                value=share(a, "selected"),
                unit="share",
            ),
            Metric(
                key="selected_share_non_dutch",
                label=N_("Checked, other nationality"),
                value=share(b, "selected"),
                unit="share",
            ),
            Metric(
                key="demand_share_dutch",
                label=N_("Asked to repay, Dutch nationality"),
                value=share(a, "demands"),
                unit="share",
            ),
            Metric(
                key="demand_share_non_dutch",
                label=N_("Asked to repay, other nationality"),
                value=share(b, "demands"),
                unit="share",
            ),
            Metric(
                key="mean_demanded_dutch",
                label=N_("Mean demanded per applicant, Dutch nationality"),
                value=mean(a, rule),
                unit="€",
            ),
            Metric(
                key="mean_demanded_non_dutch",
                label=N_("Mean demanded per applicant, other nationality"),
                value=mean(b, rule),
                unit="€",
            ),
            Metric(
                key="money_ratio",
                label=N_("Ratio of mean amounts demanded (other ÷ Dutch)"),
                value=money_ratio if math.isfinite(money_ratio) else None,
                unit="×",
            ),
            Metric(
                key="total_demanded",
                label=N_("Total demanded"),
                value=total(a, rule) + total(b, rule),
                unit="€",
            ),
            Metric(
                key="innocent_share_of_demands",
                label=N_("Demands on files with no real irregularity"),
                value=innocent_all / all_demands if all_demands else None,
                unit="share",
            ),
        ]

        # -- findings ----------------------------------------------------------------------
        findings: list[str] = []
        sel_a, sel_b = share(a, "selected"), share(b, "selected")
        sel_values = {"b": Pct(sel_b, 1), "a": Pct(sel_a, 1)}
        if abs(z_selected) > Z_CLAIM and sel_b > sel_a and sel_a > 0:
            findings.append(
                Msg(
                    "{b} of applicants without Dutch nationality were sent to a manual check, "
                    "against {a} of Dutch applicants: {ratio} times as often.",
                    ratio=Num(sel_b / sel_a, 1),
                    **sel_values,
                )
            )
        elif abs(z_selected) > Z_CLAIM and sel_b > sel_a:
            findings.append(
                Msg(
                    "{b} of applicants without Dutch nationality were sent to a manual check, "
                    "and no Dutch applicant was.",
                    **sel_values,
                )
            )
        elif abs(z_selected) > Z_CLAIM:
            findings.append(
                Msg(
                    "Fewer applicants without Dutch nationality were sent to a manual check "
                    "({b}) than Dutch applicants ({a}).",
                    **sel_values,
                )
            )
        else:
            findings.append(
                Msg(
                    "{b} of applicants without Dutch nationality were sent to a manual check, "
                    "against {a} of Dutch applicants: a difference within chance for these "
                    "counts.",
                    **sel_values,
                )
            )

        mean_a, mean_b = mean(a, rule), mean(b, rule)
        money_values = {
            "rule": RULE_LABELS[rule],
            "dem_b": Pct(share(b, "demands"), 1),
            "dem_a": Pct(share(a, "demands"), 1),
            "mean_b": euros(mean_b),
            "mean_a": euros(mean_a),
        }
        money_claimed = abs(z_money[rule]) > Z_CLAIM
        if a["demands"] + b["demands"] == 0:
            findings.append(
                Msg(
                    "Under the {rule} rule nobody was asked to repay anything.",
                    rule=RULE_LABELS[rule],
                )
            )
        elif money_claimed and mean_b > mean_a and mean_a > 0:
            findings.append(
                Msg(
                    "Under the {rule} rule, {dem_b} of applicants without Dutch nationality "
                    "were asked to repay, against {dem_a} of Dutch applicants; on average each "
                    "was asked {mean_b} against {mean_a}: {ratio} times as much money per "
                    "applicant.",
                    ratio=Num(mean_b / mean_a, 1),
                    **money_values,
                )
            )
        elif money_claimed and mean_b > mean_a:
            findings.append(
                Msg(
                    "Under the {rule} rule, {dem_b} of applicants without Dutch nationality "
                    "were asked to repay, {mean_b} per applicant on average, and no Dutch "
                    "applicant was asked for anything.",
                    **money_values,
                )
            )
        elif money_claimed:
            findings.append(
                Msg(
                    "Under the {rule} rule, applicants without Dutch nationality were asked "
                    "for less money on average ({mean_b} per applicant) than Dutch applicants "
                    "({mean_a}); {dem_b} and {dem_a} of them were asked to repay.",
                    **money_values,
                )
            )
        else:
            findings.append(
                Msg(
                    "Under the {rule} rule, {dem_b} of applicants without Dutch nationality "
                    "and {dem_a} of Dutch applicants were asked to repay, {mean_b} and "
                    "{mean_a} per applicant on average: a difference within chance for these "
                    "counts.",
                    **money_values,
                )
            )

        if all_demands:
            findings.append(
                Msg(
                    "{share} of the demands ({innocent} of {demands}) were made on files with "
                    "no real irregularity, only a paperwork slip found by the check.",
                    share=Pct(innocent_all / all_demands),
                    innocent=Int(innocent_all),
                    demands=Int(all_demands),
                )
            )
        else:
            findings.append(
                N_("The checks found nothing in any file, so no money was demanded from anyone.")
            )

        gap = {r: mean(b, r) - mean(a, r) for r in amounts}
        aon_claimed = abs(z_money["all_or_nothing"]) > Z_CLAIM
        prop_claimed = abs(z_money["proportional"]) > Z_CLAIM
        totals = {r: total(a, r) + total(b, r) for r in amounts}
        rule_values = {
            "gap_aon": euros(gap["all_or_nothing"]),
            "gap_prop": euros(gap["proportional"]),
            "total_aon": euros(totals["all_or_nothing"]),
            "total_prop": euros(totals["proportional"]),
        }
        if aon_claimed and gap["all_or_nothing"] > 0 and prop_claimed:
            findings.append(
                Msg(
                    "On the same checks, the all-or-nothing rule asks each applicant without "
                    "Dutch nationality for {gap_aon} more than each Dutch applicant on average; "
                    "proportional recovery would ask {gap_prop} more. In total it demands "
                    "{total_aon}, against {total_prop} under proportional recovery.",
                    **rule_values,
                )
            )
        elif aon_claimed and gap["all_or_nothing"] > 0:
            findings.append(
                Msg(
                    "On the same checks, the all-or-nothing rule asks each applicant without "
                    "Dutch nationality for {gap_aon} more than each Dutch applicant on average, "
                    "where proportional recovery shows a gap within chance ({gap_prop}). In "
                    "total it demands {total_aon}, against {total_prop} under proportional "
                    "recovery.",
                    **rule_values,
                )
            )
        else:
            findings.append(
                Msg(
                    "Under the all-or-nothing rule no gap between the groups shows beyond "
                    "chance, so there is no gap for the rule to amplify; on the same checks it "
                    "still demands {total_aon} in total, against {total_prop} under "
                    "proportional recovery.",
                    total_aon=euros(totals["all_or_nothing"]),
                    total_prop=euros(totals["proportional"]),
                )
            )

        rate_a, rate_b = p["irregular_rate_dutch"], p["irregular_rate_non_dutch"]
        score_uses_group = p["weight_nationality"] > 0 or (
            p["weight_proxy"] > 0 and p["proxy_gap"] > 0
        )
        if rate_a != rate_b:
            findings.append(
                Msg(
                    "By design the true irregularity rates differ ({rate_b} without Dutch "
                    "nationality, {rate_a} with it): part of any gap above comes from what the "
                    "applicants did, not only from the score.",
                    rate_b=Pct(rate_b, 1),
                    rate_a=Pct(rate_a, 1),
                )
            )
        elif score_uses_group:
            findings.append(
                Msg(
                    "Both groups are truly irregular equally often ({rate}): any gap above comes "
                    "from the score's weights on nationality ({w_nat}) and on its proxy "
                    "({w_proxy}), not from what the applicants did.",
                    rate=Pct(rate_a, 1),
                    w_nat=Num(p["weight_nationality"], 1),
                    w_proxy=Num(p["weight_proxy"], 1),
                )
            )
        else:
            findings.append(
                Msg(
                    "Both groups are truly irregular equally often ({rate}) and the score gives "
                    "no weight to nationality or to a proxy of it: no gap is expected, and any "
                    "difference above is chance.",
                    rate=Pct(rate_a, 1),
                )
            )

        # -- checks ------------------------------------------------------------------------
        sigma = math.sqrt(1 + p["weight_proxy"] ** 2)
        checks: list[Check] = []
        expected_sel, accepted, observed_sel = [], [], []
        for g, s in stats.items():
            shift = p["weight_nationality"] * g + p["weight_proxy"] * p["proxy_gap"] * g
            r = rates[g]
            prob = (1 - r) * norm.sf((threshold - shift) / sigma) + r * norm.sf(
                (threshold - shift - p["weight_signal"]) / sigma
            )
            lo, hi = binomial_acceptance(s["size"], prob)
            expected_sel.append(prob)
            accepted.append(lo <= s["selected"] <= hi)
            observed_sel.append(s["selected"])
        checks.append(
            Check(
                key="selection-closed-form",
                label=N_("The share of each group checked matches the closed form"),
                passed=bool(all(accepted)),
                expected=Msg(
                    "{exp_b} without Dutch nationality and {exp_a} with it above the run's "
                    "threshold, up to sampling noise (exact binomial range)",
                    exp_b=Pct(expected_sel[1], 1),
                    exp_a=Pct(expected_sel[0], 1),
                ),
                observed=Msg(
                    "{obs_b} ({k_b} of {n_b}) and {obs_a} ({k_a} of {n_a})",
                    obs_b=Pct(share(b, "selected"), 1),
                    obs_a=Pct(share(a, "selected"), 1),
                    k_b=Int(b["selected"]),
                    n_b=Int(b["size"]),
                    k_a=Int(a["selected"]),
                    n_a=Int(a["size"]),
                ),
                reference=SELECTION_REFERENCE,
            )
        )

        q = p["paperwork_rate"]
        parts = (1.0, 1.0) if rule == "all_or_nothing" else (p["irregular_part"], p["slip_part"])
        n_sel_irr = a["selected_irregular"] + b["selected_irregular"]
        n_sel_inn = k - n_sel_irr
        expected_total = benefit * (n_sel_irr * parts[0] + n_sel_inn * q * parts[1])
        sd_total = benefit * parts[1] * math.sqrt(n_sel_inn * q * (1 - q))
        tolerance = 4 * sd_total + benefit * parts[1]
        observed_total = totals[rule]
        checks.append(
            Check(
                key="demand-closed-form",
                label=N_("The total demanded matches the closed form for the checks made"),
                passed=bool(abs(observed_total - expected_total) <= tolerance + 1e-6),
                expected=Msg(
                    "{total} ± {tolerance} ({irr} irregular and {inn} other files checked, "
                    "chance of a paperwork find {q})",
                    total=euros(expected_total),
                    tolerance=euros(tolerance),
                    irr=Int(n_sel_irr),
                    inn=Int(n_sel_inn),
                    q=Pct(q),
                ),
                observed=euros(observed_total),
                reference=DEMAND_REFERENCE,
            )
        )

        rate_ok = []
        for g, s in stats.items():
            lo, hi = binomial_acceptance(s["size"], rates[g])
            rate_ok.append(lo <= s["irregular"] <= hi)
        checks.append(
            Check(
                key="irregularity-rates",
                label=N_("The sampled irregularity rates match the rates set"),
                passed=bool(all(rate_ok)),
                expected=Msg(
                    "{rate_b} without Dutch nationality and {rate_a} with it, up to sampling noise",
                    rate_b=Pct(rate_b, 1),
                    rate_a=Pct(rate_a, 1),
                ),
                observed=Msg(
                    "{obs_b} and {obs_a}",
                    obs_b=Pct(share(b, "irregular"), 1),
                    obs_a=Pct(share(a, "irregular"), 1),
                ),
                reference=RATES_REFERENCE,
                kind="consistency",
            )
        )
        return Result(
            metrics=metrics, tables=tables, charts=charts, findings=findings, checks=checks
        )


SIMULATION = RiskSelectionSimulation()
