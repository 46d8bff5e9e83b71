"""The bilingual glossary: /fr/glossaire/ and /en/glossary/, built from fixtures/15_kb_glossary.yaml,
each term in both languages and linked to its theme, simulations and quizzes."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from kb.models import GlossaryTerm, Theme
from kb.views import sort_key

from .factories import ThemeFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
GLOSSARY_FIXTURE = FIXTURES / "15_kb_glossary.yaml"
# The course's own vocabulary (the slides "Problématiques liées au machine learning").
COURSE_TERMS = {
    "Données trouées, incomplètes",
    "Données non représentatives",
    "Biais statistique",
    "Fonction de perte",
    "Graine aléatoire (random seed)",
    "Reproductibilité",
    "Fuite d'information",
    "Interprétabilité",
    "Surapprentissage (overfitting)",
    "Disparition du gradient",
    "Coût des données (récolte, nettoyage)",
    "Coût du calcul (GPU, TPU)",
    "Acceptation des erreurs",
    "Taux de base",
    "Valeur prédictive positive (VPP)",
    "Boucle de rétroaction",
    "Variable indirecte (proxy)",
}


@pytest.fixture
def glossary():
    call_command(
        "loaddata",
        str(FIXTURES / "05_kb_countries.yaml"),
        str(FIXTURES / "10_kb_themes.yaml"),
        str(GLOSSARY_FIXTURE),
        verbosity=0,
    )
    return list(GlossaryTerm.objects.select_related("theme"))


class Links(HTMLParser):
    """The hrefs inside <dl class="glossary">, and the lang and id attributes met there."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.hrefs: list[str] = []
        self.ids: list[str] = []
        self.langs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "dl" and "glossary" in (attrs.get("class") or ""):
            self.depth = 1
        elif self.depth and tag == "dl":
            self.depth += 1
        if not self.depth:
            return
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "dt" and attrs.get("id"):
            self.ids.append(attrs["id"])
        if attrs.get("lang"):
            self.langs.append(attrs["lang"])

    def handle_endtag(self, tag):
        if self.depth and tag == "dl":
            self.depth -= 1


def parse(response) -> Links:
    links = Links()
    links.feed(response.content.decode())
    return links


def test_the_fixture_loads_and_every_term_has_both_languages(glossary):
    assert len(glossary) == len(yaml.safe_load(GLOSSARY_FIXTURE.read_text(encoding="utf-8")))
    for term in glossary:
        term.full_clean()
        for field in ("term_fr", "term_en", "definition_fr", "definition_en"):
            assert (getattr(term, field) or "").strip(), f"{term.slug}: {field} is empty"
        assert term.theme is not None, f"{term.slug}: no theme"
        assert "&nbsp;" not in term.definition_fr
    assert {t.term_fr for t in glossary} >= COURSE_TERMS


def test_every_theme_has_a_glossary_term(glossary):
    assert set(Theme.objects.values_list("slug", flat=True)) == {t.theme.slug for t in glossary}


def test_the_addresses_are_translated():
    with translation.override("fr"):
        assert reverse("kb:glossary") == "/fr/glossaire/"
    with translation.override("en"):
        assert reverse("kb:glossary") == "/en/glossary/"


@pytest.mark.parametrize(
    "url, lang, other, heading",
    [("/fr/glossaire/", "fr", "en", "Glossaire"), ("/en/glossary/", "en", "fr", "Glossary")],
)
def test_the_page_in_each_language(client, glossary, url, lang, other, heading):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert f"<h1>{heading}</h1>" in html
    links = parse(response)
    # An anchor per term, and the other language beside it, marked with its lang attribute.
    assert sorted(links.ids) == sorted(t.slug for t in glossary)
    assert links.langs and set(links.langs) == {other}
    for term in glossary:
        shown = getattr(term, f"term_{lang}")
        beside = getattr(term, f"term_{other}")
        assert f"<dfn>{shown}</dfn>".replace("'", "&#x27;") in html
        assert f'<span lang="{other}">{beside}</span>'.replace("'", "&#x27;") in html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_terms_are_in_alphabetical_order_of_the_page_language(client, glossary, lang):
    with translation.override(lang):
        response = client.get(reverse("kb:glossary"))
    order = parse(response).ids
    by_slug = {t.slug: getattr(t, f"term_{lang}") for t in glossary}
    shown = [by_slug[slug] for slug in order]
    assert shown == sorted(shown, key=sort_key)


