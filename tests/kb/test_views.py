"""Public pages: home, case list (filters, search, sort, pages), case detail, themes, feed, cite."""

import re

import pytest
from django.urls import reverse

from kb.models import CaseStatus, Sector
from kb.panels import register_case_panel, register_theme_panel

from .factories import (
    CaseStudyFactory,
    CountryFactory,
    KeyFactFactory,
    SourceFactory,
    ThemeFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


def titles(response):
    return [case.title for case in response.context["cases"]]


# --- Home ------------------------------------------------------------------------------------


def test_home_explains_the_site_and_shows_featured_cases(client):
    CaseStudyFactory(title="Featured one", is_featured=True)
    CaseStudyFactory(title="Not featured")
    response = client.get(reverse("kb:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Featured one" in html and "Not featured" not in html
    for path in ("/en/cases/", "/en/themes/", "/en/simulations/", "/en/quizzes/"):
        assert f'href="{path}"' in html


def test_home_falls_back_to_recently_updated_cases_when_none_is_featured(client):
    CaseStudyFactory(title="Published case")
    CaseStudyFactory(title="Draft case", is_published=False)
    html = client.get(reverse("kb:home")).content.decode()
    assert "Published case" in html
    assert "Draft case" not in html


# --- Case list -------------------------------------------------------------------------------


def test_case_list_shows_published_cases_only(client):
    CaseStudyFactory(title="Visible")
    CaseStudyFactory(title="Hidden draft", is_published=False)
    response = client.get(reverse("kb:case-list"))
    assert titles(response) == ["Visible"]


def test_case_card_shows_years_status_sector_and_theme_tooltips(client):
    theme = ThemeFactory(name="Feedback loops", definition="Predictions change the data.")
    CaseStudyFactory(
        title="PredPol",
        start_year=2011,
        end_year=2020,
        status=CaseStatus.ABANDONED,
        sector=Sector.POLICING,
        themes=[theme],
    )
    html = client.get(reverse("kb:case-list")).content.decode()
    assert "2011–2020" in html
    assert "Abandoned" in html and "Policing" in html
    assert '<abbr title="Predictions change the data.">Feedback loops</abbr>' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"theme": "leakage"}, ["A"]),
        ({"sector": "employment"}, ["B"]),
        ({"country": "france"}, ["B"]),
        ({"status": "banned"}, ["A"]),
        ({"decade": "1990"}, ["B"]),
        ({"decade": "2010", "sector": "policing"}, ["A"]),
    ],
)
def test_case_list_filters(client, params, expected):
    leakage = ThemeFactory(slug="leakage", name="Leakage")
    france = CountryFactory(slug="france", name="France")
    CaseStudyFactory(title="A", themes=[leakage], start_year=2012, status=CaseStatus.BANNED)
    CaseStudyFactory(
        title="B", sector=Sector.EMPLOYMENT, countries=[france], start_year=1995, end_year=None
    )
    response = client.get(reverse("kb:case-list"), params)
    assert response.status_code == 200
    assert titles(response) == expected
    assert not response.context["filter"].form.errors


def test_filters_stay_in_the_url_and_the_form(client):
    ThemeFactory(slug="leakage", name="Leakage")
    html = client.get(reverse("kb:case-list"), {"theme": "leakage", "q": "radar"}).content.decode()
    assert 'value="radar"' in html
    assert '<option value="leakage" selected>' in html
    assert 'method="get"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "no-such-theme"},
        {"country": "<script>"},
        {"sector": "astrology"},
        {"status": "x" * 5000},
        {"decade": "nineteen-nineties"},
        {"decade": "1234"},
        {"sort": "DROP TABLE"},
        {"page": "-1"},
        {"page": "banana"},
        {"q": "x" * 1000},
        {"q": "nul\x00byte"},
        {"theme": "nul\x00byte"},
    ],
)
def test_bad_filter_values_give_a_message_not_an_error(client, params):
    CaseStudyFactory(title="Still listed")
    response = client.get(reverse("kb:case-list"), params)
    assert response.status_code == 200
    assert "Still listed" in response.content.decode() or params.get("q")
    if "page" not in params:
        assert response.context["filter"].form.errors
        assert "were not understood" in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_search_matches_title_summary_and_body(client):
    CaseStudyFactory(title="Kiosk lie detector", summary="x", body="y")
    CaseStudyFactory(title="Other", summary="A résumé screening tool", body="y")
    CaseStudyFactory(title="Third", summary="z", body="It used gradient boosting.")
    CaseStudyFactory(title="Unrelated", summary="z", body="nothing")
    assert titles(client.get(reverse("kb:case-list"), {"q": "kiosk"})) == ["Kiosk lie detector"]
    # Non-ASCII case folds too: PostgreSQL's full-text search, SQLite's trigram index.
    assert titles(client.get(reverse("kb:case-list"), {"q": "RÉSUMÉ screening"})) == ["Other"]
    assert titles(client.get(reverse("kb:case-list"), {"q": "screening"})) == ["Other"]
    assert titles(client.get(reverse("kb:case-list"), {"q": "gradient boosting"})) == ["Third"]
    assert titles(client.get(reverse("kb:case-list"), {"q": "gradient kiosk"})) == []


