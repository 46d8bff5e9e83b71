"""The course path (/en/course/, /fr/parcours/): the deck's order, progress in the session and
the account (handed over at log-in), predict → reveal with its validation and throttle, and the
slide-to-site map for teachers."""

import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from course.models import Guess, Slide, StepProgress
from course.path import all_steps, get_step
from course.predictions import PREDICTIONS
from quiz.models import Attempt
from quiz.services import SESSION_OWNER_KEY
from simulations import engine
from simulations.models import SimulationRun

BASE_RATE_STEP = 16  # iBorderCtrl: base-rate is the step's simulation


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The initial content, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_initial_content", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)
    cache.clear()


@pytest.fixture
def loaded(site, db):
    cache.clear()
    caches["shared"].clear()


def step_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li id="step-(\d+)"', html)]


def test_path_follows_the_deck_and_each_step_has_its_four_parts(loaded, client):
    response = client.get("/en/course/")
    assert response.status_code == 200
    html = response.content.decode()
    assert step_numbers(html) == list(range(1, 22))
    # Sections in the deck's order: problems, then costs and acceptance, then the cases.
    positions = [
        html.index(h)
        for h in (
            "Problems of machine learning",
            "What it costs",
            "Will users accept it?",
            '<h2 id="section-cases"',
        )
    ]
    assert positions == sorted(positions)
    assert "0 of 21 steps done" in html
    step = get_step(BASE_RATE_STEP)
    assert step.read.slug == "iborderctrl"  # a case step reads its case
    assert step.simulation == "base-rate" and step.preset.startswith("iborderctrl")
    assert step.quiz.slug == "iborderctrl"
    assert reverse("course:read", args=[16]) in html
    assert reverse("course:predict", args=[16]) in html
    assert reverse("course:run", args=[16]) in html
    assert step.quiz.get_absolute_url() in html
    # A problem step reads its theme; a slide without simulation has nothing to predict or run.
    assert get_step(1).read.slug == "biased-data"
    twelve = get_step(12)
    assert not twelve.simulation and twelve.parts == ["read", "quiz"]
    assert reverse("course:map") in html


def test_read_marks_the_step_in_the_session(loaded, client):
    response = client.get(reverse("course:read", args=[1]))
    assert response.status_code == 302
    assert response["Location"] == reverse("kb:theme-detail", args=["biased-data"])
    response = client.post(reverse("course:read", args=[2]))
    assert response["Location"].endswith("#step-2")
    html = client.get("/en/course/").content.decode()
    assert html.count('Read<span class="visually-hidden">: done') == 2
    assert client.session["course_progress"] == {"1": ["read"], "2": ["read"]}
    assert client.get(reverse("course:read", args=[99])).status_code == 404


def test_run_computes_the_steps_preset_and_marks_it(loaded, client):
    step = get_step(15)
    response = client.post(reverse("course:run", args=[15]))
    assert response.status_code == 302
    run = SimulationRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    assert (
        (run.slug, run.preset)
        == (step.simulation, step.preset)
        == (
            "feedback-loop",
            "ensign-unequal-rates",
        )
    )
    assert client.session["course_progress"] == {"15": ["run"]}
    # GET goes to the simulation's page with the preset, to set the parameters oneself.
    response = client.get(reverse("course:run", args=[15]))
    assert response["Location"].endswith("/simulations/feedback-loop/?preset=ensign-unequal-rates")


def test_a_submitted_quiz_attempt_ticks_the_quiz(loaded, client):
    step = get_step(BASE_RATE_STEP)
    session = client.session
    session[SESSION_OWNER_KEY] = "a" * 32
    session.save()
    Attempt.objects.create(quiz=step.quiz, anonymous_owner="a" * 32, seed=1)  # not submitted
    html = client.get("/en/course/").content.decode()
    assert 'Quiz<span class="visually-hidden">: done' not in html
    Attempt.objects.update(submitted_at=timezone.now())
    html = client.get("/en/course/").content.decode()
    assert html.count('Quiz<span class="visually-hidden">: done') == 1


