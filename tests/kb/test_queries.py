"""Queries per page do not grow with the number of cases, sources, facts or events."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import (
    CaseStudyFactory,
    CountryFactory,
    KeyFactFactory,
    SourceFactory,
    ThemeFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db

# Measured once; the tests prove the same number holds for 5 and for 50 cases.
EXPECTED_QUERIES = {
    # + the course step the home page's guess is posted to (issue 15)
    "home": 6,
    "case-list": 7,
    # + the chosen theme looked up by slug, + the decade choices, + the themes a search names
    "case-list-filtered": 10,
    "case-detail": 9,
    "theme-list": 1,
    "theme-detail": 5,
    "feed": 3,
}


def make_content(n_cases: int):
    """n cases sharing themes and countries, each with sources, facts, events and related cases."""
    themes = [ThemeFactory() for _ in range(4)]
    countries = [CountryFactory() for _ in range(3)]
    cases = []
    for i in range(n_cases):
        case = CaseStudyFactory(
            themes=themes[: 1 + i % 4],
            countries=countries[: 1 + i % 3],
            is_featured=i % 2 == 0,
            start_year=1990 + i % 35,
            end_year=None,
        )
        sources = SourceFactory.create_batch(1 + n_cases // 10, case=case)
        for source in sources:
            KeyFactFactory(case=case, source=source)
        TimelineEventFactory.create_batch(1 + n_cases // 25, case=case)
        cases.append(case)
    main = cases[0]
    main.related.add(*cases[1 : 1 + n_cases // 2])
    CaseStudyFactory(is_published=False, themes=themes)  # drafts cost nothing either
    return main, themes[0]


FILTERS = {"theme": None, "q": "Case", "sort": "newest", "decade": "1990", "page": "2"}


def url_for(page: str, case, theme) -> str:
    if page == "case-detail":
        return case.get_absolute_url()
    if page == "theme-detail":
        return theme.get_absolute_url()
    if page == "case-list-filtered":
        return reverse("kb:case-list") + "?" + urlencode({**FILTERS, "theme": theme.slug})
    return reverse(f"kb:{page}")


@pytest.mark.parametrize("n", [5, 50])
def test_page_queries_do_not_grow_with_content(client, n):
    """Every page type, anonymous: the same query count for 5 and 50 cases (content built once)."""
    case, theme = make_content(n)
    measured = {}
    for page in EXPECTED_QUERIES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url_for(page, case, theme))
        assert response.status_code == 200, page
        measured[page] = len(queries)
    assert measured == EXPECTED_QUERIES


@pytest.mark.parametrize("n", [5, 50])
def test_case_list_query_count_pinned_with_assert_num_queries(client, django_assert_num_queries, n):
    make_content(n)
    with django_assert_num_queries(EXPECTED_QUERIES["case-list"]):
        client.get(reverse("kb:case-list"))


@pytest.mark.parametrize("n", [5, 50])
def test_case_detail_queries_for_a_teacher_do_not_grow(
    teacher_client, django_assert_max_num_queries, n
):
    case, _ = make_content(n)
    # + session and user, and the permission lookups of visible_to()
    with django_assert_max_num_queries(EXPECTED_QUERIES["case-detail"] + 4):
        response = teacher_client.get(case.get_absolute_url())
    assert response.status_code == 200