@pytest.mark.parametrize(
    "query, folded",
    [
        ({"q": "kiosk", "sort": "title"}, True),  # what the search button sends
        ({"q": "kiosk", "sector": "policing", "sort": "title"}, False),
        ({"sector": "spaceships"}, False),  # an error is shown inside the panel
        ({}, True),
    ],
)
def test_a_search_alone_leaves_the_filter_panel_folded(client, query, folded):
    CaseStudyFactory(title="Kiosk lie detector", summary="x", body="y")
    html = client.get(reverse("kb:case-list"), query).content.decode()
    tag = re.search(r'<details class="filter-details"[^>]*>', html).group(0)
    assert ("open" not in tag) is folded


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Alpha", "Beta", "Gamma"]),
        ("newest", ["Beta", "Gamma", "Alpha"]),
        ("updated", ["Gamma", "Alpha", "Beta"]),
        ("relevance", ["Alpha", "Beta", "Gamma"]),
    ],
)
def test_case_list_sorting(client, sort, expected):
    beta = CaseStudyFactory(title="Beta", start_year=2020, end_year=None)
    alpha = CaseStudyFactory(title="Alpha", start_year=2001, end_year=None)
    gamma = CaseStudyFactory(title="Gamma", start_year=2010, end_year=None)
    for case in (beta, alpha, gamma):  # updated_at order: beta, alpha, gamma (newest last)
        case.save()
    assert titles(client.get(reverse("kb:case-list"), {"sort": sort})) == expected


def test_case_list_paginates_and_keeps_filters_in_page_links(client):
    CaseStudyFactory.create_batch(30, sector=Sector.MILITARY)
    first = client.get(reverse("kb:case-list"), {"sector": "military"})
    assert len(first.context["cases"]) == 12
    html = first.content.decode()
    assert "?sector=military&amp;page=2" in html
    last = client.get(reverse("kb:case-list"), {"sector": "military", "page": 3})
    assert len(last.context["cases"]) == 6


# --- Case detail -----------------------------------------------------------------------------


@pytest.fixture
def full_case():
    theme = ThemeFactory(
        name="Base-rate fallacy", definition="Rare events make accurate tests wrong."
    )
    case = CaseStudyFactory(
        title="iBorderCtrl",
        body="The kiosk **asked** questions.",
        themes=[theme],
        discussion_questions="1. Would you trust it?",
        deployer="EU pilot",
        developer="Consortium",
    )
    first = SourceFactory(
        case=case, title="Horizon 2020 report", publisher="European Commission", order=1
    )
    second = SourceFactory(
        case=case,
        title="We tested Europe's lie detector",
        publisher="The Intercept",
        order=2,
        archived_url="https://web.archive.org/web/2019/https://example.org",
    )
    KeyFactFactory(
        case=case,
        source=second,
        statement="Tested on 32 people, 76% accuracy",
        status="disputed",
        note="Small sample.",
        location="section 3",
    )
    KeyFactFactory(case=case, source=first, statement="Funded with €4.5 million", status="verified")
    TimelineEventFactory(case=case, date="2016-09-01", precision="month", text="Project starts")
    TimelineEventFactory(case=case, date="2018-01-01", precision="year", text="Pilot")
    related = CaseStudyFactory(title="NDAS")
    case.related.add(related)
    return case


