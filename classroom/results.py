"""A class's results for its teachers: each student's status and best score per assignment, and
the quiz's item statistics restricted to one class and one assignment (quiz.stats).

Everything here takes a class the caller already checked (Classroom.objects.visible_to).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quiz.models import Attempt
from quiz.stats import QuizStats, quiz_stats

from .models import Assignment, AssignmentAttempt, Classroom, Member


class Status(TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    SUBMITTED = "submitted", _("submitted")
    LATE = "late", _("late: refused")


@dataclass
class StudentResult:
    member: Member
    status: Status
    attempts: int = 0  # submitted
    best_percent: float | None = None
    best_score: float | None = None
    max_score: float | None = None
    last_submitted_at: datetime | None = None


@dataclass
class AssignmentResults:
    assignment: Assignment
    rows: list[StudentResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def submitted(self) -> int:
        return self.count(Status.SUBMITTED)

    @property
    def mean_best(self) -> float | None:
        values = [r.best_percent for r in self.rows if r.best_percent is not None]
        return sum(values) / len(values) if values else None


def assignment_results(
    assignment: Assignment, members: list[Member] | None = None, *, now=None
) -> AssignmentResults:
    """Every member's status on `assignment` (two queries, whatever the class size)."""
    now = now or timezone.now()
    if members is None:
        members = list(assignment.classroom.members.all())
    links = (
        AssignmentAttempt.objects.filter(assignment=assignment)
        .select_related("attempt")
        .only(
            "member_id",
            "attempt__submitted_at",
            "attempt__score",
            "attempt__max_score",
            "attempt__is_preview",
        )
    )
    by_member: dict[int, list[Attempt]] = {}
    for link in links:
        by_member.setdefault(link.member_id, []).append(link.attempt)
    closed = assignment.is_closed(now)
    results = AssignmentResults(assignment)
    for member in members:
        attempts = by_member.get(member.pk, [])
        submitted = [a for a in attempts if a.submitted_at is not None]
        open_ = [a for a in attempts if a.submitted_at is None]
        if submitted:
            status = Status.SUBMITTED
        elif open_:
            # An attempt left open at the close is refused (the student's answers are kept).
            status = Status.LATE if closed else Status.IN_PROGRESS
        else:
            status = Status.NOT_STARTED
        row = StudentResult(member=member, status=status, attempts=len(submitted))
        if submitted:
            best = max(submitted, key=lambda a: (a.percent or 0.0, -a.submitted_at.timestamp()))
            row.best_percent = best.percent
            row.best_score = None if best.score is None else float(best.score)
            row.max_score = None if best.max_score is None else float(best.max_score)
            row.last_submitted_at = max(a.submitted_at for a in submitted)
        results.rows.append(row)
    return results


def class_results(classroom: Classroom, *, now=None) -> list[AssignmentResults]:
    """Results of every assignment of the class, in the assignments' order."""
    members = list(classroom.members.all())
    return [
        assignment_results(assignment, members, now=now)
        for assignment in classroom.assignments.select_related("quiz")
    ]


def class_attempts(assignment: Assignment):
    """The quiz attempts made through this assignment (a queryset)."""
    return Attempt.objects.filter(class_link__assignment=assignment)


def assignment_stats(assignment: Assignment, *, all_attempts: bool = False) -> QuizStats:
    """The quiz's item statistics and misconceptions, for this class and this assignment only."""
    return quiz_stats(
        assignment.quiz, all_attempts=all_attempts, attempts=class_attempts(assignment)
    )


# --- guesses of the course path ("predict, then see") -----------------------------------------

GUESS_BINS = 5


@dataclass
class GuessSummary:
    prediction: object  # course.predictions.Prediction
    count: int
    median: float
    actual: float | None
    bins: list[dict]


def class_guesses(classroom: Classroom, members: list[Member] | None = None) -> list[GuessSummary]:
    """The class's guesses per simulation question of the course path, beside the true value.

    A student counts once per question, with their first guess (made before seeing the run);
    a guess is theirs when made in their browser session (anonymous) or with their account.
    """
    import numpy as np
    from django.db.models import Q

    from course.models import Guess
    from course.predictions import PREDICTIONS

    if members is None:
        members = list(classroom.members.all())
    tokens = {m.owner_token: m.pk for m in members if m.owner_token}
    users = {m.user_id: m.pk for m in members if m.user_id}
    if not tokens and not users:
        return []
    guesses = (
        Guess.objects.filter(
            Q(user__isnull=True, owner__in=list(tokens)) | Q(user_id__in=list(users))
        )
        .order_by("created_at", "pk")
        .values_list("simulation", "metric", "owner", "user_id", "guess", "actual")
    )
    first: dict[tuple, dict[int, tuple[float, float | None]]] = {}
    for simulation, metric, owner, user_id, guess, actual in guesses:
        member = users.get(user_id) if user_id else tokens.get(owner)
        if member is None:
            continue
        first.setdefault((simulation, metric), {}).setdefault(member, (guess, actual))
    summaries = []
    for (simulation, metric), by_member in first.items():
        prediction = PREDICTIONS.get(simulation)
        if prediction is None or prediction.metric != metric:
            continue
        values = np.array([g for g, _a in by_member.values()], dtype=float)
        actuals = [a for _g, a in by_member.values() if a is not None]
        counts, edges = np.histogram(
            np.clip(values, prediction.minimum, prediction.maximum),
            bins=GUESS_BINS,
            range=(prediction.minimum, prediction.maximum),
        )
        actual = float(np.median(actuals)) if actuals else None
        peak = int(counts.max())
        bins = []
        for i, count in enumerate(counts):
            low, high = float(edges[i]), float(edges[i + 1])
            last = i == len(counts) - 1
            holds_actual = actual is not None and (
                low <= actual < high or (last and low <= actual <= high)
            )
            bins.append(
                {
                    "low": low,
                    "high": high,
                    "count": int(count),
                    "peak": peak,
                    "actual": holds_actual,
                }
            )
        summaries.append(
            GuessSummary(
                prediction=prediction,
                count=len(values),
                median=float(np.median(values)),
                actual=actual,
                bins=bins,
            )
        )
    summaries.sort(key=lambda s: s.prediction.simulation)
    return summaries
