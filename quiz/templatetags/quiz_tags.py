"""Presentation helpers for quiz templates; no queries."""

from django import template
from django.utils.safestring import mark_safe

from kb.markdown import render_markdown

register = template.Library()


@register.simple_tag
def answered_prompt(answer):
    """The prompt as the student read it: the stored HTML, or the kept text if edited since."""
    question = answer.question
    if answer.question_text == question.prompt:
        return mark_safe(question.prompt_html)  # rendered and sanitised when saved
    return mark_safe(render_markdown(answer.question_text))  # sanitised by render_markdown


@register.filter
def na(value, digits=0):
    """A statistic with `digits` decimals, or "n/a" when it cannot be computed."""
    if value is None:
        return "n/a"
    return f"{value:.{int(digits)}f}"
