"""Nothing a student reads cites our own working notes: every page and API answer is checked.

Students must be sent to the publication itself, never to "the factsheet", "papers.md", a section
number of our notes ("FS §4", "§1.2"), a source file of the simulation engine or a file in
someone's repository ("github.com/<owner>/<repo>/blob/..."). The list of patterns is
``INTERNAL_REFERENCE_PATTERNS``; ``test_the_check_catches_a_planted_reference`` shows each one is
caught on a real page, so the checks over the site cannot pass by matching nothing.

The pages are the ones an anonymous student reaches: home, the case list and every case, every
theme, every simulation page and a default run of each, every quiz and a submitted attempt of each
(its result page shows all the feedback), plus the API detail of every case and simulation. The
content is loaded once for the module from fixtures/, as a new site would start.
"""

import html
import re
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from kb.models import CaseStudy
from quiz.models import Attempt, Quiz
from simulations import engine
from simulations.services import DEFAULT_SEED, get_or_run

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures"

# What counts as an internal reference, with why. Matched case-insensitively on the page's text
# and attribute values (links included), after HTML entities are decoded.
INTERNAL_REFERENCE_PATTERNS: dict[str, str] = {
    # Our fact notes (shared/cases/factsheet.md, factsheet-2.md) and their abbreviation.
    "factsheet": r"fact-?sheet",
    "FS §": r"\bFS\s*§",
    # Our list of published results (shared/reference/papers.md) and its abbreviation.
    "papers.md": r"papers\.md",
    "PM §": r"\bPM\s*§",
    # A section of our notes: "§4", "§ 1.2", "§5.3(b)". Legal citations keep their longer
    # section numbers ("29 CFR § 1607.4") and are not matched.
    "§ + section number": r"§\s?\d{1,2}(?:\.\d{1,2})*(?![\d.])",
    # A source file: the engine's modules, or any Python file.
    "a .py file": r"\b[\w/-]+\.py\b",
    "simulations/engine": r"simulations/engine",
    # A file in someone's repository rather than a publication.
    "a repository file (github.com/.../blob/)": r"github\.com/[^\s\"'<>]+/blob/",
    "raw.githubusercontent.com": r"raw\.githubusercontent\.com",
    # Our notes' certainty tags ("[derived]", "[one source]"): a reader gets the source instead.
    "a status tag of our notes": (
        r"\[(?:derived|confirmed|one source|uncertain(?:/conflicting)?|conflicting)\]"
    ),
}
COMPILED = {name: re.compile(rx, re.IGNORECASE) for name, rx in INTERNAL_REFERENCE_PATTERNS.items()}

def internal_references(text: str) -> list[str]:
    """``["pattern name: matched text", ...]`` for every internal reference in ``text``."""
    text = html.unescape(text)
    found = []
    for name, rx in COMPILED.items():
        for match in rx.finditer(text):
            start = max(match.start() - 40, 0)
            context = " ".join(text[start : match.end() + 40].split())
            found.append(f"{name}: …{context}…")
    return found


def _fixture_slugs(model: str) -> list[str]:
    slugs = []
    for path in sorted(FIXTURES_DIR.glob("*.yaml")):
        for obj in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if obj["model"] == model and obj["fields"].get("is_published", True):
                slugs.append(obj["fields"]["slug"])
    return slugs


def _quiz_slugs() -> list[str]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))["slug"]
        for path in sorted((FIXTURES_DIR / "quizzes").glob("*.yaml"))
    ]


CASES = _fixture_slugs("kb.casestudy")
THEMES = _fixture_slugs("kb.theme")
SIMULATIONS = sorted(engine.REGISTRY)
QUIZZES = _quiz_slugs()

# Page id -> how to fetch it. Each entry takes the test client and returns the response.
PAGES: dict[str, object] = {
    "home": lambda c: c.get(reverse("kb:home")),
    "case list": lambda c: c.get(reverse("kb:case-list")),
    "theme list": lambda c: c.get(reverse("kb:theme-list")),
    "simulation list": lambda c: c.get(reverse("simulations:simulation-list")),
    "quiz list": lambda c: c.get(reverse("quiz:quiz-list")),
}
for _slug in CASES:
    PAGES[f"case {_slug}"] = lambda c, s=_slug: c.get(reverse("kb:case-detail", args=[s]))
    PAGES[f"api case {_slug}"] = lambda c, s=_slug: c.get(f"/api/v1/cases/{s}/")
