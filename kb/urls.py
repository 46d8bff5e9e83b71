"""Pages of the knowledge base."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .feeds import LatestCasesFeed

app_name = "kb"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/feed/", LatestCasesFeed(), name="feed"),
    path("cases/<slug:slug>/", views.case_detail, name="case-detail"),
    path("cases/<slug:slug>/cite.bib", views.case_cite, name="case-cite"),
    path("themes/", views.theme_list, name="theme-list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme-detail"),
    # Translators: the glossary page's address (/fr/glossaire/): lower case, ends with "/".
    path(_("glossary/"), views.glossary, name="glossary"),
    path("preview/markdown/", views.markdown_preview, name="markdown-preview"),
]
