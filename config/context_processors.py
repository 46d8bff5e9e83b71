"""Template context shared by every page."""

from django.conf import settings


def site(request):
    return {"admin_url": settings.ADMIN_URL}
