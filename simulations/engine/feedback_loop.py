"""Predictive-policing feedback loop: Ensign et al.'s (2018) urn model of two regions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table
from .charts import bar_chart, line_chart, unit_columns_chart, whole_marks
from .text import N_, Int, Msg, Num, Pct, plural

# A citation: never translated (a publication keeps its title and language).
ENSIGN = (
    'Ensign, Friedler, Neville, Scheidegger & Venkatasubramanian, "Runaway Feedback Loops in '
    'Predictive Policing", Conference on Fairness, Accountability and Transparency (FAT*) 2018, '
    "PMLR 81 (arXiv:1706.09847)"
)
_CHUNK = 1_000  # days of random numbers drawn at once: bounds memory at any size
_SHOWN_CITIES = 5  # single cities drawn on the chart beside the mean
_ROUNDS = 10  # the unit chart's rounds: the days cut into this many equal spans
_MARKS_PER_ROUND = 20  # marks in a round's column pair (one per patrol when fewer days)
REGION_A, REGION_B = "#D55E00", "#0072B2"  # Okabe–Ito vermillion and blue (colour-blind safe)


def _mean_field_share(rate_a: float, rate_b: float, report: float, correction: bool) -> float:
    """Interior fixed point of the expected urn update, or NaN when there is none.

    Parameters
    ----------
    rate_a, rate_b : float
        Daily incident probability in each region.
    report : float
        Probability that an incident where police are *not* present is reported anyway.
    correction : bool
        Whether discovered incidents are thinned as in the authors' correction.

    Returns
    -------
    float
        The share ``s`` of recorded incidents in A at which the expected updates of A and B are
        in proportion ``s : 1 - s``. NaN when ``report == 0`` and there is no correction: then
        the urn has no interior attractor (runaway, or a random limit at equal rates).
    """
    if report == 0 and not correction:
        return math.nan

    def gap(s: float) -> float:
        keep_a, keep_b = (1.0, 1.0)
        if correction:
            top = max(1 - s, s)
            keep_a, keep_b = (1 - s) / top, s / top
        up_a = rate_a * (s * keep_a + (1 - s) * report)
        up_b = rate_b * ((1 - s) * keep_b + s * report)
        return up_a * (1 - s) - up_b * s

    lo, hi = 1e-9, 1 - 1e-9
    for _ in range(100):
        mid = (lo + hi) / 2
        if gap(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _mean_field_path(p: dict[str, Any]) -> float:
    """Where the expected (noise-free) update of the record has taken region A's share by the
    last day, under proportional allocation.

    Each day adds to each region its expected records given today's share; the share after
    ``days`` such steps says how far the model *can* have moved from the historical record in
    the time simulated. The checks use it to tell a run that disagrees with Ensign et al.'s
    prediction from a run that is simply too short (or starts from too large a record) for the
    prediction to show yet.

    Parameters
    ----------
    p : dict
        Validated parameters.

    Returns
    -------
    float
        Region A's expected share of records after ``p["days"]`` days.
    """
    rate_a, rate_b, report = p["rate_a"], p["rate_b"], p["report_rate"]
    rec_a, rec_b = float(p["initial_a"]), float(p["initial_b"])
    for _ in range(p["days"]):
        s = rec_a / (rec_a + rec_b)
        keep_a = keep_b = 1.0
        if p["correction"]:
            top = max(1 - s, s)
            keep_a, keep_b = (1 - s) / top, s / top
        rec_a += rate_a * (s * keep_a + (1 - s) * report)
        rec_b += rate_b * ((1 - s) * keep_b + s * report)
    return rec_a / (rec_a + rec_b)


def _run_urns(
    p: dict[str, Any], rng: np.random.Generator, checkpoints: np.ndarray
) -> dict[str, np.ndarray]:
    """Run every simulated city day by day, vectorised across cities.

    Parameters
    ----------
    p : dict
        Validated parameters.
    rng : numpy.random.Generator
        The run's only source of randomness.
    checkpoints : numpy.ndarray
        Days (1-based, increasing) after which the urn share of A is recorded.

    Returns
    -------
    dict of numpy.ndarray
        ``share`` (checkpoints × cities) urn share of A after each checkpoint day;
        ``patrols_a_last`` share of the last 10% of days each city patrolled A;
        ``tied_late`` whether each city's record was still tied when the last 10% began;
        ``discovered`` and ``reported`` (2 × cities) incidents recorded each way;
        ``round_edges`` (rounds + 1) the first day (0-based) of each round and the end;
        ``round_patrols_a`` and ``round_days`` (rounds) the first city's patrols in A, and the
        days (one patrol each), of each round.
    """
    days, cities = p["days"], p["cities"]
    report = p["report_rate"]
    hotspot = p["allocation"] == "hotspot"
    corrected = p["correction"]
    c_a = np.full(cities, float(p["initial_a"]))
    c_b = np.full(cities, float(p["initial_b"]))
    discovered = np.zeros((2, cities))
    reported = np.zeros((2, cities))
    last_start = days - max(days // 10, 1)
    patrols_a_last = np.zeros(cities)
    tied_late = np.zeros(cities, dtype=bool)
    share_at = np.empty((len(checkpoints), cities))
    cp_index = {int(day): i for i, day in enumerate(checkpoints)}
    round_edges = np.array([days * r // _ROUNDS for r in range(_ROUNDS + 1)])
    round_patrols_a = np.zeros(_ROUNDS, dtype=np.int64)
    round_days = np.zeros(_ROUNDS, dtype=np.int64)
    for start in range(0, days, _CHUNK):
        m = min(_CHUNK, days - start)
        u = rng.random((5, m, cities))
        # Everything that does not depend on the record is drawn for the whole chunk at once;
        # the day loop only does what must be sequential.
        inc_a = u[1] < p["rate_a"]
        inc_b = u[2] < p["rate_b"]
        rep_a = inc_a & (u[4] < report)
        rep_b = inc_b & (u[4] < report)
        go = np.empty((m, cities), dtype=bool)
        keep_a = np.ones((m, cities), dtype=bool)
        keep_b = np.ones((m, cities), dtype=bool)
        for t in range(m):
            share = c_a / (c_a + c_b)
            if hotspot:
                g = (share > 0.5) | ((share == 0.5) & (u[0, t] < 0.5))
            else:
                g = u[0, t] < share
            go[t] = g
            if corrected:
                # The authors' "linear surprise": keep a discovery with probability
                # (1 - visit share of its region), normalised so the larger one is 1.
                top = np.maximum(1 - share, share)
                keep_a[t] = u[3, t] * top < 1 - share
                keep_b[t] = u[3, t] * top < share
                c_a += np.where(g, inc_a[t] & keep_a[t], rep_a[t])
                c_b += np.where(g, rep_b[t], inc_b[t] & keep_b[t])
            else:
                c_a += np.where(g, inc_a[t], rep_a[t])
                c_b += np.where(g, rep_b[t], inc_b[t])
            day = start + t + 1
            if day == last_start:
                tied_late = c_a == c_b
            if day in cp_index:
                share_at[cp_index[day]] = c_a / (c_a + c_b)
        discovered[0] += (go & inc_a & keep_a).sum(axis=0)
        discovered[1] += (~go & inc_b & keep_b).sum(axis=0)
        reported[0] += (~go & rep_a).sum(axis=0)
        reported[1] += (go & rep_b).sum(axis=0)
        # The first city's patrols, round by round (the unit chart): counted, not drawn.
        rounds = np.searchsorted(round_edges, np.arange(start, start + m), side="right") - 1
        round_patrols_a += np.bincount(rounds, weights=go[:, 0], minlength=_ROUNDS).astype(np.int64)
        round_days += np.bincount(rounds, minlength=_ROUNDS)
        late_from = max(last_start - start, 0)
        if late_from < m:
            patrols_a_last += go[late_from:].sum(axis=0)
    return {
        "share": share_at,
        "patrols_a_last": patrols_a_last / (days - last_start),
        "tied_late": tied_late,
        "discovered": discovered,
        "reported": reported,
        "round_edges": round_edges,
        "round_patrols_a": round_patrols_a,
        "round_days": round_days,
    }


class FeedbackLoopSimulation(Simulation):
    """Patrols follow recorded incidents; incidents are recorded where patrols go."""

    slug = "feedback-loop"
    title = N_("Runaway feedback loop in predictive policing")
    question = N_(
        "If patrols go where incidents were recorded, and incidents are mostly recorded where "
        "patrols go, where do the patrols end up?"
    )
    version = "3"
    cases = ("predpol",)
    themes = ("feedback-loops", "biased-data")
    explanation = N_("""
