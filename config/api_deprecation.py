"""Deprecation of API operations (issue 18's change policy).

Anything on its way out of /api/v1/ is listed in ``DEPRECATIONS`` (method, OpenAPI path) with
the day it was deprecated and the day it goes. Until then it keeps working, and every answer to
it carries:

- ``Deprecation: @<unix time>`` (RFC 9745): deprecated since then;
- ``Sunset: <HTTP date>`` (RFC 8594): the day it stops working, at least ``MIN_NOTICE_DAYS``
  after the deprecation;
- ``Link: <CHANGELOG>; rel="deprecation"``: where to read what replaces it.

The schema marks the operation ``deprecated: true`` (config.api_schema) and CHANGELOG.md says
what replaces it. ``DeprecationMiddleware`` (in MIDDLEWARE) adds the headers; it matches the
request against the URL pattern of each deprecated path.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.http import http_date

MIN_NOTICE_DAYS = 183  # six months
CHANGELOG_URL = "https://github.com/reality-check/reality-check/blob/main/CHANGELOG.md"


@dataclass(frozen=True)
class Deprecation:
    since: datetime.date
    sunset: datetime.date
    replacement: str = ""

    def __post_init__(self):
        if (self.sunset - self.since).days < MIN_NOTICE_DAYS:
            raise ValueError("A sunset comes at least six months after the deprecation.")

    def headers(self) -> dict[str, str]:
        def stamp(day):
            return int(datetime.datetime.combine(day, datetime.time(), datetime.UTC).timestamp())

        return {
            "Deprecation": f"@{stamp(self.since)}",
            "Sunset": http_date(stamp(self.sunset)),
            "Link": f'<{CHANGELOG_URL}>; rel="deprecation"',
        }


# (method, OpenAPI path) → Deprecation. Nothing is deprecated in v1 yet.
DEPRECATIONS: dict[tuple[str, str], Deprecation] = {}


def _pattern(path: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


def deprecation_for(method: str, path: str, registry=None) -> Deprecation | None:
    registry = DEPRECATIONS if registry is None else registry
    for (dep_method, template), deprecation in registry.items():
        if dep_method == method.lower() and _pattern(template).match(path):
            return deprecation
    return None


class DeprecationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if DEPRECATIONS and request.path.startswith("/api/"):
            method = "get" if request.method == "HEAD" else request.method
            deprecation = deprecation_for(method, request.path)
            if deprecation is not None:
                for name, value in deprecation.headers().items():
                    response[name] = value
        return response
