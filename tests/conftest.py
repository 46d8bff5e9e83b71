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


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch):
    """The suite reads the site in English unless a test asks for French.

    ``reverse()`` gives /en/ addresses and a plain ``title=`` fills the English column; every
    test client (Django's and DRF's) sends ``Accept-Language: en`` unless the test gives its
    own header, so the admin and the API answer in English. French is tested on purpose
    (tests/test_translations.py and the per-feature French tests), with
    ``HTTP_ACCEPT_LANGUAGE="fr"`` or a /fr/ address.
    """
    from django.test.client import RequestFactory
    from django.utils import translation

    original_init = RequestFactory.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")

    monkeypatch.setattr(RequestFactory, "__init__", init)
    translation.activate("en")
    yield
    translation.deactivate()


def pytest_collectstart(collector):
    """Addresses computed when a test module is imported (``URL = reverse(...)``) are English
    too: collection runs in the main thread, before any test's own activation."""
    from django.utils import translation

    translation.activate("en")


def pytest_collection_modifyitems(items):
    """Every transactional test (live server, threads) rolls back by serialisation.

    A transactional test ends with a flush; without serialised rollback that flush re-creates the
    content types and permissions (post_migrate) but not the rows of data migrations (the
    Teachers group), and a later test with serialised rollback then reloads content types that
    exist already (IntegrityError). Which test follows which depends on the order, and under
    pytest-xdist (make test runs two workers) on how the tests are shared: so all of them do it.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        transactional = kwargs.get("transaction") or {"live_server", "transactional_db"} & set(
            getattr(item, "fixturenames", ())
        )
        if transactional and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
