"""The site's routes plus /__bench__/ok: the bare Django view every target is compared with."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler404  # noqa: F401  (the site's 404 page)
from config.urls import urlpatterns as site_patterns


def bare(request):
    """The least a Django page can do: the full middleware stack, then "ok"."""
    return HttpResponse("ok", content_type="text/plain")


# The site's own list, not include(): its pages use i18n_patterns, which must stay at the root.
urlpatterns = [path("__bench__/ok", bare, name="bench-bare"), *site_patterns]
