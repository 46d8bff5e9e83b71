"""Pages of the simulations app."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "simulations"
urlpatterns = [
    path("", views.simulation_list, name="simulation-list"),
    path("runs/<str:key>/", views.run_detail, name="run-detail"),
    # Translators: the address that pins a run (/fr/simulations/runs/<key>/epingler/): keep
    # "runs/<str:key>/" as it is; lower case, no accents, ends with "/".
    path(_("runs/<str:key>/pin/"), views.pin_run, name="run-pin"),
    # Translators: the address comparing two runs (/fr/simulations/runs/<a>/comparer/<b>/):
    # keep "runs/<str:key>/" and "<str:other>/" as they are; lower case, no accents.
    path(_("runs/<str:key>/compare/<str:other>/"), views.run_compare, name="run-compare"),
    path("<slug:slug>/", views.simulation_detail, name="simulation-detail"),
    path("<slug:slug>/run/", views.simulation_run, name="simulation-run"),
    path("<slug:slug>/preview/", views.simulation_preview, name="simulation-preview"),
]
