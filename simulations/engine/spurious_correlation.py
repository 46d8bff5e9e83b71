"""Spurious correlation: a classifier that learns how photos were collected, not faces."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, roc_auc_score
from sklearn.model_selection import train_test_split

from ._stats import distinct_pcts, hanley_mcneil_se
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table, derive_seed
from .charts import bar_chart
from .text import N_, Int, Msg, Num, Pct

_N = NormalDist()
WANG_KOSINSKI = N_(
    "Wang & Kosinski, J. Personality & Social Psychology 114(2):246–257, 2018: 35,326 "
    "dating-site images; AUC 0.81 (men, one image) and 0.91 (five images)"
)
SIEGEL = N_("7% prevalence of gay men as cited by Eric Siegel from the paper (one source)")
ZECH = N_(
    "Zech et al., PLOS Medicine 15(11):e1002683, 2018: 42,396 Mount Sinai and 112,120 NIH "
    "radiographs, pneumonia in 34.2% and 1.2% of them; sorting by hospital alone gave an AUC of "
    "0.861 (95% CI 0.855–0.866)"
)
# Zech et al.'s inputs and published "sort by hospital" AUC, with the standard error implied by
# its 95% confidence interval. The share of Mount Sinai images is 42,396 ÷ 154,516 = 27.4%.
ZECH_INPUTS = {"source_a_share": 27.4, "source_a_prevalence": 34.2, "source_b_prevalence": 1.2}
ZECH_SORT_AUC = 0.861
ZECH_SORT_SE = (0.866 - 0.855) / (2 * 1.96)
_MIN_EXPECTED_PER_CLASS = 50  # two-hospital mode: positives and negatives expected in the sample
_MAX_AUC_TOLERANCE = 0.15  # a wider band around a closed-form AUC would check nothing
CATCH = 2 / 3  # Siegel's example: tune the detector to catch two-thirds of positives
# Feature columns: (label, carries the photo artefact, carries the facial signal).
_FEATURES = (
    (N_("Camera angle"), True, False),
    (N_("Image brightness"), True, False),
    (N_("Background / source"), True, False),
    (N_("Facial feature"), False, True),
    (N_("Noise 1"), False, False),
    (N_("Noise 2"), False, False),
)
_KINDS = {"artefact": N_("artefact"), "face": N_("face"), "noise": N_("noise")}
"""What a feature carries, as shown in the weights table and chart legend."""


def _typed_pct(share: float, text: str) -> Pct:
    """A share with the decimals a text such as '7.0%' (from :func:`distinct_pcts`) chose."""
    number = text.rstrip("%")
    return Pct(share, len(number.split(".")[1]) if "." in number else 0)


def binormal_ppv(auc: float, prevalence: float, catch: float = CATCH) -> float:
    """PPV of an equal-variance binormal score with this AUC, thresholded to catch ``catch``.

    Parameters
    ----------
    auc : float
        Area under the ROC curve, in (0.5, 1).
    prevalence : float
        Share of positives in the population.
    catch : float
        True-positive rate the threshold is set to reach.

    Returns
    -------
    float
        Positives ~ N(d', 1), negatives ~ N(0, 1) with d' = √2 Φ⁻¹(AUC); the threshold
        t = d' − Φ⁻¹(catch); PPV = p·catch ÷ (p·catch + (1 − p)·(1 − Φ(t))).
    """
    d = math.sqrt(2) * _N.inv_cdf(auc)
    fpr = 1 - _N.cdf(d - _N.inv_cdf(catch))
    return prevalence * catch / (prevalence * catch + (1 - prevalence) * fpr)


def marker_only_auc(q1: float, q0: float) -> float:
    """Best AUC a score can reach from a photo marker alone, with no facial signal.

    A marked photo adds 2 to each of three N(0, 1) features, so their sum separates marked from
    unmarked photos with d′ = 6/√3 and AUC Φ(√6). Pairs of the same kind tie on average (½).
    A fitted model gives the marker the sign that helps, so when negatives carry it more often
    (q1 < q0) the roles swap and the AUC is one minus the formula's: never below ½.

    Parameters
    ----------
    q1, q0 : float
        Chance that a positive, and a negative, photo carries the marker.

    Returns
    -------
    float
        ½[q1·q0 + (1 − q1)(1 − q0)] + q1(1 − q0)Φ(√6) + (1 − q1)q0Φ(−√6), for q1 ≥ q0.
    """
    if q1 < q0:
        return marker_only_auc(1 - q1, 1 - q0)
    split = _N.cdf(math.sqrt(6))
    return (
        0.5 * (q1 * q0 + (1 - q1) * (1 - q0)) + q1 * (1 - q0) * split + (1 - q1) * q0 * (1 - split)
    )


def hospital_rates(share: float, prev_a: float, prev_b: float) -> tuple[float, float, float]:
    """Sample prevalence and marker rates when the sample pools two hospitals.

    Parameters
    ----------
    share : float
        Share of the images from hospital A (the marker).
    prev_a, prev_b : float
        Share of positives in hospital A and in hospital B.

    Returns
    -------
    prevalence : float
        π = s·pA + (1 − s)·pB.
    q1, q0 : float
        Chance that a positive, and a negative, image comes from A: s·pA ÷ π and
        s(1 − pA) ÷ (1 − π).
    """
    prevalence = share * prev_a + (1 - share) * prev_b
    return (
        prevalence,
        share * prev_a / prevalence,
        share * (1 - prev_a) / (1 - prevalence),
    )


def sort_by_source_auc(q1: float, q0: float) -> float:
    """AUC of scoring each image by its hospital alone.

    The higher-prevalence hospital scores 1 and the other 0: a positive from it against a
    negative from the other is ranked right, pairs from the same hospital tie (½).

    Parameters
    ----------
    q1, q0 : float
        Chance that a positive, and a negative, image comes from hospital A.

    Returns
    -------
    float
        ½(1 + |q1 − q0|).
    """
    return 0.5 * (1 + abs(q1 - q0))


def artefact_only_auc(artefact: float) -> float:
    """Best AUC a score can reach from the artefact alone, with no facial signal.

    A photo is "shot" a certain way with probability q1 = (1 + a)/2 for positives and
    q0 = (1 − a)/2 for negatives; a shot adds 2 to each of three N(0, 1) features, so the sum
    of the three separates shot from unshot photos with d′ = 6/√3 and AUC Φ(√6). Pairs of the
    same kind tie on average (½).

    Parameters
    ----------
    artefact : float
        Artefact strength a in [0, 1].

    Returns
    -------
    float
        ½[q1·q0 + (1 − q1)(1 − q0)] + q1(1 − q0)Φ(√6) + (1 − q1)q0Φ(−√6).
    """
    return marker_only_auc((1 + artefact) / 2, (1 - artefact) / 2)


def _wald_z(model: LogisticRegression, x: np.ndarray, columns: list[int]) -> float:
    """Wald z of the sum of some fitted weights (is the model really using those features?).

    The covariance of the weights is the inverse of the observed information XᵀWX (with the
    intercept); scikit-learn's small default L2 penalty is ignored, which makes the test a
    little conservative.

    Parameters
    ----------
    model : LogisticRegression
        Fitted on ``x``.
    x : numpy.ndarray
        The training features.
    columns : list of int
        Which weights to sum.

    Returns
    -------
    float
        Sum of the weights divided by its standard error.
    """
    prob = model.predict_proba(x)[:, 1]
    design = np.column_stack([np.ones(len(x)), x])
    info = design.T @ (design * (prob * (1 - prob))[:, None])
    cov = np.linalg.pinv(info)
    pick = np.zeros(design.shape[1])
    pick[[c + 1 for c in columns]] = 1
    var = float(pick @ cov @ pick)
    total = float(model.coef_[0][columns].sum())
    return total / math.sqrt(var) if var > 0 else 0.0


def _photos(
    n: int,
    prevalence: float,
    artefact: float,
    face: float,
    rng: np.random.Generator,
    rates: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic photo features.

    Parameters
    ----------
    n : int
        Number of photos.
    prevalence : float
        Share with label 1.
    artefact : float
        How strongly the collection artefact tracks the label (0 = independent).
    face : float
        Genuine facial signal, d' in standard deviations.
    rng : numpy.random.Generator
        The run's Generator.
    rates : (float, float), optional
        Chance that a positive, and a negative, photo carries the marker (for instance comes
        from hospital A); when given, ``artefact`` is not used.

    Returns
    -------
    x : numpy.ndarray
        (n, 6) features in the order of :data:`_FEATURES`.
    y : numpy.ndarray
        Labels (0/1).
    shot : numpy.ndarray
        1 where the photo carries the marker.
    """
    y = (rng.random(n) < prevalence).astype(int)
    if rates is None:
        shot = (rng.random(n) < 0.5 + (y - 0.5) * artefact).astype(float)
    else:
        shot = (rng.random(n) < np.where(y == 1, rates[0], rates[1])).astype(float)
    x = rng.standard_normal((n, len(_FEATURES)))
    x[:, :3] += 2 * shot[:, None]  # how the photo was taken shows in the pixels
    x[:, 3] += face * y
    return x, y, shot


class SpuriousCorrelationSimulation(Simulation):
    """High AUC on the collected sample, collapse on a population without the artefact."""

    slug = "spurious-correlation"
    title = N_("Spurious correlation: learning the photos, not the faces")
    question = N_(
        "If the label is correlated with how the photos were collected, what does a "
        "classifier's high AUC say about faces in a population without that artefact?"
    )
    version = "4"
    cases = ("orientation-from-faces", "covid-chest-imaging")
    themes = ("overfitting", "biased-data", "consent-privacy", "information-leakage")
    explanation = N_("""
**The model.** Synthetic "photos" from a dating site, each with a label. How a photo was
taken (camera angle, lighting, background or source) is an **artefact** that, in this
sample, is correlated with the label, as critics argued of Wang & Kosinski's data
(Agüera y Arcas, Mitchell & Todorov: selfie angle, make-up, glasses). The artefact shows in
three image features; a fourth feature carries a genuine facial signal (zero by default);
two are noise. A scikit-learn logistic regression is trained on 70% of the sample and tested
on the other 30% (AUC), then used on a **population** where the artefact has nothing to do
with the label. Finally the threshold is set, as in Eric Siegel's critique, to catch
two-thirds of positives, and the simulation counts how many of the people it flags in a
population with a realistic prevalence are positives.

**What to try.**

- Keep the defaults: a high AUC on the sample, about 0.5 on the population.
- Set *artefact strength* to 0 and *facial signal* to 0.5: sample and population agree.
- Lower *prevalence in the population* from 7% to 3%, and watch the share of right flags.
- Load the Wang & Kosinski preset: the published AUCs, read through Bayes' rule.
- Load the Zech et al. preset: the sample pools two hospitals whose share of positives differs
  (34.2% against 1.2%), so that which hospital an image comes from gives the label away; the
  model is then used at a third hospital.

**Two hospitals.** With *how the sample was collected* set to two hospitals, the artefact is
the hospital: a share of the images comes from hospital A, the rest from hospital B, each with
its own share of positives (*artefact strength* and *positives in the sample* are then not
used). The images a model is later used on come from a third hospital. The simulation also
sorts the held-out images by hospital alone, without looking at them, and reports that AUC, as
Zech et al. did for pneumonia on chest radiographs.

**What to look for.** The AUC on held-out photos from the same sample against the AUC on a
population without the artefact; the model's weights; the share of flagged people who are
positives at a realistic prevalence.

**Limits.** Every feature and effect size is invented; the simulation does not say what
Wang & Kosinski's classifier learned (Leuner's 2019 replication found that even blurred
images carried signal and left the question open). An AUC is a pairwise ranking score, not
an accuracy. Whatever a classifier's accuracy, inferring sexual orientation from photos
without consent risks outing people, which is why GLAAD and the Human Rights Campaign called
the study dangerous.
""")
    params = (
        Param(
            name="n_train",
            type="int",
            default=6000,
            min=1000,
            max=40_000,
            step=100,
            label=N_("Photos in the collected sample"),
            help=N_("Size of the dating-site sample (70% to train, 30% to test)."),
            unit=N_("photos"),
        ),
        Param(
            name="sample_prevalence",
            type="float",
            default=50.0,
            min=5.0,
            max=95.0,
            step=1,
            label=N_("Positives in the sample"),
            help=N_("Share of photos with label 1 in the collected sample."),
            unit="%",
        ),
        Param(
            name="artefact_strength",
            type="float",
            default=0.65,
            min=0.0,
            max=1.0,
            step=0.05,
            label=N_("Artefact strength"),
            help=N_(
                "How strongly the way photos were taken tracks the label in the sample "
                "(0 = not at all, 1 = completely)."
            ),
        ),
        Param(
            name="face_signal",
            type="float",
            default=0.0,
            min=0.0,
            max=2.0,
            step=0.1,
            label=N_("Facial signal"),
            help=N_(
                "Genuine difference in the facial feature between labels, in standard deviations."
            ),
            unit=N_("SD"),
        ),
        Param(
            name="population_prevalence",
            type="float",
            default=7.0,
            min=0.5,
            max=50.0,
            step=0.5,
            label=N_("Prevalence in the population"),
            help=N_("Share of positives in the population where the model is used."),
            unit="%",
        ),
        Param(
            name="n_population",
            type="int",
            default=20_000,
            min=2000,
            max=200_000,
            step=1000,
            label=N_("People in the population"),
            help=N_("How many people the model is applied to."),
            unit=N_("people"),
        ),
        Param(
            name="sample_from",
            type="choice",
            default="one-source",
            choices=(
                ("one-source", N_("One collection: the artefact tracks the label")),
                ("two-sources", N_("Two hospitals with different shares of positives")),
            ),
            label=N_("How the sample was collected"),
            help=N_(
                "With two hospitals, the hospital is the artefact; artefact strength and "
                "positives in the sample are then not used."
            ),
        ),
        Param(
            name="source_a_share",
            type="float",
            default=27.4,
            min=1.0,
            max=99.0,
            step=0.1,
            label=N_("Images from hospital A"),
            help=N_(
                "Share of the sample from hospital A, the rest from hospital B (two hospitals)."
            ),
            unit="%",
        ),
        Param(
            name="source_a_prevalence",
            type="float",
            default=34.2,
            min=0.5,
            max=99.5,
            step=0.1,
            label=N_("Positives in hospital A"),
            help=N_("Share of hospital A's images with label 1 (two hospitals)."),
            unit="%",
        ),
        Param(
            name="source_b_prevalence",
            type="float",
            default=1.2,
            min=0.5,
            max=99.5,
            step=0.1,
            label=N_("Positives in hospital B"),
            help=N_("Share of hospital B's images with label 1 (two hospitals)."),
            unit="%",
        ),
    )
    presets = (
        Preset(
            slug="wang-kosinski-sample",
            title=N_("A sample the size of Wang & Kosinski's, 7% prevalence"),
            description=N_(
                "35,326 photos, half positives (a teaching value), with an artefact and no "
                "genuine facial signal (teaching values: what the classifier learned is "
                "disputed); then a population with 7% prevalence."
            ),
            params={"n_train": 35_326, "population_prevalence": 7.0},
            case="orientation-from-faces",
            source=Msg(
                "{paper}; {prevalence}. Artefact, facial signal and the sample's 50% share are "
                "teaching values; the artefact idea follows Agüera y Arcas, Mitchell & Todorov "
                "(Medium, Jan 2018).",
                paper=WANG_KOSINSKI,
                prevalence=SIEGEL,
            ),
        ),
        Preset(
            slug="leuner-replication",
            title=N_("A replication-sized sample with a weak facial signal"),
            description=N_(
                "20,910 photos, as in Leuner's 2019 replication, with a weak genuine signal and "
                "a weaker artefact (both teaching values); population prevalence 7%."
            ),
            params={
                "n_train": 20_910,
                "artefact_strength": 0.3,
                "face_signal": 0.3,
                "population_prevalence": 7.0,
            },
            case="orientation-from-faces",
            source=Msg(
                "Leuner, arXiv 1902.10739 (2019): 20,910 photos; {prevalence}. Signal and "
                "artefact strengths: teaching values.",
                prevalence=SIEGEL,
            ),
        ),
        Preset(
            slug="siegel-3pct",
            title=N_("Siegel's point at a 3% prevalence"),
            description=N_(
                "The default sample, used on a population where 3% are positives (a teaching "
                "value)."
            ),
            params={"population_prevalence": 3.0},
            case="orientation-from-faces",
            source=N_(
                "Binormal precision at 7% and 3% prevalence when catching two-thirds, computed "
                "here; Siegel's two-thirds example via The Lowdown Blog (Nov 2019)."
            ),
        ),
        Preset(
            slug="zech-hospital-shortcut",
            title=N_("Zech et al.: the hospital as a shortcut"),
            description=N_(
                "Two hospitals pooled as in Zech et al.'s pneumonia study: hospital A (Mount "
                "Sinai, 27.4% of the images, 34.2% positives) and hospital B (NIH, 1.2% "
                "positives); the model is then used at a third hospital with 1.0% positives "
                "(Indiana). Here the photos stand for chest radiographs and the facial feature "
                "for a genuine lung finding."
            ),
            params={
                "sample_from": "two-sources",
                **ZECH_INPUTS,
                "n_train": 40_000,
                "face_signal": 1.5,
                "population_prevalence": 1.0,
            },
            case="covid-chest-imaging",
            source=Msg(
                "{paper}; 1.0% at Indiana University. The 27.4% is 42,396 ÷ 154,516, computed "
                "here. Teaching values: 40,000 images (the maximum) instead of 154,516, 20,000 "
                "external images, and a lung signal of 1.5 SD, chosen so that the internal and "
                "external AUCs come near Zech's 0.931 and 0.815.",
                paper=ZECH,
            ),
        ),
    )

    def check_params(self, p: dict[str, Any]) -> dict[str, list[str]]:
        """Two hospitals: enough positives and negatives expected to train and test a model."""
        if p["sample_from"] != "two-sources":
            return {}
        prevalence, _, _ = hospital_rates(
            p["source_a_share"] / 100,
            p["source_a_prevalence"] / 100,
            p["source_b_prevalence"] / 100,
        )
        expected = p["n_train"] * min(prevalence, 1 - prevalence)
        if expected < _MIN_EXPECTED_PER_CLASS:
            return {
                "source_a_prevalence": [
                    Msg(
                        "With these two hospitals only about {expected} of the {n} images would "
                        "be in the rarer class: too few to train and test a model (at least "
                        "{minimum}). Use more images or less extreme shares of positives.",
                        expected=Num(expected, 0),
                        n=Int(p["n_train"]),
                        minimum=Int(_MIN_EXPECTED_PER_CLASS),
                    )
                ]
            }
        return {}

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Train on the collected sample; test on it and on a population without the artefact.

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
        artefact, face = p["artefact_strength"], p["face_signal"]
        prev = p["population_prevalence"] / 100
        hospitals = p["sample_from"] == "two-sources"
        if hospitals:
            prev_a, prev_b = p["source_a_prevalence"] / 100, p["source_b_prevalence"] / 100
            sample_prev, q1, q0 = hospital_rates(p["source_a_share"] / 100, prev_a, prev_b)
            rates, population_rates = (q1, q0), (0.0, 0.0)  # the third hospital is neither
        else:
            sample_prev, rates, population_rates = p["sample_prevalence"] / 100, None, None
            q1, q0 = (1 + artefact) / 2, (1 - artefact) / 2
        x, y, shot = _photos(p["n_train"], sample_prev, artefact, face, rng, rates)
        x_tr, x_te, y_tr, y_te, _, shot_te = train_test_split(
            x, y, shot, test_size=0.3, stratify=y, random_state=derive_seed(rng)
        )
        model = LogisticRegression(max_iter=1000).fit(x_tr, y_tr)
        score_te = model.decision_function(x_te)
        auc_sample = float(roc_auc_score(y_te, score_te))
        # Siegel's tuning: the threshold that catches two-thirds of positives in the sample.
        threshold = float(np.quantile(score_te[y_te == 1], 1 - CATCH))

        x_pop, y_pop, _ = _photos(p["n_population"], prev, 0.0, face, rng, population_rates)
        score_pop = model.decision_function(x_pop)
        auc_pop = float(roc_auc_score(y_pop, score_pop)) if 0 < y_pop.sum() < len(y_pop) else 0.5
        flag = (score_pop >= threshold).astype(int)
        tn, fp, fn, tp = (int(v) for v in confusion_matrix(y_pop, flag, labels=[0, 1]).ravel())
        ppv_pop = tp / (tp + fp) if tp + fp else float("nan")
        tpr_pop = tp / (tp + fn) if tp + fn else float("nan")
        claimed_ppv = binormal_ppv(auc_sample, prev) if 0.5 < auc_sample < 1 else float("nan")

        weights = [
            {"feature": label, "weight": float(w), "kind": _KINDS[kind]}
            for (label, art, fac), w in zip(_FEATURES, model.coef_[0], strict=True)
            for kind in ["artefact" if art else "face" if fac else "noise"]
        ]
        art_weight = float(np.mean([abs(r["weight"]) for r in weights if r["kind"] == "artefact"]))
        face_weight = float(next(abs(r["weight"]) for r in weights if r["kind"] == "face"))
        art_cols = [i for i, (_, art, _) in enumerate(_FEATURES) if art]
        face_cols = [i for i, (_, _, fac) in enumerate(_FEATURES) if fac]
        z_art, z_face = _wald_z(model, x_tr, art_cols), _wald_z(model, x_tr, face_cols)
        n_pos_te, n_neg_te = int(y_te.sum()), int(len(y_te) - y_te.sum())
        if hospitals:
            # Zech's "sort by hospital": the hospital with more positives scores 1, the other 0.
            by_source = shot_te if prev_a >= prev_b else 1 - shot_te
            auc_source = float(roc_auc_score(y_te, by_source))
            closed_source = sort_by_source_auc(q1, q0)
            # AUC = ½(1 + share of positives from A − share of negatives from A): two binomials.
            se_source = 0.5 * math.sqrt(q1 * (1 - q1) / n_pos_te + q0 * (1 - q0) / n_neg_te)

        metrics = [
            *(
                [
                    Metric(
                        key="auc_by_hospital",
                        label=N_("AUC of sorting held-out images by hospital alone"),
                        value=auc_source,
                        unit="AUC",
                    )
                ]
                if hospitals
                else []
            ),
            Metric(
                key="auc_sample",
                label=N_("AUC on held-out photos from the sample"),
                value=auc_sample,
                unit="AUC",
            ),
            Metric(
                key="auc_population",
                label=N_("AUC on the population without the artefact"),
                value=auc_pop,
                unit="AUC",
            ),
            Metric(
                key="flagged",
                label=N_("People flagged in the population"),
                value=tp + fp,
                unit=N_("people"),
            ),
            Metric(
                key="true_positives",
                label=N_("Flagged people who are positives"),
                value=tp,
                unit=N_("people"),
            ),
            Metric(
                key="ppv_population",
                label=N_("Share of flags that are right (PPV)"),
                value=ppv_pop,
                unit="share",
            ),
            Metric(
                key="tpr_population",
                label=N_("Positives caught in the population"),
                value=tpr_pop,
                unit="share",
            ),
            Metric(
                key="ppv_if_auc_were_real",
                label=N_("PPV if the sample AUC were real (binormal, catching two-thirds)"),
                value=claimed_ppv,
                unit="share",
            ),
            Metric(
                key="mean_artefact_weight",
                label=N_("Mean |weight| on artefact features"),
                value=art_weight,
                unit=N_("log-odds/SD"),
            ),
            Metric(
                key="face_weight",
                label=N_("|Weight| on the facial feature"),
                value=face_weight,
                unit=N_("log-odds/SD"),
            ),
        ]
        auc_rows = [
            {"where": N_("Held-out photos (same sample)"), "auc": auc_sample},
            {"where": N_("Population without the artefact"), "auc": auc_pop},
        ]
        if hospitals:
            auc_rows.insert(
                0, {"where": N_("Held-out photos sorted by hospital alone"), "auc": auc_source}
            )
        auc_table = Table(
            key="auc",
            title=N_("AUC where the model was tested and where it is used"),
            columns=[("where", N_("Tested on")), ("auc", N_("AUC"))],
            rows=auc_rows,
        )
        weight_table = Table(
            key="weights",
            title=N_("What the model learned: weights on each image feature"),
            columns=[("feature", N_("Feature")), ("weight", N_("Weight")), ("kind", N_("Carries"))],
            rows=weights,
        )
        flag_rows = [
            {"who": N_("Positives flagged"), "people": tp},
            {"who": N_("Negatives flagged"), "people": fp},
            {"who": N_("Positives missed"), "people": fn},
        ]
        flag_table = Table(
            key="population_flags",
            title=Msg(
                "In a population of {n} with {prevalence} positives",
                n=Int(p["n_population"]),
                prevalence=Pct(prev, 1),
            ),
            columns=[("who", N_("Who")), ("people", N_("People"))],
            rows=flag_rows,
        )
        charts = [
            Chart(
                key="auc",
                title=auc_table.title,
                description=Msg(
                    "AUC {sample} on held-out photos from the sample and {population} on a "
                    "population without the artefact.",
                    sample=Num(auc_sample, 2),
                    population=Num(auc_pop, 2),
                ),
                spec=bar_chart(
                    auc_table.title,
                    auc_rows,
                    x="where",
                    y="auc",
                    x_title=N_("Tested on"),
                    y_title=N_("AUC (0.5 = chance)"),
                ),
                table=auc_table.key,
            ),
            Chart(
                key="weights",
                title=weight_table.title,
                description=Msg(
                    "Mean absolute weight {artefact} on the artefact features against {face} on "
                    "the facial feature.",
                    artefact=Num(art_weight, 2),
                    face=Num(face_weight, 2),
                ),
                spec=bar_chart(
                    weight_table.title,
                    weights,
                    x="feature",
                    y="weight",
                    x_title=N_("Image feature"),
                    y_title=N_("Weight (log-odds per SD)"),
                    color="kind",
                    color_title=N_("Carries"),
                    horizontal=True,
                ),
                table=weight_table.key,
            ),
            Chart(
                key="population_flags",
                title=flag_table.title,
                description=Msg(
                    "{tp} positives and {fp} negatives flagged; {fn} positives missed.",
                    tp=Int(tp),
                    fp=Int(fp),
                    fn=Int(fn),
                ),
                spec=bar_chart(
                    flag_table.title,
                    flag_rows,
                    x="who",
                    y="people",
                    x_title=N_("Who"),
                    y_title=N_("People"),
                ),
                table=flag_table.key,
            ),
        ]

        checks = []
        if hospitals:
            checks += self._hospital_checks(p, auc_source, closed_source, se_source, len(y_te))
        n_pos, n_neg = int(y_pop.sum()), int(len(y_pop) - y_pop.sum())
        if n_pos and n_neg:
            ceiling = _N.cdf(face / math.sqrt(2))
            se = hanley_mcneil_se(ceiling, n_pos, n_neg)
            checks.append(
                Check(
                    key="population_auc_ceiling",
                    label=N_("Without the artefact, the AUC cannot beat the facial signal's"),
                    passed=auc_pop <= ceiling + 4 * se,
                    expected=Msg(
                        "at most Φ(d′/√2) = {ceiling} (+{margin}, four Hanley–McNeil standard "
                        "errors)",
                        ceiling=Num(ceiling, 3),
                        margin=Num(4 * se, 3),
                    ),
                    observed=Num(auc_pop, 3),
                    reference=N_(
                        "Equal-variance binormal AUC = Φ(d′/√2); Hanley & McNeil, Radiology "
                        "143(1):29–36, 1982, for the standard error."
                    ),
                )
            )
        note = ""
        closed = marker_only_auc(q1, q0)
        tol = 4 * hanley_mcneil_se(closed, n_pos_te, n_neg_te) + 0.01
        if face == 0 and tol > _MAX_AUC_TOLERANCE:
            note = Msg(
                "Not enough data to check the sample AUC against its closed form: with "
                "{positives} positives among the held-out photos, chance alone could move it "
                "by ±{margin}.",
                positives=Int(n_pos_te),
                margin=Num(tol, 2),
            )
        elif face == 0:
            checks.append(
                Check(
                    key="sample_auc_closed_form",
                    label=N_("No facial signal: the sample AUC is what the artefact alone allows"),
                    passed=abs(auc_sample - closed) <= tol,
                    expected=Msg(
                        "{closed} ± {margin} (four Hanley–McNeil standard errors of {photos} "
                        "held-out photos, plus 0.01 for the fitted weights)",
                        closed=Num(closed, 3),
                        margin=Num(tol, 3),
                        photos=Int(len(y_te)),
                    ),
                    observed=Num(auc_sample, 3),
                    reference=N_(
                        "Closed form for a hospital that tracks the label: ½[q1·q0 + "
                        "(1 − q1)(1 − q0)] + q1(1 − q0)Φ(√6) + (1 − q1)q0Φ(−√6), with q1 and "
                        "q0 the shares of positives and of negatives from the hospital that "
                        "has more positives; Hanley & McNeil, Radiology 143(1):29–36, 1982, "
                        "for the standard error."
                    )
                    if hospitals
                    else N_(
                        "Closed form for a label-correlated photo artefact: ½[q1·q0 + "
                        "(1 − q1)(1 − q0)] + q1(1 − q0)Φ(√6) + (1 − q1)q0Φ(−√6), with "
                        "q1 = (1 + a)/2 and q0 = (1 − a)/2; Hanley & McNeil, Radiology "
                        "143(1):29–36, 1982, for the standard error."
                    ),
                )
            )
        auc_noise = math.sqrt(
            hanley_mcneil_se(auc_sample, n_pos_te, n_neg_te) ** 2
            + hanley_mcneil_se(auc_pop, n_pos, n_neg) ** 2
        )
        findings = self._findings(
            p, auc_sample, auc_pop, auc_noise, tp, fp, ppv_pop, prev, claimed_ppv,
            art_weight, face_weight, z_art, z_face,
        )  # fmt: skip
        if hospitals:
            findings.insert(
                1,
                self._hospital_finding(auc_source, se_source, prev_a, prev_b),
            )
            findings = findings[:5]
        if note:
            findings = [*findings[:4], note]
        return Result(
            metrics=metrics,
            tables=[auc_table, weight_table, flag_table],
            charts=charts,
            findings=findings,
            checks=checks,
        )

    @staticmethod
    def _hospital_checks(
        p: dict[str, Any], auc_source: float, closed: float, se: float, n_test: int
    ) -> list[Check]:
        """The sort-by-hospital AUC against its closed form, and against Zech et al.'s 0.861
        when the two hospitals are Zech's (both can fail)."""
        margin = 4 * se
        checks = [
            Check(
                key="sort_by_hospital_closed_form",
                label=N_("Sorting by hospital alone gives the AUC its closed form predicts"),
                passed=abs(auc_source - closed) <= margin,
                expected=Msg(
                    "{closed} ± {margin} (four binomial standard errors of {images} held-out "
                    "images)",
                    closed=Num(closed, 3),
                    margin=Num(margin, 3),
                    images=Int(n_test),
                ),
                observed=Num(auc_source, 3),
                reference=N_(
                    "AUC of a 0/1 score = ½(1 + |q1 − q0|), where q1 and q0 are the shares of "
                    "positives and of negatives from hospital A: q1 = s·pA ÷ π and "
                    "q0 = s(1 − pA) ÷ (1 − π), with π = s·pA + (1 − s)·pB."
                ),
            )
        ]
        if p["sample_from"] == "two-sources" and all(
            abs(p[name] - value) < 1e-9 for name, value in ZECH_INPUTS.items()
        ):
            zech_margin = 4 * math.sqrt(se**2 + ZECH_SORT_SE**2)
            checks.append(
                Check(
                    key="zech_sort_by_hospital",
                    label=N_("Zech et al.'s hospitals: sorting by hospital reproduces 0.861"),
                    passed=abs(auc_source - ZECH_SORT_AUC) <= zech_margin,
                    expected=Msg(
                        "{published} ± {margin} (four standard errors, from this run's sampling "
                        "and from the published confidence interval at 95%)",
                        published=Num(ZECH_SORT_AUC, 3),
                        margin=Num(zech_margin, 3),
                    ),
                    observed=Num(auc_source, 3),
                    reference=ZECH,
                )
            )
        return checks

    @staticmethod
    def _hospital_finding(auc_source: float, se: float, prev_a: float, prev_b: float) -> Msg:
        """What sorting by hospital alone gave: said to give much of the label away only when
        the AUC is above 0.5 by 0.1 and three standard errors, some information when by 0.02
        and three standard errors, close to chance when within both of 0.5."""
        auc, pa, pb = Num(auc_source, 2), Pct(prev_a, 1), Pct(prev_b, 1)
        gap = auc_source - 0.5
        if gap >= max(0.1, 3 * se):
            return Msg(
                "Sorting the held-out images by hospital alone, without looking at them, gave "
                "an AUC of {auc}: with {pa} positives in hospital A and {pb} in hospital B, the "
                "hospital alone gives much of the label away.",
                auc=auc,
                pa=pa,
                pb=pb,
            )
        if gap >= max(0.02, 3 * se):
            return Msg(
                "Sorting the held-out images by hospital alone, without looking at them, gave "
                "an AUC of {auc}: with {pa} positives in hospital A and {pb} in hospital B, the "
                "hospital carries some information about the label.",
                auc=auc,
                pa=pa,
                pb=pb,
            )
        if abs(gap) < max(0.02, 3 * se):
            return Msg(
                "Sorting the held-out images by hospital alone gave an AUC of {auc}, close to "
                "the 0.5 of chance: with {pa} positives in hospital A and {pb} in hospital B, "
                "the hospital says little about the label.",
                auc=auc,
                pa=pa,
                pb=pb,
            )
        return Msg(
            "Sorting the held-out images by hospital alone gave an AUC of {auc} ({pa} positives "
            "in hospital A, {pb} in hospital B).",
            auc=auc,
            pa=pa,
            pb=pb,
        )

    @staticmethod
    def _findings(
        p: dict[str, Any],
        auc_sample: float,
        auc_pop: float,
        auc_noise: float,
        tp: int,
        fp: int,
        ppv_pop: float,
        prev: float,
        claimed_ppv: float,
        art_weight: float,
        face_weight: float,
        z_art: float,
        z_face: float,
    ) -> list[Msg]:
        """Two to five sentences built from this run's numbers.

        The AUC is said to collapse only when the fall exceeds 0.05 and three standard errors;
        the share of right flags is compared with picking at random with its sampling error;
        the model is said to lean on a feature only when its weights differ from 0 by more
        than three standard errors (a Wald test) and are twice the others'.
        """
        findings = []
        sample, population = Num(auc_sample, 2), Num(auc_pop, 2)
        collapsed = auc_sample - auc_pop >= max(0.05, 3 * auc_noise)
        if collapsed:
            findings.append(
                Msg(
                    "On held-out photos from the same sample the model scored an AUC of "
                    "{sample}; on a population where the way photos were taken says nothing "
                    "about the label, it scored {population}.",
                    sample=sample,
                    population=population,
                )
            )
        else:
            findings.append(
                Msg(
                    "The model scored about the same on held-out photos ({sample}) and on a "
                    "population without the artefact ({population}): the difference is within "
                    "chance or small.",
                    sample=sample,
                    population=population,
                )
            )
        flagged = tp + fp
        prev_text = Pct(prev, 1)
        if flagged:
            right_text, base_text = distinct_pcts(ppv_pop, prev, min_digits=1)
            right, base = _typed_pct(ppv_pop, right_text), _typed_pct(prev, base_text)
            z = (ppv_pop - prev) / math.sqrt(prev * (1 - prev) / flagged)
            if abs(z) < 3:
                findings.append(
                    Msg(
                        "Tuned to catch two-thirds of positives in the sample, it flagged "
                        "{flagged} people in a population with {prevalence} positives; {right} "
                        "of them were positives, no better than the {base} that picking people "
                        "at random would give.",
                        flagged=Int(flagged),
                        prevalence=prev_text,
                        right=right,
                        base=base,
                    )
                )
            else:
                findings.append(
                    Msg(
                        "Tuned to catch two-thirds of positives in the sample, it flagged "
                        "{flagged} people in a population with {prevalence} positives; {right} "
                        "of them were positives, against the {base} that picking people at "
                        "random would give.",
                        flagged=Int(flagged),
                        prevalence=prev_text,
                        right=right,
                        base=base,
                    )
                )
        else:
            findings.append(N_("At the sample's threshold it flagged nobody in the population."))
        if math.isfinite(claimed_ppv):
            claimed = Pct(claimed_ppv)
            if collapsed:
                findings.append(
                    Msg(
                        "Even if the sample's AUC of {sample} were real, at {prevalence} "
                        "prevalence a detector catching two-thirds of positives would be right "
                        "about {claimed} of the time it flags someone.",
                        sample=sample,
                        prevalence=prev_text,
                        claimed=claimed,
                    )
                )
            else:
                findings.append(
                    Msg(
                        "With an AUC of {sample}, at {prevalence} prevalence a detector catching "
                        "two-thirds of positives would be right about {claimed} of the time it "
                        "flags someone (binormal arithmetic).",
                        sample=sample,
                        prevalence=prev_text,
                        claimed=claimed,
                    )
                )
        art, fac = Num(art_weight, 2), Num(face_weight, 2)
        if abs(z_art) >= 3 and art_weight > 2 * face_weight:
            findings.append(
                Msg(
                    "The model leaned on how the photos were taken: mean weight {artefact} on "
                    "the artefact features against {face} on the facial feature.",
                    artefact=art,
                    face=fac,
                )
            )
        elif abs(z_face) >= 3 and face_weight > 2 * art_weight:
            findings.append(
                Msg(
                    "The model leaned on the facial feature (weight {face}) more than on the "
                    "artefact features ({artefact}).",
                    artefact=art,
                    face=fac,
                )
            )
        elif abs(z_art) < 3 and abs(z_face) < 3:
            findings.append(
                Msg(
                    "Neither the artefact features (mean weight {artefact}) nor the facial "
                    "feature ({face}) carried a weight beyond chance.",
                    artefact=art,
                    face=fac,
                )
            )
        return findings[:5]


SIMULATION = SpuriousCorrelationSimulation()
