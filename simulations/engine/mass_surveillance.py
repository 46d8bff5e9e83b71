"""Mass surveillance: subgroup error rates, multiplied by every face a city scans in a day."""

from __future__ import annotations

from typing import Any

import numpy as np
from fairlearn.metrics import MetricFrame
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import zero_one_loss

from ._stats import binomial_tolerance, compress, two_proportion_z
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table
from .charts import bar_chart, line_chart
from .text import N_, Int, Msg, Num, Pct

GENDER_SHADES = N_(
    'Buolamwini & Gebru, "Gender Shades: Intersectional Accuracy Disparities in Commercial '
    'Gender Classification", Conference on Fairness, Accountability and Transparency (FAT*) '
    "2018, PMLR 81:77–91: error rates (1 − accuracy) by subgroup on the Pilot Parliaments "
    "Benchmark"
)
SUBGROUPS = ("darker female", "darker male", "lighter female", "lighter male")
# How a subgroup is shown (tables, chart categories, sentences); SUBGROUPS stay the keys.
_LABEL = {
    "darker female": N_("darker female"),
    "darker male": N_("darker male"),
    "lighter female": N_("lighter female"),
    "lighter male": N_("lighter male"),
}
# Gender-classification error rates (%) on the Pilot Parliaments Benchmark.
ERROR_TABLE: dict[str, dict[str, float]] = {
    "microsoft": {
        "darker female": 20.8,
        "darker male": 6.0,
        "lighter female": 1.7,
        "lighter male": 0.0,
    },
    "facepp": {
        "darker female": 34.5,
        "darker male": 0.7,
        "lighter female": 6.0,
        "lighter male": 0.8,
    },
    "ibm": {"darker female": 34.7, "darker male": 12.0, "lighter female": 7.1, "lighter male": 0.3},
}
VENDORS = {"microsoft": "Microsoft", "facepp": "Face++", "ibm": "IBM"}
IJBA_LIGHTER = 0.796  # share of lighter-skinned faces in IJB-A, as reported by Gender Shades
SWEEP = (0.05, 0.10, 0.20, 0.30, 0.40, 0.50)
_Z_REAL = 3.0  # a gap between sampled error rates is called real beyond three standard errors
_DIM = 8


