"""Simulations API: the catalogue (parameters as JSON Schema), running, and stored runs."""

from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_relations import (
    RelationSerializer,
    case_relation,
    simulation_relation,
    theme_relation,
)
from config.api_support import CacheHeadersMixin
from config.throttles import RunThrottle
from simulations import engine
from simulations.engine import MAX_SEED, ParamError
from simulations.i18n import local_simulation, localize, localize_api_result, localize_errors
from simulations.models import SimulationRun, is_run_key
from simulations.runner import SimulationsBusy, SimulationTimeout
from simulations.services import DEFAULT_SEED, UnknownSimulation, get_or_run, get_simulation

# Runs through the API and through the page spend one budget (config.throttles).
AnonRunThrottle = RunThrottle


class SimulationsBusyError(APIException):
    """503 with Retry-After: every run slot of the machine is taken."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "simulation_busy"

    def __init__(self, exc: SimulationsBusy):
        super().__init__(str(exc))
        self.wait = exc.retry_after  # DRF's handler turns it into Retry-After


class SimulationTimeoutError(APIException):
    """503: the run went past the time limit and was stopped."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "simulation_timeout"


def params_schema(simulation) -> dict:
    """JSON Schema of the parameters, titles and descriptions in the active language."""
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {p.name: localize(p.json_schema()) for p in simulation.params},
    }


def relations_context(simulations) -> dict:
    """The published cases and the themes the simulations name, in two queries."""
    from kb.models import CaseStudy, Theme

    case_slugs = {slug for s in simulations for slug in s.cases}
    theme_slugs = {slug for s in simulations for slug in s.themes}
    return {
        "cases": {c.slug: c for c in CaseStudy.objects.published().filter(slug__in=case_slugs)},
        "themes": {t.slug: t for t in Theme.objects.filter(slug__in=theme_slugs)},
    }


def describe(simulation, request, related: dict | None = None) -> dict:
    related = related if related is not None else relations_context([simulation])
    cases, themes = related["cases"], related["themes"]
    local = local_simulation(simulation)

    def case(slug):
        return case_relation(cases[slug], request) if slug in cases else None

    return {
        "slug": simulation.slug,
        "title": local.title,
        "question": local.question,
        "version": simulation.version,
        # Only published cases are named: a draft never leaks through the catalogue.
        "cases": [case(slug) for slug in simulation.cases if slug in cases],
        "themes": [
            theme_relation(themes[slug], request) for slug in simulation.themes if slug in themes
        ],
        "params_schema": params_schema(simulation),
        "presets": [
            {
                "slug": p.slug,
                "title": p.title,
                "description": p.description,
                "params": p.params,
                "case": case(p.case) if p.case else None,
                "provenance": p.source,
            }
            for p in local.presets
        ],
        "url": request.build_absolute_uri(
            reverse("api:simulation-detail", kwargs={"slug": simulation.slug})
        ),
        "runs_url": request.build_absolute_uri(
            reverse("api:simulation-runs", kwargs={"slug": simulation.slug})
        ),
        "html_url": request.build_absolute_uri(
            reverse("simulations:simulation-detail", kwargs={"slug": simulation.slug})
        ),
    }


def included_parts(request) -> set[str]:
    """The optional parts of a result asked for with ``?include=`` (unknown names ignored)."""
    asked = {part.strip() for part in request.query_params.get("include", "").split(",")}
    return asked & set(OPTIONAL_PARTS)


# Parts of a run's result a client asks for with ?include=: the rest is always there.
OPTIONAL_PARTS = ("tables", "charts")
INCLUDE_PARAMETER = OpenApiParameter(
    "include",
    str,
    description="Comma-separated: `tables` adds the run's data tables to `result`, `charts` the "
    "Vega-Lite specifications of its charts (e.g. `?include=tables,charts`). Without it a run "
    "carries its metrics, findings and checks: the feedback-loop run is 3 KB instead of 93 KB.",
)


def run_data(run: SimulationRun, request) -> dict:
    result = localize_api_result(run.result)
    left_out = set(OPTIONAL_PARTS) - included_parts(request)
    result = {key: value for key, value in result.items() if key not in left_out}
    try:
        title = local_simulation(engine.get(run.slug)).title
    except KeyError:  # a run of a simulation since removed
        title = run.slug
    return {
        "key": run.key,
        "simulation": simulation_relation(run.slug, title, request),
        "version": run.version,
        "params": run.params,
        "seed": run.seed,
        "preset": run.preset,
        "result": result,
        "duration_ms": run.duration_ms,
        "created_at": run.created_at.isoformat().replace("+00:00", "Z"),
        "url": request.build_absolute_uri(reverse("api:run-detail", kwargs={"key": run.key})),
        "html_url": request.build_absolute_uri(run.get_absolute_url()),
    }


class PresetSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    params = serializers.DictField(
        help_text="The parameters this preset sets (names from `params_schema`)."
    )
    case = RelationSerializer(allow_null=True, help_text="The case this preset reproduces.")
    provenance = serializers.CharField(help_text="Where the preset's numbers come from.")


class SimulationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    question = serializers.CharField()
    version = serializers.CharField()
    cases = RelationSerializer(many=True)
    themes = RelationSerializer(many=True)
    params_schema = serializers.DictField(
        help_text="JSON Schema of the parameters: send any of them as `params` to the runs URL."
    )
    presets = PresetSerializer(many=True)
    url = serializers.URLField()
    runs_url = serializers.URLField(help_text="POST here to run the simulation.")
    html_url = serializers.URLField()


class RunSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Identifies the run: same inputs, same key.")
    simulation = RelationSerializer()
    version = serializers.CharField()
    params = serializers.DictField(help_text="Every parameter's value (defaults filled in).")
    seed = serializers.IntegerField()
    preset = serializers.CharField()
    result = serializers.DictField(
        help_text="`metrics`, `findings`, `checks`; `tables` with `?include=tables`, `charts` "
        "(Vega-Lite specifications) with `?include=charts`."
    )
    duration_ms = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    url = serializers.URLField()
    html_url = serializers.URLField()


class RunInputSerializer(serializers.Serializer):
    params = serializers.DictField(
        required=False,
        default=dict,
        help_text="Parameters to set; the others take their default (or the preset's value).",
    )
    preset = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=80,
        help_text="A preset slug of this simulation.",
    )
    seed = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text=f"Seed of the run's random generator (default {DEFAULT_SEED}).",
    )


def param_error_fields(exc: ParamError) -> dict:
    return {
        ("seed" if name == "seed" else "preset" if name == "preset" else f"params.{name}"): messages
        for name, messages in localize_errors(exc.errors).items()
    }


def validate_run_input(simulation, payload) -> dict:
    """The request's seed, preset and params, every bad field reported in one 400.

    The envelope (types, seed range) is checked by RunInputSerializer; the parameters and the
    preset by the simulation itself, even when the seed was bad, so that a client fixes
    everything at once.
    """
    incoming = RunInputSerializer(data=payload)
    valid = incoming.is_valid()
    errors = dict(incoming.errors) if not valid else {}
    data = incoming.validated_data if valid else {}
    if not valid and isinstance(payload, dict):
        params, preset = payload.get("params", {}), payload.get("preset")
        if "params" not in errors and "preset" not in errors:
            data = {"params": params, "preset": preset}
    if "params" not in errors and "preset" not in errors and isinstance(data, dict):
        try:
            simulation.validate(data.get("params") or {}, preset=data.get("preset") or None)
        except ParamError as exc:
            errors.update(param_error_fields(exc))
    if errors:
        raise serializers.ValidationError(errors)
    return data


def _simulation_or_404(slug):
    try:
        return get_simulation(slug)
    except UnknownSimulation as exc:
        raise NotFound(exc.message()) from None


class SimulationListView(CacheHeadersMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="The simulation catalogue", responses=SimulationSerializer(many=True))
    def get(self, request):
        simulations = engine.all_simulations()
        related = relations_context(simulations)
        return Response([describe(s, request, related) for s in simulations])


class SimulationDetailView(CacheHeadersMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="One simulation: its question, parameters and presets",
        responses=SimulationSerializer,
    )
    def get(self, request, slug):
        return Response(describe(_simulation_or_404(slug), request))


class SimulationRunCreateView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonRunThrottle]

    @extend_schema(
        summary="Run a simulation (or fetch the stored run with the same inputs)",
        description=(
            "`params` may be partial: defaults, then the preset, then `params`. The same "
            "simulation, parameters and seed always give the same run and key. 201 when the run "
            "was computed now, 200 when it was already stored. 503 `simulation_busy` (with "
            "Retry-After) when the server is computing as many runs as it can at once; 503 "
            "`simulation_timeout` when the run went past the time limit and was stopped."
        ),
        request=RunInputSerializer,
        responses={201: RunSerializer, 200: RunSerializer},
        parameters=[INCLUDE_PARAMETER],
    )
    def post(self, request, slug):
        simulation = _simulation_or_404(slug)
        data = validate_run_input(simulation, request.data)
        try:
            run, created = get_or_run(
                slug=simulation.slug,
                params=data.get("params") or {},
                seed=data.get("seed", DEFAULT_SEED),
                preset=data.get("preset") or None,
                take_slot=True,
            )
        except SimulationsBusy as exc:
            raise SimulationsBusyError(exc) from None
        except SimulationTimeout as exc:
            raise SimulationTimeoutError(str(exc)) from None
        except ParamError as exc:
            raise serializers.ValidationError(param_error_fields(exc)) from None
        return Response(
            run_data(run, request),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class RunDetailView(CacheHeadersMixin, APIView):
    permission_classes = [AllowAny]
    public_max_age = 86_400  # a run never changes

    @extend_schema(
        summary="A stored run by its key",
        responses=RunSerializer,
        parameters=[INCLUDE_PARAMETER],
        operation_id="runs_retrieve",
    )
    def get(self, request, key):
        run = SimulationRun.objects.filter(key=key).first() if is_run_key(key) else None
        if run is None:
            raise NotFound(gettext("No run has this key."))
        SimulationRun.objects.touch(run, opened=True)  # retention: simulations.retention
        return Response(run_data(run, request))
