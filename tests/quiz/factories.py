"""factory_boy factories for quiz models, and a helper that builds a whole quiz."""

from decimal import Decimal

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from quiz.models import Choice, Question, QuestionType, Quiz


class QuizFactory(DjangoModelFactory):
    class Meta:
        model = Quiz

    title = factory.Sequence(lambda n: f"Quiz {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    description = "What this quiz checks."
    is_published = True


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    quiz = factory.SubFactory(QuizFactory)
    type = QuestionType.SINGLE
    prompt = factory.Sequence(lambda n: f"Question number {n}?")
    general_feedback = factory.Sequence(lambda n: f"GENERAL-FEEDBACK-{n}")
    points = Decimal("1")
    order = factory.Sequence(lambda n: n)


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Choice {n}")
    feedback = factory.Sequence(lambda n: f"CHOICE-FEEDBACK-{n}")
    order = factory.Sequence(lambda n: n)


def single(quiz, *, right="Right answer", wrong=("Wrong one", "Wrong two"), points=1, **kwargs):
    q = QuestionFactory(quiz=quiz, type=QuestionType.SINGLE, points=Decimal(str(points)), **kwargs)
    ChoiceFactory(question=q, text=right, is_correct=True)
    for n, text in enumerate(wrong):
        ChoiceFactory(
            question=q, text=text, is_correct=False, misconception=f"MISCONCEPTION-{q.pk}-{n}"
        )
    return q


def multiple(quiz, *, right=("R1", "R2"), wrong=("W1", "W2"), points=1, **kwargs):
    q = QuestionFactory(
        quiz=quiz, type=QuestionType.MULTIPLE, points=Decimal(str(points)), **kwargs
    )
    for text in right:
        ChoiceFactory(question=q, text=text, is_correct=True)
    for text in wrong:
        ChoiceFactory(question=q, text=text, is_correct=False)
    return q


def truefalse(quiz, *, answer=True, **kwargs):
    q = QuestionFactory(quiz=quiz, type=QuestionType.TRUEFALSE, **kwargs)
    ChoiceFactory(question=q, text="True", is_correct=answer, order=0)
    ChoiceFactory(question=q, text="False", is_correct=not answer, order=1)
    return q


def numeric(quiz, *, value=42.0, tolerance=1.0, **kwargs):
    return QuestionFactory(
        quiz=quiz,
        type=QuestionType.NUMERIC,
        numeric_value=value,
        numeric_tolerance=tolerance,
        **kwargs,
    )


def mixed_quiz(**kwargs):
    """A published quiz with one question of each type."""
    quiz = QuizFactory(**kwargs)
    single(quiz)
    multiple(quiz)
    truefalse(quiz, answer=False)
    numeric(quiz)
    return quiz


def right_choice(question):
    return [c.pk for c in question.choices.all() if c.is_correct]


def wrong_choice(question):
    return [next(c.pk for c in question.choices.all() if not c.is_correct)]
