"""The case list's filters, search and sorting: one FilterSet for the page (and the API if it wants it).

Invalid values (an unknown theme slug, a decade that is not a number…) become form errors and
are ignored for filtering: django-filter only applies the fields that validated.
"""

import django_filters
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import CaseStatus, CaseStudy, Country, Sector, Theme

SORTS = {
    "relevance": (_("Best match, then title"), ()),
    "title": (_("Title (A–Z)"), ("title",)),
    "newest": (_("Newest first (start year)"), ("-start_year", "title")),
    "updated": (_("Recently updated"), ("-updated_at", "title")),
}
DEFAULT_SORT = "relevance"


def decade_choices():
    """The decades in which published cases started, e.g. [(2010, "2010s"), …]."""
    years = (
        CaseStudy.objects.published()
        .filter(start_year__isnull=False)
        .values_list("start_year", flat=True)
        .order_by("start_year")  # not Meta.ordering: "title" would join the DISTINCT (every row)
        .distinct()
    )
    decades = sorted({year - year % 10 for year in years})
    return [(str(d), gettext("{decade}s").format(decade=d)) for d in decades]


class CaseStudyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. facial recognition")}
        ),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="themes",
        to_field_name="slug",
        queryset=Theme.objects.only("slug", "name"),
        empty_label=_("Any theme"),
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=Sector.choices, empty_label=_("Any sector")
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        field_name="countries",
        to_field_name="slug",
        queryset=Country.objects.only("slug", "name"),
        empty_label=_("Any country"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CaseStatus.choices, empty_label=_("Any status")
    )
    decade = django_filters.ChoiceFilter(
        label=_("Decade (start year)"),
        choices=decade_choices,
        method="filter_decade",
        empty_label=_("Any decade"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[(key, label) for key, (label, _ordering) in SORTS.items()],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = CaseStudy
        fields = ["q", "theme", "sector", "country", "status", "decade", "sort"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_decade(self, queryset, name, value):
        return queryset.in_decade(int(value))

    def filter_sort(self, queryset, name, value):
        ordering = SORTS.get(value, SORTS[DEFAULT_SORT])[1]
        return queryset.order_by(*ordering) if ordering else queryset

    @property
    def qs(self):
        queryset = super().qs
        # A search already ranks its results; otherwise, and when "sort" is missing or invalid,
        # fall back to a stable order so pagination never shuffles.
        if not queryset.query.order_by:
            queryset = queryset.order_by("title", "pk")
        return queryset
