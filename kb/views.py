"""Public pages of the knowledge base."""

from django.shortcuts import render

from .models import CaseStudy, Theme


def home(request):
    featured = CaseStudy.objects.published().for_listing().filter(is_featured=True)[:6]
    themes = Theme.objects.all()
    return render(request, "kb/home.html", {"featured": featured, "themes": themes})
