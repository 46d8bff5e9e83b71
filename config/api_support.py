"""Shared API behaviour: bounded search and HTTP caching headers (request limits: config.limits)."""

from functools import wraps

from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from rest_framework import filters
from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.pagination import PageNumberPagination

SEARCH_MAX_CHARS = 200
SEARCH_TOO_LONG = _("Search terms are limited to {n} characters.")
SEARCH_NULL_CHARACTER = _("Search terms cannot contain null characters.")


class BoundedSearchFilter(filters.SearchFilter):
    """DRF's ?search= with a bounded, NUL-free term (a 400 naming the parameter otherwise).

    A 100,000-character term made SQLite fail with "LIKE or GLOB pattern too complex" (a 500),
    and PostgreSQL refuses NUL characters in a query.

    A view with ``search_method`` (the name of a queryset method taking the list of terms) is
    searched by that method instead of DRF's OR of ``icontains`` per field: the cases use
    ``contains_all``, the same match read from SQLite's search index (kb.search).
    ``search_fields`` still describes the parameter in the schema.
    """

    def filter_queryset(self, request, queryset, view):
        method = getattr(view, "search_method", None)
        if method is None:
            return super().filter_queryset(request, queryset, view)
        terms = self.get_search_terms(request)
        return getattr(queryset, method)(terms) if terms else queryset

    def get_search_terms(self, request):
        raw = request.query_params.get(self.search_param, "")
        if len(raw) > SEARCH_MAX_CHARS:
            raise ValidationError({self.search_param: [SEARCH_TOO_LONG.format(n=SEARCH_MAX_CHARS)]})
        if "\x00" in raw:
            raise ValidationError({self.search_param: [SEARCH_NULL_CHARACTER]})
        return super().get_search_terms(request)


class UndeclaredMethodFirstMixin:
    """405 for a method a resource does not have, before authentication is asked for.

    DRF checks credentials before it looks for the method's handler, so an anonymous
    ``PUT /api/v1/cases/`` (a list has no PUT) answered 401, as if credentials would help.
    """

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or getattr(self, method, None) is None:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class CacheHeadersMixin(UndeclaredMethodFirstMixin):
    """Cache-Control on reads: shared caches may keep anonymous reads briefly, never personal ones.

    ETag/If-None-Match (→ 304) come from ConditionalGetMiddleware, which hashes the body;
    detail views also send Last-Modified from the object's ``updated_at``.
    """

    public_max_age = 60
    # A view whose every answer belongs to one person (a graded attempt) sets this: even an
    # anonymous owner's reply (known by its session cookie) must never sit in a shared cache.
    personal = False

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            if self.personal:
                response["Cache-Control"] = "private, no-store"
            elif request.user.is_authenticated:
                response["Cache-Control"] = "private, no-cache"
            else:
                response["Cache-Control"] = f"public, max-age={self.public_max_age}"
            response["Vary"] = "Accept, Accept-Language, Cookie, Authorization"
            updated = getattr(getattr(self, "_cache_object", None), "updated_at", None)
            if updated is not None:
                response["Last-Modified"] = http_date(updated.timestamp())
        return response


# Swagger UI and Redoc set inline styles and Redoc starts a worker from a blob: their pages get
# this policy instead of the site's. Scripts still come only from this site (no inline script:
# Swagger UI's initialiser is served as a separate file by SpectacularSwaggerSplitView).
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


def docs_csp(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CSP
        return response

    return wrapped


class Pagination(PageNumberPagination):
    """DRF's page-number pagination, its schema describing what ``next`` and ``previous`` are
    (absolute links to the neighbouring pages, or null) instead of DRF's generic example links."""

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        for key in ("count", "next", "previous"):
            properties[key].pop("example", None)
        properties["count"]["description"] = "How many items the whole list has."
        properties["next"]["description"] = "Absolute URL of the next page; null on the last."
        properties["previous"]["description"] = (
            "Absolute URL of the previous page; null on the first."
        )
        return described
