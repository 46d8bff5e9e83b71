"""Classes in the admin: a teacher lists their own (and shared) classes, owns what they create,
deletes a class with its students' attempts; the admin header links to /teach/."""

import pytest
from django.urls import reverse

from classroom.models import Classroom
from quiz.models import Attempt
from tests.classroom.teach_helpers import add_member, right_answers, take

pytestmark = pytest.mark.django_db


def test_a_teacher_lists_only_visible_classes_and_owns_a_new_one(
    client, teacher_a, teacher_b, classroom
):
    theirs = Classroom.objects.create(name="B private class", owner=teacher_b)
    client.force_login(teacher_a)
    page = client.get(reverse("admin:classroom_classroom_changelist")).content.decode()
    assert classroom.name in page and theirs.name not in page
    assert reverse("classroom:teach-home") in page  # the header's link to /teach/
    assert (
        client.get(reverse("admin:classroom_classroom_change", args=[theirs.pk])).status_code == 302
    )

    add = client.get(reverse("admin:classroom_classroom_add")).content.decode()
    assert 'name="owner"' not in add
    response = client.post(
        reverse("admin:classroom_classroom_add"),
        {
            "name": "Made in the admin",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Classroom.objects.get(name="Made in the admin").owner == teacher_a


def test_deleting_in_the_admin_takes_the_attempts_too(
    client, teacher_a, classroom, open_assignment
):
    take(open_assignment, add_member(classroom, "Ada"), right_answers(open_assignment.quiz))
    client.force_login(teacher_a)
    response = client.post(
        reverse("admin:classroom_classroom_delete", args=[classroom.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Classroom.objects.exists() and not Attempt.objects.exists()


def test_a_co_teacher_cannot_delete_the_class_in_the_admin(client, teacher_a, teacher_b, classroom):
    classroom.co_teachers.add(teacher_b)
    client.force_login(teacher_b)
    response = client.post(
        reverse("admin:classroom_classroom_delete", args=[classroom.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Classroom.objects.exists()