def test_case_detail_shows_everything(client, full_case):
    response = client.get(full_case.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "The kiosk <strong>asked</strong> questions." in html
    assert "Tested on 32 people, 76% accuracy" in html
    assert 'href="#source-2">Source [2]</a>, section 3' in html
    assert "badge-disputed" in html and "Small sample." in html
    assert 'href="#source-1">Source [1]</a>' in html
    assert '<time datetime="2016-09">September 2016</time>' in html
    assert '<time datetime="2018">2018</time>' in html
    assert 'id="source-1"' in html and "European Commission" in html
    assert "Archived copy" in html
    assert '<abbr title="Rare events make accurate tests wrong.">Base-rate fallacy</abbr>' in html
    assert "NDAS" in html
    assert "Would you trust it?" in html
    assert "@misc{realitycheck-iborderctrl" in html
    assert "Draft — not visible" not in html


def test_case_detail_orders_sources_by_their_number(client, full_case):
    html = client.get(full_case.get_absolute_url()).content.decode()
    assert html.index("Horizon 2020 report") < html.index("We tested Europe")


def test_unknown_case_is_404(client):
    assert client.get(reverse("kb:case-detail", args=["nope"])).status_code == 404


def test_draft_case_is_404_for_the_public_and_students(client, student_client):
    draft = CaseStudyFactory(is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert student_client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("kb:case-cite", args=[draft.slug])).status_code == 404


def test_teacher_sees_a_draft_with_a_banner(teacher_client):
    draft = CaseStudyFactory(is_published=False, title="Work in progress")
    response = teacher_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft — not visible to the public" in response.content.decode()


def test_case_cite_downloads_bibtex(client, full_case):
    response = client.get(reverse("kb:case-cite", args=[full_case.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("@misc{realitycheck-iborderctrl,")
    assert "http://testserver/en/cases/iborderctrl/" in body


@pytest.fixture
def panel_template(settings, tmp_path):
    """A panel template, as another app would ship, that shows what it got in `ctx`."""
    (tmp_path / "test_panel.html").write_text('<aside data-test-panel="{{ ctx.x }}">panel</aside>')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return "test_panel.html"


@pytest.fixture
def empty_panels(monkeypatch):
    """Fresh registries, so the panels of the real apps do not interfere."""
    import kb.panels as panels
    from kb import views

    for name in ("CASE_PANELS", "THEME_PANELS"):
        fresh = []
        monkeypatch.setattr(panels, name, fresh)
        monkeypatch.setattr(views, name, fresh)


def test_case_panels_are_rendered_with_their_context_as_ctx(
    client, full_case, panel_template, empty_panels
):
    register_case_panel(panel_template, lambda case, request: {"x": case.title})
    register_case_panel("never/rendered.html", lambda case, request: None)
    html = client.get(full_case.get_absolute_url()).content.decode()
    assert '<aside data-test-panel="iBorderCtrl">' in html


# --- Themes ----------------------------------------------------------------------------------


def test_theme_list_shows_definitions_and_published_case_counts(client):
    theme = ThemeFactory(name="Overfitting", definition="Learning the noise.")
    CaseStudyFactory.create_batch(2, themes=[theme])
    CaseStudyFactory(themes=[theme], is_published=False)
    ThemeFactory(name="Unused")
    html = client.get(reverse("kb:theme-list")).content.decode()
    assert "Overfitting" in html and "Learning the noise." in html
    assert "2 cases" in html
    assert "0 cases" in html


def test_theme_detail_shows_explanation_and_its_published_cases(client):
    theme = ThemeFactory(name="Opacity", explanation="Nobody can say **why**.")
    CaseStudyFactory(title="Shown", themes=[theme])
    CaseStudyFactory(title="Draft", themes=[theme], is_published=False)
    CaseStudyFactory(title="Elsewhere")
    response = client.get(theme.get_absolute_url())
    html = response.content.decode()
    assert "Nobody can say <strong>why</strong>." in html
    assert [c.title for c in response.context["cases"]] == ["Shown"]


def test_theme_panels_are_rendered_with_their_context_as_ctx(client, panel_template, empty_panels):
    register_theme_panel(panel_template, lambda theme, request: {"x": theme.name})
    theme = ThemeFactory(name="Leakage")
    html = client.get(theme.get_absolute_url()).content.decode()
    assert '<aside data-test-panel="Leakage">' in html


def test_unknown_theme_is_404(client):
    assert client.get(reverse("kb:theme-detail", args=["nope"])).status_code == 404


# --- Feed ------------------------------------------------------------------------------------


def test_feed_lists_published_cases_newest_update_first(client):
    theme = ThemeFactory(name="Proxies")
    old = CaseStudyFactory(title="Older case", themes=[theme])
    CaseStudyFactory(title="Newer case")
    CaseStudyFactory(title="Secret draft", is_published=False)
    old.save()  # now the most recently updated
    response = client.get(reverse("kb:feed"))
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Secret draft" not in body
    assert body.index("Older case") < body.index("Newer case")
    assert "<updated>" in body and 'term="Proxies"' in body
    assert "http://testserver/en/cases/older-case/" in body


def test_case_page_says_which_sources_only_report_another_document(client):
    """A relay is labelled as such, so a reader sees why a fact resting on it is secondary."""
    case = CaseStudyFactory()
    SourceFactory(case=case, title="The court's judgment", origin="original", order=1)
    SourceFactory(case=case, title="A blog post about it", origin="report", order=2)
    html = client.get(case.get_absolute_url()).content.decode()
    judgment = html[html.index('id="source-1"') : html.index('id="source-2"')]
    relay = html[html.index('id="source-2"') :]
    assert "Report of another document" not in judgment
    assert "Report of another document" in relay[: relay.index("</li>")]
