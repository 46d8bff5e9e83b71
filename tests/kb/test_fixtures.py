"""The initial content in fixtures/ loads after migrations, is complete and valid, and never
overwrites a teacher's edit.

The case files are read at collection time, so a case added to fixtures/ is checked without
editing this module, and a case missing from fixtures/ fails `test_every_mission_case_has_a_file`.
"""

import re
from io import StringIO
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from django.core.management import call_command

from kb.models import CaseStudy, Country, KeyFact, Source, Theme, TimelineEvent

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures"

MISSION_CASES = {
    "predpol",
    "ndas",
    "iborderctrl",
    "china-surveillance",
    "automated-hiring",
    "orientation-from-faces",
    "predictim",
    "killer-robots",
}
REQUIRED_THEMES = {
    "biased-data",
    "loss-function",
    "reproducibility",
    "information-leakage",
    "opacity",
    "overfitting",
    "vanishing-gradients",
    "cost",
    "acceptance-of-errors",
    "base-rate-fallacy",
    "feedback-loops",
    "proxies",
    "consent-privacy",
    "accountability",
}
LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+\S", re.MULTILINE)


def _fixture_objects():
    for path in sorted(FIXTURES_DIR.glob("*.yaml")):
        for obj in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            yield path.name, obj


def _case_slugs_in_files() -> dict[str, str]:
    """{case slug: file name} for every kb.casestudy in fixtures/*.yaml."""
    return {
        obj["fields"]["slug"]: name
        for name, obj in _fixture_objects()
        if obj["model"] == "kb.casestudy"
    }


CASE_FILES = _case_slugs_in_files()


def _words(markdown: str) -> int:
    return len(markdown.split())


def _load():
    out = StringIO()
    call_command("load_initial_content", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    return _load()


def test_every_mission_case_has_a_file():
    missing = MISSION_CASES - CASE_FILES.keys()
    assert not missing, f"no fixture file defines these cases: {sorted(missing)}"


def test_fixtures_load_and_every_object_is_valid(loaded):
    assert "Loaded" in loaded
    assert set(CaseStudy.objects.values_list("slug", flat=True)) >= CASE_FILES.keys()
    for model in (Country, Theme, CaseStudy, Source, KeyFact, TimelineEvent):
        objects = list(model.objects.all())
        assert objects, f"no {model.__name__} loaded"
        for obj in objects:
            obj.full_clean()


def test_themes_are_complete(loaded):
    themes = list(Theme.objects.all())
    assert len(themes) >= 14
    assert {t.slug for t in themes} >= REQUIRED_THEMES
    for theme in themes:
        assert theme.definition.strip(), theme.slug
        assert _words(theme.explanation) >= 150, (theme.slug, _words(theme.explanation))


@pytest.mark.parametrize("slug", sorted(CASE_FILES))
def test_case_is_published_and_complete(loaded, slug):
    case = CaseStudy.objects.get(slug=slug)
    where = f"{slug} ({CASE_FILES[slug]})"
    assert case.is_published, where
    assert _words(case.body) >= 400, (where, _words(case.body))
    assert len(LIST_ITEM.findall(case.discussion_questions)) >= 3, where
    assert case.themes.exists(), where

    sources = list(case.sources.all())
    assert len(sources) >= 4, where
    for source in sources:
        url = urlparse(source.url)
        assert url.scheme in {"http", "https"} and url.netloc, (where, source.url)

    assert case.key_facts.count() >= 4, where
    assert case.timeline.count() >= 3, where


def test_every_key_fact_cites_a_source_of_its_own_case(loaded):
    facts = list(KeyFact.objects.select_related("source"))
    assert facts
    for fact in facts:
        assert fact.source.case_id == fact.case_id, fact.statement


def test_loaded_markdown_is_rendered(loaded):
    """loaddata saves raw, skipping save(); the loader must still leave rendered HTML behind."""
    for case in CaseStudy.objects.all():
        assert case.body_html.strip(), f"{case.slug}: body_html is empty after loading"
        assert case.discussion_html.strip(), f"{case.slug}: discussion_html is empty"
    for theme in Theme.objects.all():
        assert theme.explanation_html.strip(), f"{theme.slug}: explanation_html is empty"


def test_second_run_keeps_a_teachers_edits(loaded):
    case = CaseStudy.objects.get(slug=sorted(CASE_FILES)[0])
    case.title = "Edited by a teacher"
    case.save()
    theme = Theme.objects.get(slug="feedback-loops")
    theme.explanation = "A teacher's own explanation."
    theme.save()
    KeyFact.objects.filter(case=case).first().delete()
    counts = {m: m.objects.count() for m in (CaseStudy, Theme, Source, KeyFact, TimelineEvent)}

    output = _load()

    assert "already has content" in output
    case.refresh_from_db()
    theme.refresh_from_db()
    assert case.title == "Edited by a teacher"
    assert theme.explanation == "A teacher's own explanation."
    assert {m: m.objects.count() for m in counts} == counts
