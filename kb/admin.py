"""The teachers' admin: content with history (diff and revert), inlines, preview, publish actions."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from config.history_admin import ContentHistoryAdmin, PartHistoryAdmin

from .forms import (
    CaseStudyAdminForm,
    KeyFactInlineForm,
    KeyFactInlineFormSet,
    SourceInlineFormSet,
    ThemeAdminForm,
    first_error_anchor,
)
from .models import CaseStudy, Country, GlossaryTerm, KeyFact, Source, Theme, TimelineEvent

PUBLISH_REFUSED = _(
    "Not published, because {names} has no source yet: add at least one source first."
)
PUBLISH_REFUSED_MANY = _(
    "Not published, because {names} have no source yet: add at least one source first."
)
PREVIEW_MEDIA = {
    "js": ["kb/admin/markdown-preview.js", "kb/admin/keyfact-sources.js"],
    "css": {"all": ["kb/admin/admin.css"]},
}

# Editors paste addresses without a scheme; assume https (Django 6's default), not http.
URL_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


# django-modeltranslation's admin classes: each translated field appears once per language
# (title [fr], title [en]); the fieldsets below put the two languages side by side.


class SourceInline(TranslationStackedInline):
    model = Source
    formfield_overrides = URL_OVERRIDES
    formset = SourceInlineFormSet
    extra = 0
    fields = [
        ("title", "order"),
        ("publisher", "authors"),
        ("published_on", "date_precision"),
        ("kind", "origin", "language"),
        "url",
        "archived_url",
        ("supports_fr", "supports_en"),
    ]


class KeyFactInline(TranslationStackedInline):
    model = KeyFact
    form = KeyFactInlineForm
    formset = KeyFactInlineFormSet
    extra = 0
    fields = [
        ("statement_fr", "statement_en"),
        ("source", "order"),
        ("location_fr", "location_en"),
        "status",
        ("note_fr", "note_en"),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name.startswith("statement") and field is not None:
            # The whole sentence in view (a one-line box showed about 25 characters).
            field.widget = forms.Textarea(
                attrs={
                    "rows": 3,
                    "class": "vLargeTextField keyfact-statement",
                    "maxlength": db_field.max_length,
                }
            )
        return field


class TimelineEventInline(TranslationTabularInline):
    model = TimelineEvent
    extra = 0
    fields = ["date", "precision", "text_fr", "text_en"]


class FirstErrorAdminMixin:
    """The red "Please correct the errors below" banner links to the first error.

    Its change form template (templates/admin/first_error_change_form.html) reads
    ``first_error`` ({"anchor", "label"}) from the context.
    """

    def render_change_form(self, request, context, *args, **kwargs):
        adminform = context.get("adminform")
        inline_formsets = context.get("inline_admin_formsets") or []
        context["first_error"] = first_error_anchor(
            getattr(adminform, "form", None), [inline.formset for inline in inline_formsets]
        )
        return super().render_change_form(request, context, *args, **kwargs)


class DeclaredFieldsetsAdmin(TranslationAdmin):
    """TranslationAdmin whose ``fieldsets`` alone decide the form's layout.

    django-modeltranslation copies the form's ``Meta.fields`` into the admin's ``fields`` the
    first time it lays out a page; with ``fieldsets`` declared too, Django's system checks
    (admin.E005) then fail in that process. Our fieldsets already list every field.
    """

    def _get_declared_fieldsets(self, request, obj=None):
        fieldsets = super()._get_declared_fieldsets(request, obj)
        if self.fieldsets:
            self.fields = None
        return fieldsets


@admin.register(CaseStudy)
class CaseStudyAdmin(FirstErrorAdminMixin, ContentHistoryAdmin, DeclaredFieldsetsAdmin):
    form = CaseStudyAdminForm
    list_display = [
        "title",
        "sector",
        "years",
        "is_published",
        "source_count",
        "updated",
    ]  # fits 1280 px beside both sidebars; the status is one of the filters
    list_display_links = ["title"]
    list_filter = ["is_published", "is_featured", "sector", "status", "themes", "countries"]
    search_fields = [
        "title_fr",
        "title_en",
        "summary_fr",
        "summary_en",
        "body_fr",
        "body_en",
        "deployer_fr",
        "deployer_en",
        "developer_fr",
        "developer_en",
        "slug",
    ]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes", "related", "countries"]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    inlines = [SourceInline, KeyFactInline, TimelineEventInline]
    actions = ["publish", "unpublish"]
    save_on_top = True
    list_per_page = 50
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title_fr", "title_en"),
                    "slug",
                    ("summary_fr", "summary_en"),
                    ("is_published", "is_featured"),
                ]
            },
        ),
        (
            _("Text"),
            {
                "fields": [
                    "body_fr",
                    "body_en",
                    "discussion_questions_fr",
                    "discussion_questions_en",
                ]
            },
        ),
        (
            _("Facts"),
            {
                "fields": [
                    ("sector", "status", "status_as_of"),
                    ("start_year", "end_year"),
                    ("deployer_fr", "deployer_en"),
                    ("developer_fr", "developer_en"),
                    "countries",
                ]
            },
        ),
        (_("Links"), {"fields": ["themes", "related"]}),
        (_("Dates"), {"fields": [("published_at", "created_at", "updated_at")]}),
    ]

    class Media:
        js = PREVIEW_MEDIA["js"]
        css = PREVIEW_MEDIA["css"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_sources=Count("sources"))

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        # A key fact may cite a source added in the same save: its menu lists the new rows of
        # the sources inline, and the source is resolved once the sources are saved (first).
        by_model = {formset.model: formset for formset in formsets}
        if KeyFact in by_model and Source in by_model:
            by_model[KeyFact].sources_formset = by_model[Source]
        return formsets, inline_instances

    @admin.display(description=_("Updated"), ordering="updated_at")
    def updated(self, obj):
        """The date only: the list fits 1280 px with the titles on one or two lines."""
        from django.utils.formats import date_format
        from django.utils.timezone import localtime

        return date_format(localtime(obj.updated_at), "SHORT_DATE_FORMAT")

    @admin.display(description=_("Sources"), ordering="n_sources")
    def source_count(self, obj):
        return obj.n_sources

    @admin.display(description=_("Years"), ordering="start_year")
    def years(self, obj):
        return obj.years or "—"

    @admin.action(description=_("Publish the selected cases"), permissions=["change"])
    def publish(self, request, queryset):
        published, refused = 0, []
        for case in queryset.filter(is_published=False):
            if case.n_sources == 0:
                refused.append(case.title)
                continue
            case.is_published = True
            case._history_user = request.user
            case.save()
            published += 1
        if published:
            self.message_user(
                request,
                ngettext("Published %d case.", "Published %d cases.", published) % published,
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                (PUBLISH_REFUSED if len(refused) == 1 else PUBLISH_REFUSED_MANY).format(
                    names=", ".join(gettext("“{title}”").format(title=t) for t in refused)
                ),
                messages.ERROR,
            )

    @admin.action(
        description=_("Unpublish the selected cases (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = 0
        for case in queryset.filter(is_published=True):
            case.is_published = False
            case._history_user = request.user
            case.save()
            count += 1
        self.message_user(
            request,
            ngettext("Unpublished %d case.", "Unpublished %d cases.", count) % count,
            messages.SUCCESS,
        )


@admin.register(Theme)
class ThemeAdmin(DeclaredFieldsetsAdmin, SimpleHistoryAdmin):
    form = ThemeAdminForm
    list_display = ["name", "definition", "order", "case_count", "updated_at"]
    list_editable = ["order"]
    search_fields = [
        "name_fr",
        "name_en",
        "definition_fr",
        "definition_en",
        "explanation_fr",
        "explanation_en",
        "slug",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name_fr", "name_en"),
                    "slug",
                    ("definition_fr", "definition_en"),
                    "explanation_fr",
                    "explanation_en",
                    "order",
                ]
            },
        ),
    ]
    prepopulated_fields = {"slug": ["name"]}
    history_list_display = ["order"]

    class Media:
        js = PREVIEW_MEDIA["js"]
        css = PREVIEW_MEDIA["css"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_cases=Count("cases"))

    @admin.display(description=_("Cases"), ordering="n_cases")
    def case_count(self, obj):
        return obj.n_cases


@admin.register(Country)
class CountryAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name_fr", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(PartHistoryAdmin, TranslationAdmin, SimpleHistoryAdmin):
    """Sources are edited inside their case; this list finds and audits them across cases."""

    history_unit = "case"

    formfield_overrides = URL_OVERRIDES
    list_display = ["title", "publisher", "case", "kind", "origin", "published_on"]
    list_filter = ["kind", "origin", "case"]
    search_fields = ["title", "publisher", "authors", "url", "case__title_fr", "case__title_en"]
    list_select_related = ["case"]
    autocomplete_fields = ["case"]


@admin.register(KeyFact)
class KeyFactAdmin(PartHistoryAdmin, TranslationAdmin, SimpleHistoryAdmin):
    history_unit = "case"
    list_display = ["statement", "case", "status", "source"]
    list_filter = ["status", "case"]
    search_fields = [
        "statement_fr",
        "statement_en",
        "note_fr",
        "note_en",
        "case__title_fr",
        "case__title_en",
    ]
    list_select_related = ["case", "source"]
    autocomplete_fields = ["case"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs["queryset"] = Source.objects.select_related("case")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TimelineEvent)
class TimelineEventAdmin(PartHistoryAdmin, TranslationAdmin, SimpleHistoryAdmin):
    history_unit = "case"
    list_display = ["date", "precision", "text", "case"]
    list_filter = ["case"]
    search_fields = ["text_fr", "text_en", "case__title_fr", "case__title_en"]
    list_select_related = ["case"]
    autocomplete_fields = ["case"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(TranslationAdmin, SimpleHistoryAdmin):
    """The glossary's terms: French and English side by side (django-modeltranslation)."""

    list_display = ["term_fr", "term_en", "theme", "slug"]
    list_filter = ["theme"]
    list_select_related = ["theme"]
    search_fields = ["term_fr", "term_en", "definition_fr", "definition_en", "slug"]
    prepopulated_fields = {"slug": ["term_en"]}
    fields = ["term", "slug", "definition", "theme"]
