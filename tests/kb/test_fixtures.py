"""The initial content in fixtures/ loads after migrations, is complete and valid, and never
overwrites a teacher's edit.

The case files are read at collection time, so a case added to fixtures/ is checked without
editing this module, and a case missing from fixtures/ fails `test_every_mission_case_has_a_file`.
"""

import datetime
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


# --- Sources and key facts: every badge earned (issue 11 §1) -------------------------------------
# The rules are checked on the YAML itself, so a field left to the model's default (``origin``)
# fails even though the database would fill it in.

VERIFIABLE_KINDS = {"academic", "official", "court", "news", "ngo", "company"}
# Hosts that republish other publishers' articles; cite the publisher's own address instead.
MIRROR_HOSTS = {
    "archive.is",
    "archive.ph",
    "archive.today",
    "docslib.org",
    "experts.arizona.edu",
    "hiyokai.com",
    "killerrobots.org",
    "moam.info",
    "pdfslide.us",
    "scribd.com",
    "sfgate.com",
    "techwarrant.com",
    "thestar.com.my",
    "vdocuments.mx",
    "vdocuments.site",
    "web.archive.org",
    "yumpu.com",
}
AMP_URL = re.compile(r"(?:^amp\.|\.amp\.)|/amp(?:/|$)|[?&]amp(?:[=&]|$)|\.amp(?:\.html?)?$")
PRECISIONS = {"year", "month", "day"}


def _host(url: str) -> str:
    host = urlparse(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def source_problems(fields: dict) -> list[str]:
    """Why this source (a fixture's ``fields``) breaks the rules; empty when it keeps them."""
    problems = []
    url = str(fields.get("url", ""))
    if "origin" not in fields:
        problems.append("no explicit origin")
    elif fields["origin"] == "copy":
        problems.append("origin is copy: link the original instead")
    elif fields["origin"] not in {"original", "report"}:
        problems.append(f"unknown origin {fields['origin']!r}")
    if not url.startswith("https://"):
        problems.append(f"not https: {url}")
    host = _host(url)
    if AMP_URL.search(host) or AMP_URL.search(urlparse(url).path + "?" + urlparse(url).query):
        problems.append(f"AMP address: {url}")
    if any(host == m or host.endswith("." + m) for m in MIRROR_HOSTS):
        problems.append(f"mirror host {host}")
    published = fields.get("published_on")
    precision = fields.get("date_precision")
    if not isinstance(published, datetime.date):
        problems.append("no published_on date")
    if precision not in PRECISIONS:
        problems.append(f"date_precision must be given as one of {sorted(PRECISIONS)}")
    elif isinstance(published, datetime.date):
        if precision in {"year", "month"} and published.day != 1:
            problems.append(f"a {precision}-precision date must be the 1st: {published}")
        if precision == "year" and published.month != 1:
            problems.append(f"a year-precision date must be 1 January: {published}")
    return problems


def fact_problems(fact: dict, source: dict | None) -> list[str]:
    """Why this key fact breaks the rules: a verified fact rests on an original, citable source."""
    if source is None:
        return ["cites a source that is not in this file"]
    if fact.get("status") != "verified":
        return []
    problems = []
    if source.get("origin") != "original":
        problems.append(f"verified, but its source's origin is {source.get('origin')!r}")
    if source.get("kind") not in VERIFIABLE_KINDS:
        problems.append(f"verified, but its source's kind is {source.get('kind')!r}")
    return problems


def case_problems(fields: dict) -> list[str]:
    as_of = fields.get("status_as_of")
    if not isinstance(as_of, datetime.date):
        return ["no status_as_of"]
    if as_of > datetime.date.today():
        return [f"status_as_of {as_of} is in the future"]
    return []


def file_problems(objects: list[dict]) -> list[str]:
    """Every rule over one fixture file's objects, as "what: why" lines."""
    sources = {obj["pk"]: obj["fields"] for obj in objects if obj["model"] == "kb.source"}
    problems = []
    for obj in objects:
        fields = obj["fields"]
        if obj["model"] == "kb.casestudy":
            problems += [f"case {fields['slug']}: {p}" for p in case_problems(fields)]
        elif obj["model"] == "kb.source":
            problems += [f"source {obj['pk']}: {p}" for p in source_problems(fields)]
        elif obj["model"] == "kb.keyfact":
            source = sources.get(fields.get("source"))
            statement = fields.get("statement_en") or fields.get("statement", "")
            label = f"key fact {fields.get('order')} ({' '.join(str(statement).split()[:6])}…)"
            problems += [f"{label}: {p}" for p in fact_problems(fields, source)]
    return problems


def _case_file_params() -> list:
    return [pytest.param(name, id=name) for name in sorted(set(CASE_FILES.values()))]


@pytest.mark.parametrize("file_name", _case_file_params())
def test_case_file_sources_and_key_facts_follow_the_rules(file_name):
    objects = yaml.safe_load((FIXTURES_DIR / file_name).read_text(encoding="utf-8"))
    problems = file_problems(objects)
    assert not problems, f"{file_name}:\n" + "\n".join(problems)


GOOD_SOURCE = {
    "url": "https://www.news.test/2020/story",
    "kind": "news",
    "origin": "original",
    "published_on": datetime.date(2020, 8, 6),
    "date_precision": "day",
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"origin": None}, "no explicit origin"),
        ({"origin": "copy"}, "origin is copy"),
        ({"url": "http://www.news.test/story"}, "not https"),
        ({"url": "https://www.news.test/amp/story"}, "AMP address"),
        ({"url": "https://amp.news.test/story"}, "AMP address"),
        ({"url": "https://www.killerrobots.org/2020/09/04/story/"}, "mirror host"),
        ({"url": "https://www.sfgate.com/business/article/story.php"}, "mirror host"),
        ({"published_on": None}, "no published_on"),
        ({"date_precision": None}, "date_precision must be given"),
        ({"date_precision": "month"}, "must be the 1st"),
        ({"date_precision": "year", "published_on": datetime.date(2020, 8, 1)}, "1 January"),
    ],
)
def test_each_source_rule_catches_a_planted_defect(change, expected):
    assert source_problems(GOOD_SOURCE) == []
    bad = {**GOOD_SOURCE, **change}
    for key in [k for k, v in change.items() if v is None]:
        del bad[key]
    assert any(expected in p for p in source_problems(bad)), source_problems(bad)


