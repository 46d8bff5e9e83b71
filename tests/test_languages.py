"""Choosing the language: URL prefixes, the saved choice, the switcher, hreflang, the API's
Accept-Language and ?lang=, caches keyed by language, and the visible fallback."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from kb.models import CaseStudy
from tests.kb.factories import CaseStudyFactory, SourceFactory

pytestmark = pytest.mark.django_db


def bare_client(**headers):
    """A client without the suite's default ``Accept-Language: en``."""
    client = Client(**headers)
    client.defaults.pop("HTTP_ACCEPT_LANGUAGE", None)
    for name, value in headers.items():
        client.defaults[name] = value
    return client


@pytest.fixture
def case():
    case = CaseStudyFactory(
        slug="bilingual", title_en="A bilingual case", title_fr="Un cas bilingue"
    )
    SourceFactory(case=case)
    return case


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "/fr/"),  # nothing said: French, the course's language
        ({"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}, "/en/"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.5"}, "/fr/"),
        ({"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}, "/fr/"),  # unsupported: the default
    ],
)
def test_home_redirects_by_accept_language(headers, expected):
    response = bare_client(**headers).get("/")
    assert response.status_code == 302
    assert response["Location"] == expected


def test_saved_choice_beats_accept_language(case):
    client = bare_client(HTTP_ACCEPT_LANGUAGE="fr")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/cases/bilingual/?sort=title")
    assert response.status_code == 302
    assert response["Location"] == "/en/cases/bilingual/?sort=title"


def test_switcher_keeps_the_page_and_its_query_and_saves_the_choice(case):
    client = bare_client()
    response = client.get("/language/en/", {"next": "/fr/cases/bilingual/?sort=title#sources"})
    assert response.status_code == 302
    assert response["Location"] == "/en/cases/bilingual/?sort=title#sources"
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    # The saved choice now decides for unprefixed addresses.
    assert client.get("/").headers["Location"] == "/en/"


@pytest.mark.parametrize("target", ["https://evil.test/", "//evil.test/x", "javascript:alert(1)"])
def test_switcher_never_leaves_the_site(target):
    response = bare_client().get("/language/fr/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_switcher_rejects_an_unknown_language():
    response = bare_client().get("/language/de/", {"next": "/fr/"})
    assert response.status_code == 400
    assert "de" in response.content.decode()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pages_say_their_language_and_link_the_other(case, lang):
    body = bare_client().get(f"/{lang}/cases/bilingual/").content.decode()
    assert f'<html lang="{lang}">' in body
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body))
    assert alternates == {
        "fr": "http://testserver/fr/cases/bilingual/",
        "en": "http://testserver/en/cases/bilingual/",
        "x-default": "http://testserver/fr/cases/bilingual/",
    }
    other = "en" if lang == "fr" else "fr"
    assert f'href="/language/{other}/?next=%2F{lang}%2Fcases%2Fbilingual%2F"' in body


def test_content_follows_the_page_language(case):
    assert "Un cas bilingue" in bare_client().get("/fr/cases/bilingual/").content.decode()
    assert "A bilingual case" in bare_client().get("/en/cases/bilingual/").content.decode()


def test_missing_translation_falls_back_visibly():
    CaseStudyFactory(slug="english-only", title_en="Only in English", title_fr="")
    body = bare_client().get("/fr/cases/english-only/").content.decode()
    assert re.search(r'<span lang="en" class="untranslated"[^>]*>Only in English</span>', body)
    body = bare_client().get("/en/cases/english-only/").content.decode()
    assert 'class="untranslated"' not in body


def test_api_language_from_accept_language_and_lang_parameter(case):
    url = "/api/v1/cases/bilingual/"
    french = bare_client(HTTP_ACCEPT_LANGUAGE="fr").get(url)
    english = bare_client(HTTP_ACCEPT_LANGUAGE="en").get(url)
    forced = bare_client(HTTP_ACCEPT_LANGUAGE="fr").get(url, {"lang": "en"})
    assert french["Content-Language"] == "fr" and french.json()["title"] == "Un cas bilingue"
    assert english["Content-Language"] == "en" and english.json()["title"] == "A bilingual case"
    assert forced["Content-Language"] == "en" and forced.json()["title"] == "A bilingual case"
    assert "Accept-Language" in french["Vary"]
    # Two languages, two representations: their validators differ.
    assert french["ETag"] != english["ETag"]
    # A French ETag does not validate the English representation.
    again = bare_client(HTTP_ACCEPT_LANGUAGE="en").get(url, HTTP_IF_NONE_MATCH=french["ETag"])
    assert again.status_code == 200


def test_api_ignores_the_pages_saved_choice(case):
    client = bare_client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/api/v1/cases/bilingual/")["Content-Language"] == "en"


def test_api_unknown_lang_parameter_falls_back_to_the_header(case):
    response = bare_client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/cases/bilingual/?lang=xx")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_page_cache_keeps_one_copy_per_language(case, settings):
    settings.PAGE_CACHE = {**settings.PAGE_CACHE, "ENABLED": True}
    client = bare_client()
    for lang, title in (("fr", "Un cas bilingue"), ("en", "A bilingual case")):
        client.get(f"/{lang}/cases/bilingual/")
        second = client.get(f"/{lang}/cases/bilingual/")
        assert second.get("X-Page-Cache") == "hit", lang
        assert title in second.content.decode()


def test_admin_follows_the_teachers_language(teacher):
    client = bare_client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(teacher)
    body = client.get(f"/{django_settings.ADMIN_URL}").content.decode()
    assert '<html lang="fr"' in body
    assert "Déconnexion" in body or "Se déconnecter" in body


def test_history_keeps_both_languages(case):
    case.title_fr = "Un cas bilingue, revu"
    case.save()
    versions = list(CaseStudy.history.filter(id=case.id).order_by("history_date"))
    assert versions[-1].title_fr == "Un cas bilingue, revu"
    assert versions[-1].title_en == "A bilingual case"


def test_html_is_rendered_per_language():
    case = CaseStudyFactory(body_en="**Bold** English", body_fr="**Gras** en français")
    assert case.body_html_en == "<p><strong>Bold</strong> English</p>"
    assert case.body_html_fr == "<p><strong>Gras</strong> en français</p>"
    with translation.override("fr"):
        assert "Gras" in CaseStudy.objects.get(pk=case.pk).body_html


def test_glossary_is_cached_per_language_and_refreshed_by_an_edit(settings):
    from kb.models import GlossaryTerm
    from tests.kb.factories import ThemeFactory

    settings.PAGE_CACHE = {**settings.PAGE_CACHE, "ENABLED": True}
    term = GlossaryTerm.objects.create(
        slug="overfitting",
        term_fr="Surapprentissage",
        term_en="Overfitting",
        definition_fr="Le modèle apprend le bruit.",
        definition_en="The model learns the noise.",
        theme=ThemeFactory(),
    )
    client = bare_client()
    for url in ("/fr/glossaire/", "/en/glossary/"):
        client.get(url)
        assert client.get(url).get("X-Page-Cache") == "hit", url
    term.definition_fr = "Le modèle apprend aussi le bruit des exemples."
    term.save()
    assert "aussi le bruit des exemples" in client.get("/fr/glossaire/").content.decode()
