from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from simulations import engine
from simulations.i18n import localize

from .models import Slide


def simulation_choices():
    return [(s.slug, localize(s.title)) for s in engine.all_simulations()]


class SlideForm(forms.ModelForm):
    simulations = forms.MultipleChoiceField(
        label=_("simulations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The simulations that let a student try the slide's point."),
    )

    class Meta:
        model = Slide
        fields = [
            "number",
            "section",
            "text",
            "themes",
            "cases",
            "simulations",
            "quizzes",
            "gap_note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["simulations"].choices = simulation_choices()


@admin.register(Slide)
class SlideAdmin(TranslationAdmin):
    """The course deck, slide by slide, and what the site has for each (the coverage table)."""

    form = SlideForm
    list_display = ["number", "text", "section"]
    list_display_links = ["number", "text"]
    list_filter = ["section"]
    search_fields = ["text_fr", "text_en"]
    filter_horizontal = ["themes", "cases", "quizzes"]
    fields = SlideForm.Meta.fields
