"""The French (and English) interface: complete catalogues, compiled, and no English on /fr/ pages.

(a) every .po catalogue has no fuzzy and no untranslated entry; (b) every committed .mo is
what ``compile_catalogues`` makes from its .po (a .po edited without recompiling fails here);
(c) every translation keeps its msgid's placeholders (``%(name)s``, ``%d``, ``{name}``), or
the page would crash or show the wrong number; (d) a walker renders every public page in
French and fails when the visible text (and the ``title``, ``aria-label``, ``placeholder``
and ``alt`` attributes) holds English words of a stop list; the same pages in English say
``<html lang="en">``.

The walker measures the interface, not the content: the content other helpers are still
translating is replaced, in French, by placeholders ("FR …") before the pages are rendered.
Text in another language is legitimately marked with ``lang`` (a source's original title,
a fallback, the language switcher): elements with ``lang="en"`` are left out, as a screen
reader would read them in English; so are identifiers marked ``translate="no"`` (a case's
BibTeX entry and file name, made of its slug). Web addresses are left out too (a BibTeX \\url{} shows the
page's address, whose path words are shared by both languages).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from modeltranslation.translator import translator

from kb.management.commands.compile_catalogues import catalogue_files, compiled_bytes
from kb.markdown import render_markdown

ROOT = Path(settings.BASE_DIR)
CATALOGUES = catalogue_files()

# English words that never belong to a French page. "sources" is left out on purpose: it is
# also the French word ("Sources" is the right French heading of a case's references).
STOP_WORDS = {
    "the",
    "and",
    "with",
    "which",
    "this",
    "your",
    "are",
    "were",
    "from",
    "cases",
    "themes",
    "results",
    "attempt",
    "show",
    "read",
    "run",
}


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- (a), (b), (c): the catalogues ------------------------------------------------------------


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_id)
def test_catalogue_is_complete(po_path):
    catalogue = polib.pofile(str(po_path))
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries() if not e.obsolete]
    untranslated = [e.msgid for e in catalogue.untranslated_entries() if not e.obsolete]
    assert not fuzzy, f"{_id(po_path)}: fuzzy entries {fuzzy[:10]}"
    assert not untranslated, f"{_id(po_path)}: untranslated entries {untranslated[:10]}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_id)
def test_committed_mo_matches_its_po(po_path):
    mo = po_path.with_suffix(".mo")
    assert mo.exists(), f"{_id(mo)} is missing: run `make messages`"
    assert mo.read_bytes() == compiled_bytes(po_path), (
        f"{_id(mo)} is out of date with its .po: run `manage.py compile_catalogues`"
    )


# No space flag: "76 % du temps" is French typography, not a "% d" conversion.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([\w]+\))?[-#0+]*\d*(?:\.\d+)?[sdifr]|%%")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


def placeholders(text: str, python_format: bool) -> list[str]:
    found = BRACE_PLACEHOLDER.findall(text)
    if python_format:
        found += PERCENT_PLACEHOLDER.findall(text)
    return sorted(found)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_id)
def test_translations_keep_the_placeholders(po_path):
    wrong = []
    for entry in polib.pofile(str(po_path)).translated_entries():
        python_format = "python-format" in entry.flags or "javascript-format" in entry.flags
        if entry.msgid_plural:
            # A plural form may leave the count out ("un cas" for 1), never add one.
            expected = set(placeholders(entry.msgid_plural, python_format))
            for form in entry.msgstr_plural.values():
                if not set(placeholders(form, python_format)) <= expected:
                    wrong.append((entry.msgid, form))
            other = entry.msgstr_plural.get(1, "")
            if placeholders(other, python_format) != sorted(
                placeholders(entry.msgid_plural, python_format)
            ):
                wrong.append((entry.msgid_plural, other))
        elif placeholders(entry.msgstr, python_format) != placeholders(entry.msgid, python_format):
            wrong.append((entry.msgid, entry.msgstr))
    assert not wrong, f"{_id(po_path)}: placeholders differ in {wrong[:5]}"


@pytest.mark.parametrize("po_path", [p for p in CATALOGUES if p.stem == "django"], ids=_id)
def test_no_other_catalogue_hides_a_translation(po_path):
    """Django looks a msgid up in the project's locale/, then the apps in INSTALLED_APPS order
    (the admin's own French first): a msgid the admin also has ("Filter" → "Filtre") would show
    the admin's translation, not ours. A context ({% translate "Filter" context "button" %})
    keeps ours."""
    from django.utils.translation import gettext, ngettext, npgettext, pgettext

    hidden = []
    with translation.override("fr"):
        for entry in polib.pofile(str(po_path)).translated_entries():
            if entry.msgid_plural:
                args = (entry.msgid, entry.msgid_plural, 5)
                got = npgettext(entry.msgctxt, *args) if entry.msgctxt else ngettext(*args)
                wanted = entry.msgstr_plural[1]
            else:
                got = (
                    pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else gettext(entry.msgid)
                )
                wanted = entry.msgstr
            if got != wanted:
                hidden.append((entry.msgid, got, wanted))
    assert not hidden, f"{_id(po_path)}: shown instead of ours: {hidden[:5]}"


def test_the_placeholder_check_catches_a_broken_translation():
    assert placeholders("%(count)s cases from {source}", True) != placeholders(
        "%(nombre)s cas de {source}", True
    )
    assert placeholders("{n}%", False) == placeholders("{n} %", False)


# --- (d): the pages in French -----------------------------------------------------------------


class VisibleText(HTMLParser):
    """The text a reader sees and hears, minus <script>, <style> and lang="en" elements."""

    SKIPPED = {"script", "style", "template"}
    SPOKEN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
    VOID = {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    }  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open element: is its content left out?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = (self.stack and self.stack[-1]) or tag in self.SKIPPED
        hidden = hidden or (attrs.get("lang") or "").split("-")[0] == "en"
        hidden = hidden or attrs.get("translate") == "no"  # identifiers: slugs, BibTeX
        if not hidden:
            for name in self.SPOKEN_ATTRIBUTES:
                if attrs.get(name):
                    self.parts.append(attrs[name])
        if tag not in self.VOID:
            self.stack.append(bool(hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


URL = re.compile(r"(?:https?://|/)[^\s\"'<>{}]*")
# Names of publications and conferences quoted inside a French sentence keep their language
# (sources keep their original titles); a sentence cannot mark them with lang, so they are
# named here.
KEPT_NAMES = re.compile(
    r"The Intercept|The Lowdown Blog|Conference on Fairness, Accountability and Transparency"
    r"|To predict and serve\?|The Foundations of Cost-Sensitive Learning"
    r"|How We Analyzed the COMPAS Recidivism Algorithm"
    r"|Inherent Trade-Offs in the Fair Determination of Risk Scores"
    r"|Fair Prediction with Disparate Impact: A Study of Bias in Recidivism Prediction Instruments"
    r"|Guide to AS and A level results for England, 2020"
    r"|Dissecting racial bias in an algorithm used to manage the health of populations"
    r"|The Elements of Statistical Learning|The Wrong and Right Way to Do Cross-validation"
    r"|Common pitfalls and recommendations for using machine learning to detect and"
    r" prognosticate for COVID-19 using chest radiographs and CT scans"
)


def english_words(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    text = KEPT_NAMES.sub(" ", URL.sub(" ", " ".join(parser.parts)))
    words = re.findall(r"[A-Za-z]+", text)
    return sorted({w for w in words if w.lower() in STOP_WORDS})


def english_contexts(html: str) -> list[str]:
    """Each English stop word with the text around it, to find it in the templates."""
    parser = VisibleText()
    parser.feed(html)
    text = KEPT_NAMES.sub(" ", URL.sub(" ", " ".join(parser.parts)))
    return [
        " ".join(text[max(0, m.start() - 50) : m.end() + 30].split())
        for m in re.finditer(r"[A-Za-z]+", text)
        if m.group(0).lower() in STOP_WORDS
    ][:20]


def test_the_walker_sees_english_and_skips_marked_text():
    assert english_words("<p>Read the case</p>") == ["Read", "the"]
    assert english_words('<button aria-label="Show results">x</button>') == ["Show", "results"]
    assert english_words('<cite lang="en">The Guardian</cite><p>Le cas</p>') == []
    assert english_words('<code translate="no">orientation-from-faces</code>') == []
    assert english_words("<script>const the = 1;</script><p>https://x.test/the/cases/</p>") == []


def placeholder_text(model, field: str, pk) -> str:
    """French stand-in content: no English word, so only the interface can trip the walker."""
    return f"FR {model._meta.model_name} {field} {pk}"


def fill_french_content():
    """Every translated field in French gets a placeholder; Markdown is rendered again."""
    for model in translator.get_registered_models():
        if model._meta.proxy:
            continue
        fields = list(translator.get_options_for_model(model).fields)
        for pk in model.objects.values_list("pk", flat=True):
            update = {}
            for field in fields:
                if field.endswith("_html"):
                    continue
                if field == "unit":
                    update["unit_fr"] = "unités"
                    continue
                text = placeholder_text(model, field, pk)
                update[f"{field}_fr"] = text
                if f"{field}_html" in fields or field == "discussion_questions":
                    target = (
                        "discussion_html" if field == "discussion_questions" else f"{field}_html"
                    )
                    update[f"{target}_fr"] = render_markdown(text + " [1].")
            model.objects.filter(pk=pk).update(**update)


@pytest.fixture(scope="module")
def french_site(django_db_setup, django_db_blocker):
    """The initial content with its French replaced by placeholders, rolled back after."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_initial_content", verbosity=0)
            fill_french_content()
            yield
            transaction.set_rollback(True)
    cache.clear()


