"""Teachers see stored simulation runs, read-only: what students ran, with links to each page."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from .models import SimulationRun


@admin.register(SimulationRun)
class SimulationRunAdmin(admin.ModelAdmin):
    list_display = ["slug", "seed", "preset", "duration_ms", "created_at", "permalink"]
    list_filter = ["slug", "created_at"]
    search_fields = ["key", "slug", "preset"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    fields = [
        "permalink",
        "slug",
        "version",
        "seed",
        "preset",
        "params",
        "duration_ms",
        "created_at",
        "key",
    ]
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("result")

    @admin.display(description=gettext_lazy("Page"))
    def permalink(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), gettext("Open the run"))

    # Runs are computed by the site, never typed in: nobody adds or edits them here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
