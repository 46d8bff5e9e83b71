import pytest

from .axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_home(page, browser_errors):
    page.goto("/")
    assert_accessible(page)
    assert browser_errors == []
