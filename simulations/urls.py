"""Pages of the simulations app."""

from django.urls import path

from . import views

app_name = "simulations"
urlpatterns = [
    path("", views.simulation_list, name="simulation-list"),
    path("runs/<str:key>/", views.run_detail, name="run-detail"),
    path("<slug:slug>/", views.simulation_detail, name="simulation-detail"),
    path("<slug:slug>/run/", views.simulation_run, name="simulation-run"),
    path("<slug:slug>/preview/", views.simulation_preview, name="simulation-preview"),
]
