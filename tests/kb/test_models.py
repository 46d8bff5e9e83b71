"""kb models and QuerySets: validation, dates, search, citations, counts."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import translation

from kb.models import (
    END_BEFORE_START,
    PUBLISHED_NEEDS_SOURCE,
    CaseStudy,
    DatePrecision,
    Theme,
    bibtex_escape,
    format_date,
    iso_date,
)

from .factories import (
    CaseStudyFactory,
    KeyFactFactory,
    SourceFactory,
    ThemeFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Dates and citations are written in the active language: these tests read English."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("precision", "shown", "iso"),
    [
        (DatePrecision.YEAR, "2019", "2019"),
        (DatePrecision.MONTH, "March 2019", "2019-03"),
        (DatePrecision.DAY, "14 March 2019", "2019-03-14"),
    ],
)
def test_dates_are_shown_only_as_precisely_as_known(precision, shown, iso):
    day = datetime.date(2019, 3, 14)
    assert format_date(day, precision) == shown
    assert iso_date(day, precision) == iso
    event = TimelineEventFactory.build(date=day, precision=precision)
    assert event.date_display == shown and event.date_iso == iso


@pytest.mark.parametrize(
    ("precision", "shown"),
    [
        (DatePrecision.YEAR, "2019"),
        (DatePrecision.MONTH, "mars 2019"),
        (DatePrecision.DAY, "14 mars 2019"),
    ],
)
def test_dates_in_french(precision, shown):
    with translation.override("fr"):
        assert format_date(datetime.date(2019, 3, 14), precision) == shown
        assert format_date(None, precision) == "s.\u00a0d."


def test_citation_in_french():
    case = CaseStudyFactory(title="PredPol")
    with translation.override("fr"):
        text = case.citation_text(
            "https://rc.example/fr/cases/predpol/", accessed=datetime.date(2026, 1, 2)
        )
        bib = case.citation_bibtex(
            "https://rc.example/fr/cases/predpol/", accessed=datetime.date(2026, 1, 2)
        )
    assert text.startswith("Reality Check. «\u00a0PredPol.\u00a0» Étude de cas, mise à jour le ")
    assert text.endswith("https://rc.example/fr/cases/predpol/ (consulté le 2 janvier 2026).")
    assert "consultée le 2026-01-02" in bib


def test_undated_source_says_no_date():
    assert SourceFactory.build(published_on=None).date_display == "n.d."


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [(2011, 2020, "2011–2020"), (2018, 2018, "2018"), (2016, None, "2016–"), (None, None, "")],
)
def test_years(start, end, years):
    assert CaseStudyFactory.build(start_year=start, end_year=end).years == years


def test_end_year_before_start_year_is_a_validation_error_and_a_db_constraint():
    case = CaseStudyFactory.build(start_year=2020, end_year=2010)
    with pytest.raises(ValidationError) as excinfo:
        case.full_clean()
    assert excinfo.value.message_dict["end_year"] == [END_BEFORE_START]
    with pytest.raises(IntegrityError):
        case.save()


def test_years_outside_the_allowed_range_are_refused():
    with pytest.raises(ValidationError) as excinfo:
        CaseStudyFactory.build(start_year=1066, end_year=None).full_clean()
    assert "start_year" in excinfo.value.message_dict


def test_a_published_case_without_sources_does_not_validate():
    case = CaseStudyFactory()
    with pytest.raises(ValidationError) as excinfo:
        case.full_clean()
    assert excinfo.value.message_dict["is_published"] == [PUBLISHED_NEEDS_SOURCE]
    SourceFactory(case=case)
    case.full_clean()


def test_markdown_is_rendered_once_on_save():
    case = CaseStudyFactory(body="**bold**", discussion_questions="- why?")
    assert case.body_html == "<p><strong>bold</strong></p>"
    assert "<li>why?</li>" in case.discussion_html
    theme = ThemeFactory(explanation="*x*")
    assert theme.explanation_html == "<p><em>x</em></p>"


def test_publishing_stamps_published_at_once():
    case = CaseStudyFactory(is_published=False)
    assert case.published_at is None
    case.is_published = True
    case.save()
    first = case.published_at
    assert first is not None
    case.save()
    assert case.published_at == first


def test_visible_to_hides_drafts_from_the_public_but_not_from_teachers(teacher, student):
    CaseStudyFactory(title="Published")
    CaseStudyFactory(title="Draft", is_published=False)
    public = {c.title for c in CaseStudy.objects.visible_to(AnonymousUser())}
    assert public == {"Published"}
    assert {c.title for c in CaseStudy.objects.visible_to(student)} == {"Published"}
    assert {c.title for c in CaseStudy.objects.visible_to(teacher)} == {"Published", "Draft"}


def test_search_requires_every_word_somewhere_in_title_summary_or_body():
    CaseStudyFactory(title="Border kiosk", summary="lie detection", body="avatar questions")
    CaseStudyFactory(title="Hiring", summary="résumé screening", body="women penalised")
    assert [c.title for c in CaseStudy.objects.search("KIOSK avatar")] == ["Border kiosk"]
    assert [c.title for c in CaseStudy.objects.search("penalised")] == ["Hiring"]
    assert list(CaseStudy.objects.search("kiosk penalised")) == []
    assert CaseStudy.objects.search("   ").count() == 2


def test_in_decade():
    CaseStudyFactory(title="Nineties", start_year=1999, end_year=None)
    CaseStudyFactory(title="Tens", start_year=2010, end_year=None)
    assert [c.title for c in CaseStudy.objects.in_decade(1990)] == ["Nineties"]
    assert [c.title for c in CaseStudy.objects.in_decade(2010)] == ["Tens"]


def test_featured_or_recent_prefers_featured_published_cases():
    CaseStudyFactory(title="Plain")
    CaseStudyFactory(title="Featured draft", is_featured=True, is_published=False)
    assert [c.title for c in CaseStudy.objects.featured_or_recent()] == ["Plain"]
    CaseStudyFactory(title="Featured", is_featured=True)
    assert [c.title for c in CaseStudy.objects.featured_or_recent()] == ["Featured"]


def test_theme_published_case_counts():
    theme = ThemeFactory()
    CaseStudyFactory.create_batch(3, themes=[theme])
    CaseStudyFactory(themes=[theme], is_published=False)
    assert Theme.objects.with_published_case_counts().get(pk=theme.pk).published_case_count == 3


def test_numbered_key_facts_carry_their_source_number():
    case = CaseStudyFactory()
    first = SourceFactory(case=case, order=1)
    second = SourceFactory(case=case, order=2)
    KeyFactFactory(case=case, source=second, order=1)
    KeyFactFactory(case=case, source=first, order=2)
    case = CaseStudy.objects.for_detail().get(pk=case.pk)
    assert [f.source_number for f in case.numbered_key_facts()] == [2, 1]


def test_citations():
    case = CaseStudyFactory(title="PredPol & the 10% rule", slug="predpol")
    text = case.citation_text(
        "https://rc.example/cases/predpol/", accessed=datetime.date(2026, 1, 2)
    )
    assert text.startswith("Reality Check. “PredPol & the 10% rule.” Case study, last updated")
    assert text.endswith("https://rc.example/cases/predpol/ (accessed 02 January 2026).")
    bib = case.citation_bibtex(
        "https://rc.example/cases/predpol/", accessed=datetime.date(2026, 1, 2)
    )
    assert bib.startswith("@misc{realitycheck-predpol,\n")
    assert r"title = {{PredPol \& the 10\% rule}}," in bib
    assert r"howpublished = {\url{https://rc.example/cases/predpol/}}," in bib
    assert "accessed 2026-01-02" in bib


def test_bibtex_escape():
    assert bibtex_escape("a_b {c} $d$ #e ~f ^g \\h") == (
        r"a\_b \{c\} \$d\$ \#e \textasciitilde{}f \textasciicircum{}g \textbackslash{}h"
    )
    assert bibtex_escape("https://x/a%20b{", url=True) == r"https://x/a\%20b\{"


def test_natural_keys_are_slugs():
    case = CaseStudyFactory(slug="ndas")
    theme = ThemeFactory(slug="leakage")
    assert CaseStudy.objects.get_by_natural_key("ndas") == case
    assert Theme.objects.get_by_natural_key("leakage") == theme
    assert case.natural_key() == ("ndas",) and theme.natural_key() == ("leakage",)


def test_edits_are_versioned():
    case = CaseStudyFactory(title="Before")
    case.title = "After"
    case.save()
    assert [h.title for h in case.history.order_by("history_date")] == ["Before", "After"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text ranking is PostgreSQL-only"
)
def test_postgresql_search_is_full_text_and_ranked():
    with translation.override("en"):  # English text, stemmed as English
        CaseStudyFactory(title="Zebra", summary="x", body="Predictions of crime in cities.")
        CaseStudyFactory(title="Predicting crime", summary="x", body="y")
    results = list(CaseStudy.objects.search("predicted crimes"))  # stemmed: predict, crime
    assert [c.title for c in results] == ["Predicting crime", "Zebra"]
    assert results[0].search_rank > results[1].search_rank


@pytest.mark.django_db
def test_a_browser_resubmitting_unchanged_text_records_no_change():
    """Textareas come back with CRLF; an unchanged body must not show up in the history diff."""
    from kb.models import CaseStudy

    case = CaseStudy.objects.create(
        slug="crlf",
        title="T",
        summary="S",
        body="line one\nline two",
        sector="policing",
        status="pilot",
        discussion_questions="- a\n- b",
    )
    case.body = "line one\r\nline two"
    case.discussion_questions = "- a\r\n- b"
    case.title = "T2"
    case.save()
    new, old = case.history.all()[:2]
    assert [change.field for change in new.diff_against(old).changes] == ["title_en"]
