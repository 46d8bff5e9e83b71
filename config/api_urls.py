"""API routes: /api/v1/ (one router for every app), the OpenAPI schema and its offline docs."""

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from classroom import api_student as classroom_student_api
from classroom import api_teach as classroom_api
from config.api_root import ApiRootView, ApiV1RootView
from config.api_support import docs_csp
from kb.api import views as kb_api
from quiz.api import views as quiz_api
from simulations.api import views as sim_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False  # config.api_root lists every resource, not only the router's
router.register("cases", kb_api.CaseStudyViewSet, basename="case")
router.register("themes", kb_api.ThemeViewSet, basename="theme")
router.register("sources", kb_api.SourceViewSet, basename="source")
router.register("key-facts", kb_api.KeyFactViewSet, basename="key-fact")
router.register("quizzes", quiz_api.QuizViewSet, basename="quiz")
router.register("attempts", quiz_api.AttemptViewSet, basename="attempt")

v1_patterns = [
    path("", ApiV1RootView.as_view(), name="api-root"),
    path("export/cases.json", kb_api.CaseExportJSONView.as_view(), name="export-cases-json"),
    path("export/cases.csv", kb_api.CaseExportCSVView.as_view(), name="export-cases-csv"),
    path("simulations/", sim_api.SimulationListView.as_view(), name="simulation-list"),
    path(
        "simulations/<slug:slug>/", sim_api.SimulationDetailView.as_view(), name="simulation-detail"
    ),
    path(
        "simulations/<slug:slug>/runs/",
        sim_api.SimulationRunCreateView.as_view(),
        name="simulation-runs",
    ),
    path("runs/<str:key>/", sim_api.RunDetailView.as_view(), name="run-detail"),
    path(
        "quizzes/<slug:slug>/attempts/",
        quiz_api.AttemptSubmitView.as_view(),
        name="quiz-attempts",
    ),
    path("attempts/<uuid:public_id>/", quiz_api.AttemptDetailView.as_view(), name="attempt-detail"),
    path(
        "classes/<str:code>/join/",
        classroom_student_api.ClassJoinView.as_view(),
        name="class-join",
    ),
    path("classes/", classroom_api.ClassroomListView.as_view(), name="class-list"),
    path(
        "classes/<str:code>/assignments/",
        classroom_api.AssignmentListView.as_view(),
        name="class-assignments",
    ),
    path(
        "classes/<str:code>/results/",
        classroom_api.ClassResultsView.as_view(),
        name="class-results",
    ),
    *router.urls,
]

urlpatterns = [
    path("", ApiRootView.as_view(), name="api-index"),
    path("v1/", include((v1_patterns, "api"))),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/", docs_csp(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="swagger-ui"
    ),
    path("redoc/", docs_csp(SpectacularRedocView.as_view(url_name="schema")), name="redoc"),
]
