from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from simulations import engine
from simulations.i18n import localize

from .models import Guess, Slide


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


@admin.register(Guess)
class GuessAdmin(admin.ModelAdmin):
    """Students' guesses before a simulation's result ("predict, then see"): read-only, for a
    teacher to see which numbers students expect."""

    list_display = ["created_at", "simulation", "preset", "guess", "actual", "slide", "user"]
    list_filter = ["simulation"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "simulation",
        "preset",
        "metric",
        "guess",
        "actual",
        "slide",
        "user",
        "run_key",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
