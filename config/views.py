"""Site-wide views that belong to no app."""

from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
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
            {"error": {"status": 404, "code": "not_found", "message": "Not found.", "fields": {}}},
            status=404,
        )
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every page (the admin's too): point them at the icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
