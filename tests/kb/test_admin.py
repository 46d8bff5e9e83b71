"""The teachers' admin, used as a teacher through the test client."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from config import history
from kb.admin import PUBLISH_REFUSED
from kb.models import (
    END_BEFORE_START,
    FACT_SOURCE_OTHER_CASE,
    PUBLISHED_NEEDS_SOURCE,
    CaseStudy,
    KeyFact,
)

from .factories import CaseStudyFactory, KeyFactFactory, SourceFactory, ThemeFactory

pytestmark = pytest.mark.django_db

CHANGE_URL = "admin:kb_casestudy_change"
ADD_URL = "admin:kb_casestudy_add"


def management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def source_fields(prefix, i, source=None, **overrides):
    values = {
        "id": source.pk if source else "",
        "case": source.case_id if source else "",
        "title": source.title if source else "",
        "order": source.order if source else 0,
        "publisher": source.publisher if source else "",
        "authors": source.authors if source else "",
        "published_on": source.published_on.isoformat() if source and source.published_on else "",
        "date_precision": source.date_precision if source else "day",
        "kind": source.kind if source else "",
        "origin": source.origin if source else "original",
        "language": source.language if source else "en",
        "url": source.url if source else "",
        "archived_url": source.archived_url if source else "",
        "supports": source.supports if source else "",
    }
    values.update(overrides)
    return {f"{prefix}-{i}-{key}": value for key, value in values.items()}


def case_form_data(case, *, sources=None, extra_sources=(), key_facts=None, **overrides):
    """What the admin change form posts for `case`: its fields and all three inline formsets."""
    data = {
        "title": case.title,
        "slug": case.slug,
        "summary": case.summary,
        "body": case.body,
        "sector": case.sector,
        "status": case.status,
        "status_as_of": case.status_as_of.isoformat() if case.status_as_of else "",
        "start_year": case.start_year or "",
        "end_year": case.end_year or "",
        "deployer": case.deployer,
        "developer": case.developer,
        "discussion_questions": case.discussion_questions,
        "themes": [t.pk for t in case.themes.all()] if case.pk else [],
        "countries": [c.pk for c in case.countries.all()] if case.pk else [],
        "related": [r.pk for r in case.related.all()] if case.pk else [],
    }
    if case.is_published:
        data["is_published"] = "on"
    if case.is_featured:
        data["is_featured"] = "on"
    sources = list(case.sources.all()) if sources is None and case.pk else (sources or [])
    for i, source in enumerate(sources):
        data.update(source_fields("sources", i, source))
    for j, fields in enumerate(extra_sources, start=len(sources)):
        data.update(source_fields("sources", j, **fields))
    data.update(management("sources", len(sources) + len(extra_sources), len(sources)))
    facts = list(case.key_facts.all()) if key_facts is None and case.pk else (key_facts or [])
    for i, fact in enumerate(facts):
        data.update(
            {
                f"key_facts-{i}-id": fact.pk,
                f"key_facts-{i}-case": case.pk,
                f"key_facts-{i}-statement": fact.statement,
                f"key_facts-{i}-order": fact.order,
                f"key_facts-{i}-source": fact.source_id,
                f"key_facts-{i}-location": fact.location,
                f"key_facts-{i}-status": fact.status,
                f"key_facts-{i}-note": fact.note,
            }
        )
    data.update(management("key_facts", len(facts), len(facts)))
    data.update(management("timeline", 0, 0))
    data.update(overrides)
    return bilingual({k: v for k, v in data.items() if v is not None})


# Fields the admin shows once per language (django-modeltranslation): the form posts title_fr and
# title_en, not title. The helpers above name them once; the post carries the text in both.
TRANSLATED = {
    "title",
    "summary",
    "body",
    "deployer",
    "developer",
    "discussion_questions",
    "supports",
    "statement",
    "location",
    "note",
    "name",
    "definition",
    "explanation",
}


def bilingual(data):
    posted = {}
    for key, value in data.items():
        prefix, _, name = key.rpartition("-")
        if name in TRANSLATED and not (prefix.startswith("sources") and name == "title"):
            posted[f"{key}_fr"] = value
            posted[f"{key}_en"] = value
        else:
            posted[key] = value
    return posted


def errors_of(response):
    """Every error message the admin shows on the page, as text."""
    html = response.content.decode()
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S))


@pytest.fixture
def anon():
    """An anonymous visitor (the `client` fixture is the teacher's once teacher_client is used)."""
    return Client()


@pytest.fixture
def case():
    case = CaseStudyFactory(title="PredPol", body="Original body.", start_year=2011, end_year=2020)
    SourceFactory(case=case, title="Original source")
    return case


def test_teacher_logs_in_through_the_admin_login_page(client, teacher):
    response = client.post(
        reverse("admin:login"),
        {"username": "teacher", "password": "teacher-pass-123", "next": "/admin/"},
    )
    assert response.status_code == 302
    index = client.get(reverse("admin:index")).content.decode()
    assert "Case studies" in index and "Themes" in index


def test_teacher_edits_a_case_and_the_public_page_shows_it(anon, teacher_client, case):
    url = reverse(CHANGE_URL, args=[case.pk])
    data = case_form_data(case, title="PredPol (Los Angeles)", body="A **new** body.")
    response = teacher_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    html = anon.get(case.get_absolute_url()).content.decode()
    assert "PredPol (Los Angeles)" in html
    assert "A <strong>new</strong> body." in html


def test_history_shows_the_old_version_and_revert_restores_it(anon, teacher_client, case):
    teacher_client.post(
        reverse(CHANGE_URL, args=[case.pk]), case_form_data(case, title="Vandalised title")
    )
    case.refresh_from_db()
    assert case.title == "Vandalised title"

    history_page = teacher_client.get(reverse("admin:kb_casestudy_history", args=[case.pk]))
    html = history_page.content.decode()
    assert history_page.status_code == 200
    # What the save changed, old → new, and who made the change (config/history.py).
    assert re.search(r"<del>PredPol</del>.*?<ins>Vandalised title</ins>", html, re.S)
    assert "teacher" in html
    old = history.versions_of(case).last()
    assert old.revision.comment == history.BEFORE_HISTORY

    revert_url = reverse("admin:kb_casestudy_revert", args=[case.pk, old.pk])
    confirm = teacher_client.get(revert_url)
    assert confirm.status_code == 200
    assert re.search(
        r"<del>Vandalised title</del>.*?<ins>PredPol</ins>", confirm.content.decode(), re.S
    )
    response = teacher_client.post(revert_url)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "PredPol"
    assert "PredPol" in anon.get(case.get_absolute_url()).content.decode()
    assert history.versions_of(case).count() == 3


def test_reverting_to_a_published_version_brings_its_sources_back(teacher_client, case):
    history.record_version(case)
    published = history.versions_of(case).first()
    case.is_published = False
    case.save()
    case.sources.all().delete()
    response = teacher_client.post(
        reverse("admin:kb_casestudy_revert", args=[case.pk, published.pk])
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_published
    assert [s.title for s in case.sources.all()] == ["Original source"]


def test_change_form_has_preview_view_on_site_and_prepopulated_slug(teacher_client, case):
    html = teacher_client.get(reverse(CHANGE_URL, args=[case.pk])).content.decode()
    assert "kb/admin/markdown-preview.js" in html
    assert f'data-markdown-preview="{reverse("kb:markdown-preview")}"' in html
    assert "View on site" in html
    add_html = teacher_client.get(reverse(ADD_URL)).content.decode()
    assert "prepopulated_fields" in add_html or "data-prepopulated-fields" in add_html


def test_teacher_adds_a_published_case_with_its_first_source_in_one_go(anon, teacher_client):
    theme = ThemeFactory()
    new = CaseStudy(
        title="Predictim",
        slug="predictim",
        summary="Babysitter scoring.",
        body="Body.",
        sector="consumer-services",
        status="abandoned",
        status_as_of=datetime.date(2018, 12, 1),
        start_year=2018,
        end_year=2018,
        is_published=True,
    )
    data = case_form_data(
        new,
        extra_sources=[
            {
                "title": "Wanted: the perfect babysitter",
                "publisher": "The Washington Post",
                "url": "https://www.washingtonpost.com/technology/2018/11/16/wanted-perfect-babysitter/",
                "kind": "news",
            }
        ],
        themes=[theme.pk],
    )
    response = teacher_client.post(reverse(ADD_URL), data)
    assert response.status_code == 302, errors_of(response)
    created = CaseStudy.objects.get(slug="predictim")
    assert created.is_published and created.published_at is not None
    assert created.sources.count() == 1
    assert anon.get(created.get_absolute_url()).status_code == 200


def test_a_published_case_needs_a_source(teacher_client):
    new = CaseStudy(
        title="No sources",
        slug="no-sources",
        summary="s",
        body="b",
        sector="military",
        status="ongoing",
        is_published=True,
    )
    response = teacher_client.post(reverse(ADD_URL), case_form_data(new))
    assert response.status_code == 200
    assert str(PUBLISHED_NEEDS_SOURCE) in response.content.decode()
    assert not CaseStudy.objects.filter(slug="no-sources").exists()


def test_deleting_the_last_source_of_a_published_case_is_refused(teacher_client, case):
    data = case_form_data(case)
    data["sources-0-DELETE"] = "on"
    response = teacher_client.post(reverse(CHANGE_URL, args=[case.pk]), data)
    assert response.status_code == 200
    assert str(PUBLISHED_NEEDS_SOURCE) in response.content.decode()
    assert case.sources.count() == 1


def test_a_draft_may_have_no_source(teacher_client):
    new = CaseStudy(
        title="Draft idea",
        slug="draft-idea",
        summary="s",
        body="b",
        sector="military",
        status="ongoing",
        status_as_of=datetime.date(2025, 12, 1),
        is_published=False,
    )
    response = teacher_client.post(reverse(ADD_URL), case_form_data(new))
    assert response.status_code == 302, errors_of(response)


def test_end_year_before_start_year_is_refused_with_a_clear_message(teacher_client, case):
    data = case_form_data(case, start_year=2020, end_year=2011)
    response = teacher_client.post(reverse(CHANGE_URL, args=[case.pk]), data)
    assert response.status_code == 200
    assert str(END_BEFORE_START) in response.content.decode()


def test_bad_source_url_is_refused(teacher_client, case):
    data = case_form_data(case)
    data["sources-0-url"] = "javascript:alert(1)"
    response = teacher_client.post(reverse(CHANGE_URL, args=[case.pk]), data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert case.sources.get().url.startswith("https://")


def test_key_fact_source_choices_are_this_cases_sources(teacher_client, case):
    other = SourceFactory(title="Another case's source")
    html = teacher_client.get(reverse(CHANGE_URL, args=[case.pk])).content.decode()
    select = re.search(r'<select name="key_facts-__prefix__-source".*?</select>', html, re.S)
    assert select and "Original source" in select.group(0)
    assert "Another case&#x27;s source" not in select.group(0)

    fact = KeyFactFactory(case=case, source=case.sources.get())
    fact.source_id = other.pk  # as if a crafted POST picked another case's source
    response = teacher_client.post(
        reverse(CHANGE_URL, args=[case.pk]), case_form_data(case, key_facts=[fact])
    )
    assert response.status_code == 200
    assert "Select a valid choice" in errors_of(response)
    assert KeyFact.objects.get(pk=fact.pk).source.case_id == case.pk


def test_key_fact_model_validation_names_the_rule():
    fact = KeyFactFactory.build(case=CaseStudyFactory(), source=SourceFactory())
    with pytest.raises(Exception) as excinfo:
        fact.full_clean()
    assert str(FACT_SOURCE_OTHER_CASE) in str(excinfo.value)


def test_publish_action_publishes_cases_with_sources_and_refuses_the_others(teacher_client):
    ready = CaseStudyFactory(title="Ready", is_published=False, with_sources=2)
    bare = CaseStudyFactory(title="Bare", is_published=False)
    response = teacher_client.post(
        reverse("admin:kb_casestudy_changelist"),
        {"action": "publish", "_selected_action": [ready.pk, bare.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Published 1 case." in html
    assert str(PUBLISH_REFUSED).split("{")[0] in html and "Bare" in html
    ready.refresh_from_db()
    bare.refresh_from_db()
    assert ready.is_published and ready.published_at
    assert not bare.is_published


def test_unpublish_action_hides_the_case(anon, teacher_client, case):
    teacher_client.post(
        reverse("admin:kb_casestudy_changelist"),
        {"action": "unpublish", "_selected_action": [case.pk]},
    )
    assert anon.get(case.get_absolute_url()).status_code == 404
    assert case.history.first().is_published is False


def test_changelist_search_and_filters_work(teacher_client, case):
    CaseStudyFactory(title="Something else")
    url = reverse("admin:kb_casestudy_changelist")
    response = teacher_client.get(url, {"q": "PredPol", "is_published__exact": "1"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_teacher_cannot_manage_users(teacher_client, teacher):
    assert teacher_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert (
        teacher_client.get(reverse("admin:auth_user_change", args=[teacher.pk])).status_code == 403
    )
    assert teacher_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert "auth/user" not in teacher_client.get(reverse("admin:index")).content.decode()


def test_teacher_cannot_delete_a_case_or_theme_only_unpublish(teacher_client, case):
    assert (
        teacher_client.get(reverse("admin:kb_casestudy_delete", args=[case.pk])).status_code == 403
    )
    theme = ThemeFactory()
    assert teacher_client.get(reverse("admin:kb_theme_delete", args=[theme.pk])).status_code == 403
    changelist = teacher_client.get(reverse("admin:kb_casestudy_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert CaseStudy.objects.filter(pk=case.pk).exists()


def test_teacher_edits_a_theme_and_its_history_is_kept(anon, teacher_client):
    theme = ThemeFactory(name="Leakage", slug="leakage", explanation="Old text.")
    response = teacher_client.post(
        reverse("admin:kb_theme_change", args=[theme.pk]),
        bilingual(
            {
                "name": "Information leakage",
                "slug": "leakage",
                "definition": theme.definition,
                "explanation": "New *text*.",
                "order": 3,
            }
        ),
    )
    assert response.status_code == 302, errors_of(response)
    assert "New <em>text</em>." in anon.get(theme.get_absolute_url()).content.decode()
    assert theme.history.count() == 2


def test_sources_key_facts_and_timeline_have_their_own_history_pages(teacher_client, case):
    source = case.sources.get()
    response = teacher_client.get(reverse("admin:kb_source_history", args=[source.pk]))
    assert response.status_code == 200


# --- Markdown preview -------------------------------------------------------------------------


def test_preview_returns_sanitised_html_to_staff(teacher_client):
    response = teacher_client.post(
        reverse("kb:markdown-preview"),
        {"text": "**bold** <script>alert(1)</script> [x](javascript:alert(1))"},
    )
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html


def test_preview_is_refused_to_the_public(anon):
    assert anon.post(reverse("kb:markdown-preview"), {"text": "x"}).status_code == 403


def test_preview_is_refused_to_students(student_client):
    assert student_client.post(reverse("kb:markdown-preview"), {"text": "x"}).status_code == 403


def test_preview_answers_post_only(teacher_client):
    assert teacher_client.get(reverse("kb:markdown-preview")).status_code == 405


def test_preview_requires_the_csrf_token(teacher):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(teacher)
    assert csrf_client.post(reverse("kb:markdown-preview"), {"text": "x"}).status_code == 403
