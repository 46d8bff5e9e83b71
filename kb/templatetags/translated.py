"""Show a translated field, marking it when it falls back to the other language.

``{{ case|tr:"title" }}`` prints the case's title in the page's language; when that language's
column is empty (a teacher has not translated it yet) it prints the other language's text in a
``<span lang="en" class="untranslated">`` with a short note, so a reader sees that it is not a
translation and screen readers pronounce it in its own language. ``*_html`` fields (rendered
Markdown, already sanitised) are wrapped in a ``<div>`` instead.
"""

from django import template
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()


def fallback_language(obj, field: str) -> tuple[str, str] | None:
    """``(code, text)`` of the language shown when the current one is empty, else None."""
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if getattr(obj, f"{field}_{current}", None):
        return None
    for code, _ in settings.LANGUAGES:
        text = getattr(obj, f"{field}_{code}", None)
        if code != current and text:
            return code, text
    return None


@register.filter(name="tr")
def translated(obj, field: str):
    if obj is None or obj == "":
        return ""
    is_html = field.endswith("_html")
    fallback = fallback_language(obj, field)
    if fallback is None:
        value = getattr(obj, field, "") or ""
        return mark_safe(value) if is_html else conditional_escape(value)
    code, text = fallback
    note = gettext("Not yet translated: shown in the original language.")
    if is_html:
        return format_html(
            '<div lang="{}" class="untranslated"><p class="untranslated-note" lang="{}">{}</p>{}</div>',
            code,
            get_language(),
            note,
            mark_safe(text),
        )
    return format_html(
        '<span lang="{}" class="untranslated" title="{}">{}</span>', code, note, text
    )


@register.filter
def is_fallback(obj, field: str) -> bool:
    """True when ``field`` is shown in another language than the page's."""
    return obj is not None and fallback_language(obj, field) is not None
