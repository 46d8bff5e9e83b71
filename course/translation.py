"""The slides' text and gap notes in French (the deck's own words) and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import Slide


@register(Slide)
class SlideTranslation(TranslationOptions):
    fields = ("text", "gap_note")
