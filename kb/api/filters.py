"""Filters of the case list endpoint (query parameters documented in the OpenAPI schema)."""

import django_filters
from django.db.models import Q

from kb.models import MAX_YEAR, MIN_YEAR, CaseStatus, CaseStudy, Sector


class CaseStudyFilter(django_filters.FilterSet):
    theme = django_filters.CharFilter(
        field_name="themes__slug", help_text="Theme slug, e.g. feedback-loops."
    )
    sector = django_filters.ChoiceFilter(choices=Sector.choices)
    country = django_filters.CharFilter(
        field_name="countries__slug", help_text="Country slug, e.g. united-kingdom."
    )
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    year_from = django_filters.NumberFilter(
        method="filter_year_from",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text="Cases still running in or after this year.",
    )
    year_to = django_filters.NumberFilter(
        field_name="start_year",
        lookup_expr="lte",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text="Cases that started by this year.",
    )

    class Meta:
        model = CaseStudy
        fields = ["theme", "sector", "country", "status", "year_from", "year_to"]

    def filter_year_from(self, queryset, name, value):
        return queryset.filter(Q(end_year__isnull=True) | Q(end_year__gte=value))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Only the joins through themes and countries can repeat a case.
        if self.form.cleaned_data.get("theme") or self.form.cleaned_data.get("country"):
            queryset = queryset.distinct()
        return queryset
