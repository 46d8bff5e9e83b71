"""Template tags of the live check-in (the start form included on the teacher's class page)."""

from django import template

from classroom.models import LiveSession, LiveState
from quiz.models import Quiz

register = template.Library()


@register.simple_tag
def live_start_options(classroom, user):
    """The quizzes a teacher may run live (with questions), and the class's running session."""
    quizzes = (
        Quiz.objects.visible_to(user)
        .filter(is_archived=False, questions__is_archived=False)
        .distinct()
        .order_by("title")
        .only("pk", "title", "is_published")
    )
    running = (
        LiveSession.objects.filter(classroom=classroom)
        .exclude(state=LiveState.FINISHED)
        .order_by("-pk")
        .first()
    )
    return {"quizzes": quizzes, "running": running}
