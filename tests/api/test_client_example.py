"""Issue 18: the researcher's client (docs/api_client_example.py, also in the README) runs
against the live test server: every case's key facts, through the pagination, and a second run
revalidated with ETags (304s)."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRIPT = Path(settings.BASE_DIR) / "docs" / "api_client_example.py"


def load_client():
    spec = importlib.util.spec_from_file_location("api_client_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_client_example_pulls_every_key_fact_with_pagination_and_etags(
    live_server, make_case, tmp_path, monkeypatch, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "PAGE_SIZE": 2}
    monkeypatch.setattr("rest_framework.pagination.PageNumberPagination.page_size", 2)
    for slug in ("a", "b", "c"):  # three cases: two pages of two
        make_case(slug, n_sources=2)
    client = load_client()
    statuses = []
    real_get = client.requests.Session.get

    def counting_get(self, url, **kwargs):
        response = real_get(self, url, **kwargs)
        statuses.append(response.status_code)
        return response

    monkeypatch.setattr(client.requests.Session, "get", counting_get)
    cache = tmp_path / "cache.json"
    frame = client.key_facts(f"{live_server.url}/api/v1/", cache_file=cache)
    assert len(frame) == 6 and set(frame["case"]) == {"a", "b", "c"}
    assert set(frame["fact_status"]) == {"verified"}
    assert frame["source_url"].str.startswith(live_server.url).all()
    assert statuses == [200] * 5  # page 1, a, b, page 2, c
    statuses.clear()
    again = client.key_facts(f"{live_server.url}/api/v1/", cache_file=cache)
    assert again.equals(frame)
    assert statuses == [304] * 5  # nothing changed: no body came back


def test_the_readme_shows_the_same_client():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    assert "docs/api_client_example.py" in readme
    assert 'headers["If-None-Match"]' in readme and 'page["next"]' in readme