def test_a_complete_step_counts(loaded, client):
    step = get_step(21)  # killer robots: read, predict, run, quiz
    client.get(reverse("course:read", args=[21]))
    client.post(reverse("course:predict", args=[21]), {"guess": "10"})
    client.post(reverse("course:run", args=[21]))
    html = client.get("/en/course/").content.decode()
    assert "0 of 21 steps done" in html
    session = client.session
    token = session[SESSION_OWNER_KEY]
    Attempt.objects.create(
        quiz=step.quiz, anonymous_owner=token, seed=1, submitted_at=timezone.now()
    )
    html = client.get("/en/course/").content.decode()
    assert "1 of 21 steps done" in html
    assert 'class="course-step is-complete"' in html


def test_progress_and_guesses_are_handed_over_at_login(loaded, client, student):
    client.get(reverse("course:read", args=[3]))
    client.post(reverse("course:predict", args=[BASE_RATE_STEP]), {"guess": "40"})
    assert Guess.objects.filter(user__isnull=True).count() == 1
    response = client.post(
        reverse("login"), {"username": "student", "password": "student-pass-123"}
    )
    assert response.status_code == 302
    rows = set(StepProgress.objects.filter(user=student).values_list("slide__number", "part"))
    assert rows == {(3, "read"), (BASE_RATE_STEP, "predict")}
    guess = Guess.objects.get()
    assert guess.user == student and guess.owner == ""
    # Logged in, new progress goes to the account and the reveal still finds the guess.
    client.post(reverse("course:run", args=[3]))
    assert StepProgress.objects.filter(user=student, slide__number=3, part="run").exists()
    assert client.get(reverse("course:reveal", args=[BASE_RATE_STEP])).status_code == 200
    html = client.get("/en/course/").content.decode()
    assert html.count('<span class="visually-hidden">: done') == 3


def test_reloading_the_slides_keeps_progress(loaded, student):
    slide = Slide.objects.get(number=4)
    StepProgress.objects.create(user=student, slide=slide, part="read")
    call_command("load_course", "--force", stdout=io.StringIO())
    assert Slide.objects.get(number=4).pk == slide.pk
    assert StepProgress.objects.filter(user=student).count() == 1
    assert get_step(15).quiz.slug == "predpol"  # the file's first quiz, not the title order


def test_predict_then_reveal_shows_the_guess_beside_the_run(loaded, client):
    url = reverse("course:predict", args=[BASE_RATE_STEP])
    html = client.get(url).content.decode()
    assert "What share of the travellers it flags are actually lying?" in html
    assert 'type="range"' in html and 'name="guess"' in html and 'type="number"' in html
    assert not SimulationRun.objects.exists()  # nothing runs before the guess
    response = client.post(url, {"guess": "60"})
    assert response.status_code == 302
    assert response["Location"] == reverse("course:reveal", args=[BASE_RATE_STEP])
    guess = Guess.objects.get()
    run = SimulationRun.objects.get()
    assert (guess.simulation, guess.metric, guess.guess) == ("base-rate", "ppv", 60.0)
    assert guess.run_key == run.key and guess.slide.number == BASE_RATE_STEP
    ppv = next(m["value"] for m in run.result["metrics"] if m["key"] == "ppv")
    assert guess.actual == pytest.approx(ppv * 100, abs=1e-3)
    assert guess.owner == client.session[SESSION_OWNER_KEY]
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="guess-value">60%' in html
    assert f'data-testid="actual-value">{ppv * 100:.1f}%' in html
    assert "too high" in html
    assert run.get_absolute_url() in html
    assert (
        run.result["findings"][0]["$t"][:20].split("{")[0] in html or "What the run shows" in html
    )
    assert "predict" in client.session["course_progress"][str(BASE_RATE_STEP)]


