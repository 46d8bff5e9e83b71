"""Fixtures shared by the whole suite."""

import pytest
from django.contrib.auth.models import Group

from kb.teachers import TEACHERS_GROUP


@pytest.fixture
def teacher(django_user_model):
    """A staff member in the Teachers group: edits content, cannot manage users."""
    user = django_user_model.objects.create_user(
        username="teacher", password="teacher-pass-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name=TEACHERS_GROUP))
    return user


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def student(django_user_model):
    return django_user_model.objects.create_user(username="student", password="student-pass-123")


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client