@pytest.mark.parametrize(
    ("source_change", "expected"),
    [
        ({"origin": "report"}, "origin is 'report'"),
        ({"kind": "blog"}, "kind is 'blog'"),
    ],
)
def test_a_verified_fact_needs_an_original_citable_source(source_change, expected):
    fact = {"status": "verified", "source": 1, "statement": "x"}
    assert fact_problems(fact, GOOD_SOURCE) == []
    assert any(expected in p for p in fact_problems(fact, {**GOOD_SOURCE, **source_change}))
    assert fact_problems({**fact, "status": "secondary"}, {**GOOD_SOURCE, **source_change}) == []


def test_a_case_needs_a_past_status_as_of():
    assert case_problems({"status_as_of": datetime.date(2023, 9, 7)}) == []
    assert case_problems({}) == ["no status_as_of"]
    future = datetime.date.today() + datetime.timedelta(days=1)
    assert "in the future" in case_problems({"status_as_of": future})[0]


CITATION = re.compile(r"\[(\d+)\]")


def citation_problems(objects: list[dict]) -> list[str]:
    """Sources are numbered 1..n on the page, in order: every [n] in a body must be one of them."""
    problems = []
    for case in (o for o in objects if o["model"] == "kb.casestudy"):
        slug = case["fields"]["slug"]
        orders = sorted(
            o["fields"]["order"]
            for o in objects
            if o["model"] == "kb.source" and o["fields"]["case"] == [slug]
        )
        if orders != list(range(1, len(orders) + 1)):
            problems.append(f"{slug}: source orders {orders} are not 1..{len(orders)}")
        bodies = {
            key: case["fields"][key]
            for key in ("body", "body_en", "body_fr")
            if case["fields"].get(key)
        }
        cited_by = {}
        for key, body in bodies.items():
            cited = cited_by[key] = {int(n) for n in CITATION.findall(body)}
            missing = sorted(n for n in cited if not 1 <= n <= len(orders))
            if missing:
                problems.append(
                    f"{slug}: {key} cites {missing}, but there are {len(orders)} sources"
                )
            uncited = sorted(set(range(1, len(orders) + 1)) - cited)
            if uncited:
                problems.append(f"{slug}: sources {uncited} are never cited in {key}")
        # The translation cites the same sources as the original.
        if (
            "body_en" in cited_by
            and "body_fr" in cited_by
            and cited_by["body_en"] != cited_by["body_fr"]
        ):
            only_en = sorted(cited_by["body_en"] - cited_by["body_fr"])
            only_fr = sorted(cited_by["body_fr"] - cited_by["body_en"])
            problems.append(
                f"{slug}: the French body cites other sources (only English: {only_en}, "
                f"only French: {only_fr})"
            )
    return problems


@pytest.mark.parametrize("file_name", sorted(set(CASE_FILES.values())))
def test_case_body_cites_only_its_own_numbered_sources(file_name):
    objects = yaml.safe_load((FIXTURES_DIR / file_name).read_text(encoding="utf-8"))
    problems = citation_problems(objects)
    assert not problems, f"{file_name}:\n" + "\n".join(problems)


def test_the_citation_check_catches_a_planted_defect():
    case = {"model": "kb.casestudy", "fields": {"slug": "c", "body": "See [1] and [3]."}}
    sources = [{"model": "kb.source", "fields": {"case": ["c"], "order": n}} for n in (1, 2)]
    problems = citation_problems([case, *sources])
    assert any("cites [3]" in p for p in problems)
    assert any("sources [2] are never cited" in p for p in problems)
    bilingual = {
        "model": "kb.casestudy",
        "fields": {"slug": "c", "body_en": "[1] [2]", "body_fr": "[1]"},
    }
    problems = citation_problems([bilingual, *sources])
    assert any("French body cites other sources (only English: [2]" in p for p in problems)
    gap = [case, *sources[:1], {"model": "kb.source", "fields": {"case": ["c"], "order": 3}}]
    assert any("not 1..2" in p for p in citation_problems(gap))
