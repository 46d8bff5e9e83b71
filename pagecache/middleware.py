"""Serve public pages to anonymous visitors from the cache, keyed by the content generation.

Which views: settings.PAGE_CACHE["VIEWS"] (URL names). What is never cached or served from the
cache: anything but GET/HEAD; requests from a logged-in user (teachers see drafts and their own
links) or carrying an Authorization header (API tokens); requests with messages waiting to be
shown; responses other than 200, streamed ones, ones that set a cookie, changed the session, or
say private/no-store. A cached page stays valid until any content model changes
(pagecache.apps.CONTENT_MODELS) or TIMEOUT seconds pass.

Forms: a page whose only per-visitor part is the CSRF token of its forms (a simulation run's
"run again" button) is stored with the token replaced by a placeholder, and every hit gets the
visitor's own token (get_token: the CSRF middleware then sets the cookie, as for a fresh page).
A page that used the token any other way is not cached.

Pages that are personal once the visitor has a session (a quiz: the attempt in progress, the
attempts left) are listed in SESSIONLESS_VIEWS: they are served from and stored in the cache
only for requests that carry no session cookie. VARIANTS maps a view to a number n: each such
request is given request.page_cache_variant, a random integer below n that is part of the key,
so a view can render n different pages (a quiz's n question orders) and all are cached.

On a hit the view does not run; the middleware below this one still does (security headers,
CSP, ETag), so a cached page carries the same headers as a fresh one.
"""

import hashlib
import re
import secrets

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from .models import current_generation

# Headers a view sets that belong to the page itself; everything else is added per request.
KEPT_HEADERS = {
    "content-type",
    "cache-control",
    "vary",
    "last-modified",
    "content-language",
    "allow",
}
# What {% csrf_token %} renders; the placeholder cannot occur in HTML text (NUL bytes).
CSRF_INPUT_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,128})"')
CSRF_PLACEHOLDER = b"\x00csrf-token\x00"


def page_cache_settings() -> dict:
    defaults = {
        "ENABLED": True,
        "VIEWS": (),
        "SESSIONLESS_VIEWS": (),
        "VARIANTS": {},
        "TIMEOUT": 600,
        "CACHE": "default",
        "GENERATION_MAX_AGE": 0,
    }
    return defaults | getattr(settings, "PAGE_CACHE", {})


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        config = page_cache_settings()
        match = request.resolver_match
        if not config["ENABLED"] or match is None or match.view_name not in config["VIEWS"]:
            return None
        if not self.request_is_public(request):
            return None
        if (
            match.view_name in config["SESSIONLESS_VIEWS"]
            and settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return None
        variant = None
        if match.view_name in config["VARIANTS"]:
            variant = secrets.randbelow(config["VARIANTS"][match.view_name])
            request.page_cache_variant = variant
        cache = caches[config["CACHE"]]
        key = self.key(request, current_generation(config["GENERATION_MAX_AGE"]), variant)
        stored = cache.get(key)
        if stored is not None:
            status, content, headers = stored
            if CSRF_PLACEHOLDER in content:
                content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = view_func(request, *view_args, **view_kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if self.response_is_public(request, response):
            content = self.without_csrf_tokens(request, response.content)
            if content is not None:
                headers = [(k, v) for k, v in response.items() if k.lower() in KEPT_HEADERS]
                cache.set(key, (response.status_code, content, headers), config["TIMEOUT"])
                response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def without_csrf_tokens(request, content: bytes) -> bytes | None:
        """The page with its form tokens replaced by the placeholder; None if it cannot be."""
        if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds no token
            return content
        tokens = set(CSRF_INPUT_RE.findall(content))
        if not tokens or CSRF_PLACEHOLDER in content:
            return None
        for token in tokens:
            content = content.replace(token, CSRF_PLACEHOLDER)
        return content

    @staticmethod
    def request_is_public(request) -> bool:
        if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
            return False
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated:
            return False
        messages = getattr(request, "_messages", None)
        return not (messages is not None and len(messages))  # len() does not consume them

    @staticmethod
    def response_is_public(request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return False
        cache_control = response.get("Cache-Control", "")
        return "private" not in cache_control and "no-store" not in cache_control

    @staticmethod
    def key(request, generation: int, variant: int | None = None) -> str:
        """Everything the page depends on for an anonymous visitor: where it was asked for
        (host and scheme appear in absolute links and citations), the path and query, the
        format asked for (the API negotiates JSON or HTML from Accept), the language the page
        is rendered in (from the /fr/ or /en/ prefix, or Accept-Language and ?lang= for the
        API) and the variant."""
        parts = [
            translation.get_language() or "",
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            request.META.get("HTTP_ACCEPT", ""),
            "" if variant is None else str(variant),
        ]
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return f"page:{generation}:{digest}"
