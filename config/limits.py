"""Limits on what a request may bring, and clear answers when the site cannot take it.

- ``RequestLimitsMiddleware`` refuses, before anything reads the body (CSRF, sessions, views):
  a body larger than allowed (413), on every route: API JSON bodies are limited to
  ``API_MAX_BODY_BYTES``, any other body (forms, multipart uploads such as the admin's GIFT
  import) to ``REQUEST_MAX_BODY_BYTES``. Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count
  file parts, and CsrfViewMiddleware reads ``request.POST``, which spools a file to disk, before
  any view or permission check: the size is checked on Content-Length first. A request without
  Content-Length has, for Django, an empty body (a chunked body is never read).
- It also refuses a path holding a NUL character (400): PostgreSQL refuses NUL in a query, so
  a lookup such as ``/api/v1/runs/%00/`` would fail there with a 500.
- ``DatabaseBusy`` (SQLite: another write transaction held the write lock longer than the wait
  allowed, see config.sqlite) becomes a 503 with ``Retry-After``, for the API in its JSON shape.
- ``SafeJSONParser``: DRF's JSON parser, with JSON nested deeper than ``JSON_MAX_DEPTH`` and
  strings holding lone surrogates (which no UTF-8 reply can echo) refused as a 400.
"""

import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from config.sqlite.base import DatabaseBusy

API_PREFIX = "/api/"
BODY_TOO_LARGE = _("Request bodies are limited to {limit} bytes.")
NUL_IN_PATH = _("The address contains a null character.")
DATABASE_BUSY = _(
    "The site is busy saving other work. Nothing was saved: please try again in a few seconds."
)
JSON_TOO_DEEP = _("JSON nested more than {depth} levels deep is not accepted.")
JSON_LONE_SURROGATE = _("JSON strings must be valid Unicode (a lone surrogate was found).")
JSON_MAX_DEPTH = 32
BUSY_RETRY_AFTER_SECONDS = 5
_SURROGATE = re.compile("[\ud800-\udfff]")


def _error(request, status: int, code: str, message: str, headers=None):
    # This middleware may answer before LocaleMiddleware runs: pick the language as it would
    # (the /fr/ or /en/ prefix, the saved choice, Accept-Language, else French).
    try:
        language = translation.get_language_from_request(request, check_path=True)
    except Exception:  # a malformed path or header: the default language
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        message = str(message)
    if request.path.startswith(API_PREFIX):
        body = {"error": {"status": status, "code": code, "message": message, "fields": {}}}
        response = JsonResponse(body, status=status)
        response["Content-Language"] = language
    else:
        page = (
            f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{status}</title></head><body><h1>{status}</h1><p>{escape(message)}</p>"
            "</body></html>"
        )
        response = HttpResponse(page, status=status)
        response["Content-Language"] = language
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return _error(request, 400, "parse_error", NUL_IN_PATH)
        if request.method in ("POST", "PUT", "PATCH"):
            if request.path.startswith(API_PREFIX):
                limit = settings.API_MAX_BODY_BYTES
            else:
                limit = settings.REQUEST_MAX_BODY_BYTES
            raw = request.META.get("CONTENT_LENGTH") or "0"
            try:
                length = int(raw)
            except ValueError:
                length = -1
            if length < 0 or length > limit:
                message = BODY_TOO_LARGE.format(limit=limit)
                return _error(request, 413, "request_too_large", message)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseBusy):
            return busy_response(request)
        return None


def busy_response(request):
    """503 with Retry-After: a write could not get its turn in time; nothing was written."""
    return _error(
        request,
        503,
        "database_busy",
        DATABASE_BUSY,
        headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
    )


def _check_json(data) -> None:
    """ParseError for nesting deeper than JSON_MAX_DEPTH or a string with a lone surrogate."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise ParseError(JSON_LONE_SURROGATE)
        elif isinstance(value, dict | list):
            if depth > JSON_MAX_DEPTH:
                raise ParseError(JSON_TOO_DEEP.format(depth=JSON_MAX_DEPTH))
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)


class SafeJSONParser(JSONParser):
    """DRF's JSONParser; deep nesting (RecursionError in ``json``) and lone surrogates are a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(JSON_TOO_DEEP.format(depth=JSON_MAX_DEPTH)) from None
        _check_json(data)
        return data
