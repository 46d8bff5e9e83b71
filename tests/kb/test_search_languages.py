"""Search finds a case by its French or its English words, on SQLite (trigram index over the six
translated columns) and on PostgreSQL (the French columns stemmed as French, the English ones
as English). Run on both: `DATABASE_URL=postgres://… pytest tests/kb/test_search_languages.py`."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kb import search
from kb.models import CaseStudy, Theme

from .factories import CaseStudyFactory, ThemeFactory

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming is PostgreSQL's"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the trigram index")


@pytest.fixture(autouse=True)
def forget_index_readings():
    before = dict(search._ready)
    search._ready.clear()
    yield
    search._ready.clear()
    search._ready.update(before)  # the rolled-back database is as it was before the test


@pytest.fixture
def cases():
    overfit = CaseStudyFactory(
        slug="faces",
        title_fr="L'orientation sexuelle d'après le visage",
        title_en="Sexual orientation from faces",
        summary_fr="Un surapprentissage à une seule population.",
        summary_en="Overfitting to a single population.",
        body_fr="Les DONNÉES d'entraînement étaient biaisées : un échantillon biaisé.",
        body_en="The training data was biased: a biased sample.",
    )
    other = CaseStudyFactory(
        slug="robots",
        title_fr="Robots tueurs",
        title_en="Killer robots",
        summary_fr="Qui répond d'une arme autonome ?",
        summary_en="Who answers for an autonomous weapon?",
        body_fr="La responsabilité se dilue.",
        body_en="Responsibility dissolves.",
    )
    return overfit, other


def slugs(q):
    return [c.slug for c in CaseStudy.objects.search(q)]


@pytest.mark.parametrize(
    "q",
    [
        "surapprentissage",  # the course's word, in the French summary
        "overfitting",  # the English one
        "Surapprentissage population",  # two words of one language
        "orientation visage",  # the French title
        "sexual orientation faces",  # the English title
    ],
)
def test_a_case_is_found_by_its_french_or_its_english_words(cases, q):
    assert slugs(q) == ["faces"]


def test_a_word_of_neither_language_finds_nothing(cases):
    assert slugs("zeppelin") == []
    assert sorted(slugs("robots")) == ["robots"]


def test_accents_and_case_are_folded(cases):
    assert slugs("données") == ["faces"]  # "DONNÉES" in the text
    assert slugs("RESPONSABILITÉ") == ["robots"]


@postgresql_only
def test_postgresql_stems_french_as_french_and_english_as_english(cases):
    assert slugs("biaisées") == ["faces"]  # "biaisé", "biaisées": the French stem
    assert slugs("échantillons") == ["faces"]
    assert slugs("samples") == ["faces"]  # "sample": the English stem
    assert slugs("dissolving") == ["robots"]
    assert slugs("arme") == ["robots"]


@postgresql_only
def test_postgresql_reads_the_stored_bilingual_vector(cases):
    with CaptureQueriesContext(connection) as ctx:
        results = list(CaseStudy.objects.search("surapprentissage"))
    sql = ctx.captured_queries[-1]["sql"]
    assert '"search_document" @@' in sql and "to_tsvector" not in sql
    assert "'french'" in sql and "'english'" in sql
    assert results[0].search_rank > 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generation_expression FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            [search.CONTENT_TABLE, search.POSTGRES_COLUMN],
        )
        expression = cursor.fetchone()[0]
    assert all(column in expression for column in search.COLUMNS)


@postgresql_only
def test_postgresql_replaces_a_one_language_column(cases):
    search.drop_index(connection)
    with connection.cursor() as cursor:  # the column as it was before the site spoke French
        cursor.execute(
            f"ALTER TABLE {search.CONTENT_TABLE} ADD COLUMN {search.POSTGRES_COLUMN} tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, coalesce(title, ''))) STORED"
        )
    assert search.ensure_index(connection)
    assert slugs("surapprentissage") == ["faces"]


@sqlite_only
def test_sqlite_index_covers_both_languages_and_follows_edits(cases):
    overfit, _ = cases
    with CaptureQueriesContext(connection) as ctx:
        assert slugs("surapprentissage") == ["faces"]
    assert "MATCH" in ctx.captured_queries[-1]["sql"]
    overfit.summary_fr = "Un modèle trop ajusté."
    overfit.save()
    assert slugs("surapprentissage") == []
    assert slugs("overfitting") == ["faces"]  # the English summary is unchanged


@sqlite_only
def test_sqlite_replaces_a_one_language_index(cases):
    search.drop_index(connection)
    with connection.cursor() as cursor:  # the index as it was before the site spoke French
        cursor.execute(
            f"CREATE VIRTUAL TABLE {search.TABLE} USING fts5(title, summary, body, "
            f"content='{search.CONTENT_TABLE}', content_rowid='id', tokenize='trigram')"
        )
    assert search.ensure_index(connection)
    assert slugs("surapprentissage") == ["faces"]
    assert slugs("overfitting") == ["faces"]


@pytest.fixture
def overfitting_theme():
    return ThemeFactory(
        slug="overfitting",
        name_fr="Surapprentissage (overfitting)",
        name_en="Overfitting",
        definition_fr="Le modèle apprend le bruit de ses exemples d'entraînement.",
        definition_en="A model learns the noise of its training examples.",
    )


@pytest.mark.parametrize(
    "q", ["surapprentissage", "Overfitting", "bruit entraînement", "noise training"]
)
def test_a_theme_is_found_by_its_french_or_its_english_words(overfitting_theme, q):
    ThemeFactory(slug="cost", name_fr="Le coût", name_en="The cost")
    assert [t.slug for t in Theme.objects.search(q)] == ["overfitting"]


def test_a_theme_search_needs_every_word(overfitting_theme):
    assert list(Theme.objects.search("surapprentissage zeppelin")) == []
    assert list(Theme.objects.search("   ")) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("q", ["surapprentissage", "overfitting"])
def test_the_case_list_shows_the_themes_a_search_names(client, cases, overfitting_theme, lang, q):
    cases[0].themes.add(overfitting_theme)
    with translation.override(lang):
        url = reverse("kb:case-list")
        theme_url = overfitting_theme.get_absolute_url()
    html = client.get(url, {"q": q}).content.decode()
    assert f'href="{theme_url}"' in html
    assert 'class="matching-themes"' in html
    assert "/faces/" in html  # and the case itself
    html = client.get(url, {"q": "zeppelin"}).content.decode()
    assert 'class="matching-themes"' not in html


@pytest.mark.parametrize("q", ["surapprentissage", "Overfitting", "noise"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_admin_finds_themes_and_cases_by_either_language(
    teacher_client, cases, overfitting_theme, lang, q
):
    cases[0].themes.add(overfitting_theme)
    with translation.override(lang):
        themes = teacher_client.get(reverse("admin:kb_theme_changelist"), {"q": q})
    assert themes.status_code == 200
    assert [t.slug for t in themes.context["cl"].result_list] == ["overfitting"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_admin_finds_a_case_by_either_language(teacher_client, cases, lang):
    with translation.override(lang):
        url = reverse("admin:kb_casestudy_changelist")
    for q in ("surapprentissage", "overfitting"):
        response = teacher_client.get(url, {"q": q})
        assert [c.slug for c in response.context["cl"].result_list] == ["faces"], q


@pytest.mark.parametrize("q", ["surapprentissage", "overfitting", "SURAPPRENTISSAGE"])
def test_a_search_finds_the_cases_of_the_theme_it_names(cases, overfitting_theme, q):
    _, robots = cases  # its text does not use the word
    robots.themes.add(overfitting_theme)
    found = slugs(q)
    assert sorted(found) == ["faces", "robots"]
    if connection.vendor == "postgresql":
        assert found == ["faces", "robots"]  # the text match ranks before the theme alone


def test_a_theme_matches_only_when_its_name_holds_every_word(cases, overfitting_theme):
    _, robots = cases
    robots.themes.add(overfitting_theme)
    assert slugs("surapprentissage zeppelin") == []
    assert slugs("noise") == []  # a theme's definition is not its name
