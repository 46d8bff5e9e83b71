"""Public pages of the knowledge base, and the admin's Markdown preview."""

import unicodedata

from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.views.decorators.http import require_POST

from .filters import CaseStudyFilterSet
from .markdown import render_markdown
from .models import CaseStudy, GlossaryTerm, Theme
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
            "matching_themes": _themes_searched(filterset),
        },
    )


def _themes_searched(filterset) -> list:
    """The themes a valid search names, in French or English: one query, only when searching."""
    if not filterset.is_bound or "q" in filterset.form.errors:
        return []
    q = (getattr(filterset.form, "cleaned_data", {}).get("q") or "").strip()
    if not q:
        return []
    return list(Theme.objects.search(q).only("slug", "name", "definition")[:5])


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


def sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order as a dictionary has it: accents and case ignored first
    ("Équité" among the E), then used to break ties."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return plain.casefold(), text


def _simulations_by_theme(language: str) -> dict[str, list[dict]]:
    """{theme slug: [{"slug", "title", "lang"}]} from the simulations' declared themes (no
    query), titles in the page's language."""
    if not apps.is_installed("simulations"):
        return {}
    from simulations.engine import all_simulations

    found: dict[str, list[dict]] = {}
    for simulation in all_simulations():
        english = str(simulation.title)
        title = gettext(english)
        # Not yet in the catalogue: the English title, marked as English on a French page.
        lang = "en" if title == english and not language.startswith("en") else ""
        for slug in simulation.themes:
            found.setdefault(slug, []).append(
                {"slug": simulation.slug, "title": title, "lang": lang}
            )
    return found


def _quizzes_by_theme(theme_ids) -> dict[int, list]:
    """{theme id: [published quiz]}: one query."""
    if not theme_ids or not apps.is_installed("quiz"):
        return {}
    Quiz = apps.get_model("quiz", "Quiz")
    links = (
        Quiz.themes.through.objects.filter(
            theme_id__in=theme_ids, quiz__in=Quiz.objects.published()
        )
        .select_related("quiz")
        .order_by("quiz__slug")
    )
    found: dict[int, list] = {}
    for link in links:
        found.setdefault(link.theme_id, []).append(link.quiz)
    return found


# The other language, as the glossary's introduction names it ("its equivalent in English").
LANGUAGE_NAMES = {
    "fr": pgettext_lazy("its equivalent in …", "French"),
    "en": pgettext_lazy("its equivalent in …", "English"),
}


def glossary(request):
    """The course's vocabulary, in the page's language with the other one beside it."""
    codes = [code for code, _name in settings.LANGUAGES]
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language not in codes:
        language = settings.LANGUAGE_CODE
    other = next(code for code in codes if code != language)
    terms = list(GlossaryTerm.objects.select_related("theme"))
    simulations = _simulations_by_theme(language)
    quizzes = _quizzes_by_theme({t.theme_id for t in terms if t.theme_id})
    entries = []
    for term in terms:
        shown = getattr(term, f"term_{language}") or getattr(term, f"term_{other}") or ""
        entries.append(
            {
                "term": term,
                "other_term": getattr(term, f"term_{other}") or "",
                "other_definition": getattr(term, f"definition_{other}") or "",
                "theme": term.theme,
                "simulations": simulations.get(term.theme.slug, []) if term.theme else [],
                "quizzes": quizzes.get(term.theme_id, []),
                "sort_key": sort_key(shown),
            }
        )
    entries.sort(key=lambda entry: entry["sort_key"])
    return render(
        request,
        "kb/glossary.html",
        {
            "entries": entries,
            "other_language": other,
            "other_name": LANGUAGE_NAMES.get(other, other),
        },
    )


@require_POST
def markdown_preview(request):
    """Staff only: the sanitised HTML a Markdown field will show (the admin's Preview button)."""
    if not (request.user.is_active and request.user.is_staff):
        return HttpResponseForbidden(gettext("Staff only."))
    text = request.POST.get("text", "")[:PREVIEW_MAX_CHARS]
    return JsonResponse({"html": render_markdown(text)})
