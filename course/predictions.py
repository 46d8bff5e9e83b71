""" "Predict, then see": for each simulation with an obvious headline number, the question a
student answers with a guess before the first result.

Data, not code: simulation slug → the metric of the engine's result that answers it (its key in
``Result.metrics``), the question, the unit and range of the slider. A share (a metric whose value
is in [0, 1]) is asked as a percentage (``scale=100``). ``also`` names metrics shown beside the
answer on the reveal, to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from simulations import engine


@dataclass(frozen=True)
class Prediction:
    simulation: str
    metric: str
    question: str
    unit: str  # shown after the number: "%", "×", "AUC"
    minimum: float
    maximum: float
    step: float = 1
    scale: float = 100  # metric value × scale = the number the student guesses
    also: tuple[str, ...] = ()
    preset: str = ""  # the run the question is written for ("" = the defaults)

    def value(self, result: dict) -> float | None:
        """The run's answer, in the question's unit (None if the metric is missing)."""
        for metric in result.get("metrics", []):
            if isinstance(metric, dict) and metric.get("key") == self.metric:
                value = metric.get("value")
                if isinstance(value, int | float):
                    return round(float(value) * self.scale, 4)
        return None

    @property
    def default(self) -> float:
        """Where the slider starts: the middle of the range, on a step."""
        middle = (self.minimum + self.maximum) / 2
        return round(round(middle / self.step) * self.step, 6)


PERCENT = "%"

PREDICTIONS: dict[str, Prediction] = {
    p.simulation: p
    for p in (
        Prediction(
            simulation="base-rate",
            metric="ppv",
            question=_(
                "A lie detector is right 76% of the time; 1 traveller in 100 is lying. "
                "What share of the travellers it flags are actually lying?"
            ),
            unit=PERCENT,
            minimum=0,
            maximum=100,
            also=("accuracy",),
        ),
        Prediction(
            simulation="feedback-loop",
            metric="patrol_share_a_last",
            question=_(
                "Patrols go where incidents were recorded; region A has 60% of the real "
                "incidents. In the end, what share of the patrols go to region A?"
            ),
            preset="ensign-unequal-rates",
            unit=PERCENT,
            minimum=0,
            maximum=100,
            also=("true_share_a",),
        ),
        Prediction(
            simulation="leakage",
            metric="recall_deployed",
            question=_(
                "In testing, the model with the leaky input catches many of the rare offenders. "
                "Once deployed, what share of the offenders does it catch?"
            ),
            unit=PERCENT,
            minimum=0,
            maximum=100,
            also=("recall_tested",),
        ),
        Prediction(
            simulation="overfitting",
            metric="fresh_unlimited",
            question=_(
                "A decision tree with no depth limit learns a small study perfectly. "
                "What accuracy does it reach on new people?"
            ),
            unit=PERCENT,
            minimum=0,
            maximum=100,
            also=("train_unlimited", "true_accuracy"),
        ),
        Prediction(
            simulation="metric-mismatch",
            metric="accuracy_pick_recall",
            question=_(
                "Positives are rare and accuracy chooses the model. "
                "What share of the real positives does the chosen model catch?"
            ),
            unit=PERCENT,
            minimum=0,
            maximum=100,
            also=("cost_recall",),
        ),
        Prediction(
            simulation="fairness-impossibility",
            metric="fpr_a",
            question=_(
                "One calibrated risk score, two groups; group A reoffends more often. Of the "
                "people in group A who do not reoffend, what share are labelled high risk?"
            ),
            unit=PERCENT,
            minimum=0,
            maximum=100,
            also=("fpr_b",),
            preset="propublica-broward",
        ),
        Prediction(
            simulation="interpretability",
            metric="group_share_selected",
            question=_(
                "A proxy of a group carries signal. What share of the people the readable model "
                "selects belong to that group?"
            ),
            unit=PERCENT,
            minimum=0,
            maximum=100,
            also=("group_share_population",),
        ),
        Prediction(
            simulation="hiring",
            metric="impact_ratio",
            question=_(
                "The gender column is removed from the CV screener. Women are then selected at "
                "what share of the men's rate?"
            ),
            unit=PERCENT,
            minimum=0,
            maximum=100,
            also=("selection_rate_women", "selection_rate_men"),
        ),
        Prediction(
            simulation="asymmetric-costs",
            metric="field_civilian_share_harm",
            question=_(
                "The classifier is tuned for the harm of its errors and hits few civilians in "
                "the lab. In a crowded field, what share of its engagements hit civilians?"
            ),
            preset="crowded-field",
            unit=PERCENT,
            minimum=0,
            maximum=100,
        ),
        Prediction(
            simulation="seed-variance",
            metric="best_minus_mean",
            question=_(
                "The same model is trained with many random seeds. How many accuracy points "
                "above the average does reporting only the best run claim?"
            ),
            unit=_("points"),
            minimum=0,
            maximum=30,
            also=("mean_accuracy", "best_accuracy"),
        ),
        Prediction(
            simulation="proxy-scoring",
            metric="fpr_b",
            question=_(
                "Annotators judged group B's way of writing as risky. Of group B's harmless "
                "writers, what share does the learned score flag as risky?"
            ),
            unit=PERCENT,
            minimum=0,
            maximum=100,
            also=("fpr_a",),
        ),
        Prediction(
            simulation="spurious-correlation",
            metric="auc_population",
            question=_(
                "The classifier scores well on held-out photos of its sample. What AUC does it "
                "reach on a population without the photos' artefact (0.5 is chance, 1 perfect)?"
            ),
            unit="AUC",
            minimum=0,
            maximum=1,
            step=0.01,
            scale=1,
            also=("auc_sample",),
        ),
        Prediction(
            simulation="preprocessing-leakage",
            metric="accuracy_leaky",
            question=_(
                "The features are pure noise, but they are selected on all the samples before "
                "cross-validation. What accuracy does cross-validation report?"
            ),
            unit=PERCENT,
            minimum=0,
            maximum=100,
            also=("accuracy_honest",),
        ),
        Prediction(
            simulation="grade-standardisation",
            metric="lowered",
            question=_(
                "Teachers' grades are fitted to each school's past results. "
                "What share of the teachers' grades are lowered?"
            ),
            unit=PERCENT,
            minimum=0,
            maximum=100,
            also=("raised",),
        ),
        Prediction(
            simulation="risk-selection",
            metric="money_ratio",
            question=_(
                "Nationality carries a small weight in the risk score. How many times more "
                "money is demanded per applicant of another nationality than per Dutch one?"
            ),
            unit="×",
            minimum=1,
            maximum=10,
            step=0.1,
            scale=1,
        ),
    )
}


def prediction_for(slug: str) -> Prediction | None:
    prediction = PREDICTIONS.get(slug)
    return prediction if prediction is not None and slug in engine.REGISTRY else None
