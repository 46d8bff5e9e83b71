"""The site's routes plus /__bench__/ok: the bare Django view every target is compared with."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The least a Django page can do: the full middleware stack, then "ok"."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("__bench__/ok", bare, name="bench-bare"),
    path("", include("config.urls")),
]
