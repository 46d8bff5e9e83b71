"""The course path's hook on the home page: the base-rate guess, posted to its step."""

from django import template

from course.path import all_steps

register = template.Library()

HOOK_SIMULATION = "base-rate"


@register.simple_tag
def course_hook():
    """The first step that asks the base-rate guess (None when the course is not loaded)."""
    for step in all_steps():
        if step.prediction is not None and step.simulation == HOOK_SIMULATION:
            return step
    return None
