"""The public page cache (pagecache/): teachers' edits show at once, drafts and personal pages never leak."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from kb.models import CaseStudy
from pagecache.models import Generation, current_generation
from tests.kb.factories import CaseStudyFactory, SourceFactory, ThemeFactory
from tests.quiz.factories import mixed_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache():
    """The page cache is off in the test settings; these tests turn it on, with an empty cache."""
    cache.clear()
    with override_settings(PAGE_CACHE={**settings.PAGE_CACHE, "ENABLED": True}):
        yield
    cache.clear()


def cached(response) -> str:
    return response.headers.get("X-Page-Cache", "")


def test_second_anonymous_request_is_served_from_the_cache(client):
    case = CaseStudyFactory(title="Cached case", with_sources=1)
    first = client.get(case.get_absolute_url())
    second = client.get(case.get_absolute_url())
    assert (cached(first), cached(second)) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_teachers_edit_is_visible_on_the_next_anonymous_request(client):
    case = CaseStudyFactory(title="Before the edit", summary="One line.", with_sources=1)
    client.get(case.get_absolute_url())
    client.get("/en/cases/")
    case.title = "After the edit"
    case.save()
    detail = client.get(case.get_absolute_url())
    listing = client.get("/en/cases/")
    assert "After the edit" in detail.content.decode()
    assert "After the edit" in listing.content.decode()
    assert "Before the edit" not in listing.content.decode()


def test_editing_a_source_or_a_theme_link_refreshes_the_pages_that_show_it(client):
    theme = ThemeFactory(name="Feedback loops")
    case = CaseStudyFactory(title="Linked case", with_sources=1)
    source = case.sources.get()
    assert "Linked case" not in client.get(theme.get_absolute_url()).content.decode()
    case.themes.add(theme)  # m2m_changed
    assert "Linked case" in client.get(theme.get_absolute_url()).content.decode()
    client.get(case.get_absolute_url())
    source.publisher = "A newly named publisher"
    source.save()
    assert "A newly named publisher" in client.get(case.get_absolute_url()).content.decode()
    SourceFactory(case=case, publisher="Another outlet")
    assert "Another outlet" in client.get(case.get_absolute_url()).content.decode()


def test_unpublishing_or_deleting_takes_a_case_off_the_cached_pages(client):
    case = CaseStudyFactory(title="Soon withdrawn", with_sources=1)
    other = CaseStudyFactory(title="Soon deleted", with_sources=1)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert "Soon deleted" in client.get("/en/cases/").content.decode()
    case.is_published = False
    case.save()
    assert client.get(case.get_absolute_url()).status_code == 404
    other.sources.all().delete()
    other.key_facts.all().delete()
    other.delete()
    assert "Soon deleted" not in client.get("/en/cases/").content.decode()


def test_drafts_a_teacher_previews_are_never_served_to_the_public(client, teacher):
    draft = CaseStudyFactory(title="Secret draft", is_published=False)
    client.force_login(teacher)
    preview = client.get(draft.get_absolute_url())
    listing = client.get("/api/v1/cases/")
    assert preview.status_code == 200 and "Secret draft" in preview.content.decode()
    assert "Secret draft" in listing.content.decode()
    assert cached(preview) == "" and cached(listing) == ""
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404
    for path in ("/en/cases/", "/api/v1/cases/", "/en/"):
        response = client.get(path)
        assert "Secret draft" not in response.content.decode(), path


def test_pages_of_a_logged_in_user_are_neither_cached_nor_taken_from_the_cache(client, student):
    case = CaseStudyFactory(with_sources=1)
    client.get(case.get_absolute_url())  # cached for anonymous visitors
    client.force_login(student)
    response = client.get(case.get_absolute_url())
    assert cached(response) == ""
    assert "Log out" in response.content.decode()
    client.logout()
    assert "Log out" not in client.get(case.get_absolute_url()).content.decode()


def test_api_calls_with_credentials_bypass_the_cache(client, teacher):
    from rest_framework.authtoken.models import Token

    CaseStudyFactory(title="Public case", with_sources=1)
    CaseStudyFactory(title="Draft for the API", is_published=False)
    client.get("/api/v1/cases/")
    token = Token.objects.create(user=teacher)
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert cached(response) == ""
    assert "Draft for the API" in response.content.decode()
    assert "Draft for the API" not in client.get("/api/v1/cases/").content.decode()


def test_pages_with_a_session_change_are_not_cached(client):
    assert cached(client.get("/en/accounts/login/")) == ""


def quiz_form(response) -> dict[str, str]:
    html = response.content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("csrfmiddlewaretoken", "attempt", "seed")
    }


def test_a_new_visitors_quiz_page_is_cached_in_a_few_orders_each_with_its_own_token():
    from quiz.services import variant_seed

    quiz = mixed_quiz(is_published=True, question_order="shuffled")
    visitors = [Client(enforce_csrf_checks=True) for _ in range(40)]
    pages = [v.get(quiz.get_absolute_url()) for v in visitors]
    assert all(p.status_code == 200 for p in pages)
    assert {cached(p) for p in pages} == {"miss", "hit"}
    forms = [quiz_form(p) for p in pages]
    seeds = {int(f["seed"]) for f in forms}
    variants = settings.PAGE_CACHE["VARIANTS"]["quiz:quiz-detail"]
    assert seeds <= {variant_seed(quiz, v) for v in range(variants)} and len(seeds) > 1
    assert len({f["csrfmiddlewaretoken"] for f in forms}) == len(forms)
    assert all(f["attempt"] == "" for f in forms)
    assert not quiz.attempts.exists()  # forty visitors, no write
    # each visitor submits with the token and the order of the page they got
    for visitor, form in list(zip(visitors, forms, strict=True))[:3]:
        response = visitor.post(quiz.get_absolute_url(), {**form, "submit_anyway": "1"})
        assert response.status_code == 302
    assert sorted(a.seed for a in quiz.attempts.all()) == sorted(int(f["seed"]) for f in forms[:3])


def test_a_student_with_an_attempt_in_progress_never_gets_the_cached_page():
    quiz = mixed_quiz(is_published=True, feedback_timing="each")
    question = quiz.questions.filter(type="single").first()
    student = Client()
    form = quiz_form(student.get(quiz.get_absolute_url()))
    right = question.choices.get(is_correct=True)
    checked = student.post(
        reverse("quiz:check-answer", args=[quiz.slug]),
        {**form, "question": question.pk, f"q{question.pk}": right.pk},
    )
    assert checked.status_code == 200
    page = student.get(quiz.get_absolute_url())
    assert cached(page) == ""
    assert quiz_form(page)["attempt"] == checked.json()["attempt"]
    assert question.general_feedback in page.content.decode()  # their checked answer
    assert cached(Client().get(quiz.get_absolute_url())) in ("hit", "miss")  # others: cache


def test_editing_a_question_refreshes_the_quiz_page(client):
    quiz = mixed_quiz(is_published=True)
    question = quiz.questions.first()
    client.get(quiz.get_absolute_url())
    assert "Edited prompt" not in client.get(quiz.get_absolute_url()).content.decode()
    question.prompt = "Edited prompt"
    question.save()
    assert "Edited prompt" in Client().get(quiz.get_absolute_url()).content.decode()


def test_the_generation_lives_in_the_database_so_every_worker_sees_an_edit(client):
    """Each gunicorn worker has its own local-memory cache; the key comes from the database."""
    case = CaseStudyFactory(with_sources=1)
    client.get(case.get_absolute_url())
    assert cached(client.get(case.get_absolute_url())) == "hit"
    before = current_generation()
    Generation.objects.update(value=before + 1)  # what a save in another process does
    assert cached(client.get(case.get_absolute_url())) == "miss"


def test_editing_a_quiz_refreshes_the_quiz_list(client):
    quiz = mixed_quiz(is_published=True, title="Quiz before")
    assert "Quiz before" in client.get("/en/quizzes/").content.decode()
    quiz.title = "Quiz after"
    quiz.save()
    assert "Quiz after" in client.get("/en/quizzes/").content.decode()


def test_the_cache_is_off_when_the_setting_says_so(client):
    case = CaseStudyFactory(with_sources=1)
    with override_settings(PAGE_CACHE={**settings.PAGE_CACHE, "ENABLED": False}):
        client.get(case.get_absolute_url())
        assert cached(client.get(case.get_absolute_url())) == ""


def test_a_cached_page_with_a_form_gives_each_visitor_their_own_csrf_token():
    from simulations import engine
    from simulations.services import get_or_run

    simulation = engine.all_simulations()[0]
    run, _ = get_or_run(slug=simulation.slug, params={}, seed=1)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(run.get_absolute_url())
    page = second.get(run.get_absolute_url())
    assert cached(page) == "hit"
    assert b"\x00" not in page.content
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()))
    assert len(tokens) == 1 and "csrftoken" in page.cookies
    response = second.post(
        reverse("simulations:simulation-run", kwargs={"slug": simulation.slug}),
        {"csrfmiddlewaretoken": tokens.pop(), "preset": ""},
    )
    assert response.status_code != 403


@pytest.mark.django_db
def test_a_student_run_does_not_empty_the_page_cache():
    """Runs are never listed on cached pages; counting them would flush the cache per run."""
    from pagecache.models import current_generation
    from simulations import engine
    from simulations.services import get_or_run

    before = current_generation()
    get_or_run(slug=engine.all_simulations()[0].slug, params={}, seed=12345)
    assert current_generation() == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_reuses_its_reading_of_the_generation_for_max_age_seconds(client, monkeypatch):
    """GENERATION_MAX_AGE: another process's save reaches this worker's cached pages within
    the max age; a save in this process at once. (Outside a test transaction: an uncommitted
    reading is never kept.)"""
    from pagecache import models as pagecache_models

    clock = [1000.0]
    monkeypatch.setattr(pagecache_models.time, "monotonic", lambda: clock[0])
    pagecache_models.forget_generation()
    case = CaseStudyFactory(title="Quokka title", with_sources=1)
    with override_settings(PAGE_CACHE={**settings.PAGE_CACHE, "GENERATION_MAX_AGE": 1.0}):
        client.get(case.get_absolute_url())
        assert cached(client.get(case.get_absolute_url())) == "hit"
        # another worker saves: the row changes, this process keeps its reading for a second
        CaseStudy.objects.filter(pk=case.pk).update(title="Wombat title")
        Generation.objects.update(value=current_generation() + 1)
        clock[0] += 0.5
        assert "Quokka title" in client.get(case.get_absolute_url()).content.decode()
        clock[0] += 0.6
        page = client.get(case.get_absolute_url())
        assert cached(page) == "miss" and "Wombat title" in page.content.decode()
        # a save in this process: seen on the very next request
        case.refresh_from_db()
        case.title = "Numbat title"
        case.save()
        assert "Numbat title" in client.get(case.get_absolute_url()).content.decode()
    pagecache_models.forget_generation()
