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
