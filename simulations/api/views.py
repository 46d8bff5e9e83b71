"""Simulations API: the catalogue (parameters as JSON Schema), running, and stored runs."""

from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

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


def describe(simulation, request) -> dict:
    local = local_simulation(simulation)
    return {
        "slug": simulation.slug,
        "title": local.title,
        "question": local.question,
        "version": simulation.version,
        "cases": list(simulation.cases),
        "themes": list(simulation.themes),
        "params_schema": params_schema(simulation),
        "presets": [
            {
                "slug": p.slug,
                "title": p.title,
                "description": p.description,
                "params": p.params,
                "case": p.case,
                "source": p.source,
            }
            for p in local.presets
        ],
        "url": request.build_absolute_uri(
            reverse("api:simulation-detail", kwargs={"slug": simulation.slug})
        ),
        "runs_url": request.build_absolute_uri(
            reverse("api:simulation-runs", kwargs={"slug": simulation.slug})
        ),
        "page_url": reverse("simulations:simulation-detail", kwargs={"slug": simulation.slug}),
    }


def run_data(run: SimulationRun, request) -> dict:
    return {
        "key": run.key,
        "simulation": run.slug,
        "version": run.version,
        "params": run.params,
        "seed": run.seed,
        "preset": run.preset,
        "result": localize_api_result(run.result),
        "duration_ms": run.duration_ms,
        "created_at": run.created_at.isoformat().replace("+00:00", "Z"),
        "url": request.build_absolute_uri(reverse("api:run-detail", kwargs={"key": run.key})),
        "page_url": run.get_absolute_url(),
    }


class PresetSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    params = serializers.DictField()
    case = serializers.CharField()
    source = serializers.CharField(help_text="Where the preset's numbers come from.")


class SimulationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    question = serializers.CharField()
    version = serializers.CharField()
    cases = serializers.ListField(child=serializers.CharField())
    themes = serializers.ListField(child=serializers.CharField())
    params_schema = serializers.DictField(help_text="JSON Schema of the parameters.")
    presets = PresetSerializer(many=True)
    url = serializers.URLField()
    runs_url = serializers.URLField()
    page_url = serializers.CharField()


class RunSerializer(serializers.Serializer):
    key = serializers.CharField()
    simulation = serializers.CharField()
    version = serializers.CharField()
    params = serializers.DictField()
    seed = serializers.IntegerField()
    preset = serializers.CharField()
    result = serializers.DictField(
        help_text="metrics, tables, charts (Vega-Lite), findings, checks."
    )
    duration_ms = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    url = serializers.URLField()
    page_url = serializers.CharField()


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


def _simulation_or_404(slug):
    try:
        return get_simulation(slug)
    except UnknownSimulation as exc:
        raise NotFound(exc.message()) from None


class SimulationListView(CacheHeadersMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="The simulation catalogue", responses=SimulationSerializer(many=True))
    def get(self, request):
        return Response([describe(s, request) for s in engine.all_simulations()])


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
    )
    def post(self, request, slug):
        simulation = _simulation_or_404(slug)
        incoming = RunInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
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
            fields = {
                (
                    "seed" if name == "seed" else "preset" if name == "preset" else f"params.{name}"
                ): messages
                for name, messages in localize_errors(exc.errors).items()
            }
            raise serializers.ValidationError(fields) from None
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
        parameters=[],
        operation_id="runs_retrieve",
    )
    def get(self, request, key):
        run = SimulationRun.objects.filter(key=key).first() if is_run_key(key) else None
        if run is None:
            raise NotFound(gettext("No run has this key."))
        SimulationRun.objects.touch(run, opened=True)  # retention: simulations.retention
        return Response(run_data(run, request))
