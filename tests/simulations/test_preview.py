"""The explorable's preview endpoint (computed, never stored) and the page's query-string pre-fill."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from config.throttles import LookaheadThrottle, PreviewThrottle
from simulations import runner
from simulations.models import SimulationRun

from . import fakes
from .fakes import FAKE_SLUG

fake_sim = fakes.fake_sim

pytestmark = pytest.mark.django_db

PREVIEW = reverse("simulations:simulation-preview", kwargs={"slug": FAKE_SLUG})
DETAIL = reverse("simulations:simulation-detail", kwargs={"slug": FAKE_SLUG})


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_preview_answers_charts_findings_and_metrics_and_stores_nothing(client, fake_sim):
    response = client.get(PREVIEW, {"n": "200", "p": "0.4", "side": "tails", "seed": "5"})
    assert response.status_code == 200
    data = response.json()
    assert data["params"] == {"n": 200, "p": 0.4, "side": "tails", "loud": False}
    assert data["seed"] == 5
    assert data["query"] == "n=200&p=0.4&side=tails&loud=false&seed=5"
    assert data["charts"] and data["charts"][0]["spec"]["$schema"].startswith("https://vega")
    assert data["findings"] and data["metrics"]
    assert all({"label", "value"} <= set(m) for m in data["metrics"])
    assert data["cached"] is False
    assert SimulationRun.objects.count() == 0
    assert response["Cache-Control"] == "private, no-store"


def test_keeping_a_previewed_run_stores_it_without_computing_again(client, fake_sim, monkeypatch):
    """A preview shows what "Keep this run" then stores, from the preview's own result."""
    data = client.get(PREVIEW, {"n": "200", "p": "0.4", "seed": "5"}).json()

    def boom(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(runner, "compute", boom)
    post = client.post(
        reverse("simulations:simulation-run", kwargs={"slug": FAKE_SLUG}),
        {"n": "200", "p": "0.4", "side": "heads", "seed": "5"},
    )
    assert post.status_code == 302
    run = SimulationRun.objects.get()
    assert run.seed == 5 and run.params == data["params"]
    assert [str(f) for f in run.result["findings"]][0].split()[0] == data["findings"][0].split()[0]


def test_missing_params_take_their_default_and_the_default_seed(client, fake_sim):
    data = client.get(PREVIEW).json()
    assert data["params"] == {"n": 100, "p": 0.3, "side": "heads", "loud": False}
    assert data["seed"] == 0


def test_bad_params_are_400_with_every_field_error(client, fake_sim):
    response = client.get(PREVIEW, {"n": "5", "p": "abc", "side": "edge", "seed": "-1"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"n", "p", "side", "seed"}
    assert "between 10 and 5,000" in errors["n"][0]
    assert errors["p"] == ["Enter a number."]
    assert SimulationRun.objects.count() == 0


def test_second_request_is_a_cache_hit_that_does_not_compute(client, fake_sim, monkeypatch):
    query = {"n": "300", "seed": "9"}
    first = client.get(PREVIEW, query).json()
    assert first["cached"] is False

    def boom(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(runner, "compute", boom)
    second = client.get(PREVIEW, query).json()
    assert second["cached"] is True
    assert {k: v for k, v in second.items() if k != "cached"} == {
        k: v for k, v in first.items() if k != "cached"
    }
    # another seed is another key
    with pytest.raises(AssertionError, match="computed again"):
        client.get(PREVIEW, {"n": "300", "seed": "10"})


def test_previews_are_throttled_per_client_with_retry_after(client, fake_sim, monkeypatch):
    monkeypatch.setattr(PreviewThrottle, "THROTTLE_RATES", {"previews": "2/minute"})
    assert client.get(PREVIEW, {"seed": "1"}).status_code == 200
    assert client.get(PREVIEW, {"seed": "1"}).status_code == 200  # hits count too
    response = client.get(PREVIEW, {"seed": "2"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "too many requests" in response.json()["detail"]


def test_busy_machine_is_503_with_retry_after(client, fake_sim, monkeypatch):
    def busy(*args, **kwargs):
        raise runner.SimulationsBusy(7)

    monkeypatch.setattr(runner, "slot", busy)
    response = client.get(PREVIEW, {"seed": "3"})
    assert response.status_code == 503
    assert response["Retry-After"] == "7"


def test_preview_speaks_the_pages_language_and_caches_each_language_apart(client):
    query = {"base_rate": "2", "seed": "4"}
    english = client.get(
        reverse("simulations:simulation-preview", kwargs={"slug": "base-rate"}), query
    ).json()
    with translation.override("fr"):
        url = reverse("simulations:simulation-preview", kwargs={"slug": "base-rate"})
    assert url.startswith("/fr/")
    french = client.get(url, query, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french["cached"] is False  # not the English answer from the cache
    assert french["params"] == english["params"]
    assert french["findings"] != english["findings"]
    assert french["charts"][0]["title"] != english["charts"][0]["title"]
    # numbers grouped and units named as a French page writes them
    assert french["metrics"][0]["value"] == "100\u00a0000\u00a0personnes"
    assert english["metrics"][0]["value"] == "100,000\u00a0people"


def test_french_field_errors_in_french(client, fake_sim):
    with translation.override("fr"):
        url = reverse("simulations:simulation-preview", kwargs={"slug": FAKE_SLUG})
    errors = client.get(url, {"p": "abc"}, HTTP_ACCEPT_LANGUAGE="fr").json()["errors"]
    assert errors["p"] == ["Saisissez un nombre."] or "nombre" in errors["p"][0]


def test_unknown_simulation_is_404(client):
    url = reverse("simulations:simulation-preview", kwargs={"slug": "no-such-thing"})
    assert client.get(url).status_code == 404


def test_post_is_not_allowed(client, fake_sim):
    assert client.post(PREVIEW).status_code == 405


# --- the simulation page pre-filled from the query string ------------------------------------
def field_value(html: str, name: str) -> str:
    import re

    tag = re.search(rf'<input[^>]*id="id_{name}"[^>]*>', html).group(0)
    match = re.search(r'value="([^"]*)"', tag)
    return match.group(1) if match else ""


def test_the_page_prefills_from_the_query_string(client, fake_sim):
    html = client.get(DETAIL, {"n": "250", "p": "0.45", "seed": "12"}).content.decode()
    assert field_value(html, "n") == "250"
    assert field_value(html, "p") == "0.45"
    assert field_value(html, "seed") == "12"
    assert "sim-error" not in html


def test_bad_query_values_are_ignored_with_the_forms_messages(client, fake_sim):
    html = client.get(DETAIL, {"n": "999999", "p": "0.45", "seed": "x"}).content.decode()
    assert field_value(html, "n") == "100"  # the default, not the bad value
    assert field_value(html, "p") == "0.45"  # the good value is kept
    assert field_value(html, "seed") == "0"
    assert 'id="id_n_error"' in html and "between 10 and 5,000" in html
    assert 'id="id_seed_error"' in html
    assert "Some values need fixing" in html


def test_a_page_without_state_is_unbound(client, fake_sim):
    html = client.get(DETAIL, {"utm_source": "x"}).content.decode()
    assert field_value(html, "n") == "100"
    assert "sim-error" not in html


# --- the compact explorable on a case page ----------------------------------------------------
def test_a_case_page_embeds_its_first_simulation_near_the_top_with_a_menu_entry(client, fake_sim):
    from tests.kb.factories import CaseStudyFactory

    case = CaseStudyFactory(slug=fakes.FAKE_CASE, title="The fake case")
    html = client.get(case.get_absolute_url()).content.decode()
    menu = html.index('class="on-this-page"')
    assert html.index('href="#run-it"', menu) < html.index('href="#story"', menu)
    embed = html.index('id="run-it"')
    assert embed < html.index('id="story"')  # after the summary and menu, before the story
    form = html[html.index(f'id="explore-{FAKE_SLUG}"') :]
    form = form[: form.index("</form>")]
    assert f'data-explore="{PREVIEW}"' in form
    # main parameters shown (sizes hidden), the case's preset as the starting point
    assert 'type="number" name="p" value="0.5"' in form
    assert 'type="hidden" name="n"' in form
    assert 'name="seed" value="0"' in form
    assert 'data-explore-max-charts="1"' in form
    assert "simulations/explore.js" in html and "simulations/simulations.css" in html


def test_a_form_run_waits_briefly_for_the_slot_a_preview_holds(settings, tmp_path):
    """The page's form waits (SIMULATION_SLOT_WAIT) for a slot a preview holds for a moment."""
    import threading
    import time

    settings.SIMULATIONS = {**settings.SIMULATIONS, "LOCK_DIR": str(tmp_path), "MAX_CONCURRENT": 1}
    held = threading.Event()

    def preview_holding_the_slot():
        with runner.slot():
            held.set()
            time.sleep(0.3)

    thread = threading.Thread(target=preview_holding_the_slot)
    thread.start()
    held.wait()
    with pytest.raises(runner.SimulationsBusy), runner.slot():
        pass  # no wait: busy at once (the API, a preview)
    started = time.monotonic()
    with runner.slot(wait=5):
        waited = time.monotonic() - started
    thread.join()
    assert 0.1 < waited < 5


# --- Look-ahead: the slider's next positions, asked while the student reads the chart ---------

AHEAD = {"HTTP_X_LOOKAHEAD": "1"}


@pytest.fixture
def slots(settings, tmp_path):
    settings.SIMULATIONS = {
        **settings.SIMULATIONS,
        "LOCK_DIR": str(tmp_path),
        "MAX_CONCURRENT": 1,
        "LOOKAHEAD_SLOTS": 1,
    }
    return settings


def test_a_look_ahead_is_a_preview_the_next_move_then_finds_cached(client, fake_sim, slots):
    ahead = client.get(PREVIEW, {"n": "210", "seed": "5"}, **AHEAD)
    assert ahead.status_code == 200 and ahead.json()["cached"] is False
    moved = client.get(PREVIEW, {"n": "210", "seed": "5"})
    assert moved.status_code == 200 and moved.json()["cached"] is True
    assert moved.json()["charts"] == ahead.json()["charts"]
    assert SimulationRun.objects.count() == 0


def test_a_look_ahead_never_takes_a_run_slot_and_a_run_never_takes_its_slot(
    client, fake_sim, slots
):
    with runner.slot():  # a student's run is computing: the one run slot is taken
        assert client.get(PREVIEW, {"seed": "11"}).status_code == 503
        assert client.get(PREVIEW, {"seed": "12"}, **AHEAD).status_code == 200
    with runner.slot(pool=runner.LOOKAHEAD):  # a look-ahead is computing
        busy = client.get(PREVIEW, {"seed": "13"}, **AHEAD)
        # nobody waits for a look-ahead: refused quietly (no failed request in the console)
        assert busy.status_code == 204 and int(busy["Retry-After"]) > 0
        assert busy.content == b""
        assert client.get(PREVIEW, {"seed": "14"}).status_code == 200


def test_look_ahead_can_be_turned_off(client, fake_sim, slots):
    assert client.get(PREVIEW, {"seed": "15"}).status_code == 200  # now in the cache
    slots.SIMULATIONS = {**slots.SIMULATIONS, "LOOKAHEAD_SLOTS": 0}
    off = client.get(PREVIEW, {"seed": "15"}, **AHEAD)
    assert off.status_code == 204  # off means off, even for an answer the cache holds
    assert client.get(PREVIEW, {"seed": "16"}, **AHEAD).status_code == 204
    assert client.get(PREVIEW, {"seed": "16"}).status_code == 200


def test_look_ahead_spends_its_own_budget_not_the_students(client, fake_sim, monkeypatch):
    monkeypatch.setattr(PreviewThrottle, "THROTTLE_RATES", {"previews": "1/minute"})
    monkeypatch.setattr(LookaheadThrottle, "THROTTLE_RATES", {"preview_lookaheads": "2/minute"})
    assert client.get(PREVIEW, {"seed": "21"}, **AHEAD).status_code == 200
    assert client.get(PREVIEW, {"seed": "22"}, **AHEAD).status_code == 200
    spent = client.get(PREVIEW, {"seed": "23"}, **AHEAD)
    assert spent.status_code == 204 and int(spent["Retry-After"]) > 0
    # the student's own move is still answered, from the look-ahead's cache
    own = client.get(PREVIEW, {"seed": "22"})
    assert own.status_code == 200 and own.json()["cached"] is True
    assert client.get(PREVIEW, {"seed": "24"}).status_code == 429


def test_a_look_ahead_with_bad_values_is_refused_quietly_and_computes_nothing(
    client, fake_sim, monkeypatch
):
    monkeypatch.setattr(runner, "compute", lambda *a, **k: pytest.fail("computed"))
    response = client.get(PREVIEW, {"n": "5", "seed": "1"}, **AHEAD)
    assert response.status_code == 204 and response.content == b""
    # the same values asked by the student get the fields' errors
    assert client.get(PREVIEW, {"n": "5", "seed": "1"}).status_code == 400


class _NiceProbe:
    """A stand-in simulation whose result is the CPU priority it was computed at."""

    slug = "nice-probe"

    def run(self, values, seed):
        import os

        class Result:
            def to_dict(self):
                return {"nice": os.nice(0)}

        return Result()


def test_a_look_ahead_computes_at_the_lowest_cpu_priority(settings):
    import os

    settings.SIMULATIONS = {**settings.SIMULATIONS, "TIME_LIMIT": 10.0}
    own = os.nice(0)
    assert runner.compute(_NiceProbe(), {}, 0)["nice"] == own
    assert runner.compute(_NiceProbe(), {}, 0, nice=runner.LOOKAHEAD_NICE)["nice"] == min(
        19, own + runner.LOOKAHEAD_NICE
    )
    assert os.nice(0) == own  # the worker itself is untouched
