"""Pages stay small and cheap when the archive is large (issue 7: benchmarks/)."""

import pytest
from django.urls import reverse

from kb.filters import decade_choices
from kb.views import THEME_CASES_SHOWN

from .factories import CaseStudyFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_a_theme_page_shows_its_first_cases_and_links_to_all_of_them(client):
    theme = ThemeFactory(name="Proxies")
    CaseStudyFactory.create_batch(THEME_CASES_SHOWN + 3, themes=[theme])
    html = client.get(reverse("kb:theme-detail", kwargs={"slug": theme.slug})).content.decode()
    assert html.count('class="case-card') == THEME_CASES_SHOWN
    assert f"These are the first {THEME_CASES_SHOWN} cases" in html
    assert f"?theme={theme.slug}" in html


def test_a_theme_page_with_few_cases_shows_them_all(client):
    theme = ThemeFactory(name="Leakage")
    CaseStudyFactory.create_batch(3, themes=[theme])
    html = client.get(reverse("kb:theme-detail", kwargs={"slug": theme.slug})).content.decode()
    assert html.count('class="case-card') == 3
    assert "These are the first" not in html


def test_decade_choices_are_one_row_per_decade(django_assert_num_queries):
    for year in (2011, 2012, 2013, 1995):
        CaseStudyFactory(start_year=year, end_year=None)
    with django_assert_num_queries(1) as captured:
        assert decade_choices() == [("1990", "1990s"), ("2010", "2010s")]
    assert "title" not in captured.captured_queries[0]["sql"]