def _first(model_path: str) -> str:
    from django.apps import apps

    model = apps.get_model(model_path)
    manager = model.objects
    queryset = manager.filter(is_published=True) if hasattr(model, "is_published") else manager
    return queryset.order_by("pk").values_list("slug", flat=True).first()


def _submitted_attempt(client, slug):
    """Submit the quiz with a wrong answer everywhere, so the result shows every feedback."""
    from quiz.models import Attempt, Quiz

    quiz = Quiz.objects.get(slug=slug)
    page = client.get(reverse("quiz:quiz-detail", args=[slug])).content.decode()
    data = {
        name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
        for name in ("attempt", "seed")
    }
    data["submit_anyway"] = "1"
    for question in quiz.questions.all():
        if question.type == "numeric":
            data[f"q{question.pk}"] = str(question.numeric_value + 1000)
        else:
            wrong = [c.pk for c in question.choices.all() if not c.is_correct]
            data[f"q{question.pk}"] = [str(wrong[0])] if wrong else []
    response = client.post(reverse("quiz:quiz-detail", args=[slug]), data)
    assert response.status_code == 302, f"{slug}: the attempt was not accepted"
    return client.get(Attempt.objects.filter(quiz=quiz).latest("started_at").get_absolute_url())


def _simulation_run(client, slug):
    from simulations.services import DEFAULT_SEED, get_or_run

    run = get_or_run(slug=slug, params={}, seed=DEFAULT_SEED)[0]
    return client.get(run.get_absolute_url())