def test_accented_terms_sort_among_their_letter():
    words = ["Fuite", "Équité", "Données", "biais"]
    assert sorted(words, key=sort_key) == ["biais", "Données", "Équité", "Fuite"]


def test_each_term_links_its_theme_simulations_and_quizzes(client, glossary):
    from tests.quiz.factories import QuizFactory

    overfitting = Theme.objects.get(slug="overfitting")
    quiz = QuizFactory(title="Overfitting quiz", slug="overfitting-quiz")
    quiz.themes.add(overfitting)
    draft = QuizFactory(title="Draft quiz", slug="draft-quiz", is_published=False)
    draft.themes.add(overfitting)
    with translation.override("en"):
        response = client.get(reverse("kb:glossary"))
        theme_url = overfitting.get_absolute_url()
        quiz_url = quiz.get_absolute_url()
        simulation_url = reverse("simulations:simulation-detail", args=["overfitting"])
    hrefs = parse(response).hrefs
    assert theme_url in hrefs and quiz_url in hrefs and simulation_url in hrefs
    assert "/draft-quiz/" not in " ".join(hrefs)  # only published quizzes


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_link_on_the_page_resolves(client, glossary, lang):
    from tests.quiz.factories import QuizFactory

    quiz = QuizFactory(title="Base rates", slug="base-rates")
    quiz.themes.add(Theme.objects.get(slug="base-rate-fallacy"))
    with translation.override(lang):
        response = client.get(reverse("kb:glossary"))
    hrefs = sorted(set(parse(response).hrefs))
    assert len(hrefs) > 14  # the themes, simulations and the quiz
    for href in hrefs:
        assert href.startswith(f"/{lang}/"), href  # stays in the page's language
        assert client.get(href).status_code == 200, href


def test_the_themes_page_and_the_footer_link_to_the_glossary(client):
    ThemeFactory(name="Overfitting")
    for lang, url in (("fr", "/fr/glossaire/"), ("en", "/en/glossary/")):
        with translation.override(lang):
            html = client.get(reverse("kb:theme-list")).content.decode()
        assert len(re.findall(f'href="{url}"', html)) == 2  # the page's link and the footer's


def test_an_empty_glossary_still_renders(client):
    response = client.get("/en/glossary/")
    assert response.status_code == 200
    assert "No term yet." in response.content.decode()


def test_the_page_runs_a_fixed_number_of_queries(client, glossary, django_assert_max_num_queries):
    from tests.quiz.factories import QuizFactory

    for n, theme in enumerate(Theme.objects.all()):
        QuizFactory(title=f"Quiz {n}", slug=f"quiz-{n}").themes.add(theme)
    with django_assert_max_num_queries(2):  # the terms with their themes; the quiz links
        assert client.get("/en/glossary/").status_code == 200


def test_teachers_edit_both_languages_in_the_admin(admin_client, glossary):
    term = GlossaryTerm.objects.get(slug="overfitting")
    response = admin_client.get(reverse("admin:kb_glossaryterm_change", args=[term.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="term_fr"' in html and 'name="term_en"' in html
    assert 'name="definition_fr"' in html and 'name="definition_en"' in html


def test_the_language_switcher_and_alternates_follow_the_translated_address(client):
    response = client.get("/language/en/", {"next": "/fr/glossaire/"})
    assert response.status_code == 302 and response["Location"] == "/en/glossary/"
    response = client.get("/language/fr/", {"next": "/en/glossary/"})
    assert response.status_code == 302 and response["Location"] == "/fr/glossaire/"
    html = client.get("/en/glossary/").content.decode()
    assert re.search(r'<link rel="alternate" hreflang="fr" href="[^"]*/fr/glossaire/">', html)
