"""Item analysis of a quiz's submitted attempts, as Moodle's quiz statistics report does it.

Figures (see /work/shared/reference/quiz-formats.md, appendix B):
- facility index = mean item score ÷ item maximum, as a percentage;
- discrimination index = 100 × corr(item score, rest-of-test score), rest = total − item;
- discriminative efficiency = 100 × cov(item, rest) ÷ the largest covariance the two score
  distributions allow (both sorted in the same order); flagged when below 15.
A figure that needs a variance that is zero (everyone scored the same) is None ("n/a").
By default only each student's first attempt counts; `all_attempts=True` counts every one.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q

from .models import Answer, AnswerChoice, Attempt, Question, Quiz

DE_FLAG_BELOW = 15.0
HISTOGRAM_BINS = 10
WRONG_NUMBERS_SHOWN = 12  # a numeric question's most-typed wrong values listed; the rest counted


@dataclass
class ChoiceCount:
    choice_id: int
    text: str
    is_correct: bool
    misconception: str
    count: int
    share: float  # of the answers to the question, in %


@dataclass
class QuestionStats:
    question: Question
    position: int
    answers: int
    unanswered: int
    facility: float | None
    discrimination: float | None
    efficiency: float | None
    choices: list[ChoiceCount] = field(default_factory=list)
    top_wrong: ChoiceCount | None = None
    # Numeric questions: the wrong values students typed, most typed first, as (value, count),
    # and how many wrong answers had a value not listed (beyond WRONG_NUMBERS_SHOWN).
    wrong_numbers: list[tuple[float, int]] = field(default_factory=list)
    wrong_numbers_other: int = 0

    @property
    def flagged(self) -> bool:
        return self.efficiency is not None and self.efficiency < DE_FLAG_BELOW


@dataclass
class QuizStats:
    quiz: Quiz
    all_attempts: bool
    attempts: int
    mean: float | None  # percent of the maximum
    median: float | None
    std: float | None
    histogram: list[dict]
    questions: list[QuestionStats]
    misconceptions: list[tuple[str, int]]


def _first_attempts(attempts: list[Attempt]) -> list[Attempt]:
    seen = set()
    first = []
    for attempt in sorted(attempts, key=lambda a: (a.submitted_at, a.pk)):
        owner = (
            ("user", attempt.user_id)
            if attempt.user_id
            else ("anon", attempt.anonymous_owner or attempt.pk)
        )
        if owner not in seen:
            seen.add(owner)
            first.append(attempt)
    return first


def _corr(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 2:
        return None
    sx, sy = x.std(), y.std()
    if sx == 0 or sy == 0:
        return None
    return float(np.mean((x - x.mean()) * (y - y.mean())) / (sx * sy))


def _efficiency(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 2:
        return None
    cov = np.mean((x - x.mean()) * (y - y.mean()))
    xs, ys = np.sort(x), np.sort(y)
    cov_max = np.mean((xs - xs.mean()) * (ys - ys.mean()))
    if cov_max <= 0:
        return None
    return float(100 * cov / cov_max)


def histogram(percents: list[float], bins: int = HISTOGRAM_BINS) -> list[dict]:
    """Counts of scores in equal bands of the maximum: 0–10 %, 10–20 %, …, 90–100 % (inclusive)."""
    counts, _ = np.histogram(np.asarray(percents, dtype=float), bins=bins, range=(0, 100))
    width = 100 // bins
    peak = int(counts.max()) if len(percents) else 0
    return [
        {"low": i * width, "high": (i + 1) * width, "count": int(c), "peak": peak}
        for i, c in enumerate(counts)
    ]


def quiz_stats(quiz: Quiz, *, all_attempts: bool = False, attempts=None) -> QuizStats:
    """Compute the quiz's statistics in a fixed number of queries (4).

    ``attempts``: an Attempt queryset to restrict the figures to (a class's assignment, say);
    only its submitted, non-preview attempts of this quiz count. Default: every one of the quiz.
    """
    base = Attempt.objects.all() if attempts is None else attempts
    attempts = list(
        base.for_stats()
        .filter(quiz=quiz)
        .only("pk", "user_id", "anonymous_owner", "submitted_at", "score", "max_score")
    )
    if not all_attempts:
        attempts = _first_attempts(attempts)
    index = {a.pk: i for i, a in enumerate(attempts)}
    answers = (
        list(
            Answer.objects.filter(attempt_id__in=index)
            .values(
                "pk",
                "attempt_id",
                "question_id",
                "points",
                "max_points",
                "is_answered",
                "is_correct",
                "number",
            )
            .order_by()
        )
        if attempts
        else []
    )
    question_ids = {a["question_id"] for a in answers}
    questions = list(
        Question.objects.filter(quiz=quiz)
        .filter(Q(pk__in=question_ids) | Q(is_archived=False))
        .prefetch_related("choices")
    )
    questions.sort(key=lambda q: (q.order, q.pk))
    qpos = {q.pk: j for j, q in enumerate(questions)}
    n, m = len(attempts), len(questions)
    scores = np.zeros((n, m))
    maxima = np.zeros(m)
    answered = np.zeros(m, dtype=int)
    present = np.zeros((n, m), dtype=bool)
    answer_question = {}
    wrong_numbers: dict[int, Counter] = defaultdict(Counter)
    for row in answers:
        i, j = index[row["attempt_id"]], qpos[row["question_id"]]
        scores[i, j] = float(row["points"])
        maxima[j] = max(maxima[j], float(row["max_points"]))
        present[i, j] = True
        answered[j] += int(row["is_answered"])
        answer_question[row["pk"]] = row["question_id"]
        if row["is_answered"] and not row["is_correct"] and row["number"] is not None:
            # Grouped as typed, up to float noise: 0.915 and 0.9150000001 are one value.
            wrong_numbers[row["question_id"]][float(f"{row['number']:.10g}")] += 1
    picks = (
        Counter(
            AnswerChoice.objects.filter(answer_id__in=answer_question)
            .values_list("choice_id", flat=True)
            .order_by()
        )
        if answer_question
        else Counter()
    )

    totals = scores.sum(axis=1)
    percents = [a.percent or 0.0 for a in attempts]
    items = []
    misconceptions: dict[str, int] = defaultdict(int)
    for j, question in enumerate(questions):
        mask = present[:, j]
        item, rest = scores[mask, j], totals[mask] - scores[mask, j]
        facility = float(100 * item.mean() / maxima[j]) if mask.any() and maxima[j] > 0 else None
        disc = _corr(item, rest)
        stats = QuestionStats(
            question=question,
            position=j + 1,
            answers=int(answered[j]),
            unanswered=int(mask.sum() - answered[j]),
            facility=facility,
            discrimination=None if disc is None else 100 * disc,
            efficiency=_efficiency(item, rest),
        )
        for choice in question.choices.all():
            count = picks.get(choice.pk, 0)
            share = 100 * count / answered[j] if answered[j] else 0.0
            stats.choices.append(
                ChoiceCount(
                    choice.pk, choice.text, choice.is_correct, choice.misconception, count, share
                )
            )
            if choice.misconception and count:
                misconceptions[choice.misconception] += count
        typed = sorted(wrong_numbers.get(question.pk, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        stats.wrong_numbers = typed[:WRONG_NUMBERS_SHOWN]
        stats.wrong_numbers_other = sum(count for _value, count in typed[WRONG_NUMBERS_SHOWN:])
        wrong = [c for c in stats.choices if not c.is_correct and c.count]
        if wrong:
            stats.top_wrong = max(wrong, key=lambda c: c.count)
        items.append(stats)

    return QuizStats(
        quiz=quiz,
        all_attempts=all_attempts,
        attempts=n,
        mean=float(np.mean(percents)) if n else None,
        median=float(np.median(percents)) if n else None,
        std=float(np.std(percents)) if n else None,
        histogram=histogram(percents),
        questions=items,
        misconceptions=sorted(misconceptions.items(), key=lambda kv: (-kv[1], kv[0])),
    )
