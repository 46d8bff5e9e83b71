"""Class data is deleted after CLASSROOM_RETENTION_DAYS without activity (manage.py housekeeping)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from classroom.models import Classroom, Member
from classroom.retention import prune_classes
from quiz.models import Attempt
from tests.classroom.teach_helpers import add_member, right_answers, take

pytestmark = pytest.mark.django_db


def test_inactive_classes_go_with_their_students_attempts(
    settings, teacher_a, classroom, open_assignment
):
    settings.CLASSROOM_RETENTION_DAYS = 30
    take(open_assignment, add_member(classroom, "Ada"), right_answers(open_assignment.quiz))
    fresh = Classroom.objects.create(name="Fresh", owner=teacher_a)
    add_member(fresh, "Bob")
    outside = Attempt.objects.create(quiz=open_assignment.quiz, seed=1)
    Classroom.objects.filter(pk=classroom.pk).update(
        last_activity_at=timezone.now() - timedelta(days=31)
    )

    report = prune_classes(dry_run=True)
    assert (report.classes, report.students, report.attempts) == (1, 1, 1)
    assert Classroom.objects.count() == 2

    out = StringIO()
    call_command("housekeeping", stdout=out)
    assert "Classes: deleted 1 inactive for 30 days (1 students, 1 attempts)." in out.getvalue()
    assert list(Classroom.objects.all()) == [fresh]
    assert list(Member.objects.values_list("nickname", flat=True)) == ["Bob"]
    assert list(Attempt.objects.all()) == [outside]


def test_the_default_retention_is_a_year(settings):
    from config import settings as project_settings

    assert project_settings.CLASSROOM_RETENTION_DAYS == 365
