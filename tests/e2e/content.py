"""Content for browser tests, built with the model factories (fast), not the full fixtures."""

from decimal import Decimal

from quiz.models import QuestionType
from tests.kb.factories import (
    CaseStudyFactory,
    KeyFactFactory,
    SourceFactory,
    ThemeFactory,
    TimelineEventFactory,
)
from tests.quiz.factories import ChoiceFactory, QuestionFactory, QuizFactory

CASE_TITLE = "PredPol in Los Angeles"
RIGHT = "Where patrols were sent"
WRONG = "Where crime really happened"
RIGHT_FEEDBACK = "Yes: **records follow patrols**, so the data reflect policing."
WRONG_FEEDBACK = "No: incidents are only recorded where police are, not wherever they happen."
GENERAL_FEEDBACK = "Ensign et al. (2018) call this a runaway feedback loop."


def predpol_case(**overrides):
    """A published case with the slug "predpol": the feedback-loop simulation's panel shows on it."""
    theme = ThemeFactory(name="Feedback loops", slug="feedback-loops")
    fields = {
        "title": CASE_TITLE,
        "slug": "predpol",
        "summary": "Predictive policing software sent patrols back to the same neighbourhoods.",
        "body": "The software was **deployed** in 2011.\n\nIt learnt from its own records.",
        "themes": [theme],
        **overrides,
    }
    case = CaseStudyFactory(**fields)
    source = SourceFactory(case=case, title="To predict and serve?")
    SourceFactory(case=case, title="Runaway feedback loops in predictive policing")
    # A relay of another document: the page labels it, and the accessibility check sees the label.
    SourceFactory(case=case, title="LAPD can't measure PredPol's effect", origin="report")
    KeyFactFactory(case=case, source=source, statement="Deployed by the LAPD from 2011")
    TimelineEventFactory(case=case, text="LAPD stops using PredPol")
    return case


def case_quiz(case, *, title="Predictive policing check", slug="predictive-policing-check"):
    """A published quiz linked to `case`: a single-choice, a multiple-choice and a numeric question."""
    quiz = QuizFactory(title=title, slug=slug, description="Checks what **records** measure.")
    quiz.cases.add(case)
    single = QuestionFactory(
        quiz=quiz,
        type=QuestionType.SINGLE,
        prompt="What do PredPol's incident records mostly measure?",
        general_feedback=GENERAL_FEEDBACK,
        order=1,
    )
    ChoiceFactory(question=single, text=RIGHT, is_correct=True, feedback=RIGHT_FEEDBACK, order=1)
    ChoiceFactory(
        question=single,
        text=WRONG,
        is_correct=False,
        feedback=WRONG_FEEDBACK,
        misconception="Records are a census of crime.",
        order=2,
    )
    multiple = QuestionFactory(
        quiz=quiz,
        type=QuestionType.MULTIPLE,
        prompt="Which changes shrink the feedback loop?",
        general_feedback="Both add information the patrols did not produce.",
        order=2,
    )
    ChoiceFactory(question=multiple, text="Counting reported incidents", is_correct=True, order=1)
    ChoiceFactory(question=multiple, text="Ensign et al.'s correction", is_correct=True, order=2)
    ChoiceFactory(question=multiple, text="More patrols in region A", is_correct=False, order=3)
    QuestionFactory(
        quiz=quiz,
        type=QuestionType.NUMERIC,
        prompt="Region A has rate 0.3 and B has 0.2. What is A's true share of incidents, in %?",
        general_feedback="0.3 / (0.3 + 0.2) = 60%.",
        numeric_value=60.0,
        numeric_tolerance=1.0,
        points=Decimal("1"),
        order=3,
    )
    return quiz
