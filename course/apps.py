from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourseConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "course"
    verbose_name = _("Course")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(hand_over_on_login, dispatch_uid="course-hand-over")


def hand_over_on_login(sender, request, user, **kwargs):
    """The course progress and guesses of this session become the user's when they log in."""
    if request is None or not hasattr(request, "session"):
        return
    from quiz.services import SESSION_OWNER_KEY

    from .models import Guess
    from .path import hand_over_progress

    hand_over_progress(session=request.session, user=user)
    token = request.session.get(SESSION_OWNER_KEY)
    if token:
        Guess.objects.filter(user__isnull=True, owner=token).update(user=user, owner="")
