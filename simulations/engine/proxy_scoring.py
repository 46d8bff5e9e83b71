"""Proxy scoring: bag-of-words "risk" scores learned from biased annotators, in which dialect
markers stand in for risk."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from fairlearn.metrics import false_positive_rate, selection_rate
from scipy.special import gammaln
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from ._shared import group_metric_frame
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed
from .charts import bar_chart
from .text import N_, Int, Msg, Num, Pct, plural

EVERYDAY = (
    "park kids dinner movie school weekend coffee music game friends beach birthday homework "
    "garden pizza bike library dog cat rain summer book lunch bus class swim cake concert "
    "walk family holiday photo song team shop sunday morning tea story zoo"
).split()
RISK_WORDS = "fight wasted pills smash hate drunk revenge weed".split()
#: Invented words of a fictional dialect: they stand for any dialect's markers without
#: stereotyping a real one.
MARKERS = "zeb kora tuli mava selo brin".split()
VOCABULARY = np.array(EVERYDAY + RISK_WORDS + MARKERS)
POST_LENGTH = 40
CUTS = np.array([0.2, 0.4, 0.6, 0.8])
ANNOTATOR_NOISE = 0.03
"""Share of harmless people without dialect markers whom annotators still label risky."""
ANNOTATOR_RECALL = 0.9
Z95 = 1.96
"""Normal quantile of a two-sided 95% interval: a gap inside it is within chance."""
"""Share of genuinely risky people whom annotators label risky."""


def _kind(word: str) -> Msg:
    if word in RISK_WORDS:
        return N_("risk word")
    if word in MARKERS:
        return N_("dialect marker")
    return N_("everyday word")


def _group(g: str) -> Msg:
    """A group's name as shown: 'group A'."""
    return Msg("group {name}", name=g)


def _points(x: float) -> Msg:
    """A difference of proportions as percentage points: 0.0734 → '7.3 points'."""
    return _in_points(Num(100 * abs(x), 1), 100 * abs(x))


def _in_points(value: Num | Msg, size: float) -> Msg:
    """``value`` followed by "points"; the count lets French write "0,5 point" (singular
    below 2) while English always says "points"."""
    return plural("{size} points", "{size} points", int(abs(size)), size=value)


def _g(x: float) -> Num | Int:
    """``f"{x:g}"`` as a typed number with the same decimals (for values between 0 and 10)."""
    text = f"{x:g}"
    if "e" in text or "." not in text:
        return Num(x, 0) if "e" not in text else Num(x, 6)
    return Num(x, len(text.partition(".")[2]))


def _signed(x: float, digits: int) -> Num | Msg:
    """``f"{x:+.{digits}f}"`` as a typed number: a plus sign before a positive value."""
    return Msg("+{number}", number=Num(x, digits)) if math.copysign(1, x) > 0 else Num(x, digits)


