"""Site-wide views that belong to no app."""

from django.conf import settings
from django.db import connection
from django.http import (
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.templatetags.static import static
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse(
            {"status": "error", "database": str(exc.__class__.__name__)}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def not_found(request, exception=None):
    """404: the API's JSON error shape under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "error": {
                    "status": 404,
                    "code": "not_found",
                    "message": _("Not found."),
                    "fields": {},
                }
            },
            status=404,
        )
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every page (the admin's too): point them at the icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@never_cache
@require_GET
def switch_language(request, code):
    """Save the visitor's language (a cookie) and show the same page in it.

    A link, not a form, so every page stays cacheable (no CSRF token) and works without
    JavaScript. ``next`` is the page the visitor was on, path and query (same case, same
    filters, same run); only a local address is followed.
    """
    if code not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(
            _("Unknown language “%(code)s”.") % {"code": code}, content_type="text/plain"
        )
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/"):
        target = "/"
    # translate_url resolves the path in the active language: use the one the path is in.
    with translation.override(translation.get_language_from_path(target) or code):
        response = HttpResponseRedirect(translate_url(target, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
