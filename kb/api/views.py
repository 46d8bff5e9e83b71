"""Knowledge-base API: cases, themes, sources and key facts; bulk export for researchers."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import renderers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_support import CacheHeadersMixin
from config.spreadsheet import csv_format, safe_cell
from kb.models import MAX_YEAR, MIN_YEAR, CaseStudy, KeyFact, Source, Theme
from quiz.models import Quiz

from . import serializers
from .filters import CaseStudyFilter
from .jsonld import case_jsonld


class JSONLDRenderer(renderers.JSONRenderer):
    """``Accept: application/ld+json``: a case as schema.org JSON-LD (kb.api.jsonld)."""

    media_type = "application/ld+json"
    format = "jsonld"


def case_extras_context() -> dict:
    """Simulations per case slug, from the engine's in-memory registry (no query)."""
    from simulations import engine

    by_case: dict[str, list[dict]] = {}
    for simulation in engine.all_simulations():
        for slug in simulation.cases:
            by_case.setdefault(slug, []).append(
                {
                    "slug": simulation.slug,
                    "title": simulation.title,
                    "question": simulation.question,
                    "presets": [p.slug for p in simulation.presets if not p.case or p.case == slug],
                }
            )
    return {"simulations_by_case": by_case}


@extend_schema_view(
    list=extend_schema(
        summary="List case studies",
        description="Published cases (teachers also see drafts). Filter, search (title, summary, body) and order.",
        parameters=[
            OpenApiParameter(
                name,
                {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
                description=text,
            )
            for name, text in (
                ("year_from", "Cases still running in or after this year."),
                ("year_to", "Cases that started by this year."),
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One case study with its sources, key facts, timeline, themes, related cases, simulations and quizzes",
        description="With `Accept: application/ld+json`, the case as schema.org JSON-LD: an "
        "`Article` citing its sources (`CreativeWork`), each key fact a `Claim` (its source as "
        "`appearance` and `citation`, its status as the `reviewRating` of a `ClaimReview`): "
        "the data the case page embeds.",
        responses={
            (200, "application/json"): serializers.CaseStudyDetailSerializer,
            (200, "application/ld+json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="schema.org JSON-LD"
            ),
        },
    ),
    create=extend_schema(summary="Create a case study (teachers)"),
    update=extend_schema(summary="Replace a case study (teachers)"),
    partial_update=extend_schema(summary="Update a case study (teachers)"),
)
class CaseStudyViewSet(CacheHeadersMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = CaseStudyFilter
    search_fields = ["title", "summary", "body"]
    search_method = "contains_all"  # the same match as search_fields, from SQLite's index
    ordering_fields = ["title", "start_year", "updated_at", "created_at"]
    ordering = ["title"]
    # Cases carry history and quiz links: they are unpublished, not deleted, through the API.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        queryset = CaseStudy.objects.visible_to(self.request.user)
        if self.action == "list":
            return queryset.for_listing()
        return queryset.for_detail()

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.CaseStudyListSerializer
        if self.action == "retrieve":
            return serializers.CaseStudyDetailSerializer
        return serializers.CaseStudyWriteSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve":
            context.update(case_extras_context())
            context.update(quizzes_context(case_slug=self.kwargs.get(self.lookup_field)))
        return context

    def get_object(self):
        self._cache_object = super().get_object()
        return self._cache_object

    def get_renderers(self):
        found = super().get_renderers()
        if getattr(self, "action", None) == "retrieve":
            found.append(JSONLDRenderer())
        return found

    def finalize_response(self, request, response, *args, **kwargs):
        # An error is never JSON-LD: it keeps the API's one JSON error shape.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and isinstance(renderer, JSONLDRenderer):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if (
            getattr(request, "accepted_renderer", None)
            and request.accepted_renderer.format == "jsonld"
        ):
            return Response(case_jsonld(self.get_object(), request))
        return super().retrieve(request, *args, **kwargs)


def quizzes_context(case_slug: str | None = None) -> dict:
    """Published quizzes per case slug (of one case, or of all), in two queries."""
    by_case: dict[str, list[dict]] = {}
    queryset = Quiz.objects.published()
    if case_slug is not None:
        queryset = queryset.filter(cases__slug=case_slug)
    for quiz in queryset.prefetch_related("cases"):
        for case in quiz.cases.all():
            by_case.setdefault(case.slug, []).append(quiz)
    return {"quizzes_by_case": by_case}  # Quiz objects (config.api_relations.quiz_relation)


@extend_schema_view(
    list=extend_schema(summary="List themes (the ML problems)"),
    retrieve=extend_schema(summary="One theme with its explanation"),
)
class ThemeViewSet(CacheHeadersMixin, viewsets.ModelViewSet):
    queryset = Theme.objects.all()
    serializer_class = serializers.ThemeSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends = []
    pagination_class = None
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_object(self):
        self._cache_object = super().get_object()
        return self._cache_object


class _CaseChildViewSet(CacheHeadersMixin, viewsets.ModelViewSet):
    """Sources and key facts of published cases (teachers: of every case)."""

    filterset_fields = ["case__slug"]
    ordering_fields = ["order", "id"]
    ordering = ["case__slug", "order", "id"]

    def get_queryset(self):
        cases = CaseStudy.objects.visible_to(self.request.user)
        return self.model.objects.filter(case__in=cases).select_related("case")


@extend_schema_view(list=extend_schema(summary="List sources (filter with case__slug)"))
class SourceViewSet(_CaseChildViewSet):
    model = Source
    serializer_class = serializers.SourceSerializer


@extend_schema_view(list=extend_schema(summary="List key facts (filter with case__slug)"))
class KeyFactViewSet(_CaseChildViewSet):
    model = KeyFact
    serializer_class = serializers.KeyFactSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("source")  # source.case is the fact's case


EXPORT_COLUMNS = [
    "slug",
    "title",
    "summary",
    "sector",
    "status",
    "countries",
    "start_year",
    "end_year",
    "deployer",
    "developer",
    "themes",
    "key_facts",
    "sources",
    "timeline",
    "updated_at",
    "html_url",
]


def _export_rows(request):
    cases = CaseStudy.objects.published().for_detail().order_by("slug")
    data = serializers.CaseStudyDetailSerializer(
        cases, many=True, context={"request": request, **case_extras_context(), **quizzes_context()}
    ).data
    return data


class CaseExportJSONView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Every published case with its sources, key facts and timeline, as one JSON document",
        responses={200: serializers.CaseExportSerializer},
    )
    def get(self, request):
        rows = _export_rows(request)
        return Response(
            {"exported_at": timezone.now().isoformat(), "count": len(rows), "cases": rows}
        )


class CaseExportCSVView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Every published case as CSV: one row per case, facts and sources in cells",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")},
    )
    def get(self, request):
        rows = _export_rows(request)
        # French Excel's format (BOM, ";") when the client asks for French (Accept-Language or
        # ?lang=fr); a client that states no language gets the plain CSV scripts expect.
        asked = request.META.get("HTTP_ACCEPT_LANGUAGE", "").strip() not in ("", "*")
        fmt = csv_format(get_language() if asked else None)
        buffer = io.StringIO()
        buffer.write(fmt.bom)
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, delimiter=fmt.delimiter)
        writer.writeheader()
        for case in rows:
            row = {
                **{key: case.get(key, "") for key in EXPORT_COLUMNS},
                "countries": "; ".join(c["title"] for c in case["countries"]),
                "themes": "; ".join(t["slug"] for t in case["themes"]),
                "key_facts": " | ".join(
                    f"{f['statement']} [source {f['source']['id']}; {f['status']}]"
                    for f in case["key_facts"]
                ),
                "sources": " | ".join(
                    f"[{s['id']}] {s['publisher']}, {s['title']} ({s['date_display']}) "
                    f"{s['document_url']}"
                    for s in case["sources"]
                ),
                "timeline": " | ".join(
                    f"{e['date_display']}: {e['text']}" for e in case["timeline"]
                ),
            }
            # Teacher text goes to researchers' spreadsheets: no cell may run as a formula.
            writer.writerow({key: safe_cell(value) for key, value in row.items()})
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="reality-check-cases.csv"'
        return response
