"""Hooks into the rest of the site: quiz panels on case and theme pages, hand-over at login."""

from .services import hand_over_attempts


def quizzes_for_case(case, request):
    """The case's published quizzes (one query); None hides the panel."""
    quizzes = list(case.quizzes.published().only("slug", "title").order_by("title"))
    return {"quizzes": quizzes, "about": case.title} if quizzes else None


def quizzes_for_theme(theme, request):
    quizzes = list(theme.quizzes.published().only("slug", "title").order_by("title"))
    return {"quizzes": quizzes, "about": theme.name} if quizzes else None


def hand_over_on_login(sender, request, user, **kwargs):
    """An anonymous attempt made in this session becomes the user's when they log in."""
    if request is not None and hasattr(request, "session"):
        hand_over_attempts(session=request.session, user=user)