def test_reveal_without_a_guess_goes_to_the_question(loaded, client):
    response = client.get(reverse("course:reveal", args=[BASE_RATE_STEP]))
    assert response["Location"] == reverse("course:predict", args=[BASE_RATE_STEP])


@pytest.mark.parametrize("raw", ["abc", "", "150", "-1", "nan", "inf", "1" * 40])
def test_a_bad_guess_is_refused_with_a_message(loaded, client, raw):
    response = client.post(reverse("course:predict", args=[BASE_RATE_STEP]), {"guess": raw})
    assert response.status_code == 400
    assert 'id="guess-error"' in response.content.decode()
    assert not Guess.objects.exists() and not SimulationRun.objects.exists()


def test_a_decimal_comma_is_a_guess(loaded, client):
    response = client.post(reverse("course:predict", args=[BASE_RATE_STEP]), {"guess": "12,5"})
    assert response.status_code == 302
    assert Guess.objects.get().guess == 12.5


def test_one_guess_per_step_per_minute(loaded, client):
    url = reverse("course:predict", args=[BASE_RATE_STEP])
    assert client.post(url, {"guess": "10"}).status_code == 302
    response = client.post(url, {"guess": "20"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert Guess.objects.count() == 1
    # Another step is another budget; a minute later the same step takes a new guess.
    assert client.post(reverse("course:predict", args=[15]), {"guess": "70"}).status_code == 302
    Guess.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert client.post(url, {"guess": "20"}).status_code == 302
    assert Guess.objects.filter(slide__number=BASE_RATE_STEP).count() == 2
    html = client.get(reverse("course:reveal", args=[BASE_RATE_STEP])).content.decode()
    assert 'data-testid="guess-value">20%' in html  # the latest guess


def test_guesses_spend_the_run_budget(loaded, client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon_runs": "1/minute",
        },
    }
    from rest_framework.settings import api_settings

    from config.throttles import RunThrottle

    caches["shared"].clear()
    RunThrottle.THROTTLE_RATES = api_settings.user_settings["DEFAULT_THROTTLE_RATES"]
    try:
        assert client.post(reverse("course:run", args=[15])).status_code == 302
        response = client.post(reverse("course:predict", args=[BASE_RATE_STEP]), {"guess": "5"})
        assert response.status_code == 429
        assert not Guess.objects.exists()
    finally:
        del RunThrottle.THROTTLE_RATES
        caches["shared"].clear()


def test_every_prediction_names_a_metric_of_its_simulation():
    """The questions are data: each names a real metric, and its range holds the default run."""
    assert {
        "base-rate",
        "feedback-loop",
        "leakage",
        "overfitting",
        "metric-mismatch",
        "fairness-impossibility",
        "interpretability",
    } <= PREDICTIONS.keys()
    for slug, prediction in PREDICTIONS.items():
        if slug == "interpretability":
            continue  # seconds to run; its metric key is checked below without running
        simulation = engine.get(slug)
        result = simulation.run(seed=0, preset=prediction.preset or None).to_dict()
        value = prediction.value(result)
        assert value is not None, slug
        assert prediction.minimum <= value <= prediction.maximum, (slug, value)
        keys = {m["key"] for m in result["metrics"]}
        assert set(prediction.also) <= keys, slug
    source = open(engine.get("interpretability").__module__.replace(".", "/") + ".py").read()
    assert '"group_share_selected"' in source and '"group_share_population"' in source


def test_steps_with_a_question_predict_on_their_simulation(loaded):
    steps = all_steps()
    with_question = [s.number for s in steps if s.prediction is not None]
    assert len(with_question) >= 15
    for step in steps:
        if step.prediction is not None:
            assert step.prediction.simulation == step.simulation


def test_the_map_links_every_theme_case_simulation_and_quiz(loaded, client):
    response = client.get("/en/course/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption" in html and 'scope="row"' in html
    for slide in Slide.objects.prefetch_related("themes", "cases", "quizzes"):
        for theme in slide.themes.all():
            assert f'href="{theme.get_absolute_url()}"' in html
        for case in slide.cases.all():
            assert f'href="{case.get_absolute_url()}"' in html
        for quiz in slide.quizzes.all():
            assert f'href="{quiz.get_absolute_url()}"' in html
        for slug in slide.simulations:
            assert f'href="{reverse("simulations:simulation-detail", args=[slug])}"' in html
    assert Slide.objects.get(number=12).gap_note_en[:40] in html


def test_the_admin_slide_list_links_the_map(loaded, admin_client):
    html = admin_client.get("/admin/course/slide/").content.decode()
    assert f'href="{reverse("course:map")}"' in html


def test_french_paths_and_texts(loaded, client):
    with translation.override("fr"):
        assert reverse("course:path") == "/fr/parcours/"
        assert reverse("course:map") == "/fr/parcours/carte/"
        predict = reverse("course:predict", args=[BASE_RATE_STEP])
        reveal = reverse("course:reveal", args=[BASE_RATE_STEP])
    html = client.get("/fr/parcours/").content.decode()
    assert "0 sur 21 étapes terminées" in html
    assert (
        "Problèmes du machine learning" in html
        or "Problématiques" in html
        or "apprentissage" in html
    )
    assert "Détection de mensonge à la frontière" in html
    html = client.get(predict).content.decode()
    assert "Votre estimation" in html
    assert client.post(predict, {"guess": "12,5"})["Location"] == reveal
    html = client.get(reveal).content.decode()
    assert "12,5\u00a0%" in html
    assert client.get("/fr/parcours/carte/").status_code == 200
    assert client.get("/en/parcours/").status_code == 404


def test_the_home_page_opens_on_the_path_with_the_base_rate_guess(loaded, client):
    html = client.get("/en/").content.decode()
    hook = html.index('class="home-hook"')
    assert hook < html.index('id="ways-heading"')  # above the rest of the home page
    assert f'action="{reverse("course:predict", args=[BASE_RATE_STEP])}"' in html
    assert "What share of the travellers it flags are actually lying?" in html
    assert f'href="{reverse("course:path")}"' in html and "Start the course" in html
    assert "Featured cases" in html  # the rest of the home page stays
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    response = client.post(reverse("course:predict", args=[BASE_RATE_STEP]), {"guess": "80"})
    assert response["Location"] == reverse("course:reveal", args=[BASE_RATE_STEP])
    html = client.get("/fr/").content.decode()
    assert "Commencer le parcours" in html and 'action="/fr/parcours/16/prevoir/"' in html


def test_old_anonymous_guesses_are_pruned_and_the_total_is_capped(loaded, student, settings):
    from course.retention import prune_guesses

    old = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    for n in range(3):
        Guess.objects.create(owner="x", simulation="base-rate", metric="ppv", guess=n)
    Guess.objects.create(user=student, simulation="base-rate", metric="ppv", guess=9)
    Guess.objects.filter(guess=0).update(created_at=old)
    Guess.objects.filter(guess=9).update(created_at=old)
    assert prune_guesses(dry_run=True) == 1 and Guess.objects.count() == 4
    assert prune_guesses() == 1  # the old anonymous one; the student's stays
    assert prune_guesses(max_rows=2) == 1  # over the cap: the oldest anonymous goes
    assert sorted(Guess.objects.values_list("guess", flat=True)) == [2, 9]


def test_guesses_are_listed_read_only_in_the_admin(loaded, admin_client, client):
    client.post(reverse("course:predict", args=[BASE_RATE_STEP]), {"guess": "33"})
    response = admin_client.get("/admin/course/guess/")
    assert response.status_code == 200
    assert "base-rate" in response.content.decode()
    assert admin_client.get("/admin/course/guess/add/").status_code == 403
