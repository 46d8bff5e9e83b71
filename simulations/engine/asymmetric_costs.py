"""Asymmetric costs: a target/civilian classifier tuned for accuracy or for expected harm, in the
lab and in a field with more civilians and look-alike objects."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from fairlearn.metrics import selection_rate
from scipy.stats import binomtest, norm
from sklearn.linear_model import LogisticRegression

from ._shared import group_metric_frame, sig
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed
from .charts import bar_chart
from .text import N_, Int, Msg, Num, Pct

N_FEATURES = 3
POLICY_LABELS = {"accuracy": N_("tuned for accuracy"), "harm": N_("tuned for expected harm")}
SETTING_LABELS = {"lab": N_("lab"), "field": N_("field")}
BAYES_RULE = N_(
    "Bayes decision rule: with calibrated probabilities, engaging only when P(target) > "
    "c/(1+c), c = cost of a civilian ÷ cost of a missed target, minimises expected harm"
)
PRIOR_SHIFT = N_(
    "Ordinary civilians are drawn from the same distribution in the lab and in the field, so "
    "their engagement rate can differ only by sampling noise (it depends on P(x | civilian) "
    "only, not on how many targets there are)"
)
BAYES_HARM = N_(
    "Bayes decision rule in closed form: with two Gaussian classes a distance d apart, the "
    "least expected harm per decision is ½·c·Φ(−(ln c/d + d/2)) + ½·Φ(ln c/d − d/2)"
)
Z95 = 1.96
OUTCOME_COLUMNS = [
    ("setting", N_("Where")),
    ("policy", N_("Threshold")),
    ("civilians_per_1000", N_("Civilians wrongly engaged per 1,000 decisions")),
    ("missed_per_1000", N_("Targets missed per 1,000 decisions")),
    ("civilian_share_of_engagements", N_("Share of engagements that hit civilians")),
    ("harm_per_1000", N_("Expected harm per 1,000 (missed-target units)")),
    ("civilian_rate", N_("Ordinary civilians engaged (rate)")),
    ("lookalike_rate", N_("Look-alike civilians engaged (rate)")),
]


def _number(text: str, value: float) -> Int | Num | str:
    """An English number the engine already formatted ('12', '3.4', '1,200') as a typed
    value with the same digits, so each language writes it its own way."""
    plain = text.replace(",", "")
    try:
        float(plain)
    except ValueError:
        return text
    if "e" in plain.lower() or not math.isfinite(value):
        return text
    if "." in plain:
        return Num(float(plain), len(plain.partition(".")[2]))
    return Int(int(plain))


def _g(x: float) -> Int | Num | str:
    """``f"{x:g}"`` as a typed number."""
    return _number(f"{x:g}", x)


def _objects(
    n: int, target_share: float, lookalike_share: float, p: dict[str, Any], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sensor readings of ``n`` objects, their class (1 = target) and kind.

    Parameters
    ----------
    n : int
    target_share : float
        Share of targets.
    lookalike_share : float
        Share of the civilians whose readings are pulled towards the targets'.
    p : dict
        Validated parameters.
    rng : numpy.random.Generator

    Returns
    -------
    x : ndarray of shape (n, 3)
    y : ndarray of shape (n,)
    kind : ndarray of str, "target", "civilian" or "look-alike civilian"
    """
    direction = np.ones(N_FEATURES) / math.sqrt(N_FEATURES)
    half = p["separation"] / 2
    y = (rng.random(n) < target_share).astype(int)
    lookalike = (y == 0) & (rng.random(n) < lookalike_share)
    centre = np.where(y == 1, half, -half) + lookalike * p["lookalike_similarity"] * 2 * half
    x = rng.normal(size=(n, N_FEATURES)) + centre[:, None] * direction
    kind = np.where(y == 1, "target", np.where(lookalike, "look-alike civilian", "civilian"))
    return x, y, kind


