"""Teacher B never sees teacher A's class: every teacher page, export and API endpoint is a 404
(and B's own pages never mention A's class)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from classroom.models import Classroom
from tests.classroom.teach_helpers import add_member, right_answers, take

pytestmark = pytest.mark.django_db

SECRET_NICKNAME = "Nickname-of-A-student"


def teach_routes():
    """Every named /teach/ route of the classroom app taking a class code: (name, converters)."""
    from classroom import urls_teach

    return [(p.name, list(p.pattern.converters)) for p in urls_teach.urlpatterns]


def args_for(converters, classroom, assignment):
    values = {"code": classroom.code, "pk": assignment.pk, "fmt": "csv"}
    return [values[name] for name in converters]


def test_teacher_b_never_sees_teacher_a_class(
    client, teacher_a, teacher_b, classroom, open_assignment
):
    member = add_member(classroom, SECRET_NICKNAME)
    take(open_assignment, member, right_answers(open_assignment.quiz))
    Classroom.objects.create(name="B's own class", owner=teacher_b)
    client.force_login(teacher_b)

    checked = 0
    for name, converters in teach_routes():
        if "code" not in converters:
            continue
        for fmt in ("csv", "xlsx") if "fmt" in converters else (None,):
            args = args_for(converters, classroom, open_assignment)
            if fmt:
                args[converters.index("fmt")] = fmt
            address = reverse(f"classroom:{name}", args=args)
            for method in ("get", "post"):
                response = getattr(client, method)(address)
                assert response.status_code == 404, (method, address, response.status_code)
                assert SECRET_NICKNAME.encode() not in response.content
                checked += 1
    assert checked >= 20

    home = client.get(reverse("classroom:teach-home")).content.decode()
    assert classroom.code not in home and classroom.name not in home

    api = APIClient()
    api.force_authenticate(teacher_b)
    listed = api.get(reverse("api:class-list")).json()
    assert classroom.code not in str(listed)
    for method, address in (
        ("get", reverse("api:class-assignments", args=[classroom.code])),
        ("post", reverse("api:class-assignments", args=[classroom.code])),
        ("get", reverse("api:class-results", args=[classroom.code])),
    ):
        response = getattr(api, method)(address, {}, format="json")
        assert response.status_code == 404, (method, address)
        assert SECRET_NICKNAME not in response.content.decode()

    # The same pages answer teacher A (so the 404s above are about B, not broken routes).
    client.force_login(teacher_a)
    page = client.get(reverse("classroom:teach-class", args=[classroom.code]))
    assert page.status_code == 200 and SECRET_NICKNAME in page.content.decode()
