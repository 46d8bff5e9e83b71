"""Template context shared by every page."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation


def site(request):
    return {"admin_url": settings.ADMIN_URL}


def languages(request):
    """The language switcher and the ``hreflang`` alternates of the page being shown.

    ``language_links``: one entry per language, the switcher's link (it saves the choice, then
    opens the same page, query included, in that language). ``alternates``: absolute URLs of
    this page in each language, only on pages that have a language prefix.
    """
    current = translation.get_language()
    full_path = request.get_full_path()
    prefixed = translation.get_language_from_path(request.path_info) is not None
    links, alternates = [], []
    for code, name in settings.LANGUAGES:
        links.append(
            {
                "code": code,
                "name": name,
                "current": code == current,
                "url": f"{reverse('switch-language', args=[code])}?{urlencode({'next': full_path})}",
            }
        )
        if prefixed:
            alternates.append(
                {"code": code, "url": request.build_absolute_uri(translate_url(full_path, code))}
            )
    if prefixed:
        default = translate_url(full_path, settings.LANGUAGE_CODE)
        alternates.append({"code": "x-default", "url": request.build_absolute_uri(default)})
    return {"language_links": links, "alternates": alternates}
