"""The API's front doors: /api/ (versions and documentation) and /api/v1/ (every resource)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_support import CacheHeadersMixin

# Resource name → URL name in the "api" namespace; every list the version offers.
V1_RESOURCES = {
    "cases": "api:case-list",
    "themes": "api:theme-list",
    "sources": "api:source-list",
    "key-facts": "api:key-fact-list",
    "simulations": "api:simulation-list",
    "quizzes": "api:quiz-list",
    "attempts": "api:attempt-list",
    "classes": "api:class-list",
    "export-cases-json": "api:export-cases-json",
    "export-cases-csv": "api:export-cases-csv",
}
# A stored run has no list (runs are found by their key, from the POST that made them).
V1_TEMPLATES = {
    "runs": "/api/v1/runs/{key}/",
    "simulation-runs": "/api/v1/simulations/{slug}/runs/",
    "class-join": "/api/v1/classes/{code}/join/",
    "class-assignments": "/api/v1/classes/{code}/assignments/",
    "class-results": "/api/v1/classes/{code}/results/",
}


class ApiRootView(CacheHeadersMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="The API: its versions and documentation",
        tags=["root"],
        responses=inline_serializer(
            "ApiRoot",
            {
                "versions": serializers.DictField(child=serializers.URLField()),
                "schema": serializers.URLField(),
                "docs": serializers.URLField(),
                "redoc": serializers.URLField(),
            },
        ),
    )
    def get(self, request):
        url = request.build_absolute_uri
        return Response(
            {
                "versions": {"v1": url(reverse("api:api-root"))},
                "schema": url(reverse("schema")),
                "docs": url(reverse("swagger-ui")),
                "redoc": url(reverse("redoc")),
            }
        )


class ApiV1RootView(CacheHeadersMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="Version 1: a link to every resource",
        description="Every list of version 1, and the URL templates of the resources found by "
        "key (a run) or reached from another (a simulation's runs).",
        tags=["root"],
        responses=inline_serializer(
            "ApiV1Root",
            {
                "resources": serializers.DictField(child=serializers.URLField()),
                "templates": serializers.DictField(child=serializers.CharField()),
                "schema": serializers.URLField(),
                "docs": serializers.URLField(),
            },
        ),
    )
    def get(self, request):
        url = request.build_absolute_uri
        return Response(
            {
                "resources": {name: url(reverse(view)) for name, view in V1_RESOURCES.items()},
                # Not build_absolute_uri: it would quote the braces of the templates.
                "templates": {name: url("/")[:-1] + path for name, path in V1_TEMPLATES.items()},
                "schema": url(reverse("schema")),
                "docs": url(reverse("swagger-ui")),
            }
        )
