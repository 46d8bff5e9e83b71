"""Admin forms: Markdown fields with a Preview button, and the rules inlines must enforce."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from .models import PUBLISHED_NEEDS_SOURCE, CaseStudy, Theme

PREVIEW_URL = reverse_lazy("kb:markdown-preview")


class MarkdownTextarea(forms.Textarea):
    """A textarea that static/kb/admin/markdown-preview.js gives a Preview button."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"rows": 16, "class": "markdown-input vLargeTextField", **(attrs or {})}
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-markdown-preview"] = str(PREVIEW_URL)
        return context


class CaseStudyAdminForm(forms.ModelForm):
    class Meta:
        model = CaseStudy
        fields = [
            "title",
            "slug",
            "summary",
            "body",
            "sector",
            "countries",
            "deployer",
            "developer",
            "start_year",
            "end_year",
            "status",
            "themes",
            "related",
            "discussion_questions",
            "is_published",
            "is_featured",
        ]
        widgets = {
            "body": MarkdownTextarea(attrs={"rows": 24}),
            "discussion_questions": MarkdownTextarea(attrs={"rows": 8}),
        }

    # True on the change form, where SourceInlineFormSet checks "published needs a source"
    # against the sources being saved in the same request (the model's own check only sees the
    # database). The admin turns it off for a history revert, which saves the case alone.
    sources_in_formset = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.sources_checked_elsewhere = self.sources_in_formset
        if "related" in self.fields and self.instance.pk:
            self.fields["related"].queryset = CaseStudy.objects.exclude(pk=self.instance.pk)


class ThemeAdminForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "slug", "definition", "explanation", "order"]
        widgets = {"explanation": MarkdownTextarea()}


class SourceInlineFormSet(forms.BaseInlineFormSet):
    """Refuses to leave a published case without sources (checked before anything is saved)."""

    def clean(self):
        super().clean()
        if not getattr(self.instance, "is_published", False):
            return
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError(PUBLISHED_NEEDS_SOURCE)
