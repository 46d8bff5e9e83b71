"""Public pages of the knowledge base, and the admin's Markdown preview."""

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from .filters import CaseStudyFilterSet
from .markdown import render_markdown
from .models import CaseStudy, Theme
from .panels import CASE_PANELS, THEME_PANELS, render_panels

CASES_PER_PAGE = 12
THEME_CASES_SHOWN = 24  # a theme can gather thousands of cases: the case list pages the rest
PREVIEW_MAX_CHARS = 200_000


def home(request):
    return render(
        request,
        "kb/home.html",
        {
            "featured": CaseStudy.objects.featured_or_recent(),
            "case_count": CaseStudy.objects.published().count(),
            "themes": Theme.objects.only("slug", "name", "definition"),
        },
    )


def case_list(request):
    base = CaseStudy.objects.published().for_listing()
    filterset = CaseStudyFilterSet(request.GET or None, queryset=base)
    paginator = Paginator(filterset.qs, CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    filtering = any(v for k, v in request.GET.items() if k not in ("page", "sort") and v.strip())
    # A search alone leaves the filter panel folded, so on a phone the results come first.
    filters_chosen = any(
        v.strip() for k, v in request.GET.items() if k not in ("page", "sort", "q")
    ) or bool(filterset.is_bound and filterset.errors)
    return render(
        request,
        "kb/case_list.html",
        {
            "filter": filterset,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "cases": page.object_list,
            "filtering": filtering,
            "filters_chosen": filters_chosen,
        },
    )


def case_detail(request, slug):
    case = get_object_or_404(CaseStudy.objects.visible_to(request.user).for_detail(), slug=slug)
    url = request.build_absolute_uri(case.get_absolute_url())
    return render(
        request,
        "kb/case_detail.html",
        {
            "case": case,
            "key_facts": case.numbered_key_facts(),
            "sources": case.sources.all(),
            "timeline": case.timeline.all(),
            "citation_text": case.citation_text(url),
            "citation_bibtex": case.citation_bibtex(url),
            "panels": render_panels(CASE_PANELS, case, request),
        },
    )


def case_cite(request, slug):
    """The case's BibTeX entry as a .bib download."""
    case = get_object_or_404(CaseStudy.objects.visible_to(request.user), slug=slug)
    url = request.build_absolute_uri(case.get_absolute_url())
    response = HttpResponse(
        case.citation_bibtex(url), content_type="application/x-bibtex; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{case.slug}.bib"'
    return response


def theme_list(request):
    themes = Theme.objects.with_published_case_counts()
    return render(request, "kb/theme_list.html", {"themes": themes})


def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    # One more than shown tells whether there are more, without counting them all.
    cases = list(theme.cases.published().for_listing().order_by("title")[: THEME_CASES_SHOWN + 1])
    return render(
        request,
        "kb/theme_detail.html",
        {
            "theme": theme,
            "cases": cases[:THEME_CASES_SHOWN],
            "more_cases": len(cases) > THEME_CASES_SHOWN,
            "panels": render_panels(THEME_PANELS, theme, request),
        },
    )


@require_POST
def markdown_preview(request):
    """Staff only: the sanitised HTML a Markdown field will show (the admin's Preview button)."""
    if not (request.user.is_active and request.user.is_staff):
        return HttpResponseForbidden(gettext("Staff only."))
    text = request.POST.get("text", "")[:PREVIEW_MAX_CHARS]
    return JsonResponse({"html": render_markdown(text)})
