"""Shared helpers for the models translated with django-modeltranslation.

``translation.py`` in each app registers the fields; these helpers keep the per-language
derived HTML in step and register the edit history once the translated columns exist.
"""

from __future__ import annotations

import simple_history
from django.conf import settings
from django.db import models


def languages() -> list[str]:
    """The site's language codes, French first."""
    return [code for code, _ in settings.LANGUAGES]


def localized(field: str) -> list[str]:
    """``"body"`` → ``["body_fr", "body_en"]``."""
    return [f"{field}_{code}" for code in languages()]


def render_each_language(instance, source: str, target: str, render, normalize=None) -> None:
    """Render ``source_<lang>`` into ``target_<lang>`` for every language.

    An empty translation stays empty, so the reader's fallback to the other language applies
    (and is marked as such on the page).
    """
    for code in languages():
        text = getattr(instance, f"{source}_{code}", None) or ""
        if normalize is not None:
            text = normalize(text)
            setattr(instance, f"{source}_{code}", text)
        setattr(instance, f"{target}_{code}", render(text) if text else "")


class TranslatedVersion:
    """Base of every historical model of a translated model: ``version.title`` reads the
    active language's column, falling back to the other, as on the live object."""

    _translated_fields: tuple[str, ...] = ()

    def __getattr__(self, name):
        if name.startswith("_") or name not in type(self)._translated_fields:
            raise AttributeError(name)
        from django.utils.translation import get_language

        current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        order = [current] + [code for code in languages() if code != current]
        for code in order:
            value = self.__dict__.get(f"{name}_{code}")
            if value:
                return value
        return ""


def register_history(model, *, excluded=(), m2m_fields=()) -> None:
    """Register ``model`` with django-simple-history after its translated columns exist.

    django-simple-history copies a model's fields when the historical model is built; built at
    class creation (``history = HistoricalRecords()``) it would miss the ``_fr``/``_en``
    columns that django-modeltranslation adds later, so a version would keep one language
    only. Registering here, from ``translation.py``, is the combination both projects document.
    The historical tables keep the per-language columns, not the untranslated one (versions
    made before the site spoke French had it copied into ``_en`` by the migration).
    """
    from modeltranslation.translator import translator

    excluded_fields = []
    for name in excluded:
        excluded_fields.append(name)
        excluded_fields.extend(localized(name))
    # The untranslated column of a translated field only mirrors one language: a version keeps
    # the per-language columns, so a diff never shows "title" and "title_en" for one change.
    excluded_fields.extend(
        name
        for name in translator.get_options_for_model(model).fields
        if name not in excluded_fields
    )
    translated = tuple(translator.get_options_for_model(model).fields)
    base = type(
        f"{model.__name__}TranslatedVersion",
        (TranslatedVersion,),
        {"_translated_fields": translated},
    )
    simple_history.register(
        model,
        excluded_fields=excluded_fields,
        m2m_fields=list(m2m_fields),
        bases=[base, models.Model],
    )
