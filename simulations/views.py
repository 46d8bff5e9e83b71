"""Pages: the catalogue, a simulation with its run form, and a stored run's permalink.

Runs start with a POST (CSRF-protected, never prefetched or crawled) and redirect to the run's
permalink, which is the shareable URL: a GET that reads the stored result and never recomputes.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.throttles import (
    LookaheadThrottle,
    PreviewThrottle,
    RunThrottle,
    form_throttle,
    throttle_wait,
    too_many_message,
)
from kb.markdown import render_markdown
from kb.models import CaseStudy, Theme

from . import engine
from .compare import compare_charts, compare_metrics, compare_params
from .engine import ParamError, Simulation
from .extra_charts import extra_charts, instant_config
from .forms import RunForm, initial_from_params
from .i18n import LocalSimulation, local_simulation, localize, localize_result
from .links import render_run_links
from .models import SimulationRun, is_run_key
from .preview import form_data, full_errors, has_state, preview
from .runner import SimulationsBusy, SimulationTimeout, form_slot_wait, lookahead_enabled
from .services import DEFAULT_SEED, get_or_run, parse_seed, split_checks

PRESET_RE = re.compile(r"^[-a-z0-9_]{1,80}$")

_EXPLANATIONS: dict[tuple[str, str, str], str] = {}


def explanation_html(simulation: Simulation) -> str:
    """The simulation's explanation as sanitised HTML in the active language, rendered once
    per slug, version and language."""
    cache_key = (simulation.slug, simulation.version, translation.get_language() or "")
    if cache_key not in _EXPLANATIONS:
        _EXPLANATIONS[cache_key] = render_markdown(localize(simulation.explanation))
    return _EXPLANATIONS[cache_key]


def _simulation_or_404(slug: str) -> Simulation:
    simulation = engine.REGISTRY.get(slug)
    if simulation is None:
        raise Http404(gettext("No simulation with this name."))
    return simulation


def _titles(simulations: list[Simulation]) -> tuple[dict[str, str], dict[str, str]]:
    """Published case titles and theme names for the slugs these simulations declare: 2 queries."""
    case_slugs = {slug for sim in simulations for slug in sim.cases}
    theme_slugs = {slug for sim in simulations for slug in sim.themes}
    cases = dict(
        CaseStudy.objects.published()
        .filter(slug__in=case_slugs)
        .order_by("title")
        .values_list("slug", "title")
    )
    themes = dict(
        Theme.objects.filter(slug__in=theme_slugs)
        .order_by("order", "name")
        .values_list("slug", "name")
    )
    return cases, themes


@require_GET
def simulation_list(request):
    simulations = [local_simulation(s) for s in engine.all_simulations()]
    cases, themes = _titles(simulations)

    def grouped(titles: dict[str, str], attr: str) -> tuple[list[dict], list[Simulation]]:
        groups = [
            {
                "slug": slug,
                "title": title,
                "simulations": [s for s in simulations if slug in getattr(s, attr)],
            }
            for slug, title in titles.items()
        ]
        ungrouped = [s for s in simulations if not set(getattr(s, attr)) & titles.keys()]
        return groups, ungrouped

    by_case, without_case = grouped(cases, "cases")
    by_theme, without_theme = grouped(themes, "themes")
    return render(
        request,
        "simulations/simulation_list.html",
        {
            "simulations": simulations,
            "by_case": by_case,
            "without_case": without_case,
            "by_theme": by_theme,
            "without_theme": without_theme,
        },
    )


def _detail_context(
    simulation: Simulation, form: RunForm, *, preset_error: str = "", run_error: str = ""
) -> dict:
    cases, themes = _titles([simulation])
    local = local_simulation(simulation)
    presets = [
        {"preset": preset, "case_title": cases.get(preset.case, "")} for preset in local.presets
    ]
    return {
        "simulation": local,
        "explanation_html": explanation_html(simulation),
        "presets": presets,
        "form": form,
        "default_seed": DEFAULT_SEED,
        "cases": [
            {"slug": slug, "title": cases[slug]} for slug in simulation.cases if slug in cases
        ],
        "themes": [
            {"slug": slug, "title": themes[slug]} for slug in simulation.themes if slug in themes
        ],
        "preset_error": preset_error,
        "run_error": run_error,
        "instant": instant_config(simulation.slug),  # a chart the browser draws (bayes.js)
    }


@require_GET
def simulation_detail(request, slug):
    """The explanation, presets and the run form; ``?run=<key>``, ``?preset=<slug>`` or the
    parameters and seed themselves (``?base_rate=2&seed=7``, the explorable's URL) prefill it."""
    simulation = _simulation_or_404(slug)
    initial = {}
    run_key = request.GET.get("run", "")
    preset_slug = request.GET.get("preset", "")
    if is_run_key(run_key):
        run = SimulationRun.objects.filter(key=run_key, slug=simulation.slug).only("params", "seed")
        run = run.first()
        if run is not None:
            initial = {**initial_from_params(simulation, run.params), "seed": run.seed}
    elif PRESET_RE.match(preset_slug):
        try:
            initial = simulation.validate(preset=preset_slug)
        except ParamError:
            initial = {}
    elif has_state(simulation, request.GET):
        return render(
            request,
            "simulations/simulation_detail.html",
            _detail_context(simulation, _form_from_query(simulation, request.GET)),
        )
    form = RunForm(simulation, initial=initial)
    return render(request, "simulations/simulation_detail.html", _detail_context(simulation, form))


def _form_from_query(simulation: Simulation, query) -> RunForm:
    """The form pre-filled from an explorable permalink (``?base_rate=2&seed=7``).

    Valid values fill the form; a bad one is ignored (the field keeps its default) and its
    message shows beside it, as the form shows it after a post. Values failing together (the
    simulation's own cross-checks) give back every default with the message above the form.
    """
    data = form_data(simulation, query)
    form = RunForm(simulation, data)
    if form.is_valid():
        return RunForm(simulation, initial={**form.cleaned_data["params"], "seed": data["seed"]})
    errors = full_errors(simulation, form)
    defaults = form_data(simulation, {})
    fixed = {
        name: (defaults.get(name) if name in errors else value) for name, value in data.items()
    }
    if "__all__" in errors:
        fixed = defaults
    fixed = {name: value for name, value in fixed.items() if value is not None}
    shown = RunForm(simulation, fixed)
    shown.is_valid()
    shown._errors = ErrorDict(
        {name: ErrorList(messages) for name, messages in errors.items()}
    )  # the messages about the values given, beside their fields
    return shown


def _not_now(request, simulation: Simulation, exc: Exception):
    """503: the machine is busy (with Retry-After) or the run went past its time limit.

    A short page, not the simulation's: clients refused this way may retry in a tight loop,
    and each refusal must cost the worker far less than a page (benchmarks/abuse.py).
    """
    busy = isinstance(exc, SimulationsBusy)
    response = render(
        request,
        "throttled.html",
        {
            "title": gettext("Busy, try again shortly")
            if busy
            else gettext("This run was stopped"),
            "message": str(exc),
            "back_url": reverse("simulations:simulation-detail", kwargs={"slug": simulation.slug}),
            "back_label": gettext("Back to {title}").format(title=localize(simulation.title)),
        },
        status=503,
    )
    if busy:
        response["Retry-After"] = str(exc.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def simulation_run(request, slug):
    """Run (or fetch) and redirect to the permalink; an invalid form comes back with messages.

    A POST carrying ``preset`` runs that preset (one-click buttons); any other POST is the form.
    A GET here has nothing to run and goes back to the simulation's page. Every POST spends the
    client's run budget, shared with the API (429 past it); a new run needs a free slot (503 with
    Retry-After) and stops at the time limit (503).
    """
    simulation = _simulation_or_404(slug)
    if request.method == "GET":
        return redirect("simulations:simulation-detail", slug=simulation.slug)
    throttled = form_throttle(request, RunThrottle)
    if throttled is not None:
        return throttled
    if "preset" in request.POST:
        preset = request.POST.get("preset", "")
        try:
            seed = parse_seed(request.POST.get("seed", DEFAULT_SEED) or DEFAULT_SEED)
            run, _ = get_or_run(
                slug=simulation.slug,
                params={},
                seed=seed,
                preset=preset,
                take_slot=True,
                slot_wait=form_slot_wait(),
            )
        except ParamError as exc:
            message = " ".join(localize(m) for messages in exc.errors.values() for m in messages)
            form = RunForm(simulation)
            context = _detail_context(simulation, form, preset_error=message)
            return render(request, "simulations/simulation_detail.html", context)
        except (SimulationsBusy, SimulationTimeout) as exc:
            return _not_now(request, simulation, exc)
        return redirect(run)
    form = RunForm(simulation, request.POST)
    if form.is_valid():
        try:
            run, _ = get_or_run(
                slug=simulation.slug,
                params=form.cleaned_data["params"],
                seed=form.cleaned_data["seed"],
                preset=form.cleaned_data["preset_slug"] or None,
                take_slot=True,
                slot_wait=form_slot_wait(),
            )
        except ParamError as exc:
            for name, messages in exc.errors.items():
                for message in messages:
                    form.add_error(name if name in form.fields else None, localize(message))
        except (SimulationsBusy, SimulationTimeout) as exc:
            return _not_now(request, simulation, exc)
        else:
            return redirect(run)
    return render(request, "simulations/simulation_detail.html", _detail_context(simulation, form))


def _charts_with_tables(result: dict) -> tuple[list[dict], list[dict]]:
    """Each chart with its data table, and the tables no chart shows."""
    tables = {table.get("key"): table for table in result.get("tables", [])}
    charts, used = [], set()
    for n, chart in enumerate(result.get("charts", []), start=1):
        table = tables.get(chart.get("table"))
        if table is not None:
            used.add(table.get("key"))
        charts.append(
            {**chart, "dom_id": f"chart-{n}", "spec_id": f"chart-{n}-spec", "data_table": table}
        )
    others = [t for key, t in tables.items() if key not in used]
    return charts, others


def _param_rows(run: SimulationRun, local: LocalSimulation | None) -> list[dict]:
    """The run's parameters as people read them: label, unit and the value (a choice's label)."""
    params = []
    for name, value in (run.params or {}).items():
        label, unit = name, ""
        if local is not None:
            try:
                param = local.param(name)
                label, unit = param.label, param.unit
                if param.type == "choice":
                    value = dict(param.choices).get(value, value)  # the label people read
            except KeyError:
                pass
        params.append({"name": name, "label": label, "unit": unit, "value": value})
    return params


PINNED_RUN = "simulations_pinned_run"  # session key: {"key": …, "slug": …}


def _pinned(request) -> dict | None:
    """The run this visitor pinned, read only when they have a session (no query otherwise)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    pinned = request.session.get(PINNED_RUN)
    return pinned if isinstance(pinned, dict) else None


@require_GET
def run_detail(request, key):
    """A stored run, exactly as computed: never runs the engine."""
    if not is_run_key(key):
        raise Http404("No run with this key.")
    run = get_object_or_404(SimulationRun, key=key)
    SimulationRun.objects.touch(run, opened=True)  # retention: simulations.retention
    simulation = engine.REGISTRY.get(run.slug)
    declared_cases = simulation.cases if simulation else ()
    declared_themes = simulation.themes if simulation else ()
    cases, themes = _titles([simulation]) if simulation else ({}, {})
    local: LocalSimulation | None = local_simulation(simulation) if simulation else None
    result = localize_result(run.result)
    charts, other_tables = _charts_with_tables(result)
    charts = [
        {**chart, "dom_id": f"chart-{n}", "spec_id": f"chart-{n}-spec"}
        for n, chart in enumerate(extra_charts(run, result) + charts, start=1)
    ]
    params = _param_rows(run, local)
    rerun_form = None
    if simulation is not None and simulation.version == run.version:
        rerun_form = RunForm(simulation, initial=initial_from_params(simulation, run.params))
    preset = None
    if local is not None and run.preset:
        preset = next((p for p in local.presets if p.slug == run.preset), None)
    metrics = [m for m in result.get("metrics") or [] if isinstance(m, dict)]
    return render(
        request,
        "simulations/run_detail.html",
        {
            "run": run,
            "simulation": local,
            "result": result,
            "charts": charts,
            "other_tables": other_tables,
            "params": params,
            "metrics_with_help": [m for m in metrics if m.get("help")],
            "rerun_form": rerun_form,
            "preset": preset,
            "pinned": _pinned(request),
            "cases": [{"slug": s, "title": cases[s]} for s in declared_cases if s in cases],
            "themes": [{"slug": s, "title": themes[s]} for s in declared_themes if s in themes],
            "link_groups": render_run_links(run.slug, run.preset, request),
            **split_checks(result.get("checks", [])),
        },
    )


@require_POST
def pin_run(request, key):
    """Keep this run's key in the visitor's session (no account needed) to compare it with the
    next run of the same simulation; "unpin" forgets it. No computation: one indexed read."""
    if not is_run_key(key):
        raise Http404("No run with this key.")
    run = get_object_or_404(SimulationRun.objects.only("key", "slug"), key=key)
    if request.POST.get("action") == "unpin":
        request.session.pop(PINNED_RUN, None)
    else:
        request.session[PINNED_RUN] = {"key": run.key, "slug": run.slug}
    return redirect(reverse("simulations:run-detail", kwargs={"key": run.key}) + "#run-actions")


@require_GET
def run_compare(request, key, other):
    """Two stored runs of one simulation side by side; never runs the engine."""
    if not (is_run_key(key) and is_run_key(other)):
        raise Http404("No run with this key.")
    if key == other:
        return redirect(reverse("simulations:run-detail", kwargs={"key": key}))
    runs = {r.key: r for r in SimulationRun.objects.filter(key__in=[key, other])}
    if len(runs) != 2:
        raise Http404("No run with this key.")
    run_a, run_b = runs[key], runs[other]
    if run_a.slug != run_b.slug:
        raise Http404(gettext("These two runs are of different simulations."))
    simulation = engine.REGISTRY.get(run_a.slug)
    local = local_simulation(simulation) if simulation else None
    result_a, result_b = localize_result(run_a.result), localize_result(run_b.result)
    label_a = gettext("Pinned run (seed {seed})").format(seed=run_a.seed)
    label_b = gettext("Other run (seed {seed})").format(seed=run_b.seed)
    if run_a.seed == run_b.seed:
        label_a, label_b = gettext("Pinned run"), gettext("Other run")
    charts_a = extra_charts(run_a, result_a) + result_a.get("charts", [])
    charts_b = extra_charts(run_b, result_b) + result_b.get("charts", [])
    params = compare_params(_param_rows(run_a, local), _param_rows(run_b, local))
    if run_a.seed != run_b.seed:
        params.append(
            {
                "label": gettext("Seed"),
                "unit": "",
                "a": run_a.seed,
                "b": run_b.seed,
                "changed": True,
                "raw": True,
            }
        )
    return render(
        request,
        "simulations/run_compare.html",
        {
            "run_a": run_a,
            "run_b": run_b,
            "label_a": label_a,
            "label_b": label_b,
            "simulation": local,
            "slug": run_a.slug,
            "params": params,
            "changed_count": sum(1 for p in params if p["changed"]),
            "metrics": compare_metrics(
                result_a.get("metrics") or [], result_b.get("metrics") or []
            ),
            "findings_a": result_a.get("findings", []),
            "findings_b": result_b.get("findings", []),
            "chart_pairs": compare_charts(charts_a, charts_b, label_a, label_b),
        },
    )


def _json_error(message: str, status: int, *, retry_after: int | None = None, **extra):
    response = JsonResponse({"detail": message, **extra}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def simulation_preview(request, slug):
    """JSON for the explorable page: the charts, findings and key metrics of these parameters
    and seed, computed without storing a run (simulations.preview). 400 names every bad field
    (``errors``: field → messages, the form's own); 429 past the client's preview budget; 503
    when every run slot is taken (Retry-After) or the run went past its time limit.

    ``X-Lookahead: 1``: asked ahead of the student (simulations.preview): its own budget and
    slot, at the lowest CPU priority. Nobody is waiting for it, so whatever keeps it from being
    computed (its budget spent, its slot taken, its time limit, values that do not validate) is
    a 204 with no body (and Retry-After where waiting helps): the page simply does not ask
    ahead, and its console shows no failed request."""
    simulation = _simulation_or_404(slug)
    lookahead = request.headers.get("X-Lookahead") == "1"
    if lookahead and not lookahead_enabled():
        return HttpResponse(status=204, headers={"Cache-Control": "private, no-store"})

    def refused(message, status, retry_after=None, **extra):
        if lookahead:
            response = HttpResponse(status=204)
            if retry_after is not None:
                response["Retry-After"] = str(retry_after)
            response["Cache-Control"] = "private, no-store"
            return response
        return _json_error(message, status, retry_after=retry_after, **extra)

    wait = throttle_wait(request, LookaheadThrottle if lookahead else PreviewThrottle)
    if wait is not None:
        return refused(too_many_message(wait), 429, retry_after=wait)
    form = RunForm(simulation, form_data(simulation, request.GET))
    if not form.is_valid():
        errors = {
            (name if name != "__all__" else "non_field_errors"): messages
            for name, messages in full_errors(simulation, form).items()
        }
        return refused(gettext("Some values need fixing."), 400, errors=errors)
    try:
        data, cached = preview(simulation, form, lookahead=lookahead)
    except SimulationsBusy as exc:
        return refused(str(exc), 503, retry_after=exc.retry_after)
    except SimulationTimeout as exc:
        return refused(str(exc), 503)
    response = JsonResponse({**data, "cached": cached})
    response["Cache-Control"] = "private, no-store"
    return response
