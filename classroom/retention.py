"""How long class data is kept: a class with no activity (a join, a submission, a live session,
a teacher's new assignment) for settings.CLASSROOM_RETENTION_DAYS is deleted with its students,
assignments, the quiz attempts made through them and its live sessions. Run by
``manage.py housekeeping``."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from quiz.models import Attempt

from .models import Classroom, Member
from .services import delete_classroom


@dataclass
class ClassPruneReport:
    classes: int = 0
    students: int = 0
    attempts: int = 0


def prune_classes(*, dry_run: bool = False, now=None) -> ClassPruneReport:
    """Delete the classes inactive for longer than the retention; report what (would) go."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CLASSROOM_RETENTION_DAYS)
    stale = Classroom.objects.filter(last_activity_at__lt=cutoff)
    report = ClassPruneReport(
        classes=stale.count(),
        students=Member.objects.filter(classroom__in=stale).count(),
        attempts=Attempt.objects.filter(class_link__assignment__classroom__in=stale).count(),
    )
    if not dry_run:
        for classroom in stale.iterator():
            delete_classroom(classroom)
    return report