def _pages() -> dict:
    """Page id → how to fetch it with the test client, in the active language."""
    from simulations import engine

    pages = {
        "home": lambda c: c.get(reverse("kb:home")),
        "case list": lambda c: c.get(reverse("kb:case-list")),
        "case list, filtered": lambda c: c.get(
            reverse("kb:case-list") + "?q=zzzz&sector=policing&sort=title&decade=oops"
        ),
        "case list, sorted": lambda c: c.get(reverse("kb:case-list") + "?sort=updated&page=1"),
        "theme list": lambda c: c.get(reverse("kb:theme-list")),
        "glossary": lambda c: c.get(reverse("kb:glossary")),
        "simulation list": lambda c: c.get(reverse("simulations:simulation-list")),
        "quiz list": lambda c: c.get(reverse("quiz:quiz-list")),
        "log-in": lambda c: c.get(reverse("login")),
        "sign-up": lambda c: c.get(reverse("signup")),
        "404": lambda c: c.get(reverse("kb:home") + "no-such-page/"),
    }
    for slug in _fixture_slugs("kb.casestudy"):
        pages[f"case {slug}"] = lambda c, s=slug: c.get(reverse("kb:case-detail", args=[s]))
    for slug in _fixture_slugs("kb.theme"):
        pages[f"theme {slug}"] = lambda c, s=slug: c.get(reverse("kb:theme-detail", args=[s]))
    for slug in sorted(engine.REGISTRY):
        pages[f"simulation {slug}"] = lambda c, s=slug: c.get(
            reverse("simulations:simulation-detail", args=[s])
        )
    first_simulation = sorted(engine.REGISTRY)[0]
    pages[f"simulation {first_simulation} run"] = lambda c: _simulation_run(c, first_simulation)
    for slug in _quiz_slugs():
        pages[f"quiz {slug}"] = lambda c, s=slug: c.get(reverse("quiz:quiz-detail", args=[s]))
    first_quiz = _quiz_slugs()[0]
    pages[f"quiz {first_quiz} result"] = lambda c: _submitted_attempt(c, first_quiz)
    return pages


def _fixture_slugs(model: str) -> list[str]:
    import yaml

    slugs = []
    for path in sorted((ROOT / "fixtures").glob("*.yaml")):
        for obj in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if obj["model"] == model and obj["fields"].get("is_published", True):
                slugs.append(obj["fields"]["slug"])
    return slugs


def _quiz_slugs() -> list[str]:
    import yaml

    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))["slug"]
        for path in sorted((ROOT / "fixtures" / "quizzes").glob("*.yaml"))
    ]


PAGES = _pages()


def _simulations_translated() -> bool:
    """Whether the simulations' French catalogue is there (another part of issue 13)."""
    po = ROOT / "simulations" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    if not po.exists():
        return False
    catalogue = polib.pofile(str(po))
    return len(catalogue.translated_entries()) >= 50 and not catalogue.untranslated_entries()