**The model.** This is the urn model of Ensign et al. (2018), *Runaway Feedback Loops in
Predictive Policing*. A city has two regions, A and B. Each day one patrol is sent out.
With *proportional* allocation it goes to A with probability equal to A's share of all
incidents recorded so far (PredPol-style software ranks places by past records); with
*hot-spot* allocation it goes to whichever region has more records. Each day an incident
happens in region A with probability *rate A* and in B with probability *rate B*. Police
**discover** an incident only where they are. Optionally, residents **report** a share of the
incidents where police are not. Every recorded incident feeds tomorrow's allocation. The
simulation runs several independent cities with the same settings, so you can see how much
luck matters.

**What to try.**

- Keep the defaults (rates 0.3 and 0.2) and watch region A's share climb far above its true
  share of 60%: the runaway.
- Set both rates to 0.3. Each city settles at a different share; the spread, not 50%, is
  the point: early luck decides.
- Turn on *Ensign et al.'s correction* and watch the mean return to the true share.
- Raise *reported incidents* from 0 towards 1: the distortion shrinks but, below 1, does not
  disappear.
- Start from a biased record (say 30 incidents in A, 10 in B) with equal rates.

**What to look for.** The gap between the patrol share and the true share of incidents; the
spread across cities; the reference checks, which compare this run with what the paper's
analysis predicts. The paper's predictions are about the long run: when the run is too short,
or the historical record too large, for them to show beyond the luck of the draw, the page
says "not converged yet" and makes no check.

