"""manage.py translation_report: word counts per language and the missing translations."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.kb.factories import CaseStudyFactory

pytestmark = pytest.mark.django_db


def report(*args):
    out = io.StringIO()
    call_command("translation_report", *args, stdout=out)
    return out.getvalue()


def test_lists_a_published_text_missing_in_one_language():
    CaseStudyFactory(slug="half", title_en="Only English here", title_fr="")
    out = report()
    assert "title (fr)" in out and "«Only English here»" in out
    assert "title (en)" not in out


def test_counts_words_per_language():
    CaseStudyFactory(
        slug="both",
        title_en="Two words",
        title_fr="Trois mots ici",
        summary_en="s",
        summary_fr="s",
        body_en="b",
        body_fr="b",
        discussion_questions_en="",
        discussion_questions_fr="",
    )
    line = next(line for line in report().splitlines() if line.startswith("content"))
    french, english = (int(n.replace(",", "")) for n in line.split()[1:])
    assert french - english == 1  # "Trois mots ici" against "Two words"


def test_drafts_are_not_reported():
    CaseStudyFactory(slug="draft", title_en="Draft in English", title_fr="", is_published=False)
    assert "Draft in English" not in report()


def test_strict_fails_when_something_is_missing():
    CaseStudyFactory(slug="half", title_en="Only English here", title_fr="")
    with pytest.raises(CommandError, match="missing translation"):
        report("--strict")
