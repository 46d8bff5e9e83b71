"""Presentation helpers for quiz templates; no queries."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from kb.markdown import render_markdown

register = template.Library()


@register.simple_tag
def answered_prompt(answer):
    """The prompt as the student read it: the stored HTML, or the kept text if edited since."""
    question = answer.question
    if answer.question_text == question.prompt:
        return mark_safe(question.prompt_html)  # rendered and sanitised when saved
    return mark_safe(render_markdown(answer.question_text))  # sanitised by render_markdown


def plural_count(value) -> int:
    """An integer that picks the right plural form for `value` points in English and French.

    Whole numbers are themselves; a fraction below 2 (0.5, 1.5) takes 0, which is plural in
    English ("0.5 points") and singular in French ("0,5 point"); larger fractions their floor.
    """
    value = Decimal(str(value or 0))
    if value == value.to_integral_value():
        return int(value)
    return 0 if value < 2 else int(value)


@register.simple_tag
def points_out_of(points, total):
    """'1.5 / 2 points' in the page's language and number format."""
    return ngettext(
        "%(points)s / %(total)s point", "%(points)s / %(total)s points", plural_count(total)
    ) % {"points": floatformat(points, "-2"), "total": floatformat(total, "-2")}


@register.simple_tag
def points(value):
    """'2 points', '0.5 points' (French '0,5 point')."""
    return ngettext("%(n)s point", "%(n)s points", plural_count(value)) % {
        "n": floatformat(value, "-2")
    }


@register.filter
def na(value, digits=0):
    """A statistic with `digits` decimals in the page's number format, or "n/a" when it cannot
    be computed."""
    if value is None:
        return gettext("n/a")
    return number_format(round(value, int(digits)), int(digits))


@register.filter
def percent(value, digits=0):
    """A percentage in the page's format: '73%' in English, '73 %' in French; "n/a" for None."""
    if value is None or value == "":
        return gettext("n/a")
    number = number_format(round(float(value), int(digits)), int(digits))
    return gettext("%(number)s%%") % {"number": number}


@register.simple_tag
def question_links(numbers):
    """'<a href="#question-2">2</a>, <a href="#question-5">5</a>' for the unanswered warning."""
    return format_html_join(", ", '<a href="#question-{}">{}</a>', ((n, n) for n in numbers))


@register.filter
def number(value):
    """A number as the quiz shows it in the active language (0.239; in French 0,239)."""
    from quiz.models import format_number

    return format_number(value)
