"""Atom feed of new and updated published cases (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from .models import CaseStudy

FEED_SIZE = 20


class LatestCasesFeed(Feed):
    feed_type = Atom1Feed
    title = _("Reality Check: new and updated cases")
    subtitle = _("Sourced case studies of what machine learning does to people.")
    link = reverse_lazy("kb:case-list")
    author_name = "Reality Check"

    def items(self):
        return CaseStudy.objects.published().for_listing().order_by("-updated_at")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom marks the summary as HTML; the summary is plain text, so escape it.
        return escape(item.summary)

    def item_pubdate(self, item):
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [theme.name for theme in item.themes.all()]
