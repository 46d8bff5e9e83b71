"""Pages: catalogue, simulation form, run permalink, and the panels on kb pages."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from simulations import engine
from simulations.i18n import localize
from simulations.models import SimulationRun
from simulations.services import get_or_run
from tests.kb.factories import CaseStudyFactory, ThemeFactory

from . import fakes
from .fakes import FAKE_CASE, FAKE_SLUG, FAKE_THEME, FakeCoin

fake_sim = fakes.fake_sim  # the fixture, shared with the other modules here

pytestmark = pytest.mark.django_db

DETAIL = reverse("simulations:simulation-detail", kwargs={"slug": FAKE_SLUG})
RUN = reverse("simulations:simulation-run", kwargs={"slug": FAKE_SLUG})
VALID = {"n": "200", "p": "0.4", "side": "tails", "seed": "5"}


def error_next_to(html: str, field: str) -> str:
    """The error message rendered for `field`, which the input names in aria-describedby."""
    match = re.search(rf'<small class="sim-error" id="id_{field}_error">([^<]*)</small>', html)
    assert match, f"no error shown for {field}"
    input_tag = re.search(rf'<(?:input|select)[^>]*id="id_{field}"[^>]*>', html).group(0)
    assert f"id_{field}_error" in input_tag
    assert 'aria-invalid="true"' in input_tag
    return match.group(1)


# --- catalogue -------------------------------------------------------------------------------
def test_catalogue_groups_by_case_and_theme(client, fake_sim):
    case = CaseStudyFactory(slug=FAKE_CASE, title="The fake case")
    ThemeFactory(slug=FAKE_THEME, name="Fake theme")
    response = client.get(reverse("simulations:simulation-list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The fake case" in html and case.get_absolute_url() in html
    assert "Fake theme" in html
    assert fake_sim.question in html
    assert DETAIL in html


def test_catalogue_hides_draft_cases_and_still_lists_the_simulation(client, fake_sim):
    CaseStudyFactory(slug=FAKE_CASE, title="Secret draft", is_published=False)
    html = client.get(reverse("simulations:simulation-list")).content.decode()
    assert "Secret draft" not in html
    assert "Fake coin" in html


def _many_simulations(n):
    registry = {}
    for i in range(n):
        cls = type(
            f"Fake{i}",
            (FakeCoin,),
            {"slug": f"fake-{i}", "cases": (f"case-{i}",), "themes": (f"theme-{i}",)},
        )
        registry[cls.slug] = cls()
        CaseStudyFactory(slug=f"case-{i}")
        ThemeFactory(slug=f"theme-{i}")
    return registry


@pytest.mark.parametrize("n", [1, 6])
def test_catalogue_queries_do_not_grow(n, client, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(engine, "REGISTRY", _many_simulations(n))
    with django_assert_num_queries(2):  # case titles, theme names
        response = client.get(reverse("simulations:simulation-list"))
    assert response.status_code == 200
    assert response.content.decode().count("sim-catalogue-item") == 2 * n


# --- simulation page and form ------------------------------------------------------------------
def test_detail_shows_explanation_presets_and_generated_form(client, fake_sim):
    html = client.get(DETAIL).content.decode()
    assert "<strong>biased</strong>" in html
    assert "<script>alert(1)</script>" not in html  # the explanation is sanitised
    assert 'name="preset" value="fair-coin"' in html
    n_input = re.search(r'<input[^>]*name="n"[^>]*>', html).group(0)
    for attr in (
        'type="number"',
        'min="10"',
        'max="5000"',
        'step="1"',
        'aria-describedby="id_n_helptext"',
    ):
        assert attr in n_input
    assert 'id="id_n_helptext"' in html and "How many times the coin is flipped." in html
    assert "Throws (flips)" in html  # label with unit
    assert re.search(r'<input[^>]*name="p"[^>]*step="0.01"', html)
    assert re.search(r'<select[^>]*name="side"', html)
    assert re.search(r'<input[^>]*type="checkbox"[^>]*name="loud"', html)
    assert re.search(r'<input[^>]*name="seed"[^>]*value="0"', html)
    assert re.search(r'<input[^>]*type="checkbox"[^>]*name="random_seed"', html)


def test_detail_prefills_from_a_preset(client, fake_sim):
    html = client.get(DETAIL + "?preset=fair-coin").content.decode()
    assert re.search(r'<input[^>]*name="p"[^>]*value="0.5"', html)


def test_detail_prefills_from_a_run(client, fake_sim):
    run, _ = get_or_run(slug=FAKE_SLUG, params={"n": 321}, seed=77)
    html = client.get(DETAIL + f"?run={run.key}").content.decode()
    assert re.search(r'<input[^>]*name="n"[^>]*value="321"', html)
    assert re.search(r'<input[^>]*name="seed"[^>]*value="77"', html)


@pytest.mark.parametrize("query", ["?run=zzz", "?run=" + "0" * 64, "?preset=nope", "?preset=%00"])
def test_detail_ignores_bad_prefill(client, fake_sim, query):
    assert client.get(DETAIL + query).status_code == 200


def test_valid_form_redirects_to_the_permalink(client, fake_sim):
    response = client.post(RUN, VALID)
    run = SimulationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert run.params == {"n": 200, "p": 0.4, "side": "tails", "loud": False}
    assert run.seed == 5


def test_posting_a_presets_values_records_the_preset(client, fake_sim):
    client.post(RUN, {**VALID, "n": "100", "p": "0.5", "side": "heads"})
    assert SimulationRun.objects.get().preset == "fair-coin"


def test_random_seed_box_picks_a_seed(client, fake_sim):
    client.post(RUN, {**VALID, "random_seed": "on"})
    client.post(RUN, {**VALID, "seed": "", "random_seed": ""})
    assert SimulationRun.objects.count() == 2  # two random seeds, two runs (1 in 2**32 to clash)


def test_preset_button_runs_the_preset(client, fake_sim):
    response = client.post(RUN, {"preset": "fair-coin", "seed": "0"})
    run = SimulationRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    assert run.params["p"] == 0.5 and run.preset == "fair-coin"


def test_unknown_preset_button_shows_a_message(client, fake_sim):
    response = client.post(RUN, {"preset": "nope"})
    assert response.status_code == 200
    assert "Unknown preset" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # Bounds are grouped per language since messages carry typed numbers (fr: "5 000").
        ("n", "5", "Must be between 10 and 5,000 flips; got 5."),
        ("n", "-3", "Must be between 10 and 5,000 flips; got -3."),
        ("n", "99999999999999999999", "Must be between 10 and 5,000 flips"),
        ("n", "9" * 33, "Ensure this value has at most 32 characters"),
        ("n", "ten", "Enter a whole number."),
        ("n", "12.5", "Enter a whole number."),
        ("n", "", "This field is required."),
        ("n", "1\x002", "Null characters are not allowed."),
        ("n", "５", "Must be between"),  # a full-width digit: a number, but out of bounds
        ("n", "٣", "Must be between"),  # an Arabic-Indic 3
        ("n", "🙂", "Enter a whole number."),
        ("p", "1.5", "Must be between 0 and 1; got 1.5."),
        ("p", "nan", "Enter a finite number."),
        ("p", "1e999", "Enter a finite number."),
        ("p", "abc", "Enter a number."),
        ("side", "edge", "Choose one of: Heads, Tails."),
        ("side", "\x00", "Choose one of: Heads, Tails."),
        ("seed", "-1", "The seed must be a whole number from 0 to 4294967295."),
        ("seed", "4294967296", "The seed must be a whole number from 0 to 4294967295."),
        ("seed", "abc", "The seed must be a whole number from 0 to 4294967295."),
        ("seed", "٣", "The seed must be a whole number from 0 to 4294967295."),
        ("seed", "1" * 21, "Ensure this value has at most 20 characters"),
    ],
)
def test_invalid_input_is_shown_next_to_the_field(client, fake_sim, field, value, message):
    response = client.post(RUN, {**VALID, field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in error_next_to(html, field)
    assert SimulationRun.objects.count() == 0


def test_unknown_extra_fields_are_ignored(client, fake_sim):
    response = client.post(RUN, {**VALID, "bogus": "1", "__proto__": "x"})
    assert response.status_code == 302


def test_cross_parameter_rule_is_a_form_error(client, fake_sim, monkeypatch):
    monkeypatch.setattr(
        FakeCoin,
        "check_params",
        lambda self, p: (
            {"n": ["Too many flips for a fair coin."]} if p["p"] == 0.5 and p["n"] > 4000 else {}
        ),
    )
    response = client.post(RUN, {**VALID, "n": "4500", "p": "0.5"})
    assert "Too many flips for a fair coin." in error_next_to(response.content.decode(), "n")


def test_get_on_the_run_url_goes_back_to_the_form(client, fake_sim):
    response = client.get(RUN)
    assert response.status_code == 302 and response["Location"] == DETAIL


def test_run_needs_csrf(fake_sim):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(RUN, VALID)
    assert response.status_code == 403


# --- permalink ---------------------------------------------------------------------------------
def test_permalink_renders_the_stored_result_without_running(client, fake_sim, monkeypatch):
    case = CaseStudyFactory(slug=FAKE_CASE, title="The fake case")
    ThemeFactory(slug=FAKE_THEME, name="Fake theme")
    run, _ = get_or_run(slug=FAKE_SLUG, params={"n": 200}, seed=11, preset=None)

    def boom(*args, **kwargs):
        raise AssertionError("the permalink must not run the engine")

    monkeypatch.setattr(FakeCoin, "run", boom)
    monkeypatch.setattr(FakeCoin, "simulate", boom)
    response = client.get(run.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert run.result["findings"][0] in html
    assert "Flips counted" in html and "Share counted" in html
    assert "badge-pass" in html and "Arithmetic" in html and "Expected" in html
    assert 'id="chart-1-spec" type="application/json"' in html
    assert '<div class="sim-chart" id="chart-1" data-spec="chart-1-spec"' in html
    assert "Bars of the two counts." in html
    assert '<details class="sim-data" open>' in html and '<th scope="col">Flips</th>' in html
    assert "Extra table" in html and "1.23" in html  # a table no chart shows
    assert "Seed <strong>11</strong>" in html
    assert 'name="random_seed" value="on"' in html and 'name="n" value="200"' in html
    assert f"?run={run.key}#run-form" in html
    assert case.get_absolute_url() in html and "/en/themes/fake-theme/" in html
    assert "vendor/vega/vega-embed.min.js" in html and "simulations/charts.js" in html
    assert "<script>" not in html  # no inline script: specs travel as application/json


def test_permalink_spec_is_exactly_the_stored_spec(client, fake_sim):
    import json

    run, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    html = client.get(run.get_absolute_url()).content.decode()
    raw = re.search(r'<script id="chart-1-spec" type="application/json">(.*?)</script>', html, re.S)
    assert json.loads(raw.group(1)) == run.result["charts"][0]["spec"]


def test_run_again_with_another_seed(client, fake_sim):
    run, _ = get_or_run(slug=FAKE_SLUG, params={"n": 200, "loud": True}, seed=11)
    html = client.get(run.get_absolute_url()).content.decode()
    form = re.search(
        r'<form method="post" action="/en/simulations/fake-coin/run/">(.*?)</form>', html, re.S
    ).group(1)
    data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    response = client.post(RUN, data)
    again = SimulationRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == again.get_absolute_url()
    assert again.params == run.params and again.seed != run.seed


def test_permalink_shows_choice_labels_and_units(client, fake_sim):
    run, _ = get_or_run(slug=FAKE_SLUG, params={"side": "tails", "n": 1500}, seed=1)
    html = client.get(run.get_absolute_url()).content.decode()
    # A number and its unit are held together by a no-break space.
    assert "<td>Tails</td>" in html and "<td>1,500\u00a0flips</td>" in html


def test_permalink_of_a_removed_simulation_still_renders(client, fake_sim, monkeypatch):
    run, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    monkeypatch.setattr(engine, "REGISTRY", {})
    response = client.get(run.get_absolute_url())
    assert response.status_code == 200
    assert "no longer installed" in response.content.decode()


def test_permalink_notes_an_older_engine_version(client, fake_sim, monkeypatch):
    run, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    monkeypatch.setattr(FakeCoin, "version", "8")
    html = client.get(run.get_absolute_url()).content.decode()
    assert "This run used version 7" in html


def test_permalink_shows_links_other_apps_register(client, fake_sim, monkeypatch):
    from simulations import links

    monkeypatch.setattr(links, "RUN_LINKS", [])
    links.register_run_links(
        "Quizzes",
        lambda slug, preset, request: [{"title": "Coin quiz", "url": "/en/quizzes/coin/"}],
    )
    run, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    html = client.get(run.get_absolute_url()).content.decode()
    assert 'Quizzes: <a href="/en/quizzes/coin/">Coin quiz</a>' in html


@pytest.mark.parametrize("n_cases", [1, 5])
def test_permalink_queries_do_not_grow(
    n_cases, client, fake_sim, monkeypatch, django_assert_num_queries
):
    slugs = tuple(f"case-{i}" for i in range(n_cases))
    monkeypatch.setattr(FakeCoin, "cases", slugs)
    for slug in slugs:
        CaseStudyFactory(slug=slug)
    run, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    with django_assert_num_queries(3):  # the run, case titles, theme names
        response = client.get(run.get_absolute_url())
    assert response.content.decode().count("/en/cases/case-") == n_cases


@pytest.mark.parametrize(
    "url",
    [
        "/en/simulations/runs/" + "0" * 64 + "/",
        "/en/simulations/runs/not-a-key/",
        "/en/simulations/runs/" + "A" * 64 + "/",
        "/en/simulations/no-such-simulation/",
        "/en/simulations/no-such-simulation/run/",
    ],
)
def test_unknown_things_are_404(client, fake_sim, url):
    assert client.get(url).status_code == 404
    assert client.post(url).status_code in (404, 405)


# --- kb panels ---------------------------------------------------------------------------------
def test_case_page_lists_its_simulations_with_one_click_presets(client, fake_sim):
    case = CaseStudyFactory(slug=FAKE_CASE, with_sources=1)
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Run it yourself" in html
    assert fake_sim.question in html
    assert f'action="{RUN}"' in html and 'name="preset" value="fair-coin"' in html
    assert 'name="preset" value="big-run"' not in html  # that preset is not from this case
    response = client.post(RUN, {"preset": "fair-coin", "seed": "0"})
    assert response.status_code == 302


def test_case_page_without_simulations_has_no_panel(client, fake_sim):
    case = CaseStudyFactory(slug="unrelated", with_sources=1)
    assert "Run it yourself" not in client.get(case.get_absolute_url()).content.decode()


def test_theme_page_lists_its_simulations(client, fake_sim):
    theme = ThemeFactory(slug=FAKE_THEME)
    html = client.get(theme.get_absolute_url()).content.decode()
    assert "Simulations that show it" in html and DETAIL in html


# --- the real simulations ------------------------------------------------------------------------
@pytest.mark.parametrize("slug", sorted(engine.REGISTRY))
def test_every_real_simulation_runs_from_its_page(client, slug):
    """Each registered simulation: its page renders, its defaults run, its permalink renders."""
    simulation = engine.get(slug)
    page = client.get(reverse("simulations:simulation-detail", kwargs={"slug": slug}))
    assert page.status_code == 200
    data = {
        name: ("on" if value is True else "" if value is False else str(value))
        for name, value in simulation.defaults().items()
    }
    response = client.post(
        reverse("simulations:simulation-run", kwargs={"slug": slug}), {**data, "seed": "0"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    run = SimulationRun.objects.get(slug=slug)
    assert run.params == simulation.validate({})
    permalink = client.get(response["Location"])
    html = permalink.content.decode()
    assert permalink.status_code == 200
    for finding in run.result["findings"]:
        assert escape(localize(finding))[:60] in html  # a stored message, read in English
    # The engine's charts, plus any the page draws from the stored numbers (base-rate's dots).
    from simulations.extra_charts import extra_charts

    drawn = len(run.result["charts"]) + len(extra_charts(run, run.result))
    assert html.count('class="sim-chart"') == drawn


# --- admin -------------------------------------------------------------------------------------
def test_teachers_see_runs_read_only_in_the_admin(teacher_client, fake_sim):
    run, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    changelist = teacher_client.get(reverse("admin:simulations_simulationrun_changelist"))
    assert changelist.status_code == 200
    assert (
        FAKE_SLUG in changelist.content.decode()
        and run.get_absolute_url() in changelist.content.decode()
    )
    change = teacher_client.get(reverse("admin:simulations_simulationrun_change", args=[run.pk]))
    assert (
        change.status_code == 200
        and 'type="submit"' not in change.content.decode().split("<form")[-1]
    )
    assert teacher_client.get(reverse("admin:simulations_simulationrun_add")).status_code == 403
    delete = teacher_client.post(
        reverse("admin:simulations_simulationrun_delete", args=[run.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert SimulationRun.objects.filter(pk=run.pk).exists()
