"""A case's history as a reader sees it: one version per save, readable diffs, whole-unit revert."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from modeltranslation.translator import translator
from reversion.models import Version

from config import history
from kb.models import CaseStudy, KeyFact, Source

from .factories import (
    CaseStudyFactory,
    CountryFactory,
    KeyFactFactory,
    SourceFactory,
    ThemeFactory,
    TimelineEventFactory,
)
from .test_admin import case_form_data, errors_of

pytestmark = pytest.mark.django_db

CHANGE_URL = "admin:kb_casestudy_change"
HISTORY_URL = "admin:kb_casestudy_history"
REVERT_URL = "admin:kb_casestudy_revert"


@pytest.fixture
def anon():
    return Client()


@pytest.fixture
def predpol():
    case = CaseStudyFactory(
        title="PredPol",
        slug="predpol",
        summary="Software predicted crime hot spots, and audits found a feedback loop.",
        body="Police were sent where crime had been recorded.\n\nThe records followed them.",
    )
    case.themes.add(ThemeFactory(name="Feedback loops"))
    case.countries.add(CountryFactory(name="United States"))
    source = SourceFactory(case=case, title="Lum and Isaac 2016")
    KeyFactFactory(case=case, source=source, statement="Drug arrests were concentrated.")
    TimelineEventFactory(case=case, text="Deployed in Los Angeles.")
    french(case, *case.sources.all(), *case.key_facts.all(), *case.timeline.all())
    return case


def french(*objects):
    """Fill the French columns the factories leave empty (the admin requires French)."""
    for obj in objects:
        for name in translator.get_options_for_model(type(obj)).fields:
            english = getattr(obj, f"{name}_en")
            if not getattr(obj, f"{name}_fr") and english:
                type(obj).objects.filter(pk=obj.pk).update(**{f"{name}_fr": f"{english} (fr)"})


def reader_view(anon, case):
    """What a reader gets: the case page's main content and the API's representation."""
    html = anon.get(reverse("kb:case-detail", args=[case.slug])).content.decode()
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)
    api = anon.get(f"/api/v1/cases/{case.slug}/").json()
    api.pop("updated_at")  # a revert is a save: the case was updated, to its earlier content
    return main, api


def form_data(case, *, english=None, **kwargs):
    """The change form as the admin fills it: each language's own text (case_form_data posts
    one text in both), with ``english`` overriding English fields of the case."""
    case = CaseStudy.objects.get(pk=case.pk)
    data = case_form_data(case, **kwargs)
    rows = {"sources": list(case.sources.all()), "key_facts": list(case.key_facts.all())}
    for key in list(data):
        base, _, lang = key.rpartition("_")
        if lang not in ("fr", "en"):
            continue
        if "-" in base:
            prefix, index, name = base.rsplit("-", 2)
            objects = rows.get(prefix, [])
            if int(index) < len(objects):
                data[key] = getattr(objects[int(index)], f"{name}_{lang}") or ""
        else:
            data[key] = getattr(case, key) or ""
    for name, value in (english or {}).items():
        data[f"{name}_en"] = value
    return data


def post_case(client, case, **kwargs):
    response = client.post(reverse(CHANGE_URL, args=[case.pk]), form_data(case, **kwargs))
    assert response.status_code == 302, errors_of(response)


RAND = {
    "title": "RAND evaluation of Shreveport",
    "kind": "official",
    "publisher": "RAND",
    "url": "https://www.rand.org/pubs/research_reports/RR531.html",
    "supports": "Crime did not fall.",
}


def three_saves(teacher_client, case):
    """Add a source; add a key fact citing it; change the summary: three separate saves."""
    post_case(teacher_client, case, extra_sources=[RAND])
    rand = Source.objects.get(title=RAND["title"])
    data = form_data(case)
    n = case.key_facts.count()
    data.update(
        {
            f"key_facts-{n}-case": case.pk,
            f"key_facts-{n}-statement_en": "No fall in property crime.",
            f"key_facts-{n}-statement_fr": "Pas de baisse des cambriolages.",
            f"key_facts-{n}-order": 10,
            f"key_facts-{n}-source": rand.pk,
            f"key_facts-{n}-status": "verified",
            "key_facts-TOTAL_FORMS": str(n + 1),
        }
    )
    response = teacher_client.post(reverse(CHANGE_URL, args=[case.pk]), data)
    assert response.status_code == 302, errors_of(response)
    post_case(
        teacher_client,
        case,
        english={
            "summary": "Software predicted crime hot spots, and audits found a feedback loop. EDITED."
        },
    )


def test_revert_restores_the_public_page_and_the_api_exactly(anon, teacher_client, predpol):
    before = reader_view(anon, predpol)
    three_saves(teacher_client, predpol)
    after = reader_view(anon, predpol)
    assert after != before
    assert "RAND evaluation of Shreveport" in after[0]
    assert "No fall in property crime." in after[0]

    versions = list(history.versions_of(predpol))
    # A baseline (the case as it was before its first recorded edit) and one per save.
    assert [v.revision.comment for v in versions] == ["", "", "", history.BEFORE_HISTORY]
    baseline = versions[-1]
    page = teacher_client.get(reverse(REVERT_URL, args=[predpol.pk, baseline.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "RAND evaluation of Shreveport" in text and "No fall in property crime." in text

    response = teacher_client.post(reverse(REVERT_URL, args=[predpol.pk, baseline.pk]))
    assert response.status_code == 302
    assert reader_view(anon, predpol) == before
    assert not Source.objects.filter(title=RAND["title"]).exists()
    assert not KeyFact.objects.filter(statement_en="No fall in property crime.").exists()
    # The links survive too; the revert is a new version, and the message says what it did.
    predpol.refresh_from_db()
    assert [t.name for t in predpol.themes.all()] == ["Feedback loops"]
    assert history.versions_of(predpol).first().revision.comment.startswith(history.REVERTED)
    page = teacher_client.get(response["Location"]).content.decode()
    assert "was reverted to the version of" in page
    message = re.search(r"was reverted to the version of.*?</li>", page, re.S).group(0)
    assert "1 field restored (Summary [en])" in message, message
    assert "Sources (1 added since deleted)" in page
    assert "Key facts (1 added since deleted)" in page


def test_history_lists_each_save_with_its_change(teacher_client, predpol):
    three_saves(teacher_client, predpol)
    response = teacher_client.get(reverse(HISTORY_URL, args=[predpol.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    crumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', html, re.S).group(1)
    assert "Case studies" in crumbs and "History" in crumbs and "history.css" in html
    entries = re.findall(
        r'<li class="history-entry">(.*?)</li>\s*(?=<li class="history-entry"|</ol>)', html, re.S
    )
    assert len(entries) == 4
    newest, second, first, baseline = entries
    # The summary: a word-level diff, nothing truncated.
    assert "<ins> EDITED.</ins>" in newest
    assert "audits found a feedback" in newest
    assert "Key facts" in second and "No fall in property crime." in second
    assert "Sources" in first and "RAND evaluation of Shreveport" in first
    assert "Key facts" not in first
    assert "As it was before this history was kept" in baseline
    # Who: the teacher's name, never a link to a user page a teacher may not open.
    assert "Changed by:" in newest and "teacher" in newest
    assert "/auth/user/" not in html


def test_a_removed_source_and_its_fact_come_back_on_revert(teacher_client, predpol):
    source = predpol.sources.get()
    fact = predpol.key_facts.get()
    history.record_version(predpol)
    # Two saves: the key fact, then the source it cited (a cited source cannot be deleted).
    data = form_data(predpol)
    data["key_facts-0-DELETE"] = "on"
    response = teacher_client.post(reverse(CHANGE_URL, args=[predpol.pk]), data)
    assert response.status_code == 302, errors_of(response)
    data = form_data(predpol)
    data["sources-0-DELETE"] = "on"
    data.pop("is_published")  # a published case needs a source
    response = teacher_client.post(reverse(CHANGE_URL, args=[predpol.pk]), data)
    assert response.status_code == 302, errors_of(response)
    assert not Source.objects.filter(pk=source.pk).exists()
    first = history.versions_of(predpol).last()
    teacher_client.post(reverse(REVERT_URL, args=[predpol.pk, first.pk]))
    restored = Source.objects.get(pk=source.pk)
    assert restored.title == "Lum and Isaac 2016"
    assert KeyFact.objects.get(pk=fact.pk).source_id == source.pk
    predpol.refresh_from_db()
    assert predpol.is_published


def test_saving_an_unchanged_form_records_no_version(teacher_client, predpol):
    post_case(teacher_client, predpol)
    count = history.versions_of(predpol).count()
    post_case(teacher_client, predpol)
    post_case(teacher_client, predpol)
    assert history.versions_of(predpol).count() == count


def test_both_languages_are_kept_and_restored(teacher_client, predpol):
    CaseStudy.objects.filter(pk=predpol.pk).update(title_fr="PredPol (FR)")
    predpol.refresh_from_db()
    history.record_version(predpol)
    data = form_data(predpol)
    data["title_fr"] = "PredPol (version française)"
    data["title_en"] = "PredPol (English)"
    response = teacher_client.post(reverse(CHANGE_URL, args=[predpol.pk]), data)
    assert response.status_code == 302, errors_of(response)
    first = history.versions_of(predpol).last()
    teacher_client.post(reverse(REVERT_URL, args=[predpol.pk, first.pk]))
    predpol.refresh_from_db()
    assert (predpol.title_fr, predpol.title_en) == ("PredPol (FR)", "PredPol")


def test_publish_action_is_a_version(teacher_client, predpol):
    CaseStudy.objects.filter(pk=predpol.pk).update(is_published=False)
    teacher_client.post(
        reverse("admin:kb_casestudy_changelist"),
        {"action": "publish", "_selected_action": [predpol.pk]},
    )
    newest, baseline = history.versions_of(predpol)[:2]
    diff = history.diff_rows(
        ("kb.casestudy", str(predpol.pk)),
        history.version_rows(baseline),
        history.version_rows(newest),
    )
    assert [f.label for f in diff.fields if "ublish" in f.label]


def test_a_source_edited_on_its_own_page_is_a_version_of_its_case(teacher_client, predpol):
    source = predpol.sources.get()
    url = reverse("admin:kb_source_change", args=[source.pk])
    page = teacher_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"case": predpol.pk, "title": "Lum and Isaac (2016)"})
    data = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in data.items()}
    response = teacher_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    newest = history.versions_of(predpol).first()
    rows = history.version_rows(newest)
    assert rows[("kb.source", str(source.pk))]["title"] == "Lum and Isaac (2016)"


def test_revert_needs_the_change_permission(client, django_user_model, predpol):
    history.record_version(predpol)
    version = history.versions_of(predpol).first()
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(viewer)
    response = client.post(reverse(REVERT_URL, args=[predpol.pk, version.pk]))
    assert response.status_code == 403


def test_initial_content_load_is_one_version_per_case_shown_as_initial_content(
    teacher_client, settings
):
    call_command("load_initial_content", verbosity=0, stdout=open("/dev/null", "w"))
    case = CaseStudy.objects.get(slug="predpol")
    versions = list(history.versions_of(case))
    assert len(versions) == 1
    assert versions[0].revision.comment == history.INITIAL_CONTENT
    assert versions[0].revision.user is None
    html = teacher_client.get(reverse(HISTORY_URL, args=[case.pk])).content.decode()
    assert "Initial content" in html
    assert "the site’s initial content" in html
    # Saving the loaded case unchanged through the admin changes nothing (no phantom diff).
    post_case(teacher_client, case)
    assert history.versions_of(case).count() == 1
    assert Version.objects.get_for_object(case).count() == 1


def test_word_diff_escapes_shows_every_change_and_folds_far_unchanged_paragraphs():
    old = "First <b>.\n\nSecond.\n\nThird one.\n\nFourth.\n\nFifth."
    new = old.replace("Third one", "Third <i>one</i>").replace("Fifth.", "Fifth, longer.")
    html = str(history.word_diff(old, new))
    assert "<b>" not in html and "&lt;i&gt;one&lt;/i&gt;" in html
    assert "<del>one.</del><ins>&lt;i&gt;one&lt;/i&gt;.</ins>" in html
    assert "<ins>Fifth, longer.</ins>" in html or "<ins>longer.</ins>" in html
    assert "First" not in html and history.SKIPPED in html  # far from any change