SIMULATIONS_TRANSLATED = _simulations_translated()
SIMULATION_TEXT = re.compile(
    r'<section class="sim-panel".*?</section>|<a [^>]*class="sim-link"[^>]*>.*?</a>', re.S
)


def _french_params() -> list:
    """Every page; until the simulations speak French, their own pages are expected to fail
    and their panels and links are left out of the other pages (the rest is still checked)."""
    params = []
    for page_id in PAGES:
        marks = []
        if page_id.startswith("simulation") and not SIMULATIONS_TRANSLATED:
            marks = [pytest.mark.xfail(reason="simulations not yet in French", strict=False)]
        params.append(pytest.param(page_id, id=page_id, marks=marks))
    return params


@pytest.mark.parametrize("page_id", _french_params())
def test_french_page_shows_no_english_interface_word(french_site, db, client, page_id):
    with translation.override("fr"):
        response = PAGES[page_id](client)
    expected = 404 if page_id == "404" else 200
    assert response.status_code == expected, (page_id, response.status_code)
    html = response.content.decode()
    assert '<html lang="fr">' in html
    if not SIMULATIONS_TRANSLATED:
        html = SIMULATION_TEXT.sub("", html)
    found = english_words(html)
    assert not found, f"{page_id} (in French) shows English words: {found}" + "".join(
        f"\n  …{context}…" for context in english_contexts(html)
    )


@pytest.mark.parametrize("page_id", list(PAGES))
def test_english_page_says_it_is_english(french_site, db, client, page_id):
    with translation.override("en"):
        response = PAGES[page_id](client)
    assert response.status_code == (404 if page_id == "404" else 200), page_id
    assert '<html lang="en">' in response.content.decode()


# --- JavaScript strings -----------------------------------------------------------------------


def test_javascript_catalogue_is_served_per_language(client):
    with translation.override("fr"):
        french = client.get(reverse("javascript-catalog"))
    with translation.override("en"):
        english = client.get(reverse("javascript-catalog"))
    assert french.status_code == english.status_code == 200
    assert "javascript" in french["Content-Type"]
    assert (
        "Cette r\\u00e9ponse n'a pas pu \\u00eatre v\\u00e9rifi\\u00e9e." in french.content.decode()
    )
    assert "Cette r" not in english.content.decode()


def test_admin_javascript_has_the_preview_strings(admin_client):
    response = admin_client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Masquer l'aper\\u00e7u" in response.content.decode()


@pytest.mark.django_db
def test_quiz_page_loads_the_catalogue_as_a_file(client):
    from tests.quiz.factories import QuizFactory, single

    quiz = QuizFactory(feedback_timing="each")
    single(quiz)
    with translation.override("fr"):
        response = client.get(reverse("quiz:quiz-detail", args=[quiz.slug]))
        catalogue = reverse("javascript-catalog")
    html = response.content.decode()
    assert f'<script src="{catalogue}"></script>' in html
    assert html.index(catalogue) < html.index("quiz/quiz.js")  # gettext() defined first
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("script-src")[1]


# --- The admin in French ----------------------------------------------------------------------

ADMIN_PAGES = [
    ("admin:index", None),
    ("admin:app_list", "kb"),
    ("admin:app_list", "quiz"),
    ("admin:kb_casestudy_changelist", None),
    ("admin:kb_casestudy_add", None),
    ("admin:kb_theme_changelist", None),
    ("admin:kb_theme_add", None),
    ("admin:kb_country_changelist", None),
    ("admin:kb_timelineevent_changelist", None),
    ("admin:quiz_quiz_changelist", None),
    ("admin:quiz_quiz_add", None),
    ("admin:quiz_question_changelist", None),
    ("admin:quiz_attempt_changelist", None),
    ("change", "kb.theme"),
    ("change", "quiz.quiz"),
]
TEXTAREA = re.compile(r"<textarea.*?</textarea>", re.S)


@pytest.mark.parametrize(("name", "arg"), ADMIN_PAGES, ids=lambda v: str(v))
def test_the_admin_speaks_french(french_site, db, admin_client, name, arg):
    """A teacher whose browser asks for French meets no English interface word. Left out:
    lists showing sources (their titles keep their language) and the text areas' content."""
    from django.apps import apps

    if name == "change":
        model = apps.get_model(arg)
        obj = model.objects.order_by("pk").first()
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
    else:
        url = reverse(name, args=[arg] if arg else [])
    response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    html = TEXTAREA.sub("", response.content.decode())
    assert '<html lang="fr"' in html
    found = english_words(html)
    assert not found, f"{url} shows English words: {found}" + "".join(
        f"\n  …{context}…" for context in english_contexts(html)
    )