**Limits.** Two regions, one patrol a day, incidents as coin flips: a teaching model, not a
model of a city. Google's ml-fairness-gym, which implements this family of models, warns in
its documentation that it is *not* a good model of real predictive policing (it cites
Richardson et al., "Dirty Data, Bad Predictions"). Real systems also learn from arrests,
which depend on who is stopped, not only on where incidents happen. Convergence is slow:
single cities can take far longer than the days simulated here, which is why the checks use
the mean over cities.
""")
    params = (
        Param(
            name="rate_a",
            type="float",
            default=0.3,
            min=0.01,
            max=1.0,
            step=0.01,
            label=N_("Incident rate in region A"),
            help=N_("Probability that an incident happens in region A on a given day."),
            unit="per day",
        ),
        Param(
            name="rate_b",
            type="float",
            default=0.2,
            min=0.01,
            max=1.0,
            step=0.01,
            label=N_("Incident rate in region B"),
            help=N_("Probability that an incident happens in region B on a given day."),
            unit="per day",
        ),
        Param(
            name="initial_a",
            type="int",
            default=1,
            min=1,
            max=1000,
            label=N_("Historical records in A"),
            help=N_("Incidents already on record in region A before the first day."),
            unit="incidents",
        ),
        Param(
            name="initial_b",
            type="int",
            default=1,
            min=1,
            max=1000,
            label=N_("Historical records in B"),
            help=N_("Incidents already on record in region B before the first day."),
            unit="incidents",
        ),
        Param(
            name="days",
            type="int",
            default=5_000,
            min=100,
            max=20_000,
            step=100,
            label=N_("Days"),
            help=N_("How many days (one patrol each) to simulate."),
            unit="days",
        ),
        Param(
            name="cities",
            type="int",
            default=20,
            min=5,
            max=100,
            label=N_("Simulated cities"),
            help=N_("Independent cities run with the same settings, to show the role of luck."),
            unit="cities",
        ),
        Param(
            name="allocation",
            type="choice",
            default="proportional",
            choices=(
                ("proportional", N_("Proportional to records (Ensign et al.'s urn)")),
                ("hotspot", N_("Hot spot: all patrols to the region with more records")),
            ),
            label=N_("Patrol allocation"),
            help=N_("How the day's patrol is chosen from the recorded incidents."),
        ),
        Param(
            name="report_rate",
            type="float",
            default=0.0,
            min=0.0,
            max=1.0,
            step=0.05,
            label=N_("Reported incidents"),
            help=N_(
                "Share of incidents where police are absent that residents report anyway "
                "(911-style calls)."
            ),
        ),
        Param(
            name="correction",
            type="bool",
            default=False,
            label=N_("Ensign et al.'s correction"),
            help=N_(
                "Count each discovered incident with a probability that offsets how likely "
                "its region was to be patrolled."
            ),
        ),
    )
    presets = (
        Preset(
            slug="ensign-unequal-rates",
            title=N_("Unequal rates, discovered incidents only (runaway)"),
            description=N_(
                "Region A has rate 0.3, region B 0.2 (true share 60%); records start "
                "1:1; 20,000 days and 20 cities. The rates are "
                "teaching values, not measured crime rates."
            ),
            params={"rate_a": 0.3, "rate_b": 0.2, "days": 20_000, "cities": 20},
            case="predpol",
            source=Msg(
                "The model: {ensign}. The rates, the starting record and the run length are "
                "teaching values, not measured crime rates.",
                ensign=ENSIGN,
            ),
        ),
        Preset(
            slug="ensign-equal-rates",
            title=N_("Equal rates: random lock-in"),
            description=N_(
                "Both regions have rate 0.5, records start 1:1. Ensign et al. predict "
                "a random limit, not 50%. Rates are teaching values."
            ),
            params={"rate_a": 0.5, "rate_b": 0.5, "days": 20_000, "cities": 20},
            case="predpol",
            source=Msg(
                "The model and its prediction of a random limit at equal rates: {ensign}. "
                "The rates are teaching values.",
                ensign=ENSIGN,
            ),
        ),
        Preset(
            slug="ensign-correction",
            title=N_("Unequal rates with Ensign et al.'s correction"),
            description=N_(
                "Rates 0.3/0.2 with the authors' correction: the share should return "
                "to the true 60%. Rates are teaching values."
            ),
            params={
                "rate_a": 0.3,
                "rate_b": 0.2,
                "days": 20_000,
                "cities": 20,
                "correction": True,
            },
            case="predpol",
            source=Msg(
                "The correction (each discovered incident kept with a probability that "
                "offsets how likely its region was to be patrolled) as proposed by {ensign}. "
                "The rates are teaching values.",
                ensign=ENSIGN,
            ),
        ),
        Preset(
            slug="reported-incidents",
            title=N_("Reported incidents mixed in"),
            description=N_(
                "Rates 0.3/0.2; half of the incidents where police are absent are "
                "reported. Ensign et al.: reported incidents attenuate the runaway but do not "
                "remove it. The 50% reporting share is a teaching value."
            ),
            params={"rate_a": 0.3, "rate_b": 0.2, "report_rate": 0.5},
            case="predpol",
            source=Msg(
                "Qualitative prediction from the abstract of {ensign}: reported incidents "
                "attenuate the runaway but cannot entirely remove it. All numbers are teaching "
                "values.",
                ensign=ENSIGN,
            ),
        ),
        Preset(
            slug="biased-record",
            title=N_("Equal rates, biased historical record"),
            description=N_(
                "Both regions have rate 0.3, but the record starts with 30 incidents "
                "in A and 10 in B (teaching values), as when one area was policed more in the "
                "past. Lum & Isaac (2016) found Oakland drug arrests concentrated in a few "
                "neighbourhoods although estimated drug use was spread across the city."
            ),
            params={"rate_a": 0.3, "rate_b": 0.3, "initial_a": 30, "initial_b": 10},
            case="predpol",
            source=Msg(
                "{citation}: arrests follow policing, not use. The counts 30 and 10 are "
                "teaching values, not from the paper.",
                citation="Lum & Isaac, 'To predict and serve?', Significance 13(5), 2016",
            ),
        ),
    )

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Run the cities and compare the patrol share with the true share of incidents.

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
        days, cities = p["days"], p["cities"]
        rate_a, rate_b = p["rate_a"], p["rate_b"]
        true_share = rate_a / (rate_a + rate_b)
        start_share = p["initial_a"] / (p["initial_a"] + p["initial_b"])
        checkpoints = np.unique(np.linspace(1, days, 101).round().astype(int))
        out = _run_urns(p, rng, checkpoints)
        final = out["share"][-1]
        mean_final = float(final.mean())
        recorded = out["discovered"] + out["reported"]
        reported_frac = float(out["reported"].sum() / max(recorded.sum(), 1))
        locked = float(np.mean((out["patrols_a_last"] >= 0.9) | (out["patrols_a_last"] <= 0.1)))

        metrics = [
            Metric(
                key="true_share_a",
                label=N_("Region A's true share of incidents"),
                value=true_share,
                unit="share",
                help=N_("rate A ÷ (rate A + rate B)"),
            ),
            Metric(
                key="start_share_a",
                label=N_("Region A's share of the historical record"),
                value=start_share,
                unit="share",
            ),
            Metric(
                key="mean_final_share_a",
                label=N_("Region A's share of records on the last day (mean over cities)"),
                value=mean_final,
                unit="share",
                help=N_("Tomorrow's chance of a patrol in A under proportional allocation."),
            ),
            Metric(
                key="min_final_share_a",
                label=N_("Lowest city"),
                value=float(final.min()),
                unit="share",
            ),
            Metric(
                key="max_final_share_a",
                label=N_("Highest city"),
                value=float(final.max()),
                unit="share",
            ),
            Metric(
                key="sd_final_share_a",
                label=N_("Spread across cities (standard deviation)"),
                value=float(final.std(ddof=1)),
                unit="share",
            ),
            Metric(
                key="patrol_share_a_last",
                label=N_("Patrols sent to A in the last 10% of days (mean over cities)"),
                value=float(out["patrols_a_last"].mean()),
                unit="share",
            ),
            Metric(
                key="cities_locked",
                label=N_("Cities sending at least 90% of late patrols to one region"),
                value=locked,
                unit="share of cities",
            ),
            Metric(
                key="reported_fraction",
                label=N_("Records that came from residents' reports"),
                value=reported_frac,
                unit="share",
            ),
        ]

        # Chart 1: share over time, a few single cities, the mean and the truth.
        rows: list[dict[str, Any]] = []
        shown = min(_SHOWN_CITIES, cities)
        for i, day in enumerate(checkpoints):
            for c in range(shown):
                rows.append(
                    {
                        "day": int(day),
                        "series": Msg("City {n}", n=Int(c + 1)),
                        "share_a": float(out["share"][i, c]),
                    }
                )
            rows.append(
                {
                    "day": int(day),
                    "series": Msg("Mean of {n} cities", n=Int(cities)),
                    "share_a": float(out["share"][i].mean()),
                }
            )
            rows.append({"day": int(day), "series": N_("True share"), "share_a": true_share})
        over_time = Table(
            key="share_over_time",
            title=N_("Region A's share of recorded incidents over time"),
            columns=[
                ("day", N_("Day")),
                ("series", N_("Series")),
                ("share_a", N_("Share of records in A")),
            ],
            rows=rows,
        )
        # Chart 2: where the cities ended.
        edges = np.linspace(0, 1, 11)
        hist, _ = np.histogram(final, bins=edges)
        hist_rows = [
            {"bin": Msg("{low}–{high}", low=Int(round(100 * lo)), high=Pct(hi)), "cities": int(k)}
            for lo, hi, k in zip(edges[:-1], edges[1:], hist, strict=True)
        ]
        ending = Table(
            key="final_shares",
            title=N_("Cities by region A's final share of records"),
            columns=[("bin", N_("Region A's final share")), ("cities", N_("Cities"))],
            rows=hist_rows,
        )
        patrols, patrol_chart = self._patrols_by_round(out, true_share)
        charts = [
            patrol_chart,
            Chart(
                key="share_over_time",
                title=over_time.title,
                description=Msg(
                    "Region A's share of records moves from {start} to a mean of {mean} over "
                    "{days} days, against a true share of {true}.",
                    start=Pct(start_share),
                    mean=Pct(mean_final),
                    days=Int(days),
                    true=Pct(true_share),
                ),
                spec=line_chart(
                    over_time.title,
                    rows,
                    x="day",
                    y="share_a",
                    x_title=N_("Day"),
                    y_title=N_("Share of recorded incidents in region A"),
                    color="series",
                    color_title=N_("Series"),
                    y_format="%",
                    y_domain=[0, 1],
                ),
                table=over_time.key,
            ),
            Chart(
                key="final_shares",
                title=ending.title,
                description=Msg(
                    "The {cities} cities ended with region A's share between {low} and {high}.",
                    cities=Int(cities),
                    low=Pct(final.min()),
                    high=Pct(final.max()),
                ),
                spec=bar_chart(
                    ending.title,
                    hist_rows,
                    x="bin",
                    y="cities",
                    x_title=N_("Region A's share of records on the last day"),
                    y_title=N_("Number of cities"),
                    sort=[r["bin"] for r in hist_rows],
                ),
                table=ending.key,
            ),
        ]
        city_table = Table(
            key="cities",
            title=N_("Each city at the end"),
            columns=[
                ("city", N_("City")),
                ("final_share_a", N_("Share of records in A")),
                ("late_patrols_a", N_("Late patrols in A")),
                ("discovered_a", N_("Discovered in A")),
                ("discovered_b", N_("Discovered in B")),
                ("reported_a", N_("Reported in A")),
                ("reported_b", N_("Reported in B")),
            ],
            rows=[
                {
                    "city": c + 1,
                    "final_share_a": float(final[c]),
                    "late_patrols_a": float(out["patrols_a_last"][c]),
                    "discovered_a": int(out["discovered"][0, c]),
                    "discovered_b": int(out["discovered"][1, c]),
                    "reported_a": int(out["reported"][0, c]),
                    "reported_b": int(out["reported"][1, c]),
                }
                for c in range(cities)
            ],
        )

        checks, not_checked = self._checks(p, final, out, true_share, start_share)
        findings = self._findings(p, final, out, true_share, start_share, reported_frac)
        if not_checked:
            findings = [*findings[:4], not_checked]
        return Result(
            metrics=metrics,
            tables=[patrols, over_time, ending, city_table],
            charts=charts,
            findings=findings,
            checks=checks,
        )

    @staticmethod
    def _patrols_by_round(out: dict[str, np.ndarray], true_share: float) -> tuple[Table, Chart]:
        """The first city's patrols as they accumulate: a unit chart, round by round.

        Each round (a tenth of the days) is a pair of columns, one mark per patrol in region A
        (triangles) and in B (circles); with more than ``_MARKS_PER_ROUND`` days in a round a
        mark stands for several patrols, each round's pair rounded to whole marks (largest
        remainder) so that every round has the same number of marks.
        """
        edges, days_in = out["round_edges"], out["round_days"]
        patrols_a = out["round_patrols_a"]
        rows, columns = [], []
        for r in range(len(days_in)):
            a, total = int(patrols_a[r]), int(days_in[r])
            capacity = min(_MARKS_PER_ROUND, total)
            marks = whole_marks([a, total - a], capacity)
            columns.append((r + 1, marks))
            rows.append(
                {
                    "round": r + 1,
                    "days": Msg(
                        "{first}–{last}", first=Int(int(edges[r]) + 1), last=Int(int(edges[r + 1]))
                    ),
                    "patrols_a": a,
                    "patrols_b": total - a,
                    "marks_a": marks[0],
                    "marks_b": marks[1],
                }
            )
        table = Table(
            key="patrols_by_round",
            title=N_("City 1's patrols in each region, round by round"),
            columns=[
                ("round", N_("Round")),
                ("days", N_("Days")),
                ("patrols_a", N_("Patrols in A")),
                ("patrols_b", N_("Patrols in B")),
                ("marks_a", N_("Marks for A")),
                ("marks_b", N_("Marks for B")),
            ],
            rows=rows,
        )
        capacity = max((a + b for _, (a, b) in columns), default=1)
        per_mark = float(days_in.max()) / capacity
        first, last = rows[0], rows[-1]
        if per_mark <= 1:
            scale = N_("Each mark is one patrol.")
        else:
            scale = Msg(
                "Each mark stands for about {n} patrols, each round rounded to whole marks.",
                n=Num(per_mark, 0 if per_mark == round(per_mark) else 1),
            )
        description = Msg(
            "City 1 sends one patrol a day; the days are cut into {rounds} rounds, and each "
            "round has a column of triangles for the patrols sent to region A and a column of "
            "circles for region B. {scale} In the first round {first_a} of {first_n} patrols "
            "went to A, in the last round {last_a} of {last_n}; A's true share of incidents "
            "is {true}.",
            rounds=Int(len(rows)),
            scale=scale,
            first_a=Int(first["patrols_a"]),
            first_n=Int(first["patrols_a"] + first["patrols_b"]),
            last_a=Int(last["patrols_a"]),
            last_n=Int(last["patrols_a"] + last["patrols_b"]),
            true=Pct(true_share),
        )
        groups = [N_("Patrols in region A"), N_("Patrols in region B")]
        chart = Chart(
            key="patrols_by_round",
            title=table.title,
            description=description,
            spec=unit_columns_chart(
                table.title,
                columns,
                groups=groups,
                colors=[REGION_A, REGION_B],
                shapes=["triangle-up", "circle"],
                x_title=N_("Round (a tenth of the days)"),
                y_title=N_("Patrols (marks)"),
                capacity=capacity,
            ),
            table=table.key,
        )
        return table, chart

    def _checks(
        self,
        p: dict[str, Any],
        final: np.ndarray,
        out: dict[str, np.ndarray],
        true_share: float,
        start_share: float,
    ) -> tuple[list[Check], Msg | str]:
        """What Ensign et al.'s analysis predicts for these settings, against this run.

        A prediction about the long run is checked only when the run is long enough for it to
        show: when the noise-free update (:func:`_mean_field_path`) has moved clearly further
        than the luck of the draw across cities. Otherwise no check is made and the second
        value is a sentence saying so.

        Returns
        -------
        tuple of (list of Check, Msg or str)
            The checks, and "" or a sentence saying why a prediction was not checked.
        """
        rate_a, rate_b = p["rate_a"], p["rate_b"]
        report, corrected = p["report_rate"], p["correction"]
        late_a = out["patrols_a_last"]
        n = len(final)
        mean_final = float(final.mean())
        se = float(final.std(ddof=1)) / math.sqrt(n)
        if p["allocation"] == "hotspot":
            if report > 0:
                return [], ""
            judged = ~out["tied_late"]
            if not judged.any():
                return [], Msg(
                    "Not converged yet, no check: after {days} days every city's record was "
                    "still tied when the last tenth of the days began, so no region leads yet.",
                    days=Int(p["days"]),
                )
            one_region = (late_a == 0) | (late_a == 1)
            return [
                Check(
                    key="hotspot_winner_takes_all",
                    label=N_("Hot spot without reports: the leading region keeps every patrol"),
                    passed=bool(np.all(one_region[judged])),
                    expected=N_(
                        "Once a region leads, the other is never patrolled and never gains "
                        "a record, so a city whose record was not tied when the last tenth of the "
                        "days began patrols only one region from then on."
                    ),
                    observed=Msg(
                        "{k} of {n} such cities patrol only one region in the last 10% of days.",
                        k=Int(int(np.sum(one_region & judged))),
                        n=Int(int(judged.sum())),
                    ),
                    reference=N_("The hot-spot rule itself, applied to the records of this run."),
                    kind="consistency",
                )
            ], ""
        if report == 0 and not corrected:
            if rate_a == rate_b:
                a, b = p["initial_a"], p["initial_b"]
                added = rate_a * p["days"]  # expected records added per city
                if added < a + b:
                    return [], Msg(
                        "Not converged yet, no check: each city added only about {added} "
                        "records to a starting record of {start}, so the shares cannot have "
                        "spread out yet. Run more days or start from a smaller record.",
                        added=Int(round(added)),
                        start=Int(a + b),
                    )
                sd_limit = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
                sd_now = sd_limit * math.sqrt(added / (a + b + added))
                sd = float(final.std(ddof=1))
                return [
                    Check(
                        key="equal_rates_random_limit",
                        label=N_("Equal rates: each city drifts to its own share, not to 50%"),
                        passed=0.5 * sd_now <= sd <= 2 * sd_now,
                        # a and b stay as written: they are the parameters of Beta(a, b).
                        expected=Msg(
                            "A Pólya urn: after about {added} records added to a starting "
                            "record of {a} and {b}, final shares spread with a standard "
                            "deviation of {sd_now} (the limit is Beta({a}, {b}), {sd_limit}) "
                            "around a mean of {mean}; passes between half and twice that spread.",
                            added=Int(round(added)),
                            a=str(a),
                            b=str(b),
                            sd_now=Num(sd_now, 3),
                            sd_limit=Num(sd_limit, 3),
                            mean=Num(start_share, 2),
                        ),
                        observed=Msg(
                            "Standard deviation {sd}, mean {mean}, range {low}–{high} over {n} "
                            "cities.",
                            sd=Num(sd, 3),
                            mean=Num(mean_final, 2),
                            low=Num(final.min(), 2),
                            high=Num(final.max(), 2),
                            n=Int(n),
                        ),
                        reference=Msg(
                            "{ensign}; the spread of a Pólya urn is a closed form.", ensign=ENSIGN
                        ),
                    )
                ], ""
            high_is_a = rate_a > rate_b
            high_final = final if high_is_a else 1 - final
            high_true = true_share if high_is_a else 1 - true_share
            drift = _mean_field_path(p)
            high_drift = drift if high_is_a else 1 - drift
            name = "A" if high_is_a else "B"
            if high_drift - high_true < 3 * se + 0.01:
                return [], Msg(
                    "Not converged yet, no check: in {days} days the noise-free update only "
                    "takes region {name}'s share of records to {drift} (true share {true}), too "
                    "little to tell the runaway Ensign et al. predict from the luck of the draw "
                    "across cities. Run more days.",
                    days=Int(p["days"]),
                    drift=Pct(high_drift),
                    name=name,
                    true=Pct(high_true),
                )
            return [
                Check(
                    key="runaway_to_higher_rate",
                    label=N_("Discovered incidents only: runaway towards the higher-rate region"),
                    passed=float(high_final.mean()) > high_true,
                    expected=Msg(
                        "Region {name}'s share tends to 1, above its true share {true} (the "
                        "noise-free update reaches {drift} in {days} days).",
                        name=name,
                        true=Num(high_true, 2),
                        drift=Num(high_drift, 2),
                        days=Int(p["days"]),
                    ),
                    observed=Msg(
                        "Mean final share of region {name}: {mean}; {k} of {n} cities above 0.9.",
                        name=name,
                        mean=Num(float(high_final.mean()), 3),
                        k=Int(int(np.sum(high_final > 0.9))),
                        n=Int(n),
                    ),
                    reference=Msg("{ensign}.", ensign=ENSIGN),
                )
            ], ""
        target = _mean_field_share(rate_a, rate_b, report, corrected)
        drift = _mean_field_path(p)
        if abs(drift - target) > 0.02:
            return [], Msg(
                "Not converged yet, no check: in {days} days the noise-free update only takes "
                "region A's share of records to {drift}, not yet to the {target} where it "
                "settles. Run more days or start from a smaller record.",
                days=Int(p["days"]),
                drift=Pct(drift),
                target=Pct(target),
            )
        tol = max(0.05, 4 * se)
        if corrected and report == 0:
            label = N_("With the correction, the share converges to the true share λA/(λA+λB)")
            expected = Msg("{share} (±{tol})", share=Num(true_share, 3), tol=Num(tol, 2))
        else:
            if corrected:
                label = N_("Reports and the correction: the share converges to the balance point")
            elif abs(target - true_share) > 1e-6:
                label = N_("Reported incidents: the runaway is attenuated, not removed")
            else:
                label = N_("Every incident reported: the runaway is removed")
            expected = Msg(
                "The point where the expected updates balance, {target} (±{tol}), against a "
                "true share of {true}.",
                target=Num(target, 3),
                tol=Num(tol, 2),
                true=Num(true_share, 3),
            )
        return [
            Check(
                key="mean_field_share",
                label=label,
                passed=abs(mean_final - target) <= tol,
                expected=expected,
                observed=Msg(
                    "Mean final share of A over {n} cities: {mean}.",
                    n=Int(n),
                    mean=Num(mean_final, 3),
                ),
                reference=Msg("{ensign}.", ensign=ENSIGN),
            )
        ], ""

    def _findings(
        self,
        p: dict[str, Any],
        final: np.ndarray,
        out: dict[str, np.ndarray],
        true_share: float,
        start_share: float,
        reported_frac: float,
    ) -> list[Msg]:
        """Two to five sentences built from this run's numbers.

        A patrol share is called close to the true share only within two points; a larger
        difference within three standard errors across cities is called the luck of the draw;
        "cities locked onto A and onto B cancel out" only when cities really ended at both
        extremes.
        """
        cities = len(final)
        mean_final = float(final.mean())
        late_each = out["patrols_a_last"]
        late = float(late_each.mean())
        close_tol = 3 * float(late_each.std(ddof=1)) / math.sqrt(cities)
        findings: list[Msg] = []
        locked_a = int(np.sum(final >= 0.9))
        locked_b = int(np.sum(final <= 0.1))
        v = {"late": Pct(late), "true": Pct(true_share), "cities": Int(cities)}
        if abs(late - true_share) <= 0.02 and locked_a and locked_b:
            findings.append(
                Msg(
                    "On average region A received {late} of patrols in the last tenth of the "
                    "days, near its true share of {true}, but only because cities locked onto A "
                    "and cities locked onto B cancel out.",
                    **v,
                )
            )
        elif abs(late - true_share) <= 0.02:
            findings.append(
                Msg(
                    "In the last tenth of the days region A received {late} of patrols on "
                    "average, close to its true share of incidents ({true}).",
                    **v,
                )
            )
        elif abs(late - true_share) <= close_tol:
            findings.append(
                Msg(
                    "In the last tenth of the days region A received {late} of patrols on "
                    "average against a true share of {true}; over {cities} cities the "
                    "difference is within the luck of the draw.",
                    **v,
                )
            )
        elif p["rate_a"] == p["rate_b"]:
            findings.append(
                Msg(
                    "In the last tenth of the days region A received {late} of patrols on "
                    "average, although both regions have the same incident rate.",
                    **v,
                )
            )
        elif late > true_share:
            findings.append(
                Msg(
                    "In the last tenth of the days region A received {late} of patrols on "
                    "average, more than its true share of incidents ({true}).",
                    **v,
                )
            )
        else:
            findings.append(
                Msg(
                    "In the last tenth of the days region A received {late} of patrols on "
                    "average, less than its true share of incidents ({true}).",
                    **v,
                )
            )
        spread = float(final.max() - final.min())
        span = {"cities": Int(cities), "low": Pct(final.min()), "high": Pct(final.max())}
        if spread >= 0.3:
            findings.append(
                Msg(
                    "Luck mattered: with identical settings, the {cities} cities ended with "
                    "region A's share of records anywhere from {low} to {high}.",
                    **span,
                )
            )
        else:
            findings.append(
                Msg(
                    "The {cities} cities agreed: region A's final share of records stayed "
                    "between {low} and {high}.",
                    **span,
                )
            )
        if locked_a or locked_b:
            findings.append(
                plural(
                    "{locked_a} city ended with at least 90% of records in region A and "
                    "{locked_b} with at most 10%.",
                    "{locked_a} cities ended with at least 90% of records in region A and "
                    "{locked_b} with at most 10%.",
                    locked_a,
                    locked_a=Int(locked_a),
                    locked_b=Int(locked_b),
                )
            )
        if abs(start_share - 0.5) > 0.01:
            findings.append(
                Msg(
                    "The historical record started with {start} of incidents in A; the mean "
                    "ended at {mean} against a true share of {true}.",
                    start=Pct(start_share),
                    mean=Pct(mean_final),
                    true=Pct(true_share),
                )
            )
        target = _mean_field_share(p["rate_a"], p["rate_b"], p["report_rate"], p["correction"])
        if p["report_rate"] > 0:
            findings.append(
                Msg(
                    "Residents' reports made up {reported} of the records. Reports are made "
                    "wherever the patrol is not, so they pull the record towards where "
                    "incidents happen: with {rate} of incidents reported, the expected updates "
                    "balance at {target} of records in A, against a true share of {true}.",
                    reported=Pct(reported_frac),
                    rate=Pct(p["report_rate"]),
                    target=Pct(target),
                    true=Pct(true_share),
                )
            )
        elif p["correction"]:
            mean_close = abs(mean_final - true_share) <= max(
                0.02, 3 * float(final.std(ddof=1)) / math.sqrt(cities)
            )
            values = {"mean": Pct(mean_final), "true": Pct(true_share)}
            findings.append(
                Msg(
                    "With the correction the mean share of records in A ended at {mean}, "
                    "close to the true share ({true}).",
                    **values,
                )
                if mean_close
                else Msg(
                    "With the correction the mean share of records in A ended at {mean}, "
                    "still away from the true share ({true}).",
                    **values,
                )
            )
        return findings[:5]


SIMULATION = FeedbackLoopSimulation()
