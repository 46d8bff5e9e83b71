"""Language choice outside the translated page URLs (the API and the admin).

Pages live under ``/fr/`` and ``/en/`` (``i18n_patterns``); Django's LocaleMiddleware reads the
prefix there. Elsewhere it reads the language cookie, then ``Accept-Language``, then French.
The API also takes ``?lang=fr|en`` (handy in a browser or a script): this middleware turns
it into the language Django activates, before LocaleMiddleware runs.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone, translation

API_PREFIX = "/api/"
LANG_PARAM = "lang"


def supported(code: str | None) -> str | None:
    """``"fr"``/``"en"`` for a code Django supports (``"EN-gb"`` → ``"en"``), else None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


class ApiLanguageMiddleware:
    """``/api/…?lang=en`` answers in English whatever the browser says.

    An unknown value is ignored (the usual choice applies); the API's language is always
    stated in ``Content-Language`` and the caches vary on it (``Vary: Accept-Language``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            # The API's language depends on the request's headers and query only (its caches
            # vary on Accept-Language): the pages' saved choice (a cookie) does not apply.
            request.COOKIES.pop(settings.LANGUAGE_COOKIE_NAME, None)
            forced = supported(request.GET.get(LANG_PARAM))
            if forced:
                # LocaleMiddleware reads the header when the path has no prefix: rewrite it so
                # the one decision is Django's own.
                request.META["HTTP_ACCEPT_LANGUAGE"] = forced
            # The API's times are in UTC ("…+00:00") whatever zone the pages show (TIME_ZONE).
            with timezone.override(datetime.UTC):
                response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return self.get_response(request)