for _slug in THEMES:
    PAGES[f"theme {_slug}"] = lambda c, s=_slug: c.get(reverse("kb:theme-detail", args=[s]))
for _slug in SIMULATIONS:
    PAGES[f"simulation {_slug}"] = lambda c, s=_slug: c.get(
        reverse("simulations:simulation-detail", args=[s])
    )
    PAGES[f"simulation {_slug} default run"] = lambda c, s=_slug: c.get(
        get_or_run(slug=s, params={}, seed=DEFAULT_SEED)[0].get_absolute_url()
    )
    PAGES[f"api simulation {_slug}"] = lambda c, s=_slug: c.get(f"/api/v1/simulations/{s}/")
for _slug in QUIZZES:
    PAGES[f"quiz {_slug}"] = lambda c, s=_slug: c.get(reverse("quiz:quiz-detail", args=[s]))
    PAGES[f"quiz {_slug} result"] = lambda c, s=_slug: _submitted_attempt(c, s)


def _submitted_attempt(client, slug):
    """Submit the quiz with a wrong answer everywhere, so every question shows its feedback."""
    quiz = Quiz.objects.get(slug=slug)
    page = client.get(quiz.get_absolute_url())
    state = {
        name: re.search(rf'name="{name}" value="([^"]*)"', page.content.decode()).group(1)
        for name in ("attempt", "seed")
    }
    data = {**state, "submit_anyway": "1"}
    for question in quiz.questions.all():
        if question.type == "numeric":
            data[f"q{question.pk}"] = str(question.numeric_value + 1000)
        else:
            wrong = [c.pk for c in question.choices.all() if not c.is_correct]
            data[f"q{question.pk}"] = [str(wrong[0])] if wrong else []
    response = client.post(quiz.get_absolute_url(), data)
    assert response.status_code == 302, f"{slug}: the attempt was not accepted"
    attempt = Attempt.objects.filter(quiz=quiz).latest("started_at")
    return client.get(attempt.get_absolute_url())


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The initial content, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_initial_content", verbosity=0)
            yield
            transaction.set_rollback(True)
    cache.clear()


def _params() -> list:
    return [pytest.param(page_id, id=page_id) for page_id in PAGES]


def test_the_pages_cover_the_whole_site():
    assert {"predpol", "ndas", "iborderctrl", "china-surveillance"} <= set(CASES)
    assert len(THEMES) >= 14 and len(SIMULATIONS) >= 12 and len(QUIZZES) >= 10


@pytest.mark.parametrize("page_id", _params())
def test_page_cites_no_internal_reference(site, db, client, page_id):
    response = PAGES[page_id](client)
    assert response.status_code == 200, (page_id, response.status_code)
    found = internal_references(response.content.decode())
    assert not found, f"{page_id} shows internal references:\n" + "\n".join(found)


PLANTED = {
    "factsheet": "as the Factsheet says",
    "FS §": "see FS §4",
    "papers.md": "numbers from papers.md D1",
    "PM §": "PM § 2",
    "§ + section number": "checked in §1.1(b)",
    "a .py file": "computed in overfitting.py",
    "simulations/engine": "see simulations/engine/base",
    "a repository file (github.com/.../blob/)": "https://github.com/someone/repo/blob/main/x.md",
    "raw.githubusercontent.com": "https://raw.githubusercontent.com/someone/repo/main/x.md",
    "a status tag of our notes": "76% accuracy [one source]",
}


def test_every_pattern_has_a_planted_example():
    assert set(PLANTED) == set(INTERNAL_REFERENCE_PATTERNS)


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_the_check_catches_a_planted_reference(site, db, client, name):
    """Plant the reference in a case as a teacher would, and the rendered page must fail."""
    case = CaseStudy.objects.get(slug=CASES[0])
    original = case.body
    try:
        case.body = original + f"\n\nPlanted sentence: {PLANTED[name]}.\n"
        case.save()
        response = client.get(case.get_absolute_url())
        found = internal_references(response.content.decode())
        assert any(item.startswith(f"{name}:") for item in found), (name, found)
    finally:
        case.body = original
        case.save()


@pytest.mark.parametrize(
    "text",
    [
        "29 CFR § 1607.4(D) defines the four-fifths rule",
        "Annex III, point 7(a) of the AI Act",
        "see the fact that the sheet was signed",
        "https://github.com/algofairness/runaway-feedback-loops-src",
        "UN document S/2021/229",
    ],
)
def test_legitimate_citations_are_not_flagged(text):
    assert internal_references(text) == []
