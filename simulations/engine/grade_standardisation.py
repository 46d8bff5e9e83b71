"""Grade standardisation: teachers' rank orders fitted to each school's past results, with small
classes exempt (the 2020 A-level model in England, simplified)."""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np

from ._shared import counted_points
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table
from .charts import bar_chart
from .text import N_, Int, Msg, Num, Pct, plural

# Grades 0..6 stand for U, E, D, C, B, A, A*. The exam standard is a fixed set of cut-offs on
# the ability scale, chosen so that a national population of N(0, 1.08) gets about 8% A*,
# 25% A or above, 50% B or above, 73% C, 88% D and 97% E or above (teaching values close to
# A-level shares, not published figures).
GRADES = ("U", "E", "D", "C", "B", "A", "A*")
TOP = 5  # A or A*
_CUM_SHARES = (0.97, 0.88, 0.73, 0.50, 0.25, 0.08)  # share at or above E, D, C, B, A, A*
_SCALE = NormalDist(0.0, 1.08)
CUTS = np.array([_SCALE.inv_cdf(1 - share) for share in _CUM_SHARES])
_Z_CLAIM = 3.0  # a difference between school types is called real only beyond 3 standard errors

INDEPENDENT = N_("Independent schools")
STATE = N_("State schools")
FINAL = N_("Final grades")
EXAM = N_("Exam-standard grades")

OFQUAL_SOURCE = N_(
    "Ofqual, Summer-2020-code-used-to-grade-qualifications (R code, GitHub, December 2020): "
    "teacher grades kept at 5 or fewer candidates, a linear blend up to 15, the model above 15; "
    "Ofqual, Guide to AS and A level results for England, 2020 (13 August 2020)"
)


def _grade(x: np.ndarray) -> np.ndarray:
    """Exam-standard grade (0 = U … 6 = A*) of each ability value."""
    return np.searchsorted(CUTS, x, side="right")


def _cum_rows(counts: np.ndarray) -> np.ndarray:
    """Top-down cumulative shares of grade counts, one row per school (columns U … A* in;
    entry j out is the share with a grade at or above 6 − j)."""
    totals = np.maximum(counts.sum(axis=1, keepdims=True), 1)
    cum = np.cumsum(counts[:, ::-1], axis=1) / totals
    cum[:, -1] = 1.0
    return cum


def blend_weight(n: int, exempt_max: int, model_min: int) -> float:
    """Weight of the teachers' distribution for a class of ``n``: 1 at or below ``exempt_max``,
    0 above ``model_min``, linear in between (Ofqual's (15 − n) / (15 − 5))."""
    if n <= exempt_max:
        return 1.0
    if n > model_min:
        return 0.0
    return (model_min - n) / (model_min - exempt_max)


