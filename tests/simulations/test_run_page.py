"""The run page in the order a student reads it, pinning a run, and comparing two runs."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from simulations.models import SimulationRun
from simulations.services import get_or_run

from . import fakes
from .fakes import FAKE_SLUG, FakeCoin

fake_sim = fakes.fake_sim

pytestmark = pytest.mark.django_db


def pin_url(run):
    return reverse("simulations:run-pin", kwargs={"key": run.key})


def compare_url(a, b, lang="en"):
    with translation.override(lang):
        return reverse("simulations:run-compare", kwargs={"key": a.key, "other": b.key})


def positions(html, *needles):
    found = []
    for needle in needles:
        assert needle in html, f"{needle!r} is not on the page"
        found.append(html.index(needle))
    return found


# --- order ---------------------------------------------------------------------------------------
def test_question_then_first_chart_then_findings_then_actions_then_details(client, fake_sim):
    run, _ = get_or_run(slug=FAKE_SLUG, params={"n": 200}, seed=3)
    html = client.get(run.get_absolute_url()).content.decode()
    order = positions(
        html,
        FakeCoin.question,
        'id="chart-1"',
        'id="findings-heading"',
        "Run again with another seed",
        "Change parameters",
        "Pin this run",
        'id="details-heading"',
        'id="metrics-heading"',
        'id="tables-heading"',
        'id="inputs-heading"',
        "How we checked this run against published results",
    )
    assert order == sorted(order)


def test_checks_are_folded_at_the_end_with_their_reference(client, fake_sim):
    run, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    html = client.get(run.get_absolute_url()).content.decode()
    folded = re.search(
        r'<details class="sim-checks-details" id="checks">(.*?)</details>', html, re.S
    )
    assert folded, "the checks are not in a <details>"
    assert "Share near the chance" in folded.group(1) and "Arithmetic" in folded.group(1)
    assert "1 of 1 check passed" in html
    assert '<details class="sim-checks-details" id="checks" open' not in html  # closed


def test_metrics_are_a_compact_list_with_help_folded(client, fake_sim):
    run, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    html = client.get(run.get_absolute_url()).content.decode()
    metrics = re.search(r'<dl class="sim-metrics">(.*?)</dl>', html, re.S).group(1)
    assert metrics.count("<dt>") == 2 and "<small>" not in metrics


def test_exact_inputs_show_labels_not_code_names(client, fake_sim):
    run, _ = get_or_run(slug=FAKE_SLUG, params={"n": 1500}, seed=1)
    html = client.get(run.get_absolute_url()).content.decode()
    inputs = html[html.index('id="inputs-heading"') :]
    assert "Throws" in inputs and "Chance of heads" in inputs
    assert "<code>n</code>" not in html and "<code>p</code>" not in html


def test_wide_tables_carry_a_scroll_cue(client, fake_sim):
    run, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    html = client.get(run.get_absolute_url()).content.decode()
    # The fake's tables have 1–2 columns: no cue; the cue appears from 4 columns on.
    assert "scroll sideways" not in html
    from django.template.loader import render_to_string

    table = {"title": "T", "columns": [{"key": k, "label": k} for k in "abcd"], "rows": []}
    cue = render_to_string("simulations/includes/data_table.html", {"table": table})
    assert "Wide table: scroll sideways" in cue


# --- pin -----------------------------------------------------------------------------------------
def test_pin_keeps_the_run_in_the_session_and_offers_the_comparison(client, fake_sim):
    a, _ = get_or_run(slug=FAKE_SLUG, params={"n": 200}, seed=1)
    b, _ = get_or_run(slug=FAKE_SLUG, params={"n": 400}, seed=1)
    response = client.post(pin_url(a))
    assert response.status_code == 302
    assert response["Location"] == a.get_absolute_url() + "#run-actions"
    assert client.session["simulations_pinned_run"] == {"key": a.key, "slug": FAKE_SLUG}
    html_a = client.get(a.get_absolute_url()).content.decode()
    assert "This run is pinned" in html_a and "Unpin this run" in html_a
    assert "Compare with the pinned run" not in html_a
    html_b = client.get(b.get_absolute_url()).content.decode()
    assert f'href="{compare_url(a, b)}">Compare with the pinned run' in html_b
    client.post(pin_url(a), {"action": "unpin"})
    assert "simulations_pinned_run" not in client.session
    assert "Compare with the pinned run" not in client.get(b.get_absolute_url()).content.decode()


def test_no_comparison_offered_across_simulations(client, fake_sim):
    a, _ = get_or_run(slug=FAKE_SLUG, params={"n": 200}, seed=1)
    b, _ = get_or_run(slug=FAKE_SLUG, params={"n": 400}, seed=1)
    client.post(pin_url(a))
    SimulationRun.objects.filter(pk=a.pk).update(slug="another-sim")
    session = client.session
    session["simulations_pinned_run"] = {"key": a.key, "slug": "another-sim"}
    session.save()
    assert "Compare with the pinned run" not in client.get(b.get_absolute_url()).content.decode()


def test_pin_needs_post_and_csrf_and_a_real_run(client, fake_sim):
    a, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    assert client.get(pin_url(a)).status_code == 405
    assert Client(enforce_csrf_checks=True).post(pin_url(a)).status_code == 403
    missing = reverse("simulations:run-pin", kwargs={"key": "0" * 64})
    assert client.post(missing).status_code == 404
    assert client.post("/en/simulations/runs/not-a-key/pin/").status_code == 404


def test_a_visitor_without_a_session_costs_no_session_query(
    client, fake_sim, django_assert_num_queries
):
    run, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    with django_assert_num_queries(3):  # the run, case titles, theme names (as before)
        client.get(run.get_absolute_url())


# --- compare -------------------------------------------------------------------------------------
def test_compare_shows_both_runs_and_what_changed(client, fake_sim, monkeypatch):
    a, _ = get_or_run(slug=FAKE_SLUG, params={"n": 200, "p": 0.3}, seed=1)
    b, _ = get_or_run(slug=FAKE_SLUG, params={"n": 1000, "p": 0.3}, seed=2)

    def boom(*args, **kwargs):
        raise AssertionError("comparing must not run the engine")

    monkeypatch.setattr(FakeCoin, "simulate", boom)
    response = client.get(compare_url(a, b))
    html = response.content.decode()
    assert response.status_code == 200
    assert a.result["findings"][0] in html and b.result["findings"][0] in html
    assert "Pinned run (seed 1)" in html and "Other run (seed 2)" in html
    rows = [
        r.strip() for r in re.findall(r'<tr class="sim-changed">\s*<th scope="row">([^<]*)', html)
    ]
    assert rows[:2] == ["Throws", "Seed"]  # the changed inputs, highlighted
    assert "Chance of heads" in html and "Chance of heads" not in rows
    assert "<td>200\u00a0flips</td>" in html and "<td>1,000\u00a0flips</td>" in html
    counted_a = a.result["metrics"][0]["value"]
    counted_b = b.result["metrics"][0]["value"]
    diff = counted_b - counted_a
    sign = "+" if diff > 0 else "−"
    assert f"<td>{sign}{abs(diff):,}\u00a0flips</td>" in html
    assert " points</td>" in html  # the share's difference is in percentage points
    assert "Heads and tails" in html
    # one bar chart over the same x: overlaid, the run as colour and offset
    spec = re.search(
        r'<script id="chart-1-spec" type="application/json">(.*?)</script>', html, re.S
    )
    import json

    overlay = json.loads(spec.group(1))
    assert {row["__run"] for row in overlay["data"]["values"]} == {
        "Pinned run (seed 1)",
        "Other run (seed 2)",
    }
    assert overlay["encoding"]["color"]["field"] == "__run"
    assert overlay["encoding"]["xOffset"]["field"] == "__run"
    assert "<script>" not in html


def test_compare_in_french_formats_numbers_the_french_way(client, fake_sim):
    a, _ = get_or_run(slug=FAKE_SLUG, params={"n": 1500, "p": 0.25}, seed=1)
    b, _ = get_or_run(slug=FAKE_SLUG, params={"n": 3000, "p": 0.25}, seed=1)
    url = compare_url(a, b, "fr")
    assert "/fr/simulations/runs/" in url and "/comparer/" in url
    html = client.get(url).content.decode()
    assert "<td>1\u00a0500\u00a0flips</td>" in html
    assert "3\u00a0000" in html
    share = re.search(r"<td>(\d+,\d+)\u00a0%</td>", html)
    assert share, "a share should read like 25,3 %"
    assert re.search(r"<td>[+−]\d+(,\d+)?\u00a0points</td>|<td>[+−]\d+(,\d+)? points</td>", html)
    assert "deux exécutions comparées" in html and "Ce qui a changé" in html
    assert "Exécution épinglée" in html  # the same seed: the runs are named without it


@pytest.mark.parametrize("kind", ["unknown", "malformed", "other-simulation"])
def test_compare_404s(client, fake_sim, kind):
    a, _ = get_or_run(slug=FAKE_SLUG, params={"n": 200}, seed=1)
    b, _ = get_or_run(slug=FAKE_SLUG, params={"n": 400}, seed=1)
    if kind == "unknown":
        url = reverse("simulations:run-compare", kwargs={"key": a.key, "other": "0" * 64})
    elif kind == "malformed":
        url = f"/en/simulations/runs/{a.key}/compare/nope/"
    else:
        SimulationRun.objects.filter(pk=b.pk).update(slug="another-sim")
        url = compare_url(a, b)
    assert client.get(url).status_code == 404


def test_compare_a_run_with_itself_goes_to_the_run(client, fake_sim):
    a, _ = get_or_run(slug=FAKE_SLUG, params={}, seed=1)
    response = client.get(compare_url(a, a))
    assert response.status_code == 302 and response["Location"] == a.get_absolute_url()


# --- the unit chart (base-rate) ------------------------------------------------------------------
def test_whole_dots_add_up_to_a_thousand():
    from simulations.extra_charts import whole_dots

    assert whole_dots([8, 241, 2, 749]) == [8, 241, 2, 749]
    assert sum(whole_dots([76, 2376, 24, 97524])) == 1000
    assert whole_dots([1, 1, 1]) == [334, 333, 333]
    assert whole_dots([0, 0]) == [0, 0]


def test_base_rate_run_opens_on_1000_travellers_as_dots(client):
    import json

    run, _ = get_or_run(slug="base-rate", params={}, seed=1)
    html = client.get(run.get_absolute_url()).content.decode()
    first = re.search(
        r'<script id="chart-1-spec" type="application/json">(.*?)</script>', html, re.S
    )
    spec = json.loads(first.group(1))
    assert spec["data"] == {"sequence": {"start": 0, "stop": 1000, "as": "i"}}
    assert spec["width"] / 40 == spec["height"] / 25  # a 40 × 25 grid of equal cells
    groups = spec["encoding"]["fill"]["scale"]["domain"]
    assert [g.split(":")[0] for g in groups] == [
        "Lying, flagged",
        "Honest, flagged",
        "Lying, cleared",
        "Honest, cleared",
    ]
    dots = [int(g.split(": ")[1].replace(",", "")) for g in groups]
    assert sum(dots) == 1000
    # not colour alone: shape for the truth, filled or hollow for the flag
    assert spec["encoding"]["shape"]["scale"]["range"] == [
        "triangle-up",
        "circle",
        "triangle-up",
        "circle",
    ]
    assert spec["encoding"]["fill"]["scale"]["range"][2:] == ["#ffffff", "#ffffff"]
    assert "rounded to whole dots so they add up to 1,000" in html
    assert html.index('id="chart-1"') < html.index('id="findings-heading"')
    assert "The 1,000 dots by group" in html  # its data table


def test_unit_chart_in_french(client):
    import json

    run, _ = get_or_run(slug="base-rate", params={}, seed=1)
    with translation.override("fr"):
        url = run.get_absolute_url()
    html = client.get(url).content.decode()
    assert "1\u00a0000 voyageurs" in html
    first = re.search(
        r'<script id="chart-1-spec" type="application/json">(.*?)</script>', html, re.S
    )
    groups = json.loads(first.group(1))["encoding"]["fill"]["scale"]["domain"]
    assert groups[0].startswith("Ment, signalé\u00a0: ")
    assert groups[3].startswith("Honnête, laissé passer\u00a0: ")