def _people(
    n: int, p: dict[str, Any], rng: np.random.Generator
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Generate ``n`` people's posts, group, true risk and annotator label.

    Parameters
    ----------
    n : int
    p : dict
        Validated parameters.
    rng : numpy.random.Generator

    Returns
    -------
    posts : list of str
    group : ndarray of str ("A" or "B")
    risky : ndarray of int
        The truth, independent of group.
    label : ndarray of int
        What the annotators said.
    """
    in_b = rng.random(n) < p["group_b_share"]
    risky = (rng.random(n) < p["base_rate"]).astype(int)
    risk_p = np.where(risky == 1, 0.08, 0.01)
    marker_p = np.where(in_b, p["marker_rate"], 0.0)
    u = rng.random((n, POST_LENGTH))
    everyday = rng.integers(0, len(EVERYDAY), (n, POST_LENGTH))
    risk_idx = rng.integers(0, len(RISK_WORDS), (n, POST_LENGTH))
    marker_idx = rng.integers(0, len(MARKERS), (n, POST_LENGTH))
    n_every, n_risk = len(EVERYDAY), len(RISK_WORDS)
    token = np.where(
        u < risk_p[:, None],
        n_every + risk_idx,
        np.where(u < (risk_p + marker_p)[:, None], n_every + n_risk + marker_idx, everyday),
    )
    has_marker = (token >= n_every + n_risk).any(axis=1)
    posts = [" ".join(row) for row in VOCABULARY[token]]
    v = rng.random(n)
    harmless_p = np.where(
        has_marker, ANNOTATOR_NOISE + (1 - ANNOTATOR_NOISE) * p["annotator_bias"], ANNOTATOR_NOISE
    )
    label = np.where(risky == 1, v < ANNOTATOR_RECALL, v < harmless_p).astype(int)
    return posts, np.where(in_b, "B", "A"), risky, label


def _bayes_fpr(p: dict[str, Any]) -> dict[str, float]:
    """False-positive rate by group of a learner that knows P(label = 1 | post) exactly.

    A post's words are a multinomial draw: risk words at 8% (risky) or 1% (harmless), markers at
    ``marker_rate`` (group B only), everyday words otherwise. Only the counts of risk words K and
    markers M matter, so the exact posterior of the annotators' label given (K, M) follows from
    Bayes' rule over (risky, group); a sitter is flagged when it reaches the flag score's cut.
    This is the best any learner could do with these labels: the gap it leaves is what the
    biased labels alone cause, whatever the model.

    Returns
    -------
    dict
        Group ("A", "B") to the share of its harmless sitters flagged.
    """
    k = np.arange(POST_LENGTH + 1)[:, None]
    m = np.arange(POST_LENGTH + 1)[None, :]
    rest = POST_LENGTH - k - m
    valid = rest >= 0
    rest = np.where(valid, rest, 0)

    def counts_pmf(risk: float, marker: float) -> np.ndarray:
        log_p = (
            gammaln(POST_LENGTH + 1)
            - gammaln(k + 1)
            - gammaln(m + 1)
            - gammaln(rest + 1)
            + k * math.log(risk)
            + rest * math.log(1 - risk - marker)
        )
        if marker > 0:
            log_p = log_p + m * math.log(marker)
        else:
            log_p = np.where(m == 0, log_p, -np.inf)
        return np.where(valid, np.exp(log_p), 0.0)

    share_b, base = p["group_b_share"], p["base_rate"]
    joint = {}
    for risky, risk in ((1, 0.08), (0, 0.01)):
        for group, share, marker in (("A", 1 - share_b, 0.0), ("B", share_b, p["marker_rate"])):
            joint[risky, group] = (base if risky else 1 - base) * share * counts_pmf(risk, marker)
    total = sum(joint.values())
    harmless_label = np.where(
        m > 0, ANNOTATOR_NOISE + (1 - ANNOTATOR_NOISE) * p["annotator_bias"], ANNOTATOR_NOISE
    )
    labelled = (joint[1, "A"] + joint[1, "B"]) * ANNOTATOR_RECALL + (
        joint[0, "A"] + joint[0, "B"]
    ) * harmless_label
    posterior = np.divide(labelled, total, out=np.zeros_like(total), where=total > 0)
    flagged = posterior >= CUTS[p["flag_score"] - 2]
    return {g: float((joint[0, g] * flagged).sum() / joint[0, g].sum()) for g in ("A", "B")}


class ProxyScoringSimulation(Simulation):
    """Train a bag-of-words risk score on biased labels and compare groups at the flag threshold."""

    slug: ClassVar[str] = "proxy-scoring"
    title: ClassVar[str] = N_("Proxy scoring: a 'risk' score that reads dialect")
    question: ClassVar[str] = N_(
        "When annotators judge one group's way of writing as risky, what does a word-counting "
        "risk score learn, and what does a parent see?"
    )
    version: ClassVar[str] = "3"
    cases: ClassVar[tuple[str, ...]] = ("predictim",)
    themes: ClassVar[tuple[str, ...]] = ("proxies", "biased-data", "opacity", "consent-privacy")
    explanation: ClassVar[str] = N_("""
**The model.** Synthetic babysitters write posts. A few are genuinely risky, at the same rate in
both groups, and use risk words ("fight", "pills") a bit more often. Group B also uses the markers
of its dialect — here invented words ("zeb", "kora"…) standing for any dialect. Annotators label
the training posts, and some of them read dialect as risk: they label harmless posts with dialect
markers as risky more often. A bag-of-words model (scikit-learn's `CountVectorizer` or
`TfidfVectorizer` and a logistic regression) learns from those labels and turns its probability
into a bare 1–5 score, as Predictim showed parents. Group error rates come from Fairlearn's
`MetricFrame`.

**What to try.** Set the annotators' bias to 0, then raise it; change how often group B uses its
markers; lower the flag threshold to 2 — a parent in the Washington Post's example doubted a
sitter rated 2 out of 5.

**What to look for.** The false-positive rate by group: harmless sitters flagged. The top-weighted
words: the dialect markers rank among the "risk" words, although they carry no information about
risk. The parent sees only the number. The run also works out, exactly, what a learner that knew
how the annotators label would do: the part of the gap the biased labels alone cause, and the
part the word-counting model adds by giving weight to every marker.

**Limits.** A toy generator and one risk category (Predictim reported four). Predictim's model,
data and labels were never published; this shows a mechanism that its critics warned about, not
a measurement of that product.
""")
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="annotator_bias",
            type="float",
            default=0.3,
            label=N_("Annotators' bias"),
            help=N_("Extra chance that a harmless post with dialect markers is labelled risky."),
            min=0.0,
            max=0.6,
            step=0.05,
        ),
        Param(
            name="marker_rate",
            type="float",
            default=0.1,
            label=N_("Dialect markers per word (group B)"),
            help=N_("Share of group B's words that are dialect markers."),
            min=0.0,
            max=0.3,
            step=0.02,
        ),
        Param(
            name="base_rate",
            type="float",
            default=0.1,
            label=N_("Share of genuinely risky sitters"),
            help=N_("The same in both groups."),
            min=0.02,
            max=0.3,
            step=0.01,
        ),
        Param(
            name="group_b_share",
            type="float",
            default=0.4,
            label=N_("Share in group B"),
            help=N_("Share of sitters who write in the dialect."),
            min=0.1,
            max=0.6,
            step=0.05,
        ),
        Param(
            name="vectorizer",
            type="choice",
            default="count",
            label=N_("Word features"),
            help=N_("How posts become numbers."),
            choices=(("count", N_("Word counts")), ("tfidf", "TF-IDF")),
        ),
        Param(
            name="flag_score",
            type="int",
            default=3,
            label=N_("Flag at score"),
            help=N_("Sitters scored at or above this (1–5) count as flagged."),
            min=2,
            max=5,
            step=1,
        ),
        Param(
            name="n_people",
            type="int",
            default=1000,
            label=N_("Sitters (training and test each)"),
            help=N_("Sitters in the training set; as many again are scored."),
            min=500,
            max=3000,
            step=500,
            unit=N_("people"),
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="predictim-parent",
            title=N_("A parent reads a 2 as a warning"),
            description=N_(
                "The 1–5 scale Predictim sold; flag at 2, as the mother in the Washington Post "
                "example read it."
            ),
            params={"flag_score": 2},
            case="predictim",
            source=N_(
                "1–5 risk scale per category: Washington Post and others; a sitter "
                "rated 2/5 for bullying and disrespect whom the mother began to doubt: Washington "
                "Post, Nov 2018. Annotator bias, marker rate and base rate are "
                "teaching values, not published."
            ),
        ),
        Preset(
            slug="no-annotator-bias",
            title=N_("Annotators without bias"),
            description=N_("The same posts and markers, labelled without reading dialect as risk."),
            params={"annotator_bias": 0.0},
            case="predictim",
            source=N_("Teaching values, not published."),
        ),
        Preset(
            slug="strong-dialect",
            title=N_("Strong dialect, strongly biased annotators"),
            description=N_(
                "Markers in one word of five, annotators who label half of those posts risky."
            ),
            params={"marker_rate": 0.2, "annotator_bias": 0.5},
            case="predictim",
            source=N_("Teaching values, not published."),
        ),
    )

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Generate, label, train, score and compare groups.

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
        posts, group, _, label = _people(p["n_people"], p, rng)
        test_posts, test_group, test_risky, test_label = _people(p["n_people"], p, rng)
        vectorizer = CountVectorizer() if p["vectorizer"] == "count" else TfidfVectorizer()
        x = vectorizer.fit_transform(posts)
        model = LogisticRegression(max_iter=2000, random_state=derive_seed(rng)).fit(x, label)
        x_test = vectorizer.transform(test_posts)
        prob = model.predict_proba(x_test)[:, 1]
        score = 1 + np.digitize(prob, CUTS)
        flagged = (score >= p["flag_score"]).astype(int)

        frame = group_metric_frame(
            {"fpr": false_positive_rate, "flag_rate": selection_rate},
            test_risky,
            flagged,
            test_group,
        )
        fpr = {g: float(frame.by_group.loc[g, "fpr"]) for g in ("A", "B")}
        flag_rate = {g: float(frame.by_group.loc[g, "flag_rate"]) for g in ("A", "B")}
        harmless = {g: int(np.sum((test_group == g) & (test_risky == 0))) for g in ("A", "B")}
        risk_rate = {g: float(test_risky[test_group == g].mean()) for g in ("A", "B")}

        words = vectorizer.get_feature_names_out()
        coef = model.coef_[0]
        top = np.argsort(-coef)[:10]
        word_rows = [
            {"word": str(words[i]), "kind": _kind(str(words[i])), "weight": float(coef[i])}
            for i in top
        ]
        markers_in_top = sum(r["kind"] == "dialect marker" for r in word_rows)

        dist_rows = []
        for g in ("A", "B"):
            mask = (test_group == g) & (test_risky == 0)
            for s in range(1, 6):
                share = float(np.mean(score[mask] == s)) if mask.any() else 0.0
                dist_rows.append({"score": str(s), "group": _group(g), "share": share})

        parent_rows = []
        for g in ("B", "A"):
            candidates = np.flatnonzero((test_group == g) & (test_risky == 0))[:3]
            for i in candidates:
                row = x_test[i].toarray()[0] * coef
                pushes = [str(words[j]) for j in np.argsort(-row)[:3] if row[j] > 0]
                parent_rows.append(
                    {
                        "sitter": Msg(
                            "sitter {n} (group {group}, harmless)",
                            n=Int(len(parent_rows) + 1),
                            group=g,
                        ),
                        "score": int(score[i]),
                        "flagged": N_("yes") if flagged[i] else N_("no"),
                        "words_used": ", ".join(pushes) or N_("none"),
                    }
                )

        label_rows = [
            {"group": _group(g), "fpr": fpr[g], "flag_rate": flag_rate[g]} for g in ("A", "B")
        ]
        tables = [
            Table(
                key="false-positives",
                title=Msg(
                    "Harmless sitters flagged (score ≥ {score}) by group",
                    score=Int(p["flag_score"]),
                ),
                columns=[
                    ("group", N_("Group")),
                    ("fpr", N_("False-positive rate (harmless sitters flagged)")),
                    ("flag_rate", N_("Share of all sitters flagged")),
                ],
                rows=label_rows,
            ),
            Table(
                key="score-distribution",
                title=N_("Scores of harmless sitters, by group"),
                columns=[
                    ("score", N_("Score (1–5)")),
                    ("group", N_("Group")),
                    ("share", N_("Share")),
                ],
                rows=dist_rows,
            ),
            Table(
                key="top-words",
                title=N_("The words that raise the score most"),
                columns=[("word", N_("Word")), ("kind", N_("Kind")), ("weight", N_("Weight"))],
                rows=word_rows,
            ),
            Table(
                key="parent-view",
                title=N_("What a parent sees, and what the model used"),
                columns=[
                    ("sitter", N_("Sitter")),
                    ("score", N_("Score shown to the parent (1–5)")),
                    ("flagged", N_("Flagged")),
                    ("words_used", N_("Words that raised this score most (never shown)")),
                ],
                rows=parent_rows,
            ),
        ]
        charts = [
            Chart(
                key="false-positives",
                title=N_("False-positive rate by group"),
                description=Msg(
                    "At score {score} or more, {fpr_b} of harmless group B sitters are flagged "
                    "against {fpr_a} in group A.",
                    score=Int(p["flag_score"]),
                    fpr_b=Pct(fpr["B"]),
                    fpr_a=Pct(fpr["A"]),
                ),
                spec=bar_chart(
                    Msg("Harmless sitters flagged at score ≥ {score}", score=Int(p["flag_score"])),
                    label_rows,
                    x="group",
                    y="fpr",
                    x_title=N_("Group"),
                    y_title=N_("False-positive rate"),
                    y_format=".0%",
                ),
                table="false-positives",
            ),
            Chart(
                key="score-distribution",
                title=N_("Scores of harmless sitters"),
                description=Msg(
                    "Among harmless sitters, {share_b} of group B score above 1 against "
                    "{share_a} of group A.",
                    share_b=Pct(1 - dist_rows[5]["share"]),
                    share_a=Pct(1 - dist_rows[0]["share"]),
                ),
                spec=bar_chart(
                    N_("Scores of harmless sitters, by group"),
                    dist_rows,
                    x="score",
                    y="share",
                    x_title=N_("Score shown to the parent (1–5)"),
                    y_title=N_("Share of harmless sitters"),
                    color="group",
                    color_title=N_("Group"),
                    y_format=".0%",
                ),
                table="score-distribution",
            ),
        ]
        bayes = _bayes_fpr(p)
        metrics = [
            Metric(
                key="fpr_a", label=N_("False-positive rate, group A"), value=fpr["A"], unit="share"
            ),
            Metric(
                key="fpr_b", label=N_("False-positive rate, group B"), value=fpr["B"], unit="share"
            ),
            Metric(
                key="fpr_gap",
                label=N_("False-positive gap (B − A)"),
                value=fpr["B"] - fpr["A"],
                unit="share",
            ),
            Metric(
                key="risk_a",
                label=N_("Genuinely risky, group A"),
                value=risk_rate["A"],
                unit="share",
            ),
            Metric(
                key="risk_b",
                label=N_("Genuinely risky, group B"),
                value=risk_rate["B"],
                unit="share",
            ),
            Metric(
                key="bayes_fpr_gap",
                label=N_(
                    "False-positive gap of a learner that knows the labelling exactly (B − A)"
                ),
                value=bayes["B"] - bayes["A"],
                unit="share",
                help=N_(
                    "What the biased labels alone cause at this threshold, whatever the model."
                ),
            ),
            Metric(
                key="markers_in_top",
                label=N_("Dialect markers among the 10 heaviest words"),
                value=markers_in_top,
                unit=N_("words"),
            ),
        ]
        gap = fpr["B"] - fpr["A"]
        se = math.sqrt(
            sum(max(fpr[g] * (1 - fpr[g]), 1e-4) / max(harmless[g], 1) for g in ("A", "B"))
        )
        # The cause is off when no harmless post can be mislabelled for its dialect: unbiased
        # annotators, or a group B that never writes a marker.
        cause_on = p["annotator_bias"] > 0 and p["marker_rate"] > 0
        values = {
            "gap": _points(gap),
            "margin": _points(Z95 * se),
        }
        findings = [
            Msg(
                "Genuinely risky sitters are {risk_a} of group A and {risk_b} of group B; at "
                "score {score} or more the model flags {fpr_b} of harmless group B sitters and "
                "{fpr_a} of harmless group A sitters.",
                risk_a=Pct(risk_rate["A"], 1),
                risk_b=Pct(risk_rate["B"], 1),
                score=Int(p["flag_score"]),
                fpr_a=Pct(fpr["A"], 1),
                fpr_b=Pct(fpr["B"], 1),
            )
        ]
        beyond_chance = abs(gap) > Z95 * se
        if not beyond_chance:
            gap_sentence = Msg(
                "The false-positive rates differ by {gap}, within what chance gives with this "
                "many sitters (±{margin} at 95%): no disparity shows at this setting.",
                **values,
            )
        elif not cause_on:
            gap_sentence = Msg(
                "The false-positive rates differ by {gap}, more than test sampling alone gives "
                "(±{margin} at 95%); yet no harmless post was labelled risky for its dialect "
                "here, so the gap is not learned from the annotators: it is noise in the "
                "weights the model learned from {n} posts.",
                n=Int(p["n_people"]),
                **values,
            )
        elif gap > 0:
            gap_sentence = Msg(
                "That is a gap of {gap} in false-positive rates (±{margin} at 95%), learned "
                "from the annotators' labels, not from risk: the labels tie dialect to risk, "
                "and a word-counting model adds weight for every marker a post contains.",
                **values,
            )
        else:
            gap_sentence = Msg(
                "Here harmless group A sitters are flagged more often, by {gap} (±{margin} at "
                "95%): the biased labels did not turn into a disparity against group B at this "
                "setting.",
                **values,
            )
        findings.append(gap_sentence)
        bayes_gap = bayes["B"] - bayes["A"]
        if cause_on and beyond_chance and gap > 0:
            # Whole tenths of a point, so that the two parts printed add up to the gap printed.
            gap_tenths, bayes_tenths = round(1000 * gap), round(1000 * bayes_gap)
            bayes_values = {
                "bayes_b": Pct(bayes["B"], 1),
                "bayes_a": Pct(bayes["A"], 1),
                "bayes_gap": _in_points(Num(bayes_tenths / 10, 1), bayes_tenths / 10),
            }
            if gap - bayes_gap > Z95 * se:
                bayes_sentence = Msg(
                    "A learner that knew exactly how the annotators label would flag {bayes_b} of "
                    "harmless group B sitters and {bayes_a} of group A: the biased labels alone "
                    "account for {bayes_gap} of the gap; the other {excess} come from the "
                    "word-counting model, which adds weight for every marker and estimates each "
                    "word's weight from {n} posts.",
                    excess=_in_points(
                        Num(abs(gap_tenths - bayes_tenths) / 10, 1),
                        abs(gap_tenths - bayes_tenths) / 10,
                    ),
                    n=Int(p["n_people"]),
                    **bayes_values,
                )
            elif bayes_gap - gap > Z95 * se:
                bayes_sentence = Msg(
                    "A learner that knew exactly how the annotators label would flag {bayes_b} of "
                    "harmless group B sitters and {bayes_a} of group A, a gap of {bayes_gap}: "
                    "the biased labels alone cause even more than this model learned.",
                    **bayes_values,
                )
            else:
                bayes_sentence = Msg(
                    "A learner that knew exactly how the annotators label would flag {bayes_b} of "
                    "harmless group B sitters and {bayes_a} of group A, a gap of {bayes_gap}: "
                    "the biased labels alone account for the model's gap, within chance.",
                    **bayes_values,
                )
            findings.append(bayes_sentence)
        if markers_in_top:
            heaviest = next(r["word"] for r in word_rows if r["kind"] == "dialect marker")
            if not cause_on and markers_in_top > 1:
                words_sentence = Msg(
                    "{count} of the 10 words that raise the score most are dialect markers "
                    "(heaviest: '{word}'), by chance: no label depends on them here. The parent "
                    "sees only a number from 1 to 5.",
                    count=Int(markers_in_top),
                    word=heaviest,
                )
            elif not cause_on:
                words_sentence = Msg(
                    "One of the 10 words that raise the score most is a dialect marker "
                    "('{word}'), by chance: no label depends on it here. The parent sees only a "
                    "number from 1 to 5.",
                    word=heaviest,
                )
            elif markers_in_top > 1:
                words_sentence = Msg(
                    "{count} of the 10 words that raise the score most are dialect markers "
                    "(heaviest: '{word}'); the parent sees only a number from 1 to 5.",
                    count=Int(markers_in_top),
                    word=heaviest,
                )
            else:
                words_sentence = Msg(
                    "One of the 10 words that raise the score most is a dialect marker "
                    "('{word}'); the parent sees only a number from 1 to 5.",
                    word=heaviest,
                )
            findings.append(words_sentence)
        else:
            findings.append(
                N_(
                    "None of the 10 words that raise the score most is a dialect marker; the "
                    "parent still sees only a number from 1 to 5, with no reason."
                )
            )

        marker_set = set(MARKERS)
        with_markers = np.array([not marker_set.isdisjoint(post.split()) for post in test_posts])
        harmless_marked = with_markers & (test_risky == 0)
        expected_rate = ANNOTATOR_NOISE + (1 - ANNOTATOR_NOISE) * p["annotator_bias"]
        observed_rate = float(test_label[harmless_marked].mean()) if harmless_marked.any() else 0.0
        n_marked = int(harmless_marked.sum())
        label_se = math.sqrt(expected_rate * (1 - expected_rate) / max(n_marked, 1))
        checks = []
        if n_marked >= 30:
            checks.append(
                Check(
                    key="annotator-arithmetic",
                    label=N_("Annotators label harmless dialect posts risky at the set rate"),
                    passed=abs(observed_rate - expected_rate) <= 4 * label_se + 1e-12,
                    expected=Msg(
                        "{noise} + (1 − {noise}) × {bias} = {rate}",
                        noise=_g(ANNOTATOR_NOISE),
                        bias=_g(p["annotator_bias"]),
                        rate=Pct(expected_rate, 1),
                    ),
                    observed=Msg(
                        "{rate} of {n} harmless posts with markers",
                        rate=Pct(observed_rate, 1),
                        n=Int(n_marked),
                    ),
                    reference=N_("Arithmetic of the labelling process (sampling error ±4 sd)"),
                    kind="consistency",
                )
            )
        if not cause_on:
            checks.append(
                Check(
                    key="no-bias-no-gap",
                    label=N_("When no label depends on dialect, no false-positive gap appears"),
                    passed=abs(gap) <= 4 * se,
                    expected=Msg(
                        "false-positive gap 0 within sampling error (±{margin})",
                        margin=_points(4 * se),
                    ),
                    observed=Msg("gap {gap}", gap=_in_points(_signed(100 * gap, 1), 100 * gap)),
                    reference=N_(
                        "Markers independent of risk and of the labels: a model fitted to those "
                        "labels has no reason to flag one group more, so the expected gap is 0"
                    ),
                )
            )
        return Result(
            metrics=metrics, tables=tables, charts=charts, findings=findings, checks=checks
        )


SIMULATION = ProxyScoringSimulation()