class GradeStandardisationSimulation(Simulation):
    """Schools with a history, a rank-ordered class, optimistic teachers and a small-class rule."""

    slug = "grade-standardisation"
    title = N_("Grade standardisation: grading students by their school's past")
    question = N_(
        "When teachers' grades are fitted to each school's past results and small classes are "
        "exempt, who is moved down, which schools gain top grades, and what happens to a "
        "student better than their school has ever been?"
    )
    version = "1"
    cases = ("ofqual-a-levels",)
    themes = ("loss-function", "biased-data", "acceptance-of-errors")
    explanation = N_("""
**The model.** Synthetic schools of two types. Each school has a level; each student an
ability around it, and an **exam-standard grade** (U to A*) from fixed national cut-offs: the
grade an exam would have given. Each school also has a **history**: the grades of its students
in the previous years. Teachers submit a grade for each student (the *teacher grade*) and a
rank order. Their judgement is a little noisy, and a share of their grades is one grade too high
(*teacher optimism*).

**Standardisation.** For each class the model walks down the teachers' rank order and hands
out grades in the proportions of the school's history, as Ofqual's published code does.
Small classes are exempt: at or below the lower threshold the teacher grades are kept; between
the thresholds the teachers' and the history's distributions are blended with a weight that
slides linearly from the first to the second; above the upper threshold the history alone
decides.

**What to try.**

- Keep the defaults: compare the gain in A/A* grades of the two school types, and the share
  of teacher grades lowered in small and in large classes.
- Set *teacher optimism* to 0 and both thresholds to 0: every class is graded by its history,
  and no gap between school types remains.
- Give both school types the same class size: the gap follows the classes, not the schools.
- Read the finding on students above their school's history: in a class graded by the model
  alone, none can receive a grade the history does not contain.

**Limits.** Ofqual's model also adjusted each school's history for the prior attainment (GCSE
results) of this year's and past students, counted candidates as a harmonic mean over years and
set national grade boundaries; none of this is here. There are two school types, not five, and
the ability gap, class sizes and optimism are teaching values. The run does not reproduce the
published 39.1% of teacher grades lowered or the gains by school type (+4.7 points at
independent schools, +2 at comprehensives): those depend on student-level grades and school
histories that were never published. Only the thresholds of the preset (5 and 15) are
Ofqual's own.
""")
    params = (
        Param(
            name="schools",
            type="int",
            default=800,
            min=50,
            max=5000,
            step=50,
            label=N_("Schools"),
            help=N_("Number of synthetic schools, each with one class in the subject."),
            unit=N_("schools"),
        ),
        Param(
            name="independent_share",
            type="float",
            default=30.0,
            min=0.0,
            max=100.0,
            step=5,
            label=N_("Independent schools"),
            help=N_("Share of the schools that are independent (private)."),
            unit="%",
        ),
        Param(
            name="independent_class",
            type="float",
            default=8.0,
            min=2.0,
            max=60.0,
            step=1,
            label=N_("Typical class, independent schools"),
            help=N_("Average number of students in the subject in an independent school."),
            unit=N_("students"),
        ),
        Param(
            name="state_class",
            type="float",
            default=24.0,
            min=2.0,
            max=60.0,
            step=1,
            label=N_("Typical class, state schools"),
            help=N_("Average number of students in the subject in a state school."),
            unit=N_("students"),
        ),
        Param(
            name="independent_advantage",
            type="float",
            default=0.5,
            min=-1.0,
            max=2.0,
            step=0.1,
            label=N_("Independent schools' advantage"),
            help=N_(
                "How far above state schools the average independent school's students are, in "
                "standard deviations of ability."
            ),
            unit=N_("SD"),
        ),
        Param(
            name="school_spread",
            type="float",
            default=0.4,
            min=0.0,
            max=1.5,
            step=0.1,
            label=N_("Spread between schools"),
            help=N_("How much schools of the same type differ, in standard deviations."),
            unit=N_("SD"),
        ),
        Param(
            name="optimism",
            type="float",
            default=35.0,
            min=0.0,
            max=100.0,
            step=5,
            label=N_("Teacher optimism"),
            help=N_("Share of teacher grades one grade above the teacher's own judgement."),
            unit="%",
        ),
        Param(
            name="teacher_noise",
            type="float",
            default=0.3,
            min=0.0,
            max=1.5,
            step=0.1,
            label=N_("Teachers' judgement noise"),
            help=N_(
                "How far the teachers' judgement of a student strays from the student's "
                "ability, in standard deviations; it also blurs the rank order."
            ),
            unit=N_("SD"),
        ),
        Param(
            name="exempt_max",
            type="int",
            default=5,
            min=0,
            max=60,
            step=1,
            label=N_("Classes keeping teacher grades: up to"),
            help=N_("Classes of this many students or fewer keep the teacher grades."),
            unit=N_("students"),
        ),
        Param(
            name="model_min",
            type="int",
            default=15,
            min=0,
            max=60,
            step=1,
            label=N_("Classes graded by the model alone: above"),
            help=N_(
                "Classes of more students than this get the history's grades; in between, a blend."
            ),
            unit=N_("students"),
        ),
        Param(
            name="history_years",
            type="int",
            default=3,
            min=1,
            max=5,
            step=1,
            label=N_("Years of history"),
            help=N_("Previous years of the school's results that set its grade distribution."),
            unit=N_("years"),
        ),
    )
    presets = (
        Preset(
            slug="ofqual-2020",
            title=N_("Ofqual 2020: teacher grades up to 5, model above 15"),
            description=N_(
                "Ofqual's thresholds: classes of 5 or fewer keep the teacher grades, 6 to 15 "
                "get a blend, larger classes the model. Class sizes, the ability gap and the "
                "teachers' optimism are teaching values."
            ),
            params={"exempt_max": 5, "model_min": 15, "history_years": 3},
            case="ofqual-a-levels",
            source=Msg(
                "{source}. Only the thresholds and the three years of history come from Ofqual; "
                "the other values are teaching values, and the run does not reproduce the "
                "published 39.1% or the gains by school type.",
                source=OFQUAL_SOURCE,
            ),
        ),
        Preset(
            slug="no-exemption",
            title=N_("No small-class exemption"),
            description=N_(
                "Every class graded by its school's history, however small: the same schools "
                "and teachers as the Ofqual 2020 preset."
            ),
            params={"exempt_max": 0, "model_min": 0, "history_years": 3},
            case="ofqual-a-levels",
            source=N_(
                "A counterfactual to Ofqual's rule (Ofqual's R code, GitHub, December 2020); "
                "teaching values."
            ),
        ),
        Preset(
            slug="teacher-grades",
            title=N_("Teacher grades for everyone"),
            description=N_(
                "No standardisation: every class keeps its teacher grades, as England decided "
                "on 17 August 2020 (teacher grade, or the calculated grade where higher)."
            ),
            params={"exempt_max": 60, "model_min": 60, "history_years": 3},
            case="ofqual-a-levels",
            source=N_(
                "Ofqual's statement of 17 August 2020 (reported in full by TES); teaching values."
            ),
        ),
    )

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """The model-only threshold cannot be below the teacher-grade threshold."""
        if p["model_min"] < p["exempt_max"]:
            return {
                "model_min": [
                    Msg(
                        "Classes graded by the model alone must start above the teacher-grade "
                        "threshold: {model_min} is below {exempt_max}. Set it to {exempt_max} or "
                        "more.",
                        model_min=Int(p["model_min"]),
                        exempt_max=Int(p["exempt_max"]),
                    )
                ]
            }
        return {}

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Draw schools and classes, standardise, and compare by school type and class size.

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
        n_schools = p["schools"]
        lo, hi = p["exempt_max"], p["model_min"]
        independent = rng.random(n_schools) < p["independent_share"] / 100
        level = np.where(independent, p["independent_advantage"], 0.0) + p[
            "school_spread"
        ] * rng.standard_normal(n_schools)
        mean_size = np.where(independent, p["independent_class"], p["state_class"])

        # History: each school's previous years, pooled into grade counts per school.
        past_sizes = np.maximum(1, rng.poisson(np.tile(mean_size, p["history_years"])))
        past_school = np.repeat(np.tile(np.arange(n_schools), p["history_years"]), past_sizes)
        past = _grade(level[past_school] + rng.standard_normal(len(past_school)))
        hist_counts = np.bincount(past_school * 7 + past, minlength=7 * n_schools).reshape(
            n_schools, 7
        )
        hist_cum = _cum_rows(hist_counts)
        hist_max = 6 - np.argmax(hist_counts[:, ::-1] > 0, axis=1)

        # This year: ability, the exam-standard grade, the teachers' judgement and grade.
        sizes = np.maximum(1, rng.poisson(mean_size))
        school = np.repeat(np.arange(n_schools), sizes)
        ability = level[school] + rng.standard_normal(len(school))
        exam = _grade(ability)
        judged = ability + p["teacher_noise"] * rng.standard_normal(len(school))
        cag = np.minimum(6, _grade(judged) + (rng.random(len(school)) < p["optimism"] / 100))

        # Standardisation: blend the teachers' and the history's distributions, then hand the
        # grades out down the rank order (teacher grade first, then the teachers' judgement).
        weight = np.array([blend_weight(int(n), lo, hi) for n in sizes])
        cag_cum = _cum_rows(np.bincount(school * 7 + cag, minlength=7 * n_schools).reshape(-1, 7))
        cum = weight[:, None] * cag_cum + (1 - weight[:, None]) * hist_cum
        cum[:, -1] = 1.0
        order = np.lexsort((-judged, -cag, school))
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        in_order = school[order]
        position = (np.arange(len(school)) - starts[in_order] + 0.5) / sizes[in_order]
        steps = (cum[in_order] < (position - 1e-12)[:, None]).sum(axis=1)
        final = np.empty(len(school), dtype=int)
        final[order] = 6 - np.minimum(steps, 6)

        band_of_school = np.where(sizes <= lo, 0, np.where(sizes > hi, 2, 1))
        final_cum = _cum_rows(
            np.bincount(school * 7 + final, minlength=7 * n_schools).reshape(-1, 7)
        )
        model_schools = band_of_school == 2
        history_errors = (
            sizes[model_schools] * np.max(np.abs(final_cum - hist_cum)[model_schools], axis=1)
        ).tolist()
        hist_top = {
            flag: [
                int(hist_counts[independent == flag, TOP:].sum()),
                int(hist_counts[independent == flag].sum()),
            ]
            for flag in (True, False)
        }
        r = {
            "indep": independent[school],
            "band": band_of_school[school],
            "cag": cag,
            "final": final,
            "exam": exam,
            "above": exam > hist_max[school],
        }
        return self._result(p, r, hist_top, history_errors)

    # -- reporting ------------------------------------------------------------------------
    def _result(self, p, r, hist_top, history_errors) -> Result:
        lo, hi = p["exempt_max"], p["model_min"]
        total = len(r["final"])
        lowered = r["final"] < r["cag"]
        raised = r["final"] > r["cag"]
        band_labels = (
            Msg("{lo} or fewer students", lo=Int(lo)),
            Msg("{a} to {b} students", a=Int(lo + 1), b=Int(hi)),
            Msg("More than {hi} students", hi=Int(hi)),
        )

        type_rows, gains = [], {}
        for flag, name in ((True, INDEPENDENT), (False, STATE)):
            mask = r["indep"] == flag
            k_hist, n_hist = hist_top[flag]
            n = int(mask.sum())
            if n == 0:
                continue
            top_final = int((r["final"][mask] >= TOP).sum())
            top_exam = int((r["exam"][mask] >= TOP).sum())
            gains[flag] = (top_final, n, k_hist, n_hist, top_exam)
            type_rows.append(
                {
                    "type": name,
                    "students": n,
                    "exempt": float(np.mean(r["band"][mask] < 2)),
                    "lowered": float(np.mean(lowered[mask])),
                    "top_history": k_hist / n_hist,
                    "top_final": top_final / n,
                    "gain_final": top_final / n - k_hist / n_hist,
                    "gain_exam": top_exam / n - k_hist / n_hist,
                }
            )
        band_rows = []
        for band, label in enumerate(band_labels):
            mask = r["band"] == band
            if not mask.any():
                continue
            band_rows.append(
                {
                    "band": label,
                    "students": int(mask.sum()),
                    "lowered": float(np.mean(lowered[mask])),
                    "raised": float(np.mean(raised[mask])),
                    "exact": float(np.mean(r["final"][mask] == r["exam"][mask])),
                }
            )
        model_mask = r["band"] == 2
        above = r["above"] & model_mask
        n_above = int(above.sum())
        given = int((above & (r["final"] >= r["exam"])).sum())

        metrics = [
            Metric(key="students", label=N_("Students"), value=total, unit=N_("people")),
            Metric(
                key="lowered",
                label=N_("Teacher grades lowered"),
                value=float(lowered.mean()),
                unit="share",
            ),
            Metric(
                key="raised",
                label=N_("Teacher grades raised"),
                value=float(raised.mean()),
                unit="share",
            ),
            Metric(
                key="exact_final",
                label=N_("Final grade equal to the exam-standard grade"),
                value=float(np.mean(r["final"] == r["exam"])),
                unit="share",
            ),
            Metric(
                key="exact_teacher",
                label=N_("Teacher grade equal to the exam-standard grade"),
                value=float(np.mean(r["cag"] == r["exam"])),
                unit="share",
            ),
            Metric(
                key="above_history",
                label=N_("Students in model-graded classes above their school's history"),
                value=n_above,
                unit=N_("people"),
            ),
        ]
        for row in type_rows:
            metrics.append(
                Metric(
                    key="gain_independent" if row["type"] == INDEPENDENT else "gain_state",
                    label=Msg("Change in A/A* share against history: {type}", type=row["type"]),
                    value=row["gain_final"],
                    unit="share",
                )
            )

        type_table = Table(
            key="by_type",
            title=N_("By type of school"),
            columns=[
                ("type", N_("School type")),
                ("students", N_("Students")),
                ("exempt", Msg("In classes of {hi} or fewer", hi=Int(hi))),
                ("lowered", N_("Teacher grades lowered")),
                ("top_history", N_("A/A* in the history")),
                ("top_final", N_("A/A* in the final grades")),
                ("gain_final", N_("Change, final grades")),
                ("gain_exam", N_("Change, exam-standard grades")),
            ],
            rows=type_rows,
        )
        band_table = Table(
            key="by_size",
            title=N_("By class size"),
            columns=[
                ("band", N_("Class size")),
                ("students", N_("Students")),
                ("lowered", N_("Teacher grades lowered")),
                ("raised", N_("Teacher grades raised")),
                ("exact", N_("Final grade equal to the exam-standard grade")),
            ],
            rows=band_rows,
        )
        gain_rows = [
            {"type": row["type"], "grades": which, "change": row[key]}
            for row in type_rows
            for which, key in ((FINAL, "gain_final"), (EXAM, "gain_exam"))
        ]
        gain_table = Table(
            key="gains_long",
            title=N_("Change in the share of A/A* grades against the school's history"),
            columns=[
                ("type", N_("School type")),
                ("grades", N_("Grades")),
                ("change", N_("Change in A/A* share")),
            ],
            rows=gain_rows,
        )
        charts = []
        if gain_rows:
            charts.append(
                Chart(
                    key="gains",
                    title=gain_table.title,
                    description=N_(
                        "For each type of school, the change in the share of A and A* grades "
                        "against the school's history, in the final grades and in the grades an "
                        "exam would have given."
                    ),
                    spec=bar_chart(
                        gain_table.title,
                        gain_rows,
                        x="type",
                        y="change",
                        x_title=N_("School type"),
                        y_title=N_("Change in A/A* share"),
                        color="grades",
                        color_title=N_("Grades"),
                        y_format="+.1%",
                    ),
                    table=gain_table.key,
                )
            )
        if band_rows:
            charts.append(
                Chart(
                    key="lowered_by_size",
                    title=N_("Teacher grades lowered, by class size"),
                    description=N_(
                        "The share of teacher grades the standardisation lowered, in classes "
                        "that keep the teacher grades, in blended classes and in classes graded "
                        "by the model alone."
                    ),
                    spec=bar_chart(
                        N_("Teacher grades lowered, by class size"),
                        band_rows,
                        x="band",
                        y="lowered",
                        x_title=N_("Class size"),
                        y_title=N_("Teacher grades lowered"),
                        y_format=".0%",
                    ),
                    table=band_table.key,
                )
            )

        checks = self._checks(r, lowered, raised, history_errors, lo)
        findings = self._findings(r, lowered, raised, gains, type_rows, n_above, given, p)
        return Result(
            metrics=metrics,
            tables=[type_table, band_table, gain_table],
            charts=charts,
            findings=findings,
            checks=checks,
        )

    @staticmethod
    def _checks(r, lowered, raised, history_errors, lo) -> list[Check]:
        checks = []
        exempt = r["band"] == 0
        if exempt.any():
            kept = float(np.mean(r["final"][exempt] == r["cag"][exempt]))
            checks.append(
                Check(
                    key="exempt_keep_teacher_grades",
                    label=Msg("Classes of {lo} or fewer keep their teacher grades", lo=Int(lo)),
                    passed=kept == 1.0,
                    expected=N_("100% of their students"),
                    observed=Msg(
                        "{share} of {n} students", share=Pct(kept, 1), n=Int(int(exempt.sum()))
                    ),
                    reference=N_(
                        "Ofqual's code: at or below the lower threshold the teachers' grade "
                        "distribution is used, and grades follow the teachers' rank order."
                    ),
                    kind="consistency",
                )
            )
        if history_errors:
            worst = max(history_errors)
            checks.append(
                Check(
                    key="model_reproduces_history",
                    label=N_(
                        "Classes graded by the model alone get their school's historical "
                        "distribution"
                    ),
                    passed=worst <= 0.5 + 1e-9,
                    expected=N_("Within half a student at every grade"),
                    observed=Msg(
                        "At most {worst} students off, over {n} classes",
                        worst=Num(worst, 2),
                        n=Int(len(history_errors)),
                    ),
                    reference=N_(
                        "Rounding: the student at rank r gets the first grade whose cumulative "
                        "share reaches (r − 0.5) / n, so each cumulative count is the history's "
                        "share times n, rounded."
                    ),
                    kind="consistency",
                )
            )
        return checks

    @staticmethod
    def _findings(r, lowered, raised, gains, type_rows, n_above, given, p) -> list[str]:
        """Four sentences from this run's numbers.

        A gap between school types is claimed only when the difference of their A/A* gains
        exceeds three standard errors (binomial, from the four shares involved).
        """
        lo, hi = p["exempt_max"], p["model_min"]
        findings: list[str] = [
            Msg(
                "The standardisation lowered {lowered} of the teacher grades and raised {raised}.",
                lowered=Pct(float(lowered.mean()), 1),
                raised=Pct(float(raised.mean()), 1),
            )
        ]
        model = r["band"] == 2
        small = r["band"] == 0
        if model.any() and small.any():
            findings.append(
                Msg(
                    "In classes of more than {hi} students, {model_low} of teacher grades were "
                    "lowered; in classes of {lo} or fewer, {small_low}.",
                    hi=Int(hi),
                    lo=Int(lo),
                    model_low=Pct(float(lowered[model].mean()), 1),
                    small_low=Pct(float(lowered[small].mean()), 1),
                )
            )
        if len(gains) < 2:
            findings.append(N_("Only one type of school in this run: no comparison between types."))
        else:
            ki, ni, khi, nhi, _ = gains[True]
            ks, ns, khs, nhs, _ = gains[False]
            gi, gs = ki / ni - khi / nhi, ks / ns - khs / nhs
            var = sum(
                q * (1 - q) / m
                for q, m in ((ki / ni, ni), (khi / nhi, nhi), (ks / ns, ns), (khs / nhs, nhs))
            )
            z = (gi - gs) / np.sqrt(var) if var > 0 else 0.0
            share_i = type_rows[0]["exempt"]
            share_s = type_rows[1]["exempt"]
            values = {
                "gi": counted_points(gi),
                "gs": counted_points(gs),
                "share_i": Pct(share_i),
                "share_s": Pct(share_s),
                "hi": Int(hi),
                "dir_i": N_("up") if gi >= 0 else N_("down"),
                "dir_s": N_("up") if gs >= 0 else N_("down"),
            }
            if abs(z) > _Z_CLAIM and gi > gs:
                findings.append(
                    Msg(
                        "Independent schools' share of A/A* went {dir_i} {gi} against their "
                        "history, state schools' {dir_s} {gs}: independent schools gained more. "
                        "{share_i} of their students were in classes of {hi} or fewer, against "
                        "{share_s} in state schools.",
                        **values,
                    )
                )
            elif abs(z) > _Z_CLAIM:
                findings.append(
                    Msg(
                        "State schools' share of A/A* went {dir_s} {gs} against their history, "
                        "independent schools' {dir_i} {gi}: state schools gained more. {share_s} "
                        "of their students were in classes of {hi} or fewer, against {share_i} in "
                        "independent schools.",
                        **values,
                    )
                )
            else:
                findings.append(
                    Msg(
                        "No gap between school types shows beyond chance: the share of A/A* went "
                        "{dir_i} {gi} at independent schools and {dir_s} {gs} at state schools, "
                        "against their history.",
                        **values,
                    )
                )
        years = plural("year", "years", p["history_years"])
        if n_above == 0:
            findings.append(
                Msg(
                    "No student in a class of more than {hi} had an exam-standard grade above "
                    "every grade in their school's history ({n} {years}).",
                    hi=Int(hi),
                    n=Int(p["history_years"]),
                    years=years,
                )
            )
        else:
            findings.append(
                plural(
                    "{k} student in classes of more than {hi} had an exam-standard grade above "
                    "every grade in their school's history ({n} {years}); the model gave it to {given} "
                    "of them.",
                    "{k} students in classes of more than {hi} had an exam-standard grade above "
                    "every grade in their school's history ({n} {years}); the model gave it to {given} "
                    "of them.",
                    n_above,
                    k=Int(n_above),
                    hi=Int(hi),
                    n=Int(p["history_years"]),
                    years=years,
                    given=Int(given),
                )
            )
        return findings


SIMULATION = GradeStandardisationSimulation()