def _faces(
    n: int, darker_share: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic face features whose label depends on them differently by group.

    Parameters
    ----------
    n : int
        Number of faces.
    darker_share : float
        Share of faces from the darker-skinned group.
    rng : numpy.random.Generator
        The run's Generator.

    Returns
    -------
    x : numpy.ndarray
        (n, 8) features.
    y : numpy.ndarray
        The label to predict (0/1).
    darker : numpy.ndarray of bool
        Group membership.
    """
    darker = rng.random(n) < darker_share
    x = rng.standard_normal((n, _DIM))
    x[darker, 3:] += 0.5  # the groups' features are distributed differently
    # The cues that carry the label differ partly between groups: a model fitted mostly on
    # one group learns that group's cues.
    w_light = np.array([1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    w_dark = np.array([1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    signal = np.where(darker, x @ w_dark, x @ w_light)
    y = (signal + 0.3 * rng.standard_normal(n) > 0).astype(int)
    return x, y, darker


class MassSurveillanceSimulation(Simulation):
    """Gender Shades' subgroup errors at city scale, and what training-data balance changes."""

    slug = "mass-surveillance"
    title = N_("Mass surveillance: small error rates, many faces, unequal harm")
    question = N_(
        "When a face-analysis system errs more often on some groups, how many errors a day "
        "does each group bear once every face in a city is scanned?"
    )
    version = "4"
    cases = ("china-surveillance",)
    themes = ("biased-data", "base-rate-fallacy", "consent-privacy")
    explanation = N_("""
**The model.** Three parts.

1. **Audit.** The chosen commercial classifier's gender-classification error rates for four
   subgroups come from Gender Shades (Buolamwini & Gebru 2018). The simulation draws an
   audit sample of faces from each subgroup, each face wrong with its subgroup's published
   rate, and computes the error by subgroup with Fairlearn's `MetricFrame`, next to the
   published table. The audit shows how much a sample of that size can stray from the true
   rates (with 30 faces per subgroup, a lot); it does not test the published figures, which
   it takes as given.
2. **A city.** Every face scanned in a day meets those error rates. The simulation counts
   the errors a day falling on each subgroup, given the city's mix of faces.
3. **Representation.** Why do such gaps arise? A scikit-learn logistic regression is trained
   on synthetic faces in which the cues that carry the label differ partly between two
   groups, with the minority making up 5% to 50% of the training data; its error on each
   group is measured on a balanced test set.

**What to try.**

- Switch between Microsoft, Face++ and IBM: for all three, darker-skinned women fare worst.
- Raise *faces scanned a day* to a million: a 1% error becomes 10,000 errors a day.
- Lower *darker-skinned share of faces*: the overall error falls, the darker-skinned
  women's error does not.
- Move *minority share in training* from 5% to 50% and watch the minority's error fall.

**What to look for.** The gap between the best and worst subgroup, and whether a small audit
can tell it from chance; how an overall error on a mostly lighter-skinned benchmark hides it;
errors a day, by group. The checks on this page are consistency notes: the audit and the
day's errors are drawn from the published rates, so they can only confirm the sampling.

**Limits.** Gender Shades measured *gender classification* on parliamentarians' portraits,
not matching faces against a watchlist; the simulation uses its error rates as stand-ins for
"errors that differ by group", and calls each one an error, not a false arrest. Chinese
systems' own error rates are not public. The most serious harm documented in Xinjiang does
not come from errors at all: Human Rights Watch describes surveillance that is crude yet
used to profile and detain, and systems built to recognise Uyghurs; accuracy is not the main
issue. The training-data part uses invented features. Nor does the simulation model what
makes mass identification a base-rate problem: every face compared with a watch list, false
matches growing with the list's size and the number of scans, while the people sought are
rare (the base-rate simulation shows that arithmetic for a screening test).
""")
    params = (
        Param(
            name="classifier",
            type="choice",
            default="ibm",
            choices=tuple(VENDORS.items()),
            label=N_("Classifier audited"),
            help=N_("Whose Gender Shades error rates to use."),
        ),
        Param(
            name="audit_per_subgroup",
            type="int",
            default=300,
            min=30,
            max=5000,
            step=10,
            label=N_("Audit faces per subgroup"),
            help=N_("How many faces of each subgroup the audit sample holds."),
            unit=N_("faces"),
        ),
        Param(
            name="faces_per_day",
            type="int",
            default=100_000,
            min=1_000,
            max=10_000_000,
            step=1000,
            label=N_("Faces scanned a day"),
            help=N_("How many faces the city's cameras analyse each day."),
            unit=N_("faces/day"),
        ),
        Param(
            name="darker_share",
            type="float",
            default=20.0,
            min=0.0,
            max=100.0,
            step=1,
            label=N_("Darker-skinned share of faces"),
            help=N_("Share of the scanned faces from darker-skinned people."),
            unit="%",
        ),
        Param(
            name="female_share",
            type="float",
            default=50.0,
            min=0.0,
            max=100.0,
            step=1,
            label=N_("Women's share of faces"),
            help=N_("Share of the scanned faces from women."),
            unit="%",
        ),
        Param(
            name="training_share",
            type="float",
            default=10.0,
            min=5.0,
            max=50.0,
            step=1,
            label=N_("Minority share in training"),
            help=N_("Share of the minority group in the training data of the synthetic model."),
            unit="%",
        ),
        Param(
            name="training_faces",
            type="int",
            default=2000,
            min=500,
            max=20_000,
            step=100,
            label=N_("Training faces"),
            help=N_("Size of the synthetic model's training set (and of its test set)."),
            unit=N_("faces"),
        ),
    )
    presets = tuple(
        Preset(
            slug=f"gender-shades-{key}",
            title=Msg("Gender Shades: {vendor}", vendor=name),
            description=Msg(
                "{vendor}'s published error rates by subgroup on the Pilot Parliaments "
                "Benchmark, applied to a city scanning 100,000 faces a day. The city's mix of "
                "faces (20% darker-skinned, 50% women) is a teaching value.",
                vendor=name,
            ),
            params={"classifier": key},
            case="china-surveillance",
            source=Msg(
                "{source}. Faces a day and the mix of faces: teaching values.",
                source=GENDER_SHADES,
            ),
        )
        for key, name in VENDORS.items()
    ) + (
        Preset(
            slug="sanmenxia-scale",
            title=N_("The scale of one city's checks: 500,000 a month"),
            description=N_(
                "The New York Times reported that a system in Sanmenxia checked whether "
                "residents were Uyghur 500,000 times in one month: about 16,667 a day. IBM's "
                "error rates stand in for that system's, which are not public; the mix of faces "
                "is a teaching value."
            ),
            params={"classifier": "ibm", "faces_per_day": 16_667},
            case="china-surveillance",
            source=Msg(
                "Paul Mozur, 'One Month, 500,000 Face Scans', New York Times, 14 Apr 2019; "
                "16,667 = 500,000 ÷ 30 (arithmetic). Error rates: {source}.",
                source=GENDER_SHADES,
            ),
        ),
    )

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Audit the classifier, scale its errors to a city, sweep training representation.

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
        vendor = p["classifier"]
        name = VENDORS[vendor]
        table = {g: v / 100 for g, v in ERROR_TABLE[vendor].items()}
        n_audit = p["audit_per_subgroup"]

        # 1. Audit: each face is classified wrongly with its subgroup's published error rate.
        group = np.repeat(np.array(SUBGROUPS), n_audit)
        truth = np.ones(len(group), dtype=int)
        wrong = rng.random(len(group)) < np.array([table[g] for g in group])
        pred = np.where(wrong, 0, 1)
        (yt, yp, gg), w = compress(truth, pred, group)
        frame = MetricFrame(
            metrics={"error": zero_one_loss},
            y_true=yt,
            y_pred=yp,
            sensitive_features=gg,
            sample_params={"error": {"sample_weight": w}},
        )
        sampled = {g: float(frame.by_group.loc[g, "error"]) for g in SUBGROUPS}

        # 2. A city: faces a day by subgroup, errors a day by subgroup.
        dark, fem = p["darker_share"] / 100, p["female_share"] / 100
        mix = {
            "darker female": dark * fem,
            "darker male": dark * (1 - fem),
            "lighter female": (1 - dark) * fem,
            "lighter male": (1 - dark) * (1 - fem),
        }
        faces = dict(
            zip(
                SUBGROUPS,
                rng.multinomial(p["faces_per_day"], [mix[g] for g in SUBGROUPS]),
                strict=True,
            )
        )
        errors = {g: int(rng.binomial(faces[g], table[g])) for g in SUBGROUPS}
        total_errors = sum(errors.values())
        expected_errors = p["faces_per_day"] * sum(mix[g] * table[g] for g in SUBGROUPS)
        ijba_error = sum(
            share * 0.5 * (table[f"{tone} female"] + table[f"{tone} male"])
            for tone, share in (("lighter", IJBA_LIGHTER), ("darker", 1 - IJBA_LIGHTER))
        )

        # 3. Representation sweep on synthetic faces, tested on a balanced set.
        n_train = p["training_faces"]
        x_test, y_test, dark_test = _faces(n_train, 0.5, rng)
        shares = sorted({*SWEEP, p["training_share"] / 100})
        preds = []
        for share in shares:
            x_tr, y_tr, _ = _faces(n_train, share, rng)
            preds.append(LogisticRegression(max_iter=1000).fit(x_tr, y_tr).predict(x_test))
        # One MetricFrame for the whole sweep: group is the sensitive feature and the
        # training share a control feature.
        (t2, p2, g2, c2), w2 = compress(
            np.tile(y_test, len(shares)),
            np.concatenate(preds),
            np.tile(np.where(dark_test, "minority", "majority"), len(shares)),
            np.repeat(np.arange(len(shares)), len(y_test)),
        )
        sweep_frame = MetricFrame(
            metrics={"error": zero_one_loss},
            y_true=t2,
            y_pred=p2,
            sensitive_features=g2,
            control_features=c2,
            sample_params={"error": {"sample_weight": w2}},
        )
        by_share = sweep_frame.by_group["error"]
        sweep_rows = []
        chosen: dict[str, float] = {}
        for i, share in enumerate(shares):
            errs = {grp: float(by_share.loc[(i, grp)]) for grp in ("minority", "majority")}
            for grp, label in (
                ("minority", N_("Minority group")),
                ("majority", N_("Majority group")),
            ):
                sweep_rows.append({"share": share, "group": label, "error": errs[grp]})
            if abs(share - p["training_share"] / 100) < 1e-9:
                chosen = errs

        audit_rows = [
            {
                "subgroup": _LABEL[g],
                "published": table[g],
                "sampled": sampled[g],
                "faces_per_day": int(faces[g]),
                "errors_per_day": errors[g],
            }
            for g in SUBGROUPS
        ]
        # Worst and best by the published table, so a ratio never mixes a subgroup picked by
        # sampling noise with a published rate.
        worst = max(SUBGROUPS, key=lambda g: table[g])
        best = min(SUBGROUPS, key=lambda g: table[g])
        metrics = [
            Metric(
                key=f"error_{g.replace(' ', '_')}",
                label=Msg("Audit error, {subgroup}", subgroup=_LABEL[g]),
                value=sampled[g],
                unit="share",
            )
            for g in SUBGROUPS
        ] + [
            Metric(
                key="errors_per_day",
                label=N_("Errors a day in the city"),
                value=total_errors,
                unit=N_("faces/day"),
            ),
            Metric(
                key="errors_per_day_expected",
                label=N_("Errors a day expected from the table"),
                value=expected_errors,
                unit=N_("faces/day"),
            ),
            Metric(
                key="worst_to_best_ratio",
                label=N_("Published error: worst subgroup ÷ best"),
                value=table[worst] / table[best] if table[best] else None,
                unit=N_("ratio"),
                help=N_("Undefined (—) when the best subgroup's published error is 0."),
            ),
            Metric(
                key="ijba_overall_error",
                label=N_("Overall error on a benchmark 79.6% lighter-skinned (IJB-A's mix)"),
                value=ijba_error,
                unit="share",
            ),
            Metric(
                key="minority_error_at_training_share",
                label=N_("Synthetic model: minority error at the chosen training share"),
                value=chosen.get("minority"),
                unit="share",
            ),
            Metric(
                key="majority_error_at_training_share",
                label=N_("Synthetic model: majority error at the chosen training share"),
                value=chosen.get("majority"),
                unit="share",
            ),
        ]
        audit = Table(
            key="audit",
            title=Msg(
                "{vendor}: error by subgroup, published and sampled, and errors a day",
                vendor=name,
            ),
            columns=[
                ("subgroup", N_("Subgroup")),
                ("published", N_("Published error")),
                ("sampled", N_("Audit error")),
                ("faces_per_day", N_("Faces a day")),
                ("errors_per_day", N_("Errors a day")),
            ],
            rows=audit_rows,
        )
        long_rows = [
            {"subgroup": r["subgroup"], "source": source, "error": r[key]}
            for r in audit_rows
            for source, key in (
                (N_("Published (Gender Shades)"), "published"),
                (N_("This audit"), "sampled"),
            )
        ]
        errors_long = Table(
            key="audit_long",
            title=Msg("{vendor}: gender-classification error by subgroup", vendor=name),
            columns=[
                ("subgroup", N_("Subgroup")),
                ("source", N_("Source")),
                ("error", N_("Error rate")),
            ],
            rows=long_rows,
        )
        day_rows = [{"subgroup": _LABEL[g], "errors": errors[g]} for g in SUBGROUPS]
        per_day = Table(
            key="errors_per_day",
            title=Msg("Errors a day among {n} faces scanned", n=Int(p["faces_per_day"])),
            columns=[("subgroup", N_("Subgroup")), ("errors", N_("Errors a day"))],
            rows=day_rows,
        )
        sweep = Table(
            key="representation_sweep",
            title=N_("Synthetic model: error by group as the minority's share of training grows"),
            columns=[
                ("share", N_("Minority share in training")),
                ("group", N_("Group")),
                ("error", N_("Error")),
            ],
            rows=sweep_rows,
        )
        minority = [r for r in sweep_rows if r["group"] == "Minority group"]
        charts = [
            Chart(
                key="audit_long",
                title=errors_long.title,
                description=Msg(
                    "{vendor}'s audit error runs from {low} ({best}) to {high} ({worst}), "
                    "beside the published rates.",
                    vendor=name,
                    low=Pct(sampled[best], 1),
                    best=_LABEL[best],
                    high=Pct(sampled[worst], 1),
                    worst=_LABEL[worst],
                ),
                spec=bar_chart(
                    errors_long.title,
                    long_rows,
                    x="subgroup",
                    y="error",
                    x_title=N_("Subgroup"),
                    y_title=N_("Error rate"),
                    color="source",
                    color_title=N_("Source"),
                    y_format="%",
                    sort=[_LABEL[g] for g in SUBGROUPS],
                ),
                table=errors_long.key,
            ),
            Chart(
                key="errors_per_day",
                title=per_day.title,
                description=Msg(
                    "Of {total} errors a day, {worst_errors} fall on {worst} faces.",
                    total=Int(total_errors),
                    worst_errors=Int(errors[worst]),
                    worst=_LABEL[worst],
                ),
                spec=bar_chart(
                    per_day.title,
                    day_rows,
                    x="subgroup",
                    y="errors",
                    x_title=N_("Subgroup"),
                    y_title=N_("Errors a day"),
                    sort=[_LABEL[g] for g in SUBGROUPS],
                ),
                table=per_day.key,
            ),
            Chart(
                key="representation_sweep",
                title=sweep.title,
                description=Msg(
                    "The minority group's error goes from {error_from} with {share_from} of the "
                    "training data to {error_to} with {share_to}.",
                    error_from=Pct(minority[0]["error"], 1),
                    share_from=Pct(minority[0]["share"]),
                    error_to=Pct(minority[-1]["error"], 1),
                    share_to=Pct(minority[-1]["share"]),
                ),
                spec=line_chart(
                    sweep.title,
                    sweep_rows,
                    x="share",
                    y="error",
                    x_title=N_("Minority share of the training data"),
                    y_title=N_("Error on a balanced test set"),
                    color="group",
                    color_title=N_("Group"),
                    y_format="%",
                    x_format="%",
                ),
                table=sweep.key,
            ),
        ]

        checks = []
        for g in SUBGROUPS:
            tol = binomial_tolerance(table[g], n_audit)
            checks.append(
                Check(
                    key=f"gender_shades_{g.replace(' ', '_')}",
                    label=Msg(
                        "{vendor}, {subgroup}: audit sample vs the rate it was drawn from",
                        vendor=name,
                        subgroup=_LABEL[g],
                    ),
                    passed=abs(sampled[g] - table[g]) <= tol,
                    expected=Msg(
                        "{rate} ± {tolerance} (four binomial standard errors of {n} faces)",
                        rate=Pct(table[g], 1),
                        tolerance=Pct(tol, 1),
                        n=str(n_audit),
                    ),
                    observed=Msg("{rate}", rate=Pct(sampled[g], 1)),
                    reference=Msg(
                        "Each audit face is drawn wrong with the published rate of {source}.",
                        source=GENDER_SHADES,
                    ),
                    kind="consistency",
                )
            )
        p_err = expected_errors / p["faces_per_day"]
        tol = binomial_tolerance(p_err, p["faces_per_day"])
        checks.append(
            Check(
                key="errors_per_day_vs_expected",
                label=N_("Errors a day: sampled vs faces × mix × published rates"),
                passed=abs(total_errors / p["faces_per_day"] - p_err) <= tol,
                expected=Msg(
                    "{errors} (rate {rate} ± {tolerance})",
                    errors=Num(expected_errors, 0),
                    rate=Num(p_err, 5),
                    tolerance=Num(tol, 5),
                ),
                observed=Msg("{n}", n=Int(total_errors)),
                reference=Msg(
                    "Each face is drawn wrong with the published rate of {source}.",
                    source=GENDER_SHADES,
                ),
                kind="consistency",
            )
        )
        n_minority_test = int(dark_test.sum())
        findings = self._findings(
            p, name, sampled, worst, best, errors, faces, total_errors, ijba_error, table,
            minority, chosen, n_minority_test, len(y_test) - n_minority_test,
        )  # fmt: skip
        return Result(
            metrics=metrics,
            tables=[audit, errors_long, per_day, sweep],
            charts=charts,
            findings=findings,
            checks=checks,
        )

    @staticmethod
    def _findings(
        p: dict[str, Any],
        name: str,
        sampled: dict[str, float],
        worst: str,
        best: str,
        errors: dict[str, int],
        faces: dict[str, int],
        total_errors: int,
        ijba_error: float,
        table: dict[str, float],
        minority: list[dict[str, Any]],
        chosen: dict[str, float],
        n_minority: int,
        n_majority: int,
    ) -> list[str]:
        """Two to five sentences built from this run's numbers.

        A gap between two sampled error rates is called real only beyond three standard errors
        (two-proportion z); the audit's figures are said to be samples of the published ones.
        """
        n = p["audit_per_subgroup"]
        audit = {
            "n": Int(n),
            "vendor": name,
            "s_worst": Pct(sampled[worst], 1),
            "s_best": Pct(sampled[best], 1),
            "p_worst": Pct(table[worst], 1),
            "p_best": Pct(table[best], 1),
            "worst": _LABEL[worst],
            "best": _LABEL[best],
        }
        z = two_proportion_z(round(sampled[best] * n), n, round(sampled[worst] * n), n)
        if z >= _Z_REAL:
            findings = [
                Msg(
                    "In this audit sample of {n} faces per subgroup, {vendor}'s classifier erred "
                    "on {s_worst} of {worst} faces against {s_best} of {best} faces, a gap far "
                    "beyond chance. Each face was drawn wrong at the rate Gender Shades published "
                    "({p_worst} and {p_best}), so the audit's figures differ from those only by "
                    "sampling noise.",
                    **audit,
                )
            ]
        else:
            findings = [
                Msg(
                    "In this audit sample of {n} faces per subgroup, {vendor}'s classifier erred "
                    "on {s_worst} of {worst} faces against {s_best} of {best} faces: with so few "
                    "faces the gap is not clearly beyond chance (less than three standard "
                    "errors), although Gender Shades published {p_worst} and {p_best}, the rates "
                    "each face was drawn at. A small audit can miss a real disparity.",
                    **audit,
                )
            ]
        total_faces = sum(faces.values())
        dark_faces = faces["darker female"]
        if total_errors and dark_faces:
            findings.append(
                Msg(
                    "Scanning {faces} faces a day, it would make {errors} errors a day; "
                    "{share_errors} of them on darker-skinned women, who are {share_faces} of "
                    "the faces.",
                    faces=Int(total_faces),
                    errors=Int(total_errors),
                    share_errors=Pct(errors["darker female"] / total_errors),
                    share_faces=Pct(dark_faces / total_faces),
                )
            )
        elif total_errors:
            findings.append(
                Msg(
                    "Scanning {faces} faces a day, none of them from darker-skinned women, "
                    "it would make {errors} errors a day.",
                    faces=Int(total_faces),
                    errors=Int(total_errors),
                )
            )
        else:
            findings.append(
                Msg(
                    "Scanning {faces} faces a day, it made no error this day.",
                    faces=Int(total_faces),
                )
            )
        findings.append(
            Msg(
                "By the published rates, on a benchmark as light-skinned as IJB-A (79.6% "
                "lighter) its overall error would be {overall}, while darker-skinned women face "
                "{darker_female}.",
                overall=Pct(ijba_error, 1),
                darker_female=Pct(table["darker female"], 1),
            )
        )
        first, last = minority[0], minority[-1]
        z_fall = two_proportion_z(
            round(last["error"] * n_minority), n_minority,
            round(first["error"] * n_minority), n_minority,
        )  # fmt: skip
        sweep = {
            "fell_from": Pct(first["error"], 1),
            "fell_to": Pct(last["error"], 1),
            "share_from": Pct(first["share"]),
            "share_to": Pct(last["share"]),
        }
        if z_fall >= _Z_REAL:
            findings.append(
                Msg(
                    "In the synthetic model, the minority's error fell from {fell_from} to "
                    "{fell_to} as its share of the training data rose from {share_from} to "
                    "{share_to}.",
                    **sweep,
                )
            )
        else:
            findings.append(
                Msg(
                    "In the synthetic model, the minority's error went from {fell_from} to "
                    "{fell_to} as its share of the training data rose from {share_from} to "
                    "{share_to}: with {n_minority} minority faces in the test set, a change "
                    "not clearly beyond chance (less than three standard errors).",
                    n_minority=Int(n_minority),
                    **sweep,
                )
            )
        if chosen:
            mino, majo = chosen["minority"], chosen["majority"]
            z_gap = two_proportion_z(
                round(majo * n_majority), n_majority, round(mino * n_minority), n_minority
            )
            gap = {
                "at": Pct(p["training_share"] / 100),
                "e_min": Pct(mino, 1),
                "e_maj": Pct(majo, 1),
            }
            if z_gap >= _Z_REAL:
                findings.append(
                    Msg(
                        "Trained with {at} minority faces, the model erred on {e_min} of minority "
                        "faces against {e_maj} of majority faces.",
                        **gap,
                    )
                )
            elif z_gap <= -_Z_REAL:
                findings.append(
                    Msg(
                        "Trained with {at} minority faces, the model erred on {e_min} of minority "
                        "faces, less than on majority faces ({e_maj}).",
                        **gap,
                    )
                )
            else:
                findings.append(
                    Msg(
                        "Trained with {at} minority faces, the model erred on {e_min} of minority "
                        "faces and {e_maj} of majority faces: a difference not clearly beyond "
                        "chance (less than three standard errors).",
                        **gap,
                    )
                )
        return findings[:5]


SIMULATION = MassSurveillanceSimulation()
