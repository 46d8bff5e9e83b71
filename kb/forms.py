"""Admin forms: Markdown fields with a Preview button, and the rules inlines must enforce."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.urls import reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    PUBLISHED_NEEDS_SOURCE,
    VERIFIED_NEEDS_ORIGINAL,
    CaseStudy,
    FactStatus,
    Source,
    SourceOrigin,
    Theme,
)

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


# --- Rows added at the end, and a key fact citing a source added in the same save ---------

ORDER_BLANK_HELP = _("Leave empty to put it at the end.")
NEW_SOURCE = "new-"  # a key fact's source menu value for the sources inline's row number N
NEW_SOURCE_LABEL = _("New source (below): {title}")
NEW_SOURCE_UNTITLED = _("New source, row {n} (no title yet)")
NEW_SOURCE_INVALID = _(
    "The new source this key fact cites has an error: correct it in Sources, then save again."
)
KEYFACT_SOURCE_HELP = _(
    "A source of this case, numbered as on the public page. A source you add below in "
    "Sources, in this same form, is in this menu too: choose it and save once."
)


class AppendOrderFormSet(forms.BaseInlineFormSet):
    """Rows whose order is left empty go after the last row, in the order they were typed.

    The order field is optional in the form; an empty value becomes the largest order of the
    parent's rows + 1 when the row is saved (new rows first get theirs in form order).
    """

    order_field = "order"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get(self.order_field)
        if field is not None:
            field.required = False
            field.help_text = ORDER_BLANK_HELP
            if index is None or index >= self.initial_form_count():
                field.initial = None  # a new row: empty, placed at the end when saved

    def _next_order(self):
        if not hasattr(self, "_order_next"):
            top = None
            if self.instance.pk:
                top = (
                    self.model._default_manager.filter(**{self.fk.name: self.instance})
                    .aggregate(top=Max(self.order_field))
                    .get("top")
                )
            typed = [
                form.cleaned_data.get(self.order_field)
                for form in self.forms
                if getattr(form, "cleaned_data", None)
            ]
            self._order_next = max([v for v in [top, *typed] if v is not None], default=0) + 1
        value = self._order_next
        self._order_next += 1
        return value

    def _place(self, form):
        if getattr(form.instance, self.order_field, None) is None:
            setattr(form.instance, self.order_field, self._next_order())

    def save_existing(self, form, obj, commit=True):
        self._place(form)
        return super().save_existing(form, obj, commit=commit)

    def save_new(self, form, commit=True):
        self._place(form)
        return super().save_new(form, commit=commit)


class SourceInlineFormSet(AppendOrderFormSet):
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

    def new_rows(self):
        """(value, label, form) for each source row added in this request (not yet saved)."""
        if not self.is_bound:
            return []
        rows = []
        for index, form in enumerate(self.forms):
            if index < self.initial_form_count():
                continue
            title = (form.data.get(form.add_prefix("title")) or "").strip()
            label = (
                NEW_SOURCE_LABEL.format(title=title[:80])
                if title
                else NEW_SOURCE_UNTITLED.format(n=index + 1)
            )
            rows.append((f"{NEW_SOURCE}{index}", label, form))
        return rows


class KeyFactSourceField(forms.ChoiceField):
    """The case's sources, and the source rows added in the same form ("new-N")."""


class KeyFactInlineForm(forms.ModelForm):
    """A key fact; its source may be a source added in the same save (see KeyFactInlineFormSet)."""

    source = KeyFactSourceField(label=capfirst(_("source")), help_text=KEYFACT_SOURCE_HELP)

    def __init__(self, *args, sources_formset=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources_formset = sources_formset
        self.new_source_form = None
        existing = list(Source.objects.filter(case=case)) if case is not None and case.pk else []
        self.existing_sources = {str(s.pk): s for s in existing}
        choices = [("", "---------")]
        choices += [(str(s.pk), f"[{n}] {s}") for n, s in enumerate(existing, start=1)]
        if sources_formset is not None:
            choices += [(value, label) for value, label, _form in sources_formset.new_rows()]
        self.fields["source"].choices = choices
        if self.instance.pk and self.instance.source_id:
            self.initial["source"] = str(self.instance.source_id)
        self.fields["source"].widget.attrs["data-keyfact-source"] = "1"

    def clean_source(self):
        value = self.cleaned_data.get("source")
        if value in self.existing_sources:
            return self.existing_sources[value]
        if value and value.startswith(NEW_SOURCE) and self.sources_formset is not None:
            for row_value, _label, form in self.sources_formset.new_rows():
                if row_value != value:
                    continue
                deleted = form.data.get(form.add_prefix("DELETE"))
                if not form.is_valid() or not form.has_changed() or deleted:
                    raise ValidationError(NEW_SOURCE_INVALID)
                self.new_source_form = form
                return form.instance
        raise ValidationError(
            self.fields["source"].error_messages["invalid_choice"], params={"value": value}
        )

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if (
            self.new_source_form is not None
            and cleaned.get("status") == FactStatus.VERIFIED
            and source.origin != SourceOrigin.ORIGINAL
        ):
            # KeyFact.clean checks this for saved sources; a new one is checked here.
            self.add_error(
                "status",
                VERIFIED_NEEDS_ORIGINAL.format(origin=source.get_origin_display().lower()),
            )
        return cleaned

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.new_source_form is not None:
            exclude.add("source")  # not saved yet: it gets its id when the sources are saved
        return exclude


class KeyFactInlineFormSet(AppendOrderFormSet):
    sources_formset = None  # the case form's sources inline, set by the admin

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["sources_formset"] = self.sources_formset
        kwargs["case"] = self.instance
        return kwargs


def first_error_anchor(form, formsets) -> dict | None:
    """Where the first error of a change form is: {"anchor": element id, "label": text}.

    The admin's red banner links to it, so a teacher sees the error without hunting for it.
    """

    def field_anchor(f, name):
        if name == "__all__" or name not in f.fields:
            return None
        bound = f[name]
        label = str(bound.label)
        return {"anchor": bound.auto_id or bound.html_name, "label": label}

    if form is not None and form.errors:
        for name in form.errors:
            found = field_anchor(form, name)
            if found:
                return found
        return {"anchor": "content-main", "label": gettext("the form")}
    for formset in formsets:
        if formset.non_form_errors():
            label = str(formset.model._meta.verbose_name_plural)
            return {"anchor": f"{formset.prefix}-group", "label": label[:1].upper() + label[1:]}
        for index, f in enumerate(formset.forms):
            if not f.errors:
                continue
            name = str(formset.model._meta.verbose_name)
            row = gettext("{name} #{n}").format(name=name[:1].upper() + name[1:], n=index + 1)
            for field in f.errors:
                found = field_anchor(f, field)
                if found:
                    found["label"] = f"{row} › {found['label']}"
                    return found
            return {"anchor": f"{formset.prefix}-{index}", "label": row}
    return None