class AsymmetricCostsSimulation(Simulation):
    """Compare an accuracy-tuned and a harm-tuned engagement threshold, lab versus field."""

    slug: ClassVar[str] = "asymmetric-costs"
    title: ClassVar[str] = N_("Asymmetric costs: when a wrong 'yes' costs a life")
    question: ClassVar[str] = N_(
        "What changes when a target-recognition classifier is tuned for the harm of its errors "
        "rather than for accuracy, and what happens to civilians once it leaves the lab?"
    )
    version: ClassVar[str] = "3"
    cases: ClassVar[tuple[str, ...]] = ("killer-robots",)
    themes: ClassVar[tuple[str, ...]] = ("loss-function", "acceptance-of-errors", "accountability")
    explanation: ClassVar[str] = N_("""
**The model.** A logistic regression (scikit-learn) reads three noisy sensor values and gives the
probability that an object is a legitimate target rather than a civilian. It is trained and
tested in a *lab* where half of the objects are targets. Two ways to turn the probability into a
decision to engage:

- **tuned for accuracy** — engage when the probability is above 50%, which makes the fewest
  errors of either kind;
- **tuned for expected harm** — engage only when the probability is above c / (1 + c), where c
  says how many missed targets one wrongly engaged civilian is worth (the loss function).

Then the system is *deployed* in a field where targets are rarer and some civilians carry objects
that look like the targets' (distribution shift).

**What to try.** Raise the cost ratio; lower the share of targets in the field; add look-alikes
and make them more similar.

**What to look for.** Civilians wrongly engaged per 1,000 decisions, lab against field. The
harm-tuned threshold spares civilians in the lab at the price of missed targets; in the field the
same threshold engages more civilians per 1,000 decisions, because there are more civilians and
some of them look like targets — conditions the lab never showed.

**Limits.** Every number here is a teaching value: no error rates of real target-recognition
systems are published. Choosing c itself is a moral and legal decision that no loss function
settles, and someone must answer for it.
""")
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="cost_ratio",
            type="float",
            default=10.0,
            label=N_("Cost ratio"),
            help=N_("How many missed targets one wrongly engaged civilian counts for."),
            min=1.0,
            max=100.0,
            step=1.0,
            unit="×",
        ),
        Param(
            name="field_target_share",
            type="float",
            default=0.1,
            label=N_("Share of targets in the field"),
            help=N_("In the lab half of the objects are targets; in the field usually far fewer."),
            min=0.01,
            max=0.5,
            step=0.01,
        ),
        Param(
            name="lookalike_share",
            type="float",
            default=0.2,
            label=N_("Share of look-alike civilians in the field"),
            help=N_("Civilians whose sensor readings resemble a target's (never seen in the lab)."),
            min=0.0,
            max=0.6,
            step=0.05,
        ),
        Param(
            name="lookalike_similarity",
            type="float",
            default=0.7,
            label=N_("How much look-alikes resemble targets"),
            help=N_("0: like other civilians; 1: indistinguishable from targets."),
            min=0.0,
            max=1.0,
            step=0.05,
        ),
        Param(
            name="separation",
            type="float",
            default=2.5,
            label=N_("Separation in the lab"),
            help=N_(
                "Distance between targets' and civilians' readings, in noise standard deviations."
            ),
            min=1.0,
            max=4.0,
            step=0.25,
        ),
        Param(
            name="n_lab",
            type="int",
            default=2000,
            label=N_("Lab objects"),
            help=N_("Objects in the lab data (half to train, half to test)."),
            min=500,
            max=10000,
            step=500,
            unit=N_("objects"),
        ),
        Param(
            name="n_field",
            type="int",
            default=10000,
            label=N_("Field decisions"),
            help=N_("Objects the deployed system decides about."),
            min=1000,
            max=50000,
            step=1000,
            unit=N_("decisions"),
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="crowded-field",
            title=N_("Rare targets, crowded field"),
            description=N_(
                "2% targets among many civilians, a quarter of whom carry look-alike objects."
            ),
            params={"field_target_share": 0.02, "lookalike_share": 0.25, "cost_ratio": 10.0},
            case="killer-robots",
            source=N_(
                "Teaching values, not published: no error rates or target shares of autonomous "
                "target recognition are published in the case sources. The preset illustrates two "
                "problems the case raises: rare true targets among many civilians (the base-rate "
                "fallacy) and errors that cannot be undone."
            ),
        ),
        Preset(
            slug="field-like-lab",
            title=N_("A field like the lab"),
            description=N_("Half targets and no look-alikes: the lab's numbers hold."),
            params={"field_target_share": 0.5, "lookalike_share": 0.0},
            case="killer-robots",
            source=N_("Teaching values, not published."),
        ),
        Preset(
            slug="accuracy-only",
            title=N_("Accuracy is all that counts"),
            description=N_(
                "Cost ratio 1: both tunings coincide, and nothing weighs a civilian's life."
            ),
            params={"cost_ratio": 1.0},
            case="killer-robots",
            source=N_("Teaching values, not published."),
        ),
    )

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Train in the lab, pick two thresholds, measure both in the lab and in the field.

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
        c = p["cost_ratio"]
        x_lab, y_lab, kind_lab = _objects(p["n_lab"], 0.5, 0.0, p, rng)
        half = p["n_lab"] // 2
        model = LogisticRegression(random_state=derive_seed(rng))
        model.fit(x_lab[:half], y_lab[:half])
        x_field, y_field, kind_field = _objects(
            p["n_field"], p["field_target_share"], p["lookalike_share"], p, rng
        )
        thresholds = {"accuracy": 0.5, "harm": c / (1 + c)}
        settings = {
            "lab": (model.predict_proba(x_lab[half:])[:, 1], y_lab[half:], kind_lab[half:]),
            "field": (model.predict_proba(x_field)[:, 1], y_field, kind_field),
        }
        rows, summary = [], {}
        for setting, (prob, y, kind) in settings.items():
            for policy, threshold in thresholds.items():
                engage = (prob > threshold).astype(int)
                frame = group_metric_frame({"rate": selection_rate}, y, engage, kind)
                n = len(y)
                civilians_hit = int(np.sum(engage & (y == 0)))
                missed = int(np.sum((1 - engage) & (y == 1)))
                engaged = int(engage.sum())
                record = {
                    "setting": SETTING_LABELS[setting],
                    "policy": POLICY_LABELS[policy],
                    "civilians_per_1000": 1000 * civilians_hit / n,
                    "missed_per_1000": 1000 * missed / n,
                    # Undefined (None, shown as a dash) when nothing was engaged.
                    "civilian_share_of_engagements": civilians_hit / engaged if engaged else None,
                    "harm_per_1000": 1000 * (c * civilians_hit + missed) / n,
                    "civilian_rate": float(frame.by_group["rate"].get("civilian", float("nan"))),
                    "lookalike_rate": float(
                        frame.by_group["rate"].get("look-alike civilian", float("nan"))
                    ),
                    "n_civilian": int(np.sum(kind == "civilian")),
                    "n": n,
                    "civilians_hit": civilians_hit,
                    "engaged": engaged,
                }
                rows.append(record)
                summary[(setting, policy)] = record

        lab_acc, lab_harm = summary[("lab", "accuracy")], summary[("lab", "harm")]
        field_harm = summary[("field", "harm")]
        table = Table(
            key="outcomes",
            title=N_("Errors per 1,000 decisions, lab and field"),
            columns=OUTCOME_COLUMNS,
            rows=[{key: r[key] for key, _ in OUTCOME_COLUMNS} for r in rows],
        )
        chart_rows = [
            {
                "setting": r["setting"],
                "policy": r["policy"],
                "civilians_per_1000": r["civilians_per_1000"],
            }
            for r in rows
        ]
        chart = Chart(
            key="civilians",
            title=N_("Civilians wrongly engaged per 1,000 decisions"),
            description=Msg(
                "Tuned for expected harm, the system wrongly engages {lab} civilians per 1,000 "
                "decisions in the lab and {field} in the field.",
                lab=Num(lab_harm["civilians_per_1000"], 1),
                field=Num(field_harm["civilians_per_1000"], 1),
            ),
            spec=bar_chart(
                N_("Civilians wrongly engaged per 1,000 decisions"),
                chart_rows,
                x="setting",
                y="civilians_per_1000",
                x_title=N_("Where"),
                y_title=N_("Civilians wrongly engaged per 1,000"),
                color="policy",
                color_title=N_("Threshold"),
                sort=[SETTING_LABELS["lab"], SETTING_LABELS["field"]],
            ),
            table="outcomes",
        )
        metrics = [
            Metric(
                key="harm_threshold",
                label=N_("Harm-tuned threshold c/(1+c)"),
                value=thresholds["harm"],
                unit=N_("probability"),
            ),
            Metric(
                key="lab_civilians_accuracy",
                label=N_("Lab: civilians per 1,000, tuned for accuracy"),
                value=lab_acc["civilians_per_1000"],
                unit=N_("per 1,000"),
            ),
            Metric(
                key="lab_civilians_harm",
                label=N_("Lab: civilians per 1,000, tuned for harm"),
                value=lab_harm["civilians_per_1000"],
                unit=N_("per 1,000"),
            ),
            Metric(
                key="field_civilians_accuracy",
                label=N_("Field: civilians per 1,000, tuned for accuracy"),
                value=summary[("field", "accuracy")]["civilians_per_1000"],
                unit=N_("per 1,000"),
            ),
            Metric(
                key="field_civilians_harm",
                label=N_("Field: civilians per 1,000, tuned for harm"),
                value=field_harm["civilians_per_1000"],
                unit=N_("per 1,000"),
            ),
            Metric(
                key="lab_missed_harm",
                label=N_("Lab: targets missed per 1,000, tuned for harm"),
                value=lab_harm["missed_per_1000"],
                unit=N_("per 1,000"),
            ),
            Metric(
                key="field_civilian_share_harm",
                label=N_("Field: share of engagements that hit civilians, tuned for harm"),
                value=field_harm["civilian_share_of_engagements"],
                unit="share",
            ),
        ]
        harm_threshold = thresholds["harm"]
        if c > 1:
            lab_sentence = Msg(
                "In the lab, tuning for accuracy (threshold 50%) engages {acc_civilians} "
                "civilians and misses {acc_missed} targets per 1,000 decisions; counting each "
                "civilian as {cost} missed targets raises the threshold to {threshold}, which "
                "engages {harm_civilians} civilians and misses {harm_missed} targets per 1,000.",
                acc_civilians=Num(lab_acc["civilians_per_1000"], 1),
                acc_missed=Num(lab_acc["missed_per_1000"], 1),
                harm_civilians=Num(lab_harm["civilians_per_1000"], 1),
                harm_missed=Num(lab_harm["missed_per_1000"], 1),
                cost=_g(c),
                # One decimal when whole percents would print a threshold just above 50% as 50%.
                threshold=Pct(harm_threshold, 1 if round(100 * harm_threshold) == 50 else 0),
            )
        else:
            lab_sentence = Msg(
                "With a cost ratio of 1 both thresholds are 50%: the system engages "
                "{acc_civilians} civilians per 1,000 decisions in the lab and weighs a "
                "civilian's life no more than a missed target.",
                acc_civilians=Num(lab_acc["civilians_per_1000"], 1),
            )
        findings = [lab_sentence]
        lab_value = lab_harm["civilians_per_1000"]
        field_value = field_harm["civilians_per_1000"]
        hits_lab, hits_field = lab_harm["civilians_hit"], field_harm["civilians_hit"]
        # Are the two rates different beyond chance? Given the total number of civilians hit,
        # the field's share of them is binomial under equal rates (an exact test, at 1%).
        total_hits = hits_lab + hits_field
        differs = (
            total_hits > 0
            and binomtest(
                hits_field, total_hits, field_harm["n"] / (field_harm["n"] + lab_harm["n"])
            ).pvalue
            < 0.01
        )
        values = {
            "targets": Pct(p["field_target_share"]),
            "lookalikes": Pct(p["lookalike_share"]),
            "field": Num(field_value, 1),
            "lab": Num(lab_value, 1),
        }
        if differs and field_value > lab_value and lab_value > 0:
            ratio = field_value / lab_value
            field_sentence = Msg(
                "In the field ({targets} targets, {lookalikes} of civilians look-alikes) the "
                "harm-tuned system engages {field} civilians per 1,000 decisions: {ratio} times "
                "the lab figure of {lab}.",
                ratio=_number(sig(ratio), ratio),
                **values,
            )
        elif differs and field_value > lab_value:
            field_sentence = Msg(
                "In the field ({targets} targets, {lookalikes} of civilians look-alikes) the "
                "harm-tuned system engages {field} civilians per 1,000 decisions, where it "
                "engaged none in the lab.",
                **values,
            )
        elif differs:
            field_sentence = Msg(
                "In the field ({targets} targets, {lookalikes} of civilians look-alikes) the "
                "harm-tuned system engages {field} civilians per 1,000 decisions, fewer than the "
                "{lab} of the lab.",
                **values,
            )
        else:
            field_sentence = Msg(
                "In the field ({targets} targets, {lookalikes} of civilians look-alikes) the "
                "harm-tuned system engages {field} civilians per 1,000 decisions against {lab} "
                "in the lab, a difference within chance for these counts.",
                **values,
            )
        findings.append(field_sentence)
        share_field = field_harm["civilian_share_of_engagements"]
        share_lab = lab_harm["civilian_share_of_engagements"]
        if share_field is not None and share_lab is not None:
            share_sentence = Msg(
                "In the field {field} of its engagements hit civilians, against {lab} in the lab.",
                field=Pct(share_field),
                lab=Pct(share_lab),
            )
        elif share_field is not None:
            share_sentence = Msg(
                "In the field {field} of its engagements hit civilians; in the lab it engaged "
                "nothing, so no such share exists there.",
                field=Pct(share_field),
            )
        elif share_lab is not None:
            share_sentence = Msg(
                "In the field it engaged nothing, so no share of civilians among its engagements "
                "exists there; in the lab {lab} of its engagements hit civilians.",
                lab=Pct(share_lab),
            )
        else:
            share_sentence = N_(
                "Tuned for harm, it engaged nothing, in the lab or in the field: at this "
                "threshold it never fires, and misses every target."
            )
        findings.append(share_sentence)

        lab_rate, field_rate = lab_harm["civilian_rate"], field_harm["civilian_rate"]
        n_lab_civ, n_field_civ = lab_harm["n_civilian"], field_harm["n_civilian"]
        hits_lab_civ = round(lab_rate * n_lab_civ)
        hits_field_civ = round(field_rate * n_field_civ)
        # Exact test of equal rates: given all ordinary civilians engaged, the field's share of
        # them is binomial. A p-value under 1 in 10,000 would mean the sampler is broken.
        same_rate = (
            hits_lab_civ + hits_field_civ == 0
            or binomtest(
                hits_field_civ,
                hits_lab_civ + hits_field_civ,
                n_field_civ / (n_lab_civ + n_field_civ),
            ).pvalue
            >= 1e-4
        )
        checks = [
            Check(
                key="prior-shift",
                label=N_("Ordinary civilians are engaged at the lab's rate in the field"),
                passed=bool(same_rate),
                expected=Msg(
                    "{rate} as in the lab ({hits} of {n}), up to sampling noise (exact binomial "
                    "test)",
                    rate=Pct(lab_rate, 1),
                    hits=Int(hits_lab_civ),
                    n=Int(n_lab_civ),
                ),
                observed=Msg(
                    "{rate} ({hits} of {n})",
                    rate=Pct(field_rate, 1),
                    hits=Int(hits_field_civ),
                    n=Int(n_field_civ),
                ),
                reference=PRIOR_SHIFT,
                kind="consistency",
            )
        ]
        # The least expected harm any rule can reach in the lab (50% targets), in closed form,
        # against what the learned model reached on the lab's test half.
        sep = p["separation"]
        cut = math.log(c) / sep
        bayes_harm = 1000 * (0.5 * c * norm.cdf(-(cut + sep / 2)) + 0.5 * norm.cdf(cut - sep / 2))
        # Sampling error of a harm total on the lab's test half, from the closed-form rates
        # (a sample with no civilian hit would otherwise claim no spread at all).
        q_civilian = 0.5 * norm.cdf(-(cut + sep / 2))
        q_missed = 0.5 * norm.cdf(cut - sep / 2)
        variance = c * c * q_civilian + q_missed - (c * q_civilian + q_missed) ** 2
        harm_tolerance = (
            4000 * math.sqrt(max(variance, 0.0) / lab_harm["n"]) + 1000 * c / (lab_harm["n"])
        )
        checks.append(
            Check(
                key="bayes-harm",
                label=N_(
                    "Tuned for harm, the lab model comes close to the least harm any rule can reach"
                ),
                passed=bool(abs(lab_harm["harm_per_1000"] - bayes_harm) <= harm_tolerance),
                expected=Msg(
                    "{harm} per 1,000 decisions (closed form, separation {separation}, "
                    "c = {cost}) within sampling error ±{tolerance}",
                    harm=Num(bayes_harm, 1),
                    separation=_g(sep),
                    cost=_g(c),
                    tolerance=Num(harm_tolerance, 1),
                ),
                observed=Msg(
                    "{harm} per 1,000 on the lab's test half",
                    harm=Num(lab_harm["harm_per_1000"], 1),
                ),
                reference=BAYES_HARM,
            )
        )
        return Result(
            metrics=metrics, tables=[table], charts=[chart], findings=findings, checks=checks
        )


SIMULATION = AsymmetricCostsSimulation()
