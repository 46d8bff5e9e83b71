"""Fields a reader sees, in French and English (django-modeltranslation: one column each).

Sources keep their original title and language (``Source.language``); what a source
supports in the case is our text, so it is translated.
"""

from modeltranslation.translator import TranslationOptions, register

from config import history
from config.translation_support import register_history

from .models import (
    CaseStudy,
    Country,
    GlossaryTerm,
    KeyFact,
    Source,
    Theme,
    TimelineEvent,
)


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name", "definition", "explanation", "explanation_html")


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ("name",)


@register(GlossaryTerm)
class GlossaryTermTranslation(TranslationOptions):
    fields = ("term", "definition")
    required_languages = ("fr", "en")  # the glossary shows both, side by side


@register(CaseStudy)
class CaseStudyTranslation(TranslationOptions):
    fields = (
        "title",
        "summary",
        "body",
        "body_html",
        "deployer",
        "developer",
        "discussion_questions",
        "discussion_html",
    )


@register(Source)
class SourceTranslation(TranslationOptions):
    fields = ("supports",)


@register(KeyFact)
class KeyFactTranslation(TranslationOptions):
    fields = ("statement", "location", "note")


@register(TimelineEvent)
class TimelineEventTranslation(TranslationOptions):
    fields = ("text",)


register_history(Theme, excluded=["explanation_html"])
register_history(CaseStudy, excluded=["body_html", "discussion_html"], m2m_fields=["themes"])
register_history(Source)
register_history(GlossaryTerm)
register_history(KeyFact)
register_history(TimelineEvent)

# The case as a reader sees it, one version per save (config/history.py).
history.register(CaseStudy, follow=["sources", "key_facts", "timeline"])
history.register(Source)
history.register(KeyFact)
history.register(TimelineEvent)
